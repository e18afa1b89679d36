"""Provides the "drawing source": how the drawing screen gets the network's view of a drawing.

* ``LocalDrawing`` runs an engine in this process (``cnn-tui inspect``: a saved network). It
  answers at once — one forward pass and the conv maps, about a millisecond with NumPy.
* ``LinkDrawing`` asks the live trainer (the dashboard): a ``ViewDrawing`` command goes out, the
  trainer's "drawing" extension (core/training/drawing_view.py) answers with ``DrawingViewed``
  — and again whenever the weights have moved — and the screen hands each answer to ``accept``.

Strokes are coalesced: ``LinkDrawing`` keeps at most one drawing in flight. Drawings made while
it is (a fast drag gives dozens a second) replace each other, and only the latest goes out when
the answer comes back — or after ``resend_after`` seconds without one (an answer lost on a
remote link). So the trainer sees a few drawings per round trip, never a queue of stale ones,
and an answer to an older drawing than the one shown is dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from cnn_tui.core.contract.commands import Command, ViewDrawing
from cnn_tui.core.contract.events import DrawingViewed
from cnn_tui.core.engines import Engine

Reply = Callable[[DrawingViewed], None]


def _ignore(view: DrawingViewed) -> None:
    """The reply until the screen sets its own."""


class DrawingSource(Protocol):
    """Answers "what does the network make of this drawing?"."""

    live: bool
    """True when the weights change while the screen is open (a trainer behind it)."""
    reply: Reply
    """Where answers go (the screen sets it)."""

    def view(self, image: bytes) -> None:
        """Ask for the view of ``image`` (784 uint8; b"": the canvas is empty, stop following);
        the answer goes to ``reply`` — now or when it arrives."""
        ...

    @property
    def waiting(self) -> bool:
        """A drawing has been asked for and not answered yet."""
        ...


class LocalDrawing:
    """A drawing source over ``engine`` in this process, weights of ``step`` (fixed)."""

    live = False

    def __init__(self, engine: Engine, step: int = -1, reply: Reply | None = None) -> None:
        self.engine = engine
        self.reply: Reply = reply or _ignore
        self.step = step
        self._number = 0

    def view(self, image: bytes) -> None:
        self._number += 1
        if not image:
            self.reply(DrawingViewed(self.step, self._number, b"", (), -1, ()))
            return
        inspection = self.engine.inspect(image)
        p = tuple(inspection.probabilities)
        predicted = max(range(len(p)), key=p.__getitem__)
        self.reply(DrawingViewed(self.step, self._number, image, p, predicted, inspection.layers))

    @property
    def waiting(self) -> bool:
        return False


class LinkDrawing:
    """A drawing source that asks the trainer through ``send``; ``accept`` takes its answers."""

    live = True

    def __init__(
        self,
        send: Callable[[Command], None],
        reply: Reply | None = None,
        *,
        resend_after: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self.reply: Reply = reply or _ignore
        self.resend_after = resend_after
        self.clock = clock
        self.latest = 0
        """The number of the latest drawing (1, 2, …)."""
        self.shown = 0
        """The number of the newest drawing whose answer was passed on."""
        self._latest_image: bytes | None = None  # made but not sent yet
        self._in_flight: int | None = None
        self._sent_at = 0.0
        self.sent = 0
        """Commands sent so far (the coalescing keeps this far below the strokes)."""

    def view(self, image: bytes) -> None:
        self.latest += 1
        self._latest_image = image
        late = self._in_flight is not None and self.clock() - self._sent_at >= self.resend_after
        if self._in_flight is None or late:
            self._send_latest()

    def _send_latest(self) -> None:
        image, self._latest_image = self._latest_image, None
        if image is None:
            return
        self._in_flight = self.latest
        self._sent_at = self.clock()
        self.sent += 1
        self._send(ViewDrawing(image, self.latest))

    def accept(self, event: DrawingViewed) -> bool:
        """Take the trainer's answer; True if it was passed on (not an older drawing's)."""
        if self._in_flight is not None and event.drawing >= self._in_flight:
            self._in_flight = None
            self._send_latest()  # what was drawn meanwhile, if anything
        if event.drawing < self.shown:
            return False
        self.shown = event.drawing
        self.reply(event)
        return True

    def refused(self) -> None:
        """The trainer refused the drawing in flight (e.g. no drawing extension): stop waiting."""
        self._in_flight = None

    @property
    def waiting(self) -> bool:
        return self._in_flight is not None or self._latest_image is not None
