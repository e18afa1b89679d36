"""Provides one HTTP(S) GET streamed to a callback, bounded in size and in time without data.

* ``StallBudget``: the seconds a download may go without receiving a byte, shared by the mirrors
  of one file: each mirror gets an equal part of what is left, so a stalled mirror hands over to
  the next and a stalled network ends once, after the whole budget — not once per mirror.
* The name lookup and the TCP connect together get one mirror's part (a host with many
  addresses does not get it once per address); every later read waits at most that part too.
* The body is capped (an endless body is cut off) and counted against Content-Length (urllib
  does not notice a short body).
* Redirects may not go from https to http, and certificate checks are never turned off.

Every failure of the mirror is ``MirrorFailed`` (the caller tries the next one); an exception from
the callback (a full disk, Ctrl+C) propagates unchanged. Standard library only.
"""

from __future__ import annotations

import functools
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

CHUNK = 64 * 1024


class MirrorFailed(Exception):
    """This mirror did not deliver this file; the next one is tried."""


class StallBudget:
    """``seconds`` without a byte arriving, in all; every byte that arrives restarts the count."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.last_data = time.monotonic()

    def data_arrived(self) -> None:
        self.last_data = time.monotonic()

    def share(self, mirrors_left: int) -> float:
        """One mirror's part of what is left (≤ 0: nothing left); ``mirrors_left`` counts it."""
        left = self.seconds - (time.monotonic() - self.last_data)
        return left / max(1, mirrors_left)


def get(
    url: str,
    sink: Callable[[bytes], None],
    *,
    cap: int,
    wait: float,
    budget: StallBudget,
    progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Stream the body of ``url`` into ``sink``; the number of bytes, or ``MirrorFailed``.

    Args:
        url: http or https.
        sink: receives each chunk; its exceptions propagate (they are not the mirror's fault).
        cap: the most bytes an honest server sends; more (announced or sent) fails the mirror.
        wait: the longest the connect, or any one read, may wait for data.
        budget: told whenever body bytes arrive.
        progress: called as ``progress(bytes_done, bytes_total_or_None)``.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise MirrorFailed("unsupported URL scheme (use http or https)")
    request = urllib.request.Request(
        url, headers={"User-Agent": "cnn-tui", "Accept-Encoding": "identity"}
    )
    try:
        with _OPENER.open(request, timeout=wait) as response:
            if response.status != 200:
                raise MirrorFailed(f"HTTP {response.status} {response.reason}")
            total = _content_length(response.headers.get("Content-Length"))
            if total is not None and total > cap:
                raise MirrorFailed(f"server announces {total:,} bytes, more than expected")
            done = 0
            if progress is not None:
                progress(0, total)
            while chunk := response.read1(CHUNK):  # read1: returns what one receive brought
                budget.data_arrived()
                done += len(chunk)
                if done > cap:
                    raise MirrorFailed(f"server sent more than {cap:,} bytes — aborted")
                sink(chunk)
                if progress is not None:
                    progress(done, total)
            if total is not None and done != total:
                raise MirrorFailed(f"connection closed after {done:,} of {total:,} bytes")
            return done
    except urllib.error.HTTPError as exc:
        exc.close()
        raise MirrorFailed(f"HTTP {exc.code} {first_line(exc.reason)}") from None
    except urllib.error.URLError as exc:
        raise MirrorFailed(_network_reason(exc.reason, wait)) from None
    except http.client.HTTPException as exc:
        raise MirrorFailed(f"connection error ({type(exc).__name__})") from None
    except OSError as exc:  # timeouts, resets, TLS errors during the body
        raise MirrorFailed(_network_reason(exc, wait)) from None


def seconds_text(seconds: float) -> str:
    """``15``, ``7.5``, ``0.25``: two significant digits, whole seconds from 10 on."""
    return f"{seconds:.0f}" if seconds >= 9.95 else f"{seconds:.2g}"


def first_line(value: object) -> str:
    text = str(value).strip()
    return (text.splitlines()[0] if text else type(value).__name__)[:160]


# ---------------------------------------------------------------------------------------------
# The connection: one deadline for lookup + connect, no TLS downgrade


def _connect_within(
    address: tuple[str, int], timeout: float | None, source_address: Any = None
) -> socket.socket:
    """``socket.create_connection`` with one deadline for the name lookup and every address
    tried, instead of ``timeout`` for each address in turn."""
    wait = 30.0 if timeout is None else timeout
    deadline = time.monotonic() + wait
    last: OSError = TimeoutError("timed out")
    for family, kind, proto, _, target in _lookup(address, wait):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(left)
            if source_address:
                sock.bind(source_address)
            sock.connect(target)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        sock.settimeout(wait)  # every later read: at most ``wait`` without data
        return sock
    raise last


def _lookup(address: tuple[str, int], wait: float) -> list[Any]:
    """``getaddrinfo`` within ``wait`` seconds (it has no timeout of its own, so it runs in a
    daemon thread that is left to finish on its own if the resolver hangs)."""
    found: list[Any] = []

    def resolve() -> None:
        try:
            found.append(socket.getaddrinfo(*address, 0, socket.SOCK_STREAM))
        except OSError as exc:
            found.append(exc)

    worker = threading.Thread(target=resolve, name="cnn-tui-dns", daemon=True)
    worker.start()
    worker.join(wait)
    if not found:
        raise TimeoutError("name lookup timed out")
    if isinstance(found[0], OSError):
        raise found[0]
    return list(found[0])


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_within  # http.client's hook for opening the socket


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_within


@functools.cache
def _tls() -> ssl.SSLContext:
    """Certificate and host name checks on, as urllib's default (made once, on first use)."""
    return ssl.create_default_context()


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPSConnection, req, context=_tls())


class NoDowngradeRedirect(urllib.request.HTTPRedirectHandler):
    """Follows redirects (urllib caps them and detects loops), except https → http or to any
    scheme other than http(s): those are refused, so a proxy or mirror cannot strip TLS."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        old = urlsplit(req.full_url).scheme
        new = urlsplit(urljoin(req.full_url, newurl)).scheme
        if new not in ("http", "https") or (old == "https" and new != "https"):
            raise urllib.error.HTTPError(
                req.full_url, code, f"redirect from {old} to {new} refused", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(NoDowngradeRedirect, _HTTPHandler, _HTTPSHandler)


def _content_length(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def _network_reason(reason: object, wait: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no data for {seconds_text(wait)} s (timed out)"
    if isinstance(reason, ssl.SSLError):
        return (
            f"TLS error ({first_line(reason)}); certificate checks stay on — "
            "check the proxy or the system's certificates"
        )
    if isinstance(reason, OSError):
        return f"cannot connect ({reason.strerror or first_line(reason)})"
    return f"cannot connect ({first_line(reason)})"
