"""Provides the inspector's "nearest training digits" sources: what the detail view asks for the
training digits whose dense-layer features are closest to a test digit's (core/nearest/).

The answer is a ``NearestFound`` (or a ``NoNeighbours`` saying why there is none). Two sources,
as for the digits themselves (source.py):

* ``LocalNearest`` (``cnn-tui inspect``) computes in a thread of its own, with an engine of its
  own (the UI's engine is not for two threads), so the first answer — the features of every
  training digit, about a second — never holds up the UI; later ones take milliseconds.
* ``LinkNearest`` (the dashboard, attached viewers) sends ``FindNearest`` to the trainer and
  answers when the matching ``NearestFound`` comes back; a refusal answers every request waiting.

``request(index, reply)`` calls ``reply`` on the UI thread, now (a cached answer) or later.
Answers are cached by test index until a new evaluation (new weights).
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cnn_tui.core.contract.commands import Command, FindNearest
from cnn_tui.core.contract.events import CommandRefused, Evaluated
from cnn_tui.core.contract.nearest_events import NearestFound
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.data.errors import DataError
from cnn_tui.core.engines import Engine
from cnn_tui.core.nearest.index import K, NearestIndex

CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class NoNeighbours:
    """No neighbours for test digit ``test_index``: ``reason`` says why, in one line."""

    test_index: int
    reason: str


NearestAnswer = NearestFound | NoNeighbours
NearestReply = Callable[[NearestAnswer], None]
Post = Callable[..., Any]
"""Runs ``f(*args)`` on the UI thread (``App.call_from_thread``)."""


class NearestSource(Protocol):
    """Answers "which training digits are nearest to test digit i?"."""

    def request(self, index: int, reply: NearestReply) -> None:
        """Find them for test digit ``index`` and call ``reply`` (on the UI thread)."""
        ...

    def cached(self, index: int) -> NearestFound | None:
        """The answer if it is already known, else None (never computes or asks)."""
        ...

    def on_trainer_event(self, event: object) -> None:
        """Any trainer event (the dashboard forwards them all); the source takes what it needs."""
        ...


class _Cache:
    """A small LRU of answers by test index."""

    def __init__(self) -> None:
        self._items: OrderedDict[int, NearestFound] = OrderedDict()

    def get(self, index: int) -> NearestFound | None:
        found = self._items.get(index)
        if found is not None:
            self._items.move_to_end(index)
        return found

    def put(self, found: NearestFound) -> None:
        self._items[found.test_index] = found
        self._items.move_to_end(found.test_index)
        while len(self._items) > CACHE_SIZE:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()


class LinkNearest:
    """Asks the trainer (``FindNearest`` through ``send``); the dashboard hands every trainer
    event to ``on_trainer_event``."""

    def __init__(self, send: Callable[[Command], None]) -> None:
        self._send = send
        self._pending: dict[int, NearestReply] = {}
        self._cache = _Cache()

    def request(self, index: int, reply: NearestReply) -> None:
        found = self._cache.get(index)
        if found is not None:
            reply(found)
            return
        first = index not in self._pending
        self._pending[index] = reply  # only the latest reply per digit is kept
        if first:
            self._send(FindNearest(test_index=index, k=K))

    def cached(self, index: int) -> NearestFound | None:
        return self._cache.get(index)

    def on_trainer_event(self, event: object) -> None:
        if isinstance(event, NearestFound):
            self._cache.put(event)
            reply = self._pending.pop(event.test_index, None)
            if reply is not None:
                reply(event)
        elif isinstance(event, CommandRefused) and event.command == "FindNearest":
            waiting, self._pending = self._pending, {}
            for index, reply in waiting.items():
                reply(NoNeighbours(index, event.reason))
        elif isinstance(event, Evaluated) and event.split == "test":
            self._cache.clear()  # new weights: ask again (pending requests are still answered)

    @property
    def waiting(self) -> int:
        """Requests sent and not answered yet."""
        return len(self._pending)


class LocalNearest:
    """Computes here, in one daemon thread: ``make_engine()`` builds its own engine of the
    network, ``load_train()`` reads the training set (both on first use, in that thread); the
    weights never change, so neither does the index."""

    def __init__(
        self,
        make_engine: Callable[[], Engine],
        load_train: Callable[[], Dataset],
        test: Dataset,
        *,
        step: int,
        post: Post,
    ) -> None:
        self._make_engine = make_engine
        self._load_train = load_train
        self.test = test
        self.step = step
        self._post = post
        self._cache = _Cache()
        self._jobs: queue.SimpleQueue[tuple[int, NearestReply]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.index: NearestIndex | None = None
        self._problem: str | None = None  # why there can be no index (said once, kept)

    def request(self, index: int, reply: NearestReply) -> None:
        found = self._cache.get(index)
        if found is not None:
            reply(found)
            return
        self._jobs.put((index, reply))
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="cnn-tui-nearest", daemon=True)
            self._thread.start()

    def cached(self, index: int) -> NearestFound | None:
        return self._cache.get(index)

    def on_trainer_event(self, event: object) -> None:
        """Nothing to take: there is no trainer."""

    def _work(self) -> None:
        """The thread: answer requests in turn, forever (it dies with the app)."""
        while True:
            index, reply = self._jobs.get()
            answer = self._answer(index)
            try:
                self._post(self._deliver, reply, answer)
            except RuntimeError:  # the app has gone
                return

    def _deliver(self, reply: NearestReply, answer: NearestAnswer) -> None:
        """On the UI thread: cache, then reply."""
        if isinstance(answer, NearestFound):
            self._cache.put(answer)
        reply(answer)

    def _answer(self, index: int) -> NearestAnswer:
        if self.index is None and self._problem is None:
            try:
                engine, train = self._make_engine(), self._load_train()
                self.index = NearestIndex(engine, train, step=self.step)
            except DataError as error:
                self._problem = f"the training set cannot be read: {error}"
            except Exception as error:  # noqa: BLE001 - any failure to build: one line, not a dead thread
                self._problem = f"the network cannot be built here: {error}"
        if self.index is None:
            return NoNeighbours(index, self._problem or "no training set")
        try:
            return self.index.answer(self.test, index)
        except (IndexError, ValueError, MemoryError) as error:
            return NoNeighbours(index, str(error))
