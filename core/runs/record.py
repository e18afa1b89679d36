"""Provides ``RunRecord``: what a run folder's ``run.json`` says about its run, read and written.

One run, one folder (``core/runs/folder.py``), one ``run.json``: its name, when it started, what
it trains (engine, architecture, data set), its hyperparameters at the start and every change
since, where it branched from (``parent_run`` at ``parent_step``), how far it got, its best test
accuracy and its state. The trainer side keeps it up to date (``core/training/run_recording.py``);
``cnn-tui runs`` lists them. Written atomically (a temporary file in the same folder, then
``os.replace``), so a reader sees the old record or the new one, never half of one. A missing or
broken file is a ``RunRecordError`` whose message is one line. Standard library only.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RUN_FILE = "run.json"
FORMAT = 1
"""The version of run.json's layout; a newer one is refused (this cnn-tui cannot know it)."""

STATES = ("running", "finished", "diverged", "interrupted")
"""A run is "running" from its start until it ends: "finished" (every epoch, or --steps),
"diverged" (stopped on a NaN/inf loss), "interrupted" (stopped early: Ctrl+C, q, SIGTERM, an
error). A crash leaves "running" behind: ``core/runs/liveness.py`` tells it from a live run."""


class RunRecordError(ValueError):
    """run.json is missing, unreadable or not a run record; the message is one line."""


@dataclass(frozen=True, slots=True)
class RunHyperparameters:
    """The hyperparameters a run started with (and its length and seed)."""

    lr: float
    momentum: float
    weight_decay: float
    batch_size: int
    epochs: int
    seed: int


@dataclass(frozen=True, slots=True)
class HyperChange:
    """One hyperparameter changed mid-run: ``what`` ("lr", "batch_size", …) is ``value`` from
    step ``step + 1`` on."""

    step: int
    what: str
    value: float


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A run as its folder's run.json records it. Times are ISO 8601 in UTC."""

    name: str  # the run's name (--run-name), as in its snapshots' file names
    folder: str  # the run folder's name in the snapshot folder, e.g. 20261207-130512_run
    started: str
    engine: str
    architecture: str  # Architecture.describe(), e.g. "conv8 → dense128 → 10"
    dataset: str
    hyperparameters: RunHyperparameters
    changes: tuple[HyperChange, ...] = ()
    parent_run: str | None = None  # the folder name of the run this one branched from
    parent_step: int | None = None  # the parent's step it branched at
    state: str = "running"
    epochs_done: int = 0
    steps: int = 0
    best_accuracy: float | None = None  # the best test accuracy this run evaluated
    best_step: int | None = None
    updated: str = ""
    pid: int = 0  # the process that trains it (to tell a crashed "running" run)
    note: str = ""  # one line on how it ended ("--steps reached", "failed: …"), or ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """Fields a later version added: kept on a rewrite, never interpreted."""


def record_json(record: RunRecord) -> str:
    """The record as run.json's text (keys in a stable order, one per line; one line per
    change, ``[step, what, value]``)."""
    data = asdict(record)
    extra = data.pop("extra")
    changes = [json.dumps([c["step"], c["what"], c["value"]]) for c in data["changes"]]
    data["changes"] = "\0"  # a stand-in, replaced by the compact list below
    text = json.dumps({"format": FORMAT, **data, **extra}, indent=2, ensure_ascii=False)
    listed = "[\n    " + ",\n    ".join(changes) + "\n  ]" if changes else "[]"
    return text.replace('"changes": "\\u0000"', f'"changes": {listed}', 1) + "\n"


def write_run(folder: Path, record: RunRecord) -> Path:
    """Write ``record`` to ``folder``/run.json atomically; ``OSError`` says why not."""
    path = folder / RUN_FILE
    temp = folder / f".{RUN_FILE}.{os.getpid()}.tmp"
    try:
        with open(temp, "w", encoding="utf-8") as file:
            file.write(record_json(record))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return path


def read_run(folder: Path) -> RunRecord:
    """The record in ``folder``/run.json; ``RunRecordError`` (one line) when there is none or it
    is not one."""
    path = folder / RUN_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RunRecordError(f"{folder} is not a run folder (no {RUN_FILE})") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise RunRecordError(f"cannot read {path}: {reason}") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        reason = getattr(error, "msg", "nested too deeply")
        raise RunRecordError(f"{path} is not valid JSON ({reason})") from None
    try:
        return _record_of(data)
    except (KeyError, TypeError, ValueError) as error:
        raise RunRecordError(f"{path} is not a run record: {_reason(error)}") from None


def _record_of(data: object) -> RunRecord:
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    version = data.get("format")
    if version != FORMAT:
        raise ValueError(f"format {version!r}, this cnn-tui reads format {FORMAT}")
    hyper = _dict(data, "hyperparameters")
    state = _str(data, "state")
    if state not in STATES:
        raise ValueError(f"state {state!r} is not one of {', '.join(STATES)}")
    known = set(RunRecord.__dataclass_fields__) | {"format"}
    return RunRecord(
        name=_str(data, "name"),
        folder=_str(data, "folder"),
        started=_str(data, "started"),
        engine=_str(data, "engine"),
        architecture=_str(data, "architecture"),
        dataset=_str(data, "dataset"),
        hyperparameters=RunHyperparameters(
            lr=_num(hyper, "lr"),
            momentum=_num(hyper, "momentum"),
            weight_decay=_num(hyper, "weight_decay"),
            batch_size=_int(hyper, "batch_size"),
            epochs=_int(hyper, "epochs"),
            seed=_int(hyper, "seed"),
        ),
        changes=tuple(_change(item) for item in _list(data, "changes")),
        parent_run=_optional(data, "parent_run", _str),
        parent_step=_optional(data, "parent_step", _int),
        state=state,
        epochs_done=_int(data, "epochs_done"),
        steps=_int(data, "steps"),
        best_accuracy=_optional(data, "best_accuracy", _num),
        best_step=_optional(data, "best_step", _int),
        updated=_str(data, "updated"),
        pid=_int(data, "pid"),
        note=_str(data, "note"),
        extra={k: v for k, v in data.items() if k not in known},
    )


def _change(item: object) -> HyperChange:
    if not isinstance(item, list) or len(item) != 3:
        raise TypeError("a change is not [step, what, value]")
    step, what, value = item
    checked = {"step": step, "what": what, "value": value}
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    return HyperChange(  # a whole value (a batch size) stays whole
        _int(checked, "step"),
        _str(checked, "what"),
        _num(checked, "value") if number is None else number,
    )


def _str(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or "\n" in value:
        raise TypeError(f"{key} is not a one-line string")
    return value


def _int(data: dict[str, Any], key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"{key} is not a whole number ≥ 0")
    return value


def _num(data: dict[str, Any], key: str) -> float:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TypeError(f"{key} is not a finite number")
    return float(value)


def _dict(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data[key]
    if not isinstance(value, dict):
        raise TypeError(f"{key} is not an object")
    return value


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise TypeError(f"{key} is not a list")
    return value


def _optional(data: dict[str, Any], key: str, read: Any) -> Any:
    return None if data.get(key) is None else read(data, key)


def _reason(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"{error.args[0]} is missing"
    return str(error)
