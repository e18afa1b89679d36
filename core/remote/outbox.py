"""Provides ``Outbox``: what one viewer has still to receive, coalesced once it falls behind.

A viewer that keeps up gets every event as it comes. One whose socket is full (a slow link, a
stalled terminal) stops getting a line per event: its waiting events are coalesced — a newer
``SampleViewed`` replaces the waiting one, consecutive ``BatchesEnded`` become one (every step's
loss is kept) — and once even that is more than ``drop_bytes`` behind, the viewer is dropped.
The trainer's side never waits on any of this (server.py runs it in its own thread).
"""

from __future__ import annotations

from cnn_tui.core.contract.events import BatchesEnded, Event, SampleViewed
from cnn_tui.core.remote.codec import to_json
from cnn_tui.core.remote.protocol import message

BEHIND_BYTES = 256 * 1024
"""Unsent bytes above which a viewer counts as behind and its new events are coalesced."""

DROP_BYTES = 16 * 1024 * 1024
"""Unsent bytes (sent lines and coalesced events together) above which a viewer is dropped."""


def event_line(event: Event) -> bytes:
    """The protocol line of one event."""
    return message("event", to_json(event))


def merge_batches(a: BatchesEnded, b: BatchesEnded) -> BatchesEnded | None:
    """``a`` then ``b`` as one event, when they are consecutive steps under the same settings."""
    same = (a.epoch, a.lr, a.momentum, a.batch_size, a.train_size) == (
        b.epoch,
        b.lr,
        b.momentum,
        b.batch_size,
        b.train_size,
    )
    if not same or b.first_step != a.last_step + 1:
        return None
    return BatchesEnded(
        a.epoch,
        a.first_step,
        a.losses + b.losses,
        a.accuracies + b.accuracies,
        a.lr,
        a.momentum,
        a.batch_size,
        b.images_per_s,
        b.position,
        a.train_size,
    )


class Outbox:
    """The bytes ready to send to one viewer, and the events held back while it is behind."""

    def __init__(self, behind_bytes: int = BEHIND_BYTES, drop_bytes: int = DROP_BYTES) -> None:
        self.ready = bytearray()
        self.held: list[tuple[Event, bytes | None]] = []  # line None: re-encode (merged)
        self.held_bytes = 0
        self.behind_bytes = behind_bytes
        self.drop_bytes = drop_bytes
        self.coalesced = 0  # events folded into others or replaced (tests read it)

    @property
    def overflowing(self) -> bool:
        """True once the viewer is too far behind to keep."""
        return len(self.ready) + self.held_bytes > self.drop_bytes

    def put(self, event: Event, line: bytes) -> None:
        """Queue one event (``line`` is its encoded form, shared by every viewer)."""
        if not self.held and len(self.ready) < self.behind_bytes:
            self.ready += line
            return
        last = self.held[-1][0] if self.held else None
        if isinstance(event, SampleViewed):
            for i, (waiting, old) in enumerate(self.held):
                if isinstance(waiting, SampleViewed):  # only the newest view matters
                    del self.held[i]
                    self.held_bytes -= len(old or b"")
                    self.coalesced += 1
                    break
        elif isinstance(event, BatchesEnded) and isinstance(last, BatchesEnded):
            merged = merge_batches(last, event)
            if merged is not None:
                self.held[-1] = (merged, None)
                self.held_bytes += len(line)  # about what the merged line grows by
                self.coalesced += 1
                return
        self.held.append((event, line))
        self.held_bytes += len(line)

    def sent(self, count: int) -> None:
        """``count`` bytes of ``ready`` went out; refill from the held events once below the
        mark."""
        del self.ready[:count]
        if self.held and len(self.ready) < self.behind_bytes:
            for event, line in self.held:
                self.ready += line if line is not None else event_line(event)
            self.held.clear()
            self.held_bytes = 0
