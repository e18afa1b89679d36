"""Provides snapshot test material: a plausible mid-run ``RunState``, exact comparison, and the
tools to take a saved file apart and put hostile versions of it back together."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import Change, EvalRecord
from cnn_tui.core.contract.run_state import History, RunState
from cnn_tui.core.engines.params import init_params
from cnn_tui.core.snapshot.errors import SnapshotError
from cnn_tui.core.snapshot.load import load_snapshot

SMALL = Architecture(filters=2, hidden=16)


EVIL_MARKER = "PWNED"


def make_state(
    arch: Architecture = SMALL,
    *,
    steps: int = 5,
    precision: str = "float32",
    float32_values: bool = False,
    seed: int = 1,
) -> RunState:
    """A plausible mid-run state: seeded weights, momentum buffers, ``steps`` of history."""
    config = RunConfig(
        arch=arch,
        hyper=Hyperparameters(lr=0.05, momentum=0.9, batch_size=8),
        epochs=3,
        seed=seed,
        precision=precision,
    )
    params = init_params(arch, seed)
    rng = random.Random(seed)
    velocity = {k: [rng.uniform(-1e-3, 1e-3) for _ in v] for k, v in params.items()}
    if float32_values:  # what the float32 NumPy engine hands over
        params = {k: np.float32(v).astype(float).tolist() for k, v in params.items()}
        velocity = {k: np.float32(v).astype(float).tolist() for k, v in velocity.items()}
    history = History(
        losses=[2.3 - 0.1 * i for i in range(steps)],
        accuracies=[min(1.0, 0.1 * i) for i in range(steps)],
        lrs=[0.05] * steps,
        epochs=[1] * steps,
        evaluations=[
            EvalRecord(
                epoch=1,
                step=steps,
                loss=0.7,
                accuracy=0.8,
                per_class_accuracy=(0.5,) * 9 + (float("nan"),),  # class 9 had no images
                confusion=tuple(tuple(int(r == c) * 3 for c in range(10)) for r in range(10)),
            )
        ],
        changes=[Change(2, "lr", 0.01, 0.05), Change(3, "paused"), Change(3, "resumed")],
    )
    return RunState(config, 1, steps * 8, steps, params, velocity, history, 100, 20)


def assert_same_state(a: RunState, b: RunState) -> None:
    assert a.config == b.config
    assert (a.epoch, a.position, a.step) == (b.epoch, b.position, b.step)
    assert (a.train_size, a.test_size) == (b.train_size, b.test_size)
    assert a.params == b.params  # bit for bit: Python float equality
    assert a.velocity == b.velocity
    ha, hb = a.history, b.history
    assert (ha.losses, ha.accuracies, ha.lrs, ha.epochs) == (
        hb.losses,
        hb.accuracies,
        hb.lrs,
        hb.epochs,
    )
    assert ha.changes == hb.changes
    assert len(ha.evaluations) == len(hb.evaluations)
    for ea, eb in zip(ha.evaluations, hb.evaluations, strict=True):
        assert repr(ea) == repr(eb)  # repr: NaN (a class with no images) compares equal


def folder_digest(folder: Path) -> dict[str, str]:
    """Name → SHA-256 of every regular file (never open a FIFO; a huge sparse file by size)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        if p.stat().st_size < 2**30
        else f"{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def refused(path: Path, pattern: str, **kwargs: Any) -> str:
    """Load ``path``; assert a one-line SnapshotError matching ``pattern`` and nothing changed."""
    before = folder_digest(path.parent) if path.parent.is_dir() else None
    with pytest.raises(SnapshotError, match=pattern) as info:
        load_snapshot(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    if before is not None:
        assert folder_digest(path.parent) == before  # nothing overwritten, nothing added
    return message


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def repack(
    source: Path,
    target: Path,
    *,
    meta: Any = None,
    arrays: dict[str, np.ndarray] | None = None,
    rehash: bool = True,
) -> Path:
    """A copy of ``source`` with meta.json edited and arrays replaced, hashes made consistent
    (so the check under test is the one that fires, not the SHA-256)."""
    members = members_of(source)
    data = json.loads(members["meta.json"])
    for key, array in (arrays or {}).items():
        members[f"{key}.npy"] = npy(array)
        if rehash:
            data["arrays"][key] = {
                "dtype": array.dtype.str,
                "shape": list(array.shape),
                "sha256": hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest(),
            }
    if meta is not None:
        meta(data)
    members["meta.json"] = json.dumps(data).encode()
    return write_zip(target, list(members.items()))


class Evil:
    """Unpickling this creates the marker file: it must never happen."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))
