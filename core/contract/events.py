"""Provides the events the trainer emits (core → UI).

Plain, frozen data named in the past tense: they cross a process boundary (pickled), are written to
the metrics file, and are replayed by the UI tests' scripted fake stream. No engine objects, no
callbacks, no NumPy arrays: ints, floats, strings, bytes and tuples only.

One count of each, everywhere (status, events, metrics, snapshot names, samples, the inspector):
a *step* is one optimizer update, numbered from 1 for the whole run, and an event's ``step`` is
the number of the last update taken (0 before the first); the *epoch* is the 1-based pass the
last step belongs to (an epoch's end is saved as the start of the next, yet named after itself).
"""

from __future__ import annotations

from dataclasses import dataclass

# the layer-health and learning-rate-sweep events live in their own modules; the union below
# names them too
from cnn_tui.core.contract.embedding_events import EmbeddingComputed as EmbeddingComputed
from cnn_tui.core.contract.health_events import HealthMeasured as HealthMeasured
from cnn_tui.core.contract.health_events import HistogramsMeasured as HistogramsMeasured
from cnn_tui.core.contract.health_events import LayerHealth as LayerHealth
from cnn_tui.core.contract.health_events import LayerHistogram as LayerHistogram
from cnn_tui.core.contract.lr_find_events import LrFindEnded as LrFindEnded
from cnn_tui.core.contract.lr_find_events import LrFindProgressed as LrFindProgressed
from cnn_tui.core.contract.lr_find_events import LrFindStarted as LrFindStarted
from cnn_tui.core.contract.nearest_events import NearestFound as NearestFound


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the change log: a mid-run change, a pause or a resume."""

    step: int  # the change applies from step + 1
    kind: str  # "lr", "momentum", "batch_size", "weight_decay", "paused", "resumed", "diverged"
    old: float | None = None
    new: float | None = None


@dataclass(frozen=True, slots=True)
class EvalRecord:
    """An evaluation's summary, as the charts need it (no per-image data)."""

    epoch: int
    step: int
    loss: float
    accuracy: float
    per_class_accuracy: tuple[float, ...]  # 10
    confusion: tuple[tuple[int, ...], ...]  # 10×10


@dataclass(frozen=True, slots=True)
class TrainingStarted:
    """The trainer is ready; sent once, first. ``step``/``epoch`` are non-zero when resuming."""

    engine: str
    architecture: str  # Architecture.describe(), e.g. "conv8 → dense128 → 10"
    filters: tuple[int, ...]  # filters per conv layer
    hidden: int
    epochs: int
    epoch: int  # 1-based epoch about to run
    step: int  # optimizer steps already taken
    steps_per_epoch: int  # at the starting batch size
    train_size: int
    test_size: int
    lr: float
    momentum: float
    weight_decay: float
    batch_size: int
    seed: int
    resumed_from: str | None = None
    paused: bool = False  # starts paused (e.g. ``--paused``)
    position: int = 0  # images of this epoch already consumed (non-zero when resuming mid-epoch)
    dataset: str = "mnist"  # the ``--dataset`` the run trains on (core/data/sets.py)
    class_names: tuple[str, ...] = ()  # label i's name; () = MNIST's digits (see
    # core/contract/class_names.py, the one place views turn a label into its name)


@dataclass(frozen=True, slots=True)
class HistoryRestored:
    """Sent right after ``TrainingStarted`` when resuming: the run's metrics so far, so the
    charts continue where they were. Step k's values are at index k − 1."""

    losses: tuple[float, ...]
    accuracies: tuple[float, ...]
    lrs: tuple[float, ...]
    epochs: tuple[int, ...]
    evaluations: tuple[EvalRecord, ...]
    changes: tuple[Change, ...]
    reevaluating: bool = False  # an ``Evaluated`` of the resumed network follows, before any
    # batch: the history keeps no mistakes (the dashboard's ``m`` needs them)


@dataclass(frozen=True, slots=True)
class BatchesEnded:
    """Optimizer steps finished since the previous ``BatchesEnded``, oldest first.

    The trainer coalesces to a few events per second; every step's numbers are kept. All the steps
    in one event share the epoch and the hyperparameters (the trainer flushes before a change).
    """

    epoch: int
    first_step: int  # global step number of losses[0] (steps count from 1)
    losses: tuple[float, ...]  # mean cross-entropy of each batch
    accuracies: tuple[float, ...]  # fraction of each batch classified correctly
    lr: float
    momentum: float
    batch_size: int
    images_per_s: float  # training throughput over these steps
    position: int  # images of this epoch consumed after the last step
    train_size: int  # images per epoch

    @property
    def last_step(self) -> int:
        return self.first_step + len(self.losses) - 1


@dataclass(frozen=True, slots=True)
class Mistake:
    """One misclassified test image."""

    index: int  # position in the test set
    label: int
    predicted: int
    probabilities: tuple[float, ...]  # 10 values, summing to 1


@dataclass(frozen=True, slots=True)
class Evaluated:
    """An evaluation on the test set (at each epoch end, or on request)."""

    epoch: int
    step: int
    split: str  # "test"
    loss: float
    accuracy: float
    per_class_accuracy: tuple[float, ...]  # 10 values in [0, 1]; nan for a class with no images
    confusion: tuple[tuple[int, ...], ...]  # 10×10, confusion[true][predicted]
    mistakes: tuple[Mistake, ...]  # every misclassified image, in test-set order
    size: int  # images evaluated
    seconds: float


@dataclass(frozen=True, slots=True)
class ConvView:
    """What one conv layer made of the sampled image. Arrays are flat, row-major."""

    channels: int  # output channels (filters)
    in_channels: int
    side: int  # side of each feature map after conv + ReLU
    pooled_side: int
    maps: tuple[float, ...]  # channels × side × side, after ReLU
    pooled: tuple[float, ...]  # channels × pooled_side × pooled_side, after max-pool
    kernels: tuple[float, ...]  # channels × in_channels × 3 × 3
    biases: tuple[float, ...]  # channels


@dataclass(frozen=True, slots=True)
class SampleViewed:
    """The network's view of one image: a few times a second while training, or on request."""

    step: int
    source: str  # "train" or "test"
    index: int  # position in that split
    label: int
    image: bytes  # 28×28 uint8 pixels, row-major
    probabilities: tuple[float, ...]  # 10 values
    predicted: int
    layers: tuple[ConvView, ...]  # one per conv layer, first to last
    saliency: tuple[float, ...] = ()  # 28×28 ∂logit[saliency_target]/∂pixel, when asked for
    saliency_target: int = -1


@dataclass(frozen=True, slots=True)
class DrawingViewed:
    """The answer to ``ViewDrawing``: the network's view of the drawing, with the weights of
    ``step``. An empty drawing has no view (``predicted`` −1, no probabilities, no layers)."""

    step: int
    drawing: int  # the ViewDrawing's number
    image: bytes  # the 28×28 uint8 input the network received (b"" for none)
    probabilities: tuple[float, ...]  # 10 values
    predicted: int
    layers: tuple[ConvView, ...]  # one per conv layer, first to last


@dataclass(frozen=True, slots=True)
class Paused:
    """Training is paused after ``step``. ``reason`` is "requested", "stepped" or "diverged"."""

    step: int
    reason: str = "requested"


@dataclass(frozen=True, slots=True)
class Resumed:
    step: int


@dataclass(frozen=True, slots=True)
class HyperparametersChanged:
    """Answer to ``SetHyperparameters``: the values in force from ``step + 1`` on."""

    step: int
    lr: float
    momentum: float
    batch_size: int
    weight_decay: float
    changed: tuple[str, ...]  # names of the values that changed, e.g. ("lr",)


@dataclass(frozen=True, slots=True)
class CommandRefused:
    """A command was refused and changed nothing."""

    step: int
    command: str  # the command's class name
    reason: str  # one line, names the value and says why


@dataclass(frozen=True, slots=True)
class Diverged:
    """The loss turned NaN or infinite at ``step``: the step was undone, the weights from
    ``restored_step`` are back, and training paused."""

    step: int
    loss: float
    restored_step: int
    message: str


@dataclass(frozen=True, slots=True)
class SnapshotSaved:
    step: int
    path: str


@dataclass(frozen=True, slots=True)
class SnapshotFailed:
    step: int
    reason: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something worth a line that needs no answer: e.g. the run is evaluated on another test
    slice than its snapshot's, or an old snapshot could not be deleted."""

    step: int
    title: str  # a few words, e.g. "Test set changed"
    message: str  # one line


@dataclass(frozen=True, slots=True)
class Finished:
    """The run ended. ``reason``: "finished" (all epochs done), "stopped" (a Stop command or an
    interrupt), or "failed" (an unexpected error: ``message`` says what)."""

    step: int
    epoch: int
    reason: str
    message: str = ""


Event = (
    TrainingStarted
    | HistoryRestored
    | BatchesEnded
    | Evaluated
    | SampleViewed
    | DrawingViewed
    | Paused
    | Resumed
    | HyperparametersChanged
    | CommandRefused
    | Diverged
    | SnapshotSaved
    | SnapshotFailed
    | Notice
    | Finished
    | HealthMeasured
    | HistogramsMeasured
    | LrFindStarted
    | LrFindProgressed
    | LrFindEnded
    | EmbeddingComputed
    | NearestFound
)
