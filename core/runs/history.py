"""Provides ``read_history``: a run's metrics.jsonl read back into a frozen ``RunHistory`` — the
per-batch loss and training accuracy by step, the test evaluations, the hyperparameter changes,
the epoch boundaries and the configuration the run started with — and ``decimate`` to draw a long
history in a few hundred points.

The file is the metrics file of ``core/training/metrics.py`` (README, "Headless runs and the
metrics file"): one JSON object per line, ``"event"`` naming the kind. Kinds this reader does not
know are skipped (the contract allows extra lines and fields). A line that is not JSON is a line a
crash tore — tolerated, and counted in ``torn_lines`` so a view can say so — when it is the last
one, or when the next line starts a new session (a resumed run's ``start``: the writer ends a torn
line with a newline before writing on). Anything else wrong is refused: ``HistoryError``, one line
naming the file and the line. A resumed session whose ``start`` is at an earlier step than the
file reached (a resume from an older snapshot) replaces what came after that step.

Standard library only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ConfigValue = str | int | float
CONFIG_FIELDS = (
    "engine",
    "architecture",
    "dataset",
    "epochs",
    "lr",
    "momentum",
    "weight_decay",
    "batch_size",
    "seed",
    "train_size",
    "test_size",
)
"""The start record's fields a run's configuration is made of, in the order views show them."""
HYPERPARAMETERS = ("lr", "momentum", "weight_decay", "batch_size")
"""The values a ``hyperparameters`` line carries (``changed`` names the ones that changed)."""


class HistoryError(ValueError):
    """The metrics file is missing, unreadable or holds something it should not; one line."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One test-set evaluation: after ``step`` steps, in ``epoch``."""

    step: int
    epoch: int
    loss: float  # NaN when it was not finite
    accuracy: float  # 0–1
    per_class: tuple[float, ...]  # accuracy per class (label i at index i), NaN for a class absent
    size: int  # test images evaluated


@dataclass(frozen=True, slots=True)
class HyperparameterChange:
    """Hyperparameters changed mid-run: the values in force from step ``step + 1`` on."""

    step: int
    changed: tuple[str, ...]  # which of HYPERPARAMETERS changed, e.g. ("lr",)
    values: tuple[tuple[str, float], ...]  # every hyperparameter after the change

    def value(self, name: str) -> float | None:
        return dict(self.values).get(name)


@dataclass(frozen=True, slots=True)
class RunHistory:
    """What a run's metrics file holds, in step order. Step k's batch is at the index where
    ``steps`` holds k (a branched or resumed run's steps need not start at 1)."""

    path: str
    config: tuple[tuple[str, ConfigValue], ...]  # (field, value) of CONFIG_FIELDS, as started
    class_names: tuple[str, ...]  # () = the digits 0–9
    steps: tuple[int, ...]
    losses: tuple[float, ...]  # per batch, NaN for a non-finite loss
    accuracies: tuple[float, ...]  # per batch, 0–1
    epoch_starts: tuple[int, ...]  # the first step of each epoch after the first one seen
    evaluations: tuple[Evaluation, ...]  # the test set's, in step order
    changes: tuple[HyperparameterChange, ...]
    sessions: int  # start lines: 1, plus one per resume in this folder
    end_reason: str  # the last session's end ("finished", "interrupted", …), "" if none yet
    torn_lines: int  # lines a crash tore, ignored

    @property
    def last_step(self) -> int:
        return self.steps[-1] if self.steps else 0

    @property
    def latest(self) -> Evaluation | None:
        """The latest evaluation (its per-class accuracy is the one views compare)."""
        return self.evaluations[-1] if self.evaluations else None

    def setting(self, name: str) -> ConfigValue | None:
        """One configuration field (None when the file does not say, e.g. an older writer's)."""
        return dict(self.config).get(name)


class _Line(ValueError):
    """One line's problem (the reader adds the file and the line number)."""


def read_history(path: Path) -> RunHistory:
    """The history in the metrics file ``path``; ``HistoryError`` (one line) if it cannot be."""
    try:
        with open(path, "rb") as file:
            raw = file.read().split(b"\n")
    except FileNotFoundError:
        raise HistoryError(f"no metrics file {path}") from None
    except OSError as error:
        raise HistoryError(f"cannot read {path}: {error.strerror or error}") from None
    lines = [(n, line) for n, line in enumerate(raw, 1) if line.strip()]
    reader = _Reader()
    torn = 0
    for i, (number, line) in enumerate(lines):
        record = _parse(line)
        if record is None:
            following = _parse(lines[i + 1][1]) if i + 1 < len(lines) else None
            if i + 1 == len(lines) or (following or {}).get("event") == "start":
                torn += 1
                continue
            raise HistoryError(f"{path} line {number}: not a JSON line (and not torn by a crash)")
        try:
            reader.take(record)
        except _Line as error:
            raise HistoryError(f"{path} line {number}: {error}") from None
    return reader.history(str(path), torn)


def _parse(line: bytes) -> dict[str, Any] | None:
    """The JSON object on one line; None when it is not JSON (a torn line, or garbage)."""
    try:
        value = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else {"event": None}


class _Reader:
    """Folds records in file order."""

    def __init__(self) -> None:
        self.config: dict[str, ConfigValue] = {}
        self.class_names: tuple[str, ...] = ()
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.accuracies: list[float] = []
        self.epochs: list[int] = []  # each batch's epoch
        self.evaluations: list[Evaluation] = []
        self.changes: list[HyperparameterChange] = []
        self.sessions = 0
        self.end_reason = ""

    def take(self, record: dict[str, Any]) -> None:
        kind = record.get("event")
        if not isinstance(kind, str):
            raise _Line('not a metrics record (no "event" name)')
        if kind == "batch":
            step = _int(record, "step")
            if self.steps and step <= self.steps[-1]:  # steps taken again: the later ones count
                self._rewind(step - 1)
            self.steps.append(step)
            self.losses.append(_num(record, "loss", nullable=True))
            self.accuracies.append(_num(record, "accuracy"))
            self.epochs.append(_int(record, "epoch"))
        elif kind == "eval":
            if record.get("split", "test") == "test":
                self.evaluations.append(_evaluation(record))
        elif kind == "hyperparameters":
            self.changes.append(_change(record))
        elif kind == "start":
            self._start(record)
        elif kind == "end":
            reason = record.get("reason")
            self.end_reason = reason if isinstance(reason, str) else "?"

    def _start(self, record: dict[str, Any]) -> None:
        step = _int(record, "step")
        if self.sessions == 0:
            for name in CONFIG_FIELDS:
                value = record.get(name)
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    self.config[name] = value
            self.config.setdefault("dataset", "mnist")
            names = record.get("class_names", [])
            if isinstance(names, list) and all(isinstance(n, str) for n in names):
                self.class_names = tuple(names)
        else:  # a resume from an earlier step: its steps replace the ones after it
            self._rewind(step)
        self.sessions += 1
        self.end_reason = ""

    def _rewind(self, step: int) -> None:
        """Forget everything after ``step``."""
        keep = sum(1 for s in self.steps if s <= step)
        del self.steps[keep:], self.losses[keep:], self.accuracies[keep:], self.epochs[keep:]
        self.evaluations = [e for e in self.evaluations if e.step <= step]
        self.changes = [c for c in self.changes if c.step <= step]

    def history(self, path: str, torn: int) -> RunHistory:
        pairs = zip(self.steps[1:], self.epochs[1:], self.epochs[:-1], strict=True)
        starts = tuple(step for step, epoch, before in pairs if epoch != before)
        return RunHistory(
            path=path,
            config=tuple(self.config.items()),
            class_names=self.class_names,
            steps=tuple(self.steps),
            losses=tuple(self.losses),
            accuracies=tuple(self.accuracies),
            epoch_starts=starts,
            evaluations=tuple(sorted(self.evaluations, key=lambda e: e.step)),
            changes=tuple(self.changes),
            sessions=self.sessions,
            end_reason=self.end_reason,
            torn_lines=torn,
        )


def _evaluation(record: dict[str, Any]) -> Evaluation:
    per_class = record.get("per_class_accuracy")
    if not isinstance(per_class, list):
        raise _Line("eval without a per_class_accuracy list")
    return Evaluation(
        step=_int(record, "step"),
        epoch=_int(record, "epoch"),
        loss=_num(record, "loss", nullable=True),
        accuracy=_num(record, "accuracy"),
        per_class=tuple(_num({"v": v}, "v", nullable=True) for v in per_class),
        size=_int(record, "size"),
    )


def _change(record: dict[str, Any]) -> HyperparameterChange:
    changed = record.get("changed")
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise _Line("hyperparameters without a changed list")
    values = tuple((name, _num(record, name)) for name in HYPERPARAMETERS if name in record)
    return HyperparameterChange(_int(record, "step"), tuple(changed), values)


def _int(record: dict[str, Any], key: str) -> int:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Line(f"{record.get('event')} {key} is {_shown(value)}, not a whole number ≥ 0")
    return value


def _num(record: dict[str, Any], key: str, *, nullable: bool = False) -> float:
    """A number; ``null`` is NaN where the writer writes a non-finite value as null."""
    value = record.get(key)
    if value is None and nullable and key in record:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Line(f"{record.get('event', 'eval')} {key} is {_shown(value)}, not a number")
    return float(value)


def _shown(value: object) -> str:
    return "missing" if value is None else repr(value)[:24]


def decimate(
    steps: tuple[int, ...], values: tuple[float, ...], most: int
) -> tuple[list[float], list[float], list[int]]:
    """At most ``most`` points (x, mean, count) from per-step values: neighbouring steps grouped,
    x the group's mean step (so decimation never shifts a curve), non-finite values left out —
    the form ``tui/dashboard/series.py``'s ``ema`` takes."""
    kept = [(s, v) for s, v in zip(steps, values, strict=True) if math.isfinite(v)]
    if not kept or most <= 0:
        return [], [], []
    group = -(-len(kept) // most)  # ceil: every group but the last holds ``group`` steps
    xs: list[float] = []
    ys: list[float] = []
    ns: list[int] = []
    for start in range(0, len(kept), group):
        chunk = kept[start : start + group]
        xs.append(sum(s for s, _ in chunk) / len(chunk))
        ys.append(sum(v for _, v in chunk) / len(chunk))
        ns.append(len(chunk))
    return xs, ys, ns
