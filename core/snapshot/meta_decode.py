"""Provides ``meta.json`` reading: ``parse_meta`` (text → dict) and ``decode_meta`` (dict →
the run config and the other fields, every value type- and range-checked).

Hyperparameters and the architecture go through ``config.py``'s own checks, like a value typed
on the command line. A problem raises ``SchemaError`` with one line naming the field.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from cnn_tui.core.contract.config import (
    NUM_CLASSES,
    Architecture,
    ConfigError,
    Hyperparameters,
    RunConfig,
)
from cnn_tui.core.contract.events import Change, EvalRecord
from cnn_tui.core.snapshot.schema import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_CHANGES,
    MAX_DATA_SIZE,
    MAX_EVALUATIONS,
    MAX_STEP,
    PARAM_DTYPES,
    TOP_KEYS,
    SchemaError,
    short,
)

_KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def parse_meta(text: str) -> dict[str, Any]:
    """``meta.json``'s text as a dict; NaN/Infinity literals and repeated keys are refused."""

    def refuse_constant(name: str) -> None:
        raise SchemaError(f"meta.json holds {name}, which JSON does not allow")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            raise SchemaError("meta.json repeats a key")
        return result

    try:
        meta = json.loads(text, parse_constant=refuse_constant, object_pairs_hook=no_duplicates)
    except (ValueError, RecursionError) as error:
        raise SchemaError(f"meta.json is not valid JSON ({_one_line(error)[:80]})") from None
    if not isinstance(meta, dict):
        raise SchemaError("meta.json is not an object")
    return meta


def decode_meta(meta: dict[str, Any]) -> tuple[RunConfig, dict[str, Any]]:
    """The run config and the other plain fields (progress, sizes, evaluations, changes, the
    array descriptions, param dtype), every one type- and range-checked."""
    if meta.get("format") != FORMAT_NAME:
        raise SchemaError("meta.json does not describe a cnn-tui snapshot")
    version = meta.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SchemaError(f"format_version must be a whole number, not {short(version)}")
    if version > FORMAT_VERSION:
        raise SchemaError(
            f"written by a newer cnn-tui ({short(meta.get('app_version'))}, format {version}); "
            f"this one reads ≤ {FORMAT_VERSION}, so upgrade cnn-tui to resume it"
        )
    if version < FORMAT_VERSION:
        raise SchemaError(f"format {version} is unknown (this cnn-tui reads {FORMAT_VERSION})")
    fields(meta, "meta.json", TOP_KEYS)
    for key in ("app_version", "saved_at", "run_name"):
        if not isinstance(meta[key], str) or len(meta[key]) > 200:
            raise SchemaError(f"{key} must be a short string")
    config = _decode_config(meta["config"])
    progress = fields(meta["progress"], "progress", ("epoch", "position", "step"))
    data = fields(meta["data"], "data", ("train_size", "test_size"))
    if meta["param_dtype"] not in PARAM_DTYPES:
        raise SchemaError(f"param_dtype must be one of {', '.join(PARAM_DTYPES)}")
    if not isinstance(meta["arrays"], dict):
        raise SchemaError("arrays must be an object")
    evaluations = as_list(meta["evaluations"], "evaluations", MAX_EVALUATIONS)
    changes = as_list(meta["changes"], "changes", MAX_CHANGES)
    parsed = {
        "epoch": as_int(progress["epoch"], "progress.epoch", 1, config.epochs + 1),
        "position": as_int(progress["position"], "progress.position", 0, MAX_DATA_SIZE),
        "step": as_int(progress["step"], "progress.step", 0, MAX_STEP),
        "train_size": as_int(data["train_size"], "data.train_size", 1, MAX_DATA_SIZE),
        "test_size": as_int(data["test_size"], "data.test_size", 0, MAX_DATA_SIZE),
        "evaluations": [_decode_eval(e, f"evaluations[{i}]") for i, e in enumerate(evaluations)],
        "changes": [_decode_change(c, f"changes[{i}]") for i, c in enumerate(changes)],
        "arrays": meta["arrays"],
        "param_dtype": meta["param_dtype"],
    }
    return config, parsed


def _decode_config(obj: Any) -> RunConfig:
    keys = ("engine", "precision", "epochs", "seed", "architecture", "hyperparameters")
    optional = {"dataset": "mnist", "class_names": []}  # written for other sets than MNIST
    if isinstance(obj, dict):
        extra = {k: obj[k] for k in optional if k in obj}
        obj = {k: v for k, v in obj.items() if k not in optional}
    cfg = fields(obj, "config", keys)
    dataset, names = _decode_dataset({**optional, **extra})
    arch = fields(cfg["architecture"], "architecture", ("filters", "filters2", "hidden"))
    hyper = fields(
        cfg["hyperparameters"], "hyperparameters", ("lr", "momentum", "weight_decay", "batch_size")
    )
    try:  # the same checks as the command line and mid-run edits
        return RunConfig(
            arch=Architecture(arch["filters"], arch["filters2"], arch["hidden"]),
            hyper=Hyperparameters(
                hyper["lr"], hyper["momentum"], hyper["weight_decay"], hyper["batch_size"]
            ),
            epochs=cfg["epochs"],
            seed=cfg["seed"],
            engine=cfg["engine"],
            precision=cfg["precision"],
            dataset=dataset,
            class_names=names,
        )
    except ConfigError as error:
        raise SchemaError(f"setting refused: {error}") from None
    except TypeError:
        raise SchemaError("a setting has the wrong type") from None


def _decode_eval(obj: Any, where: str) -> EvalRecord:
    keys = ("epoch", "step", "loss", "accuracy", "per_class_accuracy", "confusion")
    e = fields(obj, where, keys)
    per_class = as_list(e["per_class_accuracy"], f"{where}.per_class_accuracy", NUM_CLASSES)
    confusion = as_list(e["confusion"], f"{where}.confusion", NUM_CLASSES)
    rows = tuple(
        tuple(
            as_int(v, f"{where}.confusion", 0, MAX_DATA_SIZE)
            for v in as_list(row, f"{where}.confusion", NUM_CLASSES)
        )
        for row in confusion
    )
    if len(per_class) != NUM_CLASSES or len(rows) != NUM_CLASSES:
        raise SchemaError(
            f"{where} must hold {NUM_CLASSES} class accuracies and {NUM_CLASSES} rows"
        )
    if any(len(row) != NUM_CLASSES for row in rows):
        raise SchemaError(f"{where}.confusion must be {NUM_CLASSES}×{NUM_CLASSES}")
    return EvalRecord(
        epoch=as_int(e["epoch"], f"{where}.epoch", 0, 10_000),
        step=as_int(e["step"], f"{where}.step", 0, MAX_STEP),
        loss=as_number(e["loss"], f"{where}.loss", 0.0),
        accuracy=as_number(e["accuracy"], f"{where}.accuracy", 0.0, 1.0),
        per_class_accuracy=tuple(  # null = a class with no test images
            math.nan if a is None else as_number(a, f"{where}.per_class_accuracy", 0.0, 1.0)
            for a in per_class
        ),
        confusion=rows,
    )


def _decode_change(obj: Any, where: str) -> Change:
    c = fields(obj, where, ("step", "kind", "old", "new"))
    if not isinstance(c["kind"], str) or not _KIND_RE.match(c["kind"]):
        raise SchemaError(f"{where}.kind must be a short lowercase name, not {short(c['kind'])}")
    old, new = (None if c[k] is None else as_number(c[k], f"{where}.{k}") for k in ("old", "new"))
    step = as_int(c["step"], f"{where}.step", 0, MAX_STEP)
    return Change(step=step, kind=c["kind"], old=old, new=new)


# ── small typed readers: each refuses anything but exactly what it names ─────────────────────


def _decode_dataset(obj: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The recorded data set and class names, checked (a known set; ten short printable names)."""
    from cnn_tui.core.data.class_file import NAME_MAX
    from cnn_tui.core.data.sets import DATASETS

    dataset, names = obj["dataset"], obj["class_names"]
    if not isinstance(dataset, str) or dataset not in DATASETS:
        raise SchemaError(
            f"config.dataset must be one of {', '.join(DATASETS)}, not {short(dataset)}"
        )
    if not isinstance(names, list) or len(names) not in (0, 10):
        raise SchemaError("config.class_names must be a list of 10 names")
    for name in names:
        if not isinstance(name, str) or not 0 < len(name) <= NAME_MAX or not name.isprintable():
            raise SchemaError(f"config.class_names holds a bad name {short(name)}")
    return dataset, tuple(names)


def fields(obj: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """``obj`` as a dict holding exactly ``keys``."""
    if not isinstance(obj, dict):
        raise SchemaError(f"{where} must be an object")
    missing = [k for k in keys if k not in obj]
    if missing:
        raise SchemaError(f"{where} lacks {missing[0]!r}")
    extra = sorted(k for k in obj if k not in keys)
    if extra:
        raise SchemaError(f"{where} has an unexpected field {short(extra[0])}")
    return obj


def as_int(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SchemaError(f"{where} must be a whole number in {low}–{high}, not {short(value)}")
    return value


def as_number(value: Any, where: str, low: float = -math.inf, high: float = math.inf) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise SchemaError(
            f"{where} must be a finite number in [{low:g}, {high:g}], not {short(value)}"
        )
    return value


def as_list(value: Any, where: str, max_len: int) -> list[Any]:
    if not isinstance(value, list) or len(value) > max_len:
        raise SchemaError(f"{where} must be a list of at most {max_len:,} entries")
    return value


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
