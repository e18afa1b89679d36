"""Provides the commands the UI sends to the trainer (UI → core).

Plain frozen dataclasses, named in the imperative. The trainer applies them between batches and
answers every one with an event (see ``events.py``); a refused command is answered with
``CommandRefused`` and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pause:
    """Stop after the current batch. Answered by ``Paused``."""


@dataclass(frozen=True, slots=True)
class Resume:
    """Continue training. Answered by ``Resumed``."""


@dataclass(frozen=True, slots=True)
class Step:
    """While paused, train exactly ``batches`` more batches, then pause again."""

    batches: int = 1


@dataclass(frozen=True, slots=True)
class SetHyperparameters:
    """Change hyperparameters from the next batch on; ``None`` leaves a value as it is.
    Answered by ``HyperparametersChanged`` (with the values in force) or ``CommandRefused``."""

    lr: float | None = None
    momentum: float | None = None
    batch_size: int | None = None
    weight_decay: float | None = None


@dataclass(frozen=True, slots=True)
class Evaluate:
    """Evaluate on the test set now. Answered by ``Evaluated``."""


@dataclass(frozen=True, slots=True)
class RequestSample:
    """Send a ``SampleViewed`` for the next batch's first image (or, with ``test_index``, for
    that test image, at once — with a saliency map for class ``saliency_target`` if given)."""

    test_index: int | None = None
    saliency_target: int | None = None


@dataclass(frozen=True, slots=True)
class SaveSnapshot:
    """Save a snapshot now. Answered by ``SnapshotSaved`` or ``SnapshotFailed``."""


@dataclass(frozen=True, slots=True)
class Stop:
    """Stop at the next batch boundary (saving a snapshot first when ``save`` is set).
    Answered by ``Finished`` with reason "stopped"."""

    save: bool = False
    keep: tuple[str, ...] = ()  # snapshot paths its pruning must leave (a branch starts there)


@dataclass(frozen=True, slots=True)
class ViewDrawing:
    """Show the network a drawn digit: ``image`` is the 28×28 uint8 input (already preprocessed,
    core/drawing/preprocess.py), ``drawing`` the sender's number for it (echoed back, so the
    latest drawing wins). Answered by ``DrawingViewed`` now, and again with the new weights a
    few times a second while training, until another ``ViewDrawing``; an empty ``image``
    stops that (the canvas was cleared). Needs the "drawing" trainer extension."""

    image: bytes
    drawing: int = 0


@dataclass(frozen=True, slots=True)
class FindLr:
    """Run a learning-rate range test on a copy of the current weights: ``batches`` SGD steps
    with the lr growing exponentially from ``start`` to ``end``, stopping early when the loss
    explodes. The run itself (weights, optimizer state, data order) is untouched. Answered by
    ``LrFindStarted``, ``LrFindProgressed``… and ``LrFindEnded`` (with the suggested lr), or
    ``CommandRefused`` for a range out of bounds. Needs the "lr_find" trainer extension."""

    start: float = 1e-5
    end: float = 1.0
    batches: int = 200


@dataclass(frozen=True, slots=True)
class FindNearest:
    """Find the ``k`` (1–20) training digits nearest to test digit ``test_index`` in the dense
    layer's feature space, with the weights of the first such request since the latest
    evaluation (core/training/nearest_digits.py). Answered by ``NearestFound`` or
    ``CommandRefused``. Needs the "nearest" trainer extension."""

    test_index: int
    k: int = 5


@dataclass(frozen=True, slots=True)
class StopLrFind:
    """End the range test now (answered by ``LrFindEnded`` with outcome "cancelled")."""


Command = (
    Pause
    | Resume
    | Step
    | SetHyperparameters
    | Evaluate
    | RequestSample
    | SaveSnapshot
    | Stop
    | ViewDrawing
    | FindLr
    | StopLrFind
    | FindNearest
)
