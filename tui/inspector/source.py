"""Provides the "digit source": what the inspector's screens ask for one test digit.

Given a test index and a saliency target class, a source produces a ``DigitDetail``:
probabilities, every conv layer's view and the saliency map. Two implementations:

* ``LocalSource`` runs an engine in this process (``cnn-tui inspect``): it answers at once.
* ``LinkSource`` asks the trainer through the link (``RequestSample``) and answers when the
  matching ``SampleViewed`` arrives; the dashboard hands those events to ``accept``.

Each source also says where the digit's nearest training digits come from (``nearest``,
nearest_source.py): none, computed here, or asked of the trainer through the same link.

Screens call ``request(index, target, reply)``; ``reply`` is called with the detail — right away
or later, always on the UI thread. Answers are cached (a few hundred digits), so moving back and
forth between digits costs nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from cnn_tui.core.contract.commands import Command, RequestSample
from cnn_tui.core.contract.events import ConvView, SampleViewed
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import Engine
from cnn_tui.tui.inspector.nearest_source import LinkNearest, NearestSource

CACHE_SIZE = 256

Reply = Callable[["DigitDetail"], None]


@dataclass(frozen=True, slots=True)
class DigitDetail:
    """The network's view of one test digit."""

    index: int  # position in the test set
    label: int
    image: bytes  # 28×28 uint8, row-major
    probabilities: tuple[float, ...]  # 10
    predicted: int
    layers: tuple[ConvView, ...]  # one per conv layer
    saliency: tuple[float, ...]  # 784: ∂ logit[saliency_target] / ∂ pixel (pixels in [0, 1])
    saliency_target: int
    step: int = -1  # the training step the weights are from (-1: unknown)

    @classmethod
    def from_event(cls, event: SampleViewed) -> DigitDetail:
        return cls(
            index=event.index,
            label=event.label,
            image=event.image,
            probabilities=event.probabilities,
            predicted=event.predicted,
            layers=event.layers,
            saliency=event.saliency,
            saliency_target=event.saliency_target,
            step=event.step,
        )


class DigitSource(Protocol):
    """Answers "show me test digit i, with the saliency of class k"."""

    nearest: NearestSource | None
    """Where the digit's nearest training digits come from (None: nowhere here)."""

    def request(self, index: int, target: int, reply: Reply) -> None:
        """Produce the detail of test digit ``index`` (saliency for class ``target``) and call
        ``reply`` with it — now or when it arrives."""
        ...

    def cached(self, index: int, target: int) -> DigitDetail | None:
        """The detail if it is already known, else None (never computes or asks)."""
        ...


class _Cache:
    """A small LRU of details by (index, target)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._items: OrderedDict[tuple[int, int], DigitDetail] = OrderedDict()
        self._size = size

    def get(self, key: tuple[int, int]) -> DigitDetail | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, detail: DigitDetail) -> None:
        key = (detail.index, detail.saliency_target)
        self._items[key] = detail
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()


class LocalSource:
    """A source that runs ``engine`` on ``test`` in this process (synchronously: one image's
    forward pass, conv views and gradient take a few ms with the NumPy engine)."""

    def __init__(
        self, engine: Engine, test: Dataset, step: int = -1, nearest: NearestSource | None = None
    ) -> None:
        self.engine = engine
        self.test = test
        self.step = step
        self.nearest = nearest
        self._cache = _Cache()

    def detail(self, index: int, target: int) -> DigitDetail:
        """Compute (or recall) the detail of test digit ``index``."""
        if not 0 <= index < len(self.test):
            raise IndexError(f"test index {index} is outside 0–{len(self.test) - 1}")
        found = self._cache.get((index, target))
        if found is not None:
            return found
        image = self.test.image(index)
        inspection = self.engine.inspect(image)
        p = inspection.probabilities
        detail = DigitDetail(
            index=index,
            label=self.test.labels[index],
            image=bytes(image),
            probabilities=tuple(p),
            predicted=max(range(len(p)), key=p.__getitem__),
            layers=inspection.layers,
            saliency=tuple(self.engine.saliency(image, target)),
            saliency_target=target,
            step=self.step,
        )
        self._cache.put(detail)
        return detail

    def request(self, index: int, target: int, reply: Reply) -> None:
        reply(self.detail(index, target))

    def cached(self, index: int, target: int) -> DigitDetail | None:
        return self._cache.get((index, target))


class LinkSource:
    """A source that asks the trainer: ``RequestSample(test_index, saliency_target)`` goes out
    through ``send``; the dashboard passes every ``SampleViewed`` to ``accept``.

    Only the latest request per (index, target) keeps its reply. After a new evaluation the
    weights have changed: ``forget()`` drops the cache so digits are asked for again; a request
    already in flight still gets its answer (a screen is waiting on it; the detail says the step
    of its weights), but that answer is not kept.
    """

    def __init__(self, send: Callable[[Command], None]) -> None:
        self._send = send
        self._pending: dict[tuple[int, int], Reply] = {}
        self._stale: set[tuple[int, int]] = set()  # in flight when the weights changed
        self._cache = _Cache()
        self.nearest: NearestSource | None = LinkNearest(send)

    def request(self, index: int, target: int, reply: Reply) -> None:
        found = self._cache.get((index, target))
        if found is not None:
            reply(found)
            return
        first = (index, target) not in self._pending
        self._pending[(index, target)] = reply
        if first:
            self._send(RequestSample(test_index=index, saliency_target=target))

    def cached(self, index: int, target: int) -> DigitDetail | None:
        return self._cache.get((index, target))

    def accept(self, event: SampleViewed) -> bool:
        """Take a trainer's sample view; True if it answered one of our requests."""
        if event.source != "test" or event.saliency_target < 0:
            return False
        detail = DigitDetail.from_event(event)
        key = (event.index, event.saliency_target)
        if key in self._stale:  # asked for before the weights changed: shown, not kept
            self._stale.discard(key)
        else:
            self._cache.put(detail)
        reply = self._pending.pop(key, None)
        if reply is None:
            return False
        reply(detail)
        return True

    def refused(self, index: int, target: int) -> None:
        """Drop a request the trainer refused (so asking again sends it again)."""
        self._pending.pop((index, target), None)

    def forget(self) -> None:
        """Drop cached answers (the weights changed); requests in flight keep their replies."""
        self._cache.clear()
        self._stale = set(self._pending)

    @property
    def waiting(self) -> int:
        """Requests sent and not answered yet."""
        return len(self._pending)
