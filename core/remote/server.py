"""Provides ``RunServer``: a running trainer served to any number of viewers, never waited on.

The trainer calls ``broadcast(event)`` (append to a deque, and at most one byte to wake the
server's thread); that thread does everything else with ``selectors``: it accepts viewers,
checks each one's hello and token, sends it the history so far then every new event (each event
encoded once for all), coalesces or drops one that falls behind (outbox.py), and puts the
commands of viewers holding the token on ``commands``, the queue the trainer reads between
batches. A viewer that sends anything wrong gets one ``refused`` line and is closed; nothing a
viewer does can raise in, or block, the trainer.
"""

from __future__ import annotations

import collections
import contextlib
import hmac
import queue
import selectors
import socket
import threading
from dataclasses import dataclass, field

from cnn_tui.core.contract.commands import Command
from cnn_tui.core.contract.embedding_events import EmbeddingComputed
from cnn_tui.core.contract.events import (
    BatchesEnded,
    CommandRefused,
    DrawingViewed,
    Event,
    SampleViewed,
)
from cnn_tui.core.contract.nearest_events import NearestFound
from cnn_tui.core.remote.outbox import Outbox, event_line, merge_batches
from cnn_tui.core.remote.protocol import MAX_LINE, Hello, ProtocolError, message, parse_line

READ_ONLY = "read-only: this viewer has no token (attach with the run's token to steer)"
ANSWERS = (NearestFound, DrawingViewed)
"""Answers to one viewer's question (a digit's neighbours, a drawing): live to every viewer,
never replayed to a later one."""
LATEST_ONLY = (SampleViewed, EmbeddingComputed)
"""Replayed as the newest one only: the input digit on show, the latest embedding map (each map
is 100–150 kB of JSON; a long run would otherwise replay hundreds)."""


@dataclass(eq=False)
class _Viewer:
    sock: socket.socket
    inbox: bytearray = field(default_factory=bytearray)
    outbox: Outbox = field(default_factory=Outbox)
    greeted: bool = False
    steer: bool = False
    closing: bool = False  # send what is ready (a refusal), then close


class RunServer:
    """Serves one run's events on ``listener`` and takes commands from token holders."""

    def __init__(
        self,
        listener: socket.socket,
        token: str,
        commands: queue.Queue[Command],
        *,
        run_name: str = "run",
        outbox: type[Outbox] = Outbox,
    ) -> None:
        self.listener = listener
        self.token = token
        self.commands = commands
        self.run_name = run_name
        self._new_outbox = outbox
        self._events: collections.deque[Event] = collections.deque()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._viewers: dict[socket.socket, _Viewer] = {}
        self._history: list[tuple[Event, bytes | None]] = []  # line None: re-encode (merged)
        self._latest: dict[type, bytes] = {}  # the newest line of each LATEST_ONLY type
        self._step = 0
        self._stopping = False
        self.dropped = 0
        """Viewers dropped for falling too far behind (tests and the log read it)."""
        self._thread = threading.Thread(target=self._loop, name="cnn-tui-serve", daemon=True)

    # ---- the trainer's side ---------------------------------------------------------------

    def start(self) -> None:
        self._selector.register(self.listener, selectors.EVENT_READ)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._thread.start()

    def broadcast(self, event: Event) -> None:
        """Hand one event to every viewer; returns at once, whatever the viewers do."""
        self._events.append(event)
        with contextlib.suppress(OSError):  # full: the server is awake already
            self._wake_w.send(b"\0")

    def close(self, timeout: float = 2.0) -> None:
        """Send what is queued (briefly), say goodbye, and stop serving."""
        self._stopping = True
        self.broadcast_wake()
        self._thread.join(timeout)
        for sock in (self.listener, self._wake_r, self._wake_w):
            sock.close()

    def broadcast_wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"\0")

    @property
    def viewers(self) -> int:
        """Connected viewers (greeted or not)."""
        return len(self._viewers)

    # ---- the server's thread --------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stopping:
            for key, mask in self._selector.select(timeout=1.0):
                sock = key.fileobj
                if sock is self.listener:
                    self._accept()
                elif sock is self._wake_r:
                    with contextlib.suppress(OSError):
                        self._wake_r.recv(4096)
                elif isinstance(sock, socket.socket) and sock in self._viewers:
                    viewer = self._viewers[sock]
                    if mask & selectors.EVENT_READ:
                        self._read(viewer)
                    if mask & selectors.EVENT_WRITE and sock in self._viewers:
                        self._write(viewer)
            self._take_events()
        self._take_events()
        for viewer in list(self._viewers.values()):
            viewer.outbox.ready += message("closed", "the run ended")
            viewer.sock.setblocking(True)
            viewer.sock.settimeout(0.2)
            with contextlib.suppress(OSError):
                viewer.sock.sendall(viewer.outbox.ready)
            self._drop(viewer)

    def _accept(self) -> None:
        try:
            sock, _ = self.listener.accept()
        except OSError:
            return
        sock.setblocking(False)
        self._viewers[sock] = _Viewer(sock, outbox=self._new_outbox())
        self._selector.register(sock, selectors.EVENT_READ)

    def _take_events(self) -> None:
        while self._events:
            event = self._events.popleft()
            line = event_line(event)
            if isinstance(event, BatchesEnded):
                self._step = event.last_step
            self._step = getattr(event, "step", self._step)
            self._remember(event, line)
            for viewer in list(self._viewers.values()):
                if viewer.greeted and not viewer.closing:
                    viewer.outbox.put(event, line)
                    self._flush(viewer)

    def _remember(self, event: Event, line: bytes) -> None:
        """The history a new viewer is sent: every event, the batches merged, no answers, the
        newest sample and map."""
        if isinstance(event, LATEST_ONLY):
            self._latest[type(event)] = line
            return
        if isinstance(event, ANSWERS):
            return
        last = self._history[-1][0] if self._history else None
        if isinstance(event, BatchesEnded) and isinstance(last, BatchesEnded):
            merged = merge_batches(last, event)
            if merged is not None and len(merged.losses) <= 5_000:
                self._history[-1] = (merged, None)
                return
        self._history.append((event, line))

    def _read(self, viewer: _Viewer) -> None:
        try:
            data = viewer.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # gone (closed, reset): forget it
            self._drop(viewer)
            return
        if viewer.closing:
            return
        viewer.inbox += data
        while (end := viewer.inbox.find(b"\n")) >= 0 and not viewer.closing:
            raw = bytes(viewer.inbox[:end])
            del viewer.inbox[: end + 1]
            self._handle(viewer, raw)
        if len(viewer.inbox) > MAX_LINE and not viewer.closing:
            self._refuse(viewer, f"a line longer than {MAX_LINE:,} bytes")

    def _handle(self, viewer: _Viewer, raw: bytes) -> None:
        if len(raw) > MAX_LINE:
            self._refuse(viewer, f"a line longer than {MAX_LINE:,} bytes")
            return
        try:
            parsed = parse_line(raw, greeted=viewer.greeted)
        except ProtocolError as error:
            self._refuse(viewer, str(error))
            return
        if isinstance(parsed, Hello):
            self._greet(viewer, parsed.token)
        elif viewer.steer:
            self.commands.put(parsed)
        else:
            refusal = CommandRefused(self._step, type(parsed).__name__, READ_ONLY)
            viewer.outbox.put(refusal, event_line(refusal))
            self._flush(viewer)

    def _greet(self, viewer: _Viewer, token: str | None) -> None:
        if token is not None and not hmac.compare_digest(token.encode(), self.token.encode()):
            self._refuse(viewer, "wrong token")
            return
        viewer.greeted = True
        viewer.steer = token is not None
        count = len(self._history) + len(self._latest)  # the lines that replay the past
        welcome = {"steer": viewer.steer, "run": self.run_name, "history": count}
        viewer.outbox.ready += message("welcome", welcome)
        for event, line in self._history:
            viewer.outbox.ready += line if line is not None else event_line(event)
        for latest in self._latest.values():
            viewer.outbox.ready += latest
        self._flush(viewer)

    def _refuse(self, viewer: _Viewer, reason: str) -> None:
        viewer.outbox.ready += message("refused", reason)
        viewer.closing = True
        viewer.inbox.clear()
        self._flush(viewer)

    def _flush(self, viewer: _Viewer) -> None:
        """Send what the socket takes now; watch for writability while anything is left."""
        if viewer.outbox.overflowing:  # one try to say so (after any half-sent line), then go
            with contextlib.suppress(OSError):
                viewer.sock.send(b"\n" + message("closed", "too far behind: dropped"))
            self.dropped += 1
            self._drop(viewer)
            return
        self._write(viewer)

    def _write(self, viewer: _Viewer) -> None:
        box = viewer.outbox
        while box.ready:
            try:
                sent = viewer.sock.send(box.ready)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                self._drop(viewer)
                return
            box.sent(sent)
        if not box.ready and viewer.closing:
            self._drop(viewer)
            return
        wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if box.ready else 0)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.modify(viewer.sock, wanted)

    def _drop(self, viewer: _Viewer) -> None:
        if self._viewers.pop(viewer.sock, None) is None:
            return
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(viewer.sock)
        viewer.sock.close()
