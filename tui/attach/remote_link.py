"""Provides ``RemoteLink``: a running run seen through a socket, as one more ``TrainerLink``.

``connect`` (connect.py) has already said hello; the link's reader thread decodes every event
line into a queue the dashboard drains, exactly as it drains a local trainer. What differs is
what leaving means: ``stop`` only disconnects (the run goes on), and a read-only link (no token)
answers every command itself with ``CommandRefused`` — the dashboard shows the reason as it
shows any refusal — so nothing is sent that the server would refuse anyway. The run's history
(the first lines the server sends, as many as its welcome said) comes in drains of its own, and
``replayed`` says whether the last drain's events replay the past: the dashboard takes those in
without a notification each (a late viewer would otherwise see every old "Snapshot saved" and
notice again). When the server goes
away (the run ended, or the connection broke) ``ending`` says so in one line with the exit code
``cnn-tui attach`` returns.
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
from typing import BinaryIO

from cnn_tui.core.contract.commands import Command
from cnn_tui.core.contract.events import CommandRefused, Event, Finished, TrainingStarted
from cnn_tui.core.remote.codec import CodecError, decode_event, to_json
from cnn_tui.core.remote.protocol import message
from cnn_tui.tui.cli.exit_codes import ExitCode

READ_ONLY = "read-only: attached without the run's token (its file in the run folder)"


class RemoteLink:
    """The dashboard's link to a served run (see the module docstring)."""

    viewer = True
    """The dashboard asks: ``q`` leaves the run going, a separate key stops it."""

    def __init__(
        self,
        sock: socket.socket,
        reader: BinaryIO,
        *,
        steer: bool,
        run_name: str,
        where: str,
        history: int = 0,
        target: str = "",
    ) -> None:
        self.sock = sock
        self.reader = reader
        self.steer = steer
        self.run_name = run_name
        self.where = where
        self.target = target or where
        """What was typed after ``cnn-tui attach`` (to say how to come back)."""
        self.dataset = "mnist"
        """The run's data set, from its ``TrainingStarted`` (``m`` reads its test images)."""
        self.ending: tuple[str, int] | None = None
        """Once the server has gone: one line saying why, and the exit code."""
        self.replayed = False
        """True when the events the last ``drain`` returned are the run's history."""
        self._held: tuple[Event, bool] | None = None  # drained, for the next drain (see drain)
        self._history_left = history  # history lines still to read (the reader thread's)
        self._events: queue.Queue[tuple[Event, bool]] = queue.Queue()
        self._thread = threading.Thread(target=self._read, name="cnn-tui-attach", daemon=True)
        self._send_lock = threading.Lock()
        self._gone = threading.Event()
        self._closed = False
        self._step = 0

    def start(self) -> None:
        self._thread.start()

    def send(self, command: Command) -> None:
        if not self.steer:
            self._events.put((CommandRefused(self._step, type(command).__name__, READ_ONLY), False))
            return
        try:
            with self._send_lock:
                self.sock.sendall(message("command", to_json(command)))
        except OSError:
            pass  # gone: the reader says so

    def drain(self, max_events: int = 1000) -> list[Event]:
        """Up to ``max_events`` events, all history or all live (``replayed`` says which)."""
        events: list[Event] = []
        while len(events) < max_events:
            item, self._held = self._held, None
            if item is None:
                try:
                    item = self._events.get_nowait()
                except queue.Empty:
                    break
            if events and item[1] != self.replayed:  # the other kind: the next drain's
                self._held = item
                break
            events.append(item[0])
            self.replayed = item[1]
        return events

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect; the run goes on."""
        self._closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        if self._thread.is_alive():
            self._thread.join(timeout)
        with contextlib.suppress(OSError):
            self.reader.close()
        with contextlib.suppress(OSError):
            self.sock.close()

    @property
    def alive(self) -> bool:
        """True until the server has gone and every event it sent has been drained."""
        return not (self._gone.is_set() and self._events.empty() and self._held is None)

    def _read(self) -> None:
        ending = (f"the connection to {self.run_name} was lost", int(ExitCode.ATTACH))
        try:
            for raw in self.reader:
                if not raw.strip():
                    continue
                data = json.loads(raw)
                if "event" in data:
                    event = decode_event(data["event"])
                    self._step = getattr(event, "step", self._step)
                    if isinstance(event, TrainingStarted):
                        self.dataset = event.dataset
                    self._events.put((event, self._history_left > 0))
                    self._history_left -= 1
                    if isinstance(event, Finished):
                        ending = self._ended(event)
                        break
                elif "closed" in data or "refused" in data:
                    why = data.get("closed") or data.get("refused")
                    ending = (f"the run's server closed the connection: {why}", ExitCode.ATTACH)
                    if why == "the run ended":
                        ending = (f'the run "{self.run_name}" ended', int(ExitCode.OK))
                    break
        except (OSError, ValueError, CodecError, AttributeError, TypeError):
            pass  # a cut line or a dead socket: the run is out of reach
        self.ending = None if self._closed else ending
        self._gone.set()

    def _ended(self, event: Finished) -> tuple[str, int]:
        name, step = self.run_name, f"step {event.step:,}"
        if event.reason == "failed":
            return f'the run "{name}" failed at {step}: {event.message}', int(ExitCode.FAILED)
        done = "finished" if event.reason == "finished" else "was stopped"
        return f'the run "{name}" {done} at {step}', int(ExitCode.OK)
