"""Provides the verified MNIST download: ``download_mnist`` and the errors it raises.

Each of the four ``.gz`` files is fetched from the first mirror that delivers it intact:

* bytes go to ``<name>.gz.<random>.part`` in the target folder, never under the final name;
* every read has a timeout; the body is capped at the known size + a margin (an endless body is
  cut off) and counted against Content-Length (urllib does not notice a short body);
* the *decompressed* bytes must match design.md's SHA-256 (mirrors re-wrap the gzip), and
  decompression stops one byte past the known size;
* only then: fsync, ``os.replace`` to the final name, fsync the folder.

Any failure deletes the ``.part`` and moves on to the next mirror; Ctrl+C deletes it and re-raises.
Stale ``.part`` files from a killed run are removed at the start. Redirects may not go from https
to http, and certificate checks are never turned off. Standard library only.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import signal
import socket
import ssl
import stat
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, BinaryIO
from urllib.parse import urljoin, urlsplit

from cnn_tui.core.data.mnist import GZIP_MAGIC, MNIST_FILES, MnistFile, looks_like_html, show_path

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
"""Public MNIST mirrors, tried in order. Both serve the four ``.gz`` files under these names."""

CHUNK = 64 * 1024
Progress = Callable[[str, int, int | None], None]
"""``progress(file_name, bytes_done, bytes_total_or_None)``, called as bytes arrive."""


class DownloadError(Exception):
    """The download failed; the message is one line: what was tried, what went wrong, what to do."""

    exit_code = 5


class _MirrorFailed(Exception):
    """This mirror did not deliver this file; the next one is tried."""


def download_mnist(
    folder: str | os.PathLike[str],
    *,
    mirrors: Sequence[str] = MIRRORS,
    timeout: float = 30.0,
    progress: Progress | None = None,
    files: Sequence[MnistFile] = MNIST_FILES,
) -> list[Path]:
    """Make ``folder`` hold the verified MNIST files, downloading only those missing or corrupt.

    Args:
        folder: the target folder (created if missing).
        mirrors: base URLs (http or https) tried in order for each file.
        timeout: seconds any single connect or read may wait.
        progress: optional callback for a progress bar (see ``stderr_progress``).
        files: the expected files (stem, decompressed size, SHA-256); tests pass their own.

    Returns:
        The path of each file, in ``files`` order (an existing verified raw file counts).

    Raises:
        DownloadError: a file could not be fetched from any mirror, or the folder is unusable.
    """
    folder = Path(folder)
    _prepare_folder(folder, files)
    paths: list[Path] = []
    order = list(mirrors)
    for expected in files:
        present = _verified_copy(folder, expected)
        if present is not None:
            paths.append(present)
            continue
        errors: dict[str, str] = {}
        for mirror in order:
            try:
                paths.append(_fetch(folder, mirror, expected, timeout, progress))
            except _MirrorFailed as exc:
                errors[mirror] = str(exc)
                continue
            order.remove(mirror)
            order.insert(0, mirror)  # the mirror that worked goes first for the next file
            break
        else:
            raise DownloadError(_failure_message(folder, expected, errors, files))
    return paths


def verify_file(path: str | os.PathLike[str], expected: MnistFile) -> str | None:
    """None when ``path`` (gzip or raw) decompresses to exactly ``expected``; else the reason.

    Reads in 1 MiB pieces and stops one byte past ``expected.size``: a bomb costs nothing.
    """
    path = Path(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return "not a regular file"
        with open(path, "rb") as raw:
            packed = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            stream: BinaryIO = gzip.GzipFile(fileobj=raw) if packed else raw  # type: ignore[assignment]
            digest = hashlib.sha256()
            size = 0
            start = b""
            while size <= expected.size:
                chunk = stream.read(min(1 << 20, expected.size + 1 - size))
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
                start = start or chunk[:64]
    except EOFError:
        return "compressed data is incomplete"
    except (gzip.BadGzipFile, zlib.error) as exc:
        return f"corrupt gzip ({_first_line(exc)})"
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    if not packed and looks_like_html(start):
        return "got an HTML page instead of the file (an error page or a login portal?)"
    if size > expected.size:
        return f"decompresses to more than the {expected.size:,} bytes of {expected.stem}"
    if size < expected.size:
        return f"holds {size:,} bytes of data, {expected.stem} has {expected.size:,}"
    got = digest.hexdigest()
    if got != expected.sha256:
        return (
            f"checksum mismatch for {expected.gz_name} "
            f"(expected {expected.sha256[:16]}…, got {got[:16]}…)"
        )
    return None


# ---------------------------------------------------------------------------------------------
# The folder


def _prepare_folder(folder: Path, files: Sequence[MnistFile]) -> None:
    """Create ``folder`` if needed and remove ``.part`` files a killed download left behind."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise DownloadError(
            f"{show_path(folder)} is a file, not a directory — pass a folder with --data DIR"
        ) from None
    except OSError as exc:
        raise DownloadError(
            f"cannot create {show_path(folder)}: {exc.strerror or exc} — pass another --data DIR"
        ) from None
    for expected in files:
        for stale in folder.glob(f"{_glob_escape(expected.gz_name)}.*part"):
            stale.unlink(missing_ok=True)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _verified_copy(folder: Path, expected: MnistFile) -> Path | None:
    """The already present, verified ``.gz`` or raw copy of ``expected``; None to download."""
    final = folder / expected.gz_name
    if os.path.lexists(final) and not final.is_file():
        raise DownloadError(
            f"{show_path(final)} is in the way (not a regular file) — remove it and retry"
        )
    for candidate in (final, folder / expected.stem):
        if candidate.is_file() and verify_file(candidate, expected) is None:
            return candidate
    return None  # a corrupt .gz is replaced by the download; a corrupt raw file is left alone


def _fetch(
    folder: Path, mirror: str, expected: MnistFile, timeout: float, progress: Progress | None
) -> Path:
    """Download ``expected`` from ``mirror`` into ``folder``, verified; raise _MirrorFailed."""
    url = urljoin(mirror if mirror.endswith("/") else mirror + "/", expected.gz_name)
    if urlsplit(url).scheme not in ("http", "https"):
        raise _MirrorFailed("unsupported URL scheme (use http or https)")
    final = folder / expected.gz_name
    # The gzip of incompressible data is a little larger than the data (≈ 5 bytes per 64 KiB):
    # no honest mirror sends more than this.
    cap = expected.size + expected.size // 100 + 64 * 1024
    # Ctrl+C or SIGTERM right after the temp file exists, before the clean-up below guards it,
    # would leave it behind: hold those signals until then (they arrive inside the try).
    held = _hold_signals()
    try:
        handle, part_name = tempfile.mkstemp(
            prefix=expected.gz_name + ".", suffix=".part", dir=folder
        )
    except OSError as exc:
        _release_signals(held)
        raise DownloadError(
            f"cannot write in {show_path(folder)}: {exc.strerror or exc} — pass another --data DIR"
        ) from None
    part = Path(part_name)
    try:
        _release_signals(held)
        with os.fdopen(handle, "wb") as out:
            _stream(url, out, part, expected.gz_name, cap, timeout, progress)
            _durable(lambda: (out.flush(), os.fsync(out.fileno())), part)
        reason = verify_file(part, expected)
        if reason is not None:
            raise _MirrorFailed(reason)
        _durable(lambda: os.replace(part, final), final)
        _fsync_dir(folder)
    except BaseException:  # any failure, Ctrl+C included: no partial file stays behind
        part.unlink(missing_ok=True)
        raise
    return final


_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP} if os.name == "posix" else set()


def _hold_signals() -> set[int] | None:
    """Block Ctrl+C, SIGTERM and SIGHUP for this thread (POSIX); the previous mask, to restore."""
    if not _HELD_SIGNALS or not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)


def _release_signals(previous: set[int] | None) -> None:
    """Restore the mask ``_hold_signals`` replaced: a signal that came meanwhile arrives now."""
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _durable(step: Callable[[], object], path: Path) -> None:
    """Run a local file step (flush, fsync, rename); its OSError ends the download cleanly."""
    try:
        step()
    except OSError as exc:
        raise DownloadError(
            f"cannot save {show_path(path)}: {exc.strerror or exc} — check the free space and "
            "permissions of that folder, or pass another --data DIR"
        ) from None


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# The network


class _NoDowngradeRedirect(urllib.request.HTTPRedirectHandler):
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


_OPENER = urllib.request.build_opener(_NoDowngradeRedirect)


def _stream(
    url: str,
    out: IO[bytes],
    part: Path,
    name: str,
    cap: int,
    timeout: float,
    progress: Progress | None,
) -> int:
    """Copy the body of ``url`` into ``out``; the number of bytes, or _MirrorFailed."""
    request = urllib.request.Request(
        url, headers={"User-Agent": "cnn-tui", "Accept-Encoding": "identity"}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            if response.status != 200:
                raise _MirrorFailed(f"HTTP {response.status} {response.reason}")
            total = _content_length(response.headers.get("Content-Length"))
            if total is not None and total > cap:
                raise _MirrorFailed(f"server announces {total:,} bytes, more than expected")
            done = 0
            if progress is not None:
                progress(name, 0, total)
            while chunk := response.read(CHUNK):
                done += len(chunk)
                if done > cap:
                    raise _MirrorFailed(f"server sent more than {cap:,} bytes — aborted")
                _write(out, chunk, part)
                if progress is not None:
                    progress(name, done, total)
            if total is not None and done != total:
                raise _MirrorFailed(f"connection closed after {done:,} of {total:,} bytes")
            return done
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _MirrorFailed(f"HTTP {exc.code} {_first_line(exc.reason)}") from None
    except urllib.error.URLError as exc:
        raise _MirrorFailed(_network_reason(exc.reason, timeout)) from None
    except http.client.HTTPException as exc:
        raise _MirrorFailed(f"connection error ({type(exc).__name__})") from None
    except OSError as exc:  # timeouts, resets, TLS errors during the body
        raise _MirrorFailed(_network_reason(exc, timeout)) from None


def _write(out: IO[bytes], chunk: bytes, part: Path) -> None:
    """Write to the .part file; a local failure (disk full) ends the whole download."""
    try:
        out.write(chunk)
    except OSError as exc:
        raise DownloadError(
            f"cannot write {show_path(part)}: {exc.strerror or exc} — free about 12 MB in "
            f"{show_path(part.parent)} or pass another --data DIR"
        ) from None


def _content_length(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def _network_reason(reason: object, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no data for {timeout:g} s (timed out)"
    if isinstance(reason, ssl.SSLError):
        return (
            f"TLS error ({_first_line(reason)}); certificate checks stay on — "
            "check the proxy or the system's certificates"
        )
    if isinstance(reason, OSError):
        return f"cannot connect ({reason.strerror or _first_line(reason)})"
    return f"cannot connect ({_first_line(reason)})"


def _first_line(value: object) -> str:
    text = str(value).strip()
    return (text.splitlines()[0] if text else type(value).__name__)[:160]


def _failure_message(
    folder: Path, expected: MnistFile, errors: dict[str, str], files: Sequence[MnistFile]
) -> str:
    tried = "; ".join(f"{mirror} ({error})" for mirror, error in errors.items()) or "no mirrors"
    names = ", ".join(f.gz_name for f in files)
    return (
        f"could not download {expected.gz_name} into {show_path(folder)} — tried {tried}. "
        f"Verified files were kept; retry later, or copy the four files ({names}) into that "
        "folder by hand from any MNIST mirror"
    )


# ---------------------------------------------------------------------------------------------
# A progress bar for the command line


def stderr_progress(stream: IO[str] | None = None, width: int = 30) -> Progress:
    """A ``progress`` callback drawing one bar per file on stderr (a line per file if not a tty)."""
    out = stream if stream is not None else sys.stderr
    live = out.isatty()
    state = {"name": "", "drawn": 0.0}

    def show(name: str, done: int, total: int | None) -> None:
        finished = total is not None and done >= total
        if name != state["name"]:
            state["name"] = name
            if not live:
                out.write(f"downloading {name}\n")
                out.flush()
        if not live:
            return
        now = time.monotonic()
        if not finished and now - float(state["drawn"]) < 0.1:  # ≤ 10 redraws a second
            return
        state["drawn"] = now
        if total:
            filled = min(width, done * width // total)
            bar = "#" * filled + "." * (width - filled)
            text = f"{name} [{bar}] {done * 100 // total:3d}% {done / 1e6:.1f}/{total / 1e6:.1f} MB"
        else:
            text = f"{name} {done / 1e6:.1f} MB"
        out.write("\r" + text + ("\n" if finished else ""))
        out.flush()

    return show
