"""Provides the run's architecture and hyperparameters, and the checks every typed value passes.

The same checks serve the command line, the dashboard's input fields, mid-run commands and values
read back from snapshots: a value that fails one is refused with the reason and changes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

IMAGE_SIDE = 28
"""MNIST images are 28×28 pixels, one channel."""

NUM_CLASSES = 10

ENGINES = ("numpy", "python", "reference", "torch")
"""The engines behind one interface; the first is the default. "reference" is the report formula
by formula in plain lists: the slow oracle the other two are tested against. "torch" (PyTorch,
CUDA when present) needs the ``[torch]`` extra; it is tested against "numpy"."""

LR_RANGE = (1e-6, 10.0)
MOMENTUM_RANGE = (0.0, 0.999)
WEIGHT_DECAY_RANGE = (0.0, 1.0)
FILTERS_RANGE = (1, 64)
HIDDEN_RANGE = (1, 4096)
EPOCHS_RANGE = (1, 1000)
BATCH_SIZE_MAX = 60_000


class ConfigError(ValueError):
    """A value was refused; the message names the value and says why, in one line."""


@dataclass(frozen=True, slots=True)
class Architecture:
    """The network's shape: conv 3×3 × filters → ReLU → max-pool 2×2 → [conv 3×3 × filters2 → ReLU
    → max-pool 2×2] → flatten → dense hidden → ReLU → dense 10 → softmax.

    Shapes for the default (one conv layer, 8 filters, 128 hidden units), CHW order:
    input 1×28×28 → conv 8×26×26 → pool 8×13×13 → flatten 1352 → dense 128 → dense 10.
    """

    filters: int = 8
    filters2: int = 0  # 0 means no second conv layer
    hidden: int = 128

    def __post_init__(self) -> None:
        check_int("filters", self.filters, *FILTERS_RANGE)
        if self.filters2 != 0:
            check_int("second-layer filters", self.filters2, *FILTERS_RANGE)
        check_int("hidden units", self.hidden, *HIDDEN_RANGE)

    @property
    def conv_layers(self) -> tuple[int, ...]:
        """Filters per conv layer, first to last."""
        return (self.filters, self.filters2) if self.filters2 else (self.filters,)

    def conv_shapes(self) -> list[tuple[int, int, int, int]]:
        """(in_channels, out_channels, conv_side, pooled_side) for each conv layer."""
        shapes = []
        channels, side = 1, IMAGE_SIDE
        for filters in self.conv_layers:
            conv_side = side - 2  # a 3×3 kernel, stride 1, no padding ("valid")
            pooled_side = conv_side // 2  # 2×2 max-pool, stride 2; odd edge dropped
            shapes.append((channels, filters, conv_side, pooled_side))
            channels, side = filters, pooled_side
        return shapes

    @property
    def flat_size(self) -> int:
        """Length of the flattened feature vector fed to the first dense layer."""
        _, channels, _, side = self.conv_shapes()[-1]
        return channels * side * side

    def describe(self) -> str:
        """A short human-readable name, e.g. ``conv8 → dense128 → 10``."""
        convs = " → ".join(f"conv{f}" for f in self.conv_layers)
        return f"{convs} → dense{self.hidden} → {NUM_CLASSES}"


@dataclass(frozen=True, slots=True)
class Hyperparameters:
    """What may change mid-run. The optimizer is SGD: v ← momentum·v + g (+ weight_decay·w);
    w ← w − lr·v. With momentum 0 this is the report's plain update w ← w − lr·g."""

    lr: float = 0.01
    momentum: float = 0.0
    weight_decay: float = 0.0
    batch_size: int = 32

    def __post_init__(self) -> None:
        check_float("learning rate", self.lr, *LR_RANGE)
        check_float("momentum", self.momentum, *MOMENTUM_RANGE)
        check_float("weight decay", self.weight_decay, *WEIGHT_DECAY_RANGE)
        check_int("batch size", self.batch_size, 1, BATCH_SIZE_MAX)


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything that defines a training run."""

    arch: Architecture = field(default_factory=Architecture)
    hyper: Hyperparameters = field(default_factory=Hyperparameters)
    epochs: int = 5
    seed: int = 0
    engine: str = "numpy"
    precision: str = "float32"  # the NumPy and torch engines' dtype; the Python ones: float64
    dataset: str = "mnist"  # --dataset (core/data/sets.py): mnist, fashion-mnist or kmnist
    class_names: tuple[str, ...] = ()  # label i's name; () = MNIST's digits (class_names.py)

    def __post_init__(self) -> None:
        check_int("epochs", self.epochs, *EPOCHS_RANGE)
        if self.class_names and len(self.class_names) != 10:
            raise ConfigError(f"{len(self.class_names)} class names given, the network has 10")
        check_int("seed", self.seed, 0, 2**32 - 1)
        if self.engine not in ENGINES:
            raise ConfigError(f"engine {self.engine!r} is not one of {', '.join(ENGINES)}")
        if self.precision not in ("float32", "float64"):
            raise ConfigError(f"precision {self.precision!r} is not float32 or float64")

    def with_hyper(self, **changes: Any) -> RunConfig:
        """A copy with some hyperparameters changed (validated by ``Hyperparameters``)."""
        return replace(self, hyper=replace(self.hyper, **changes))


def check_float(name: str, value: float, low: float, high: float) -> float:
    """Refuse anything that is not a finite number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{name} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, not {value}")
    if not low <= value <= high:
        raise ConfigError(f"{name} {value:g} is outside {low:g}–{high:g}")
    return float(value)


def check_int(name: str, value: int, low: int, high: int) -> int:
    """Refuse anything that is not an integer in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise ConfigError(f"{name} {value} is outside {low}–{high}")
    return value


def parse_float(name: str, text: str, low: float, high: float) -> float:
    """Parse typed text as a float and check it. ``float()`` alone accepts "nan", "inf",
    "1e400" (→ inf) and "1e-400" (→ 0.0): all of these are refused here."""
    cleaned = text.strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ConfigError(f"{name} {text.strip()!r} is not a number") from None
    return check_float(name, value, low, high)


def parse_int(name: str, text: str, low: int, high: int) -> int:
    """Parse typed text as an integer and check it ("1.5", "1e3" and "abc" are refused)."""
    cleaned = text.strip()
    try:
        value = int(cleaned)
    except ValueError:
        raise ConfigError(f"{name} {text.strip()!r} is not a whole number") from None
    return check_int(name, value, low, high)


def parse_lr(text: str) -> float:
    return parse_float("learning rate", text, *LR_RANGE)


def parse_momentum(text: str) -> float:
    return parse_float("momentum", text, *MOMENTUM_RANGE)


def parse_batch_size(text: str, dataset_size: int = BATCH_SIZE_MAX) -> int:
    return parse_int("batch size", text, 1, min(BATCH_SIZE_MAX, dataset_size))


def parse_weight_decay(text: str) -> float:
    return parse_float("weight decay", text, *WEIGHT_DECAY_RANGE)
