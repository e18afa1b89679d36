"""Provides ``Engine``, the interface every engine implements, and the plain results they return.

Three engines: ``reference`` (core/engines/reference/: the report formula by formula, the oracle),
``python`` (core/engines/python/: the same in fast pure Python) and ``numpy`` (core/engines/numpy/:
vectorised). An engine owns the parameters, the optimizer state (momentum buffers) and the math.
The trainer owns everything else: the order of the data, the hyperparameters in force, events and
commands.

The math every engine must do identically (so the same seed gives the same numbers):

* images are uint8 bytes scaled to [0, 1] by ``pixel / 255``;
* conv: 3×3, stride 1, no padding, + bias; ReLU; max-pool 2×2 stride 2 (odd edge dropped; on ties
  the gradient goes to the first maximum in row-major order of the window); repeated per conv
  layer; flatten in CHW order; dense + ReLU; dense; softmax;
* loss per image: −log(p_label + 1e-10) (the report's ε), with a max-subtracted softmax; the batch
  loss is the mean; the gradient at the logits is (p − onehot) / batch_size;
* SGD: for every parameter w with gradient g: g ← g + weight_decay·w (weights only, not biases);
  v ← momentum·v + g; w ← w − lr·v (v starts at 0; with momentum 0 this is w ← w − lr·g).

A step can be asked to measure the network's health too (``observe``, observation.py): its ReLU
units' positivity, mean and spread, and each weight tensor's weight, gradient and update sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from cnn_tui.core.contract.config import Architecture, Hyperparameters
from cnn_tui.core.contract.events import ConvView
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.observation import Observation, StepObservation
from cnn_tui.core.engines.params import FlatParams


def predict_stop(data: Dataset, start: int, stop: int | None) -> int:
    """The end of ``predict``'s range ``start:stop`` (``None``: to the end of ``data``); a range
    that leaves the set is refused with a ValueError that names it, in every engine alike."""
    stop = len(data) if stop is None else stop
    if not 0 <= start <= stop <= len(data):
        raise ValueError(f"range {start}:{stop} is outside {data.name} (0:{len(data)})")
    return stop


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one training step reports."""

    loss: float  # mean loss over the batch (before the update)
    correct: int  # images in the batch classified correctly (before the update)
    observed: StepObservation | None = None  # what ``observe`` asked for (None: not asked)


@dataclass(frozen=True, slots=True)
class Predictions:
    """The network's output over a range of a dataset."""

    loss: float  # mean loss
    predicted: list[int]  # arg-max class per image
    probabilities: list[list[float]]  # 10 per image


@dataclass(frozen=True, slots=True)
class Inspection:
    """One image through the network, for display: probabilities and every conv layer's maps."""

    probabilities: tuple[float, ...]
    layers: tuple[ConvView, ...]


class Engine(Protocol):
    """The interface of ``ReferenceEngine``, ``PythonEngine`` and ``NumpyEngine``."""

    name: str
    arch: Architecture

    def get_params(self) -> FlatParams:
        """Every parameter, flat row-major Python floats, canonical names (see params.py)."""
        ...

    def set_params(self, params: FlatParams) -> None:
        """Replace every parameter; ValueError (and nothing changed) for a missing name or a
        wrong number of values."""
        ...

    def get_velocity(self) -> FlatParams:
        """The momentum buffers, same names and shapes as the parameters (zeros if unused)."""
        ...

    def set_velocity(self, velocity: FlatParams) -> None: ...

    def train_batch(
        self,
        data: Dataset,
        indices: Sequence[int],
        hyper: Hyperparameters,
        observe: Observation | None = None,
    ) -> BatchResult:
        """One SGD step on the images at ``indices``: forward, loss, backward, update; with
        ``observe``, the step's health as well (observation.py; nothing extra without it)."""
        ...

    def predict(self, data: Dataset, start: int = 0, stop: int | None = None) -> Predictions:
        """Forward only, over images ``start:stop``."""
        ...

    def inspect(self, image: bytes) -> Inspection:
        """One 28×28 uint8 image: probabilities and each conv layer's maps, pooled maps, kernels."""
        ...

    def saliency(self, image: bytes, target: int) -> list[float]:
        """∂ logit[target] / ∂ pixel for one image: 784 floats (pixels in [0, 1] units)."""
        ...

    def dense_features(
        self, data: Dataset, start: int = 0, stop: int | None = None
    ) -> list[list[float]]:
        """The dense layer's features of images ``start:stop``: h = ReLU(W1·flat + b1), one row
        of ``arch.hidden`` floats per image (the space the nearest training digits are found in,
        core/nearest/)."""
        ...
