"""Bad ``meta.json`` values and members (faults D9, D16): every field type- and range-checked,
JSON's NaN and repeated keys refused, path tricks and missing or extra members named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.core.snapshot_files import members_of, refused, repack, write_zip


def set_in(path: tuple[str, ...], value: Any):
    def edit(meta: dict) -> None:
        target = meta
        for key in path[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[path[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("path", "value", "pattern"),
    [
        (
            ("config", "hyperparameters", "lr"),
            1e9,
            r"setting refused: learning rate 1e\+09 is outside",
        ),
        (("config", "hyperparameters", "lr"), -0.1, r"learning rate -0.1 is outside"),
        (("config", "hyperparameters", "lr"), "0.1", r"learning rate must be a number"),
        (("config", "hyperparameters", "batch_size"), 0, r"batch size 0 is outside"),
        (("config", "hyperparameters", "momentum"), 1.0, r"momentum 1 is outside"),
        (("config", "architecture", "filters"), True, r"filters must be a whole number"),
        (("config", "engine"), "tensorflow", r"engine 'tensorflow' is not one of"),
        (("config", "seed"), -1, r"seed -1 is outside"),
        (("progress", "step"), "5", r"progress.step must be a whole number"),
        (("progress", "epoch"), 99, r"progress.epoch must be a whole number in 1–4"),
        (("progress", "position"), 101, r"position 101 is outside 0–100"),
        (("data", "train_size"), 0, r"data.train_size must be a whole number in 1–"),
        (("config", "extra"), 1, r"config has an unexpected field 'extra'"),
        (("evaluations", "0", "accuracy"), 1.5, r"evaluations\[0\].accuracy must be a finite"),
        (("evaluations", "0", "confusion"), [[1] * 10] * 9, r"10 class accuracies and 10 rows"),
        (("evaluations", "0", "per_class_accuracy"), [0.5] * 11, r"at most 10 entries"),
        (("changes", "0", "kind"), "../../x", r"changes\[0\].kind must be a short lowercase"),
        (("changes", "0", "new"), "fast", r"changes\[0\].new must be a finite number"),
        (("changes", "0", "step"), 6, r"change at step 6 lies after step 5"),
        (("param_dtype",), "<f2", r"param_dtype must be one of"),
        (("format",), "keras", r"does not describe a cnn-tui snapshot"),
    ],
)
def test_d9_bad_meta_values_are_refused(
    tmp_path: Path, good_snapshot: Path, path, value, pattern
) -> None:
    refused(repack(good_snapshot, tmp_path / "bad.npz", meta=set_in(path, value)), pattern)


def test_d9_nan_literal_and_duplicate_keys_in_json(tmp_path: Path, good_snapshot: Path) -> None:
    members = members_of(good_snapshot)
    text = members["meta.json"].decode()
    members["meta.json"] = text.replace('"loss": 0.7', '"loss": NaN').encode()
    refused(write_zip(tmp_path / "nan.npz", list(members.items())), r"holds NaN, which JSON does")
    members["meta.json"] = text.replace('"seed": 1', '"seed": 1, "seed": 2').encode()
    refused(write_zip(tmp_path / "dup.npz", list(members.items())), r"repeats a key")
    members["meta.json"] = text.replace('"lr": 0.05', '"lr": 1e400').encode()  # parses as inf
    refused(write_zip(tmp_path / "inf.npz", list(members.items())), r"learning rate must be a fin")
    members["meta.json"] = b"[" * 100_000
    refused(write_zip(tmp_path / "deep.npz", list(members.items())), r"not valid JSON")


def test_d9_history_lengths_must_agree(tmp_path: Path, good_snapshot: Path) -> None:
    def shorter(meta: dict) -> None:
        meta["progress"]["step"] = 4

    shorter_all = {
        "history.losses": np.zeros(4),
        "history.accuracies": np.zeros(4),
        "history.lrs": np.full(4, 0.05),
        "history.epochs": np.zeros(4, "<i8"),  # epoch 0 does not exist
    }
    path = repack(
        good_snapshot, tmp_path / "h.npz", meta=shorter, arrays={"history.losses": np.zeros(4)}
    )
    refused(path, r"history.accuracies has shape \(5,\), expected \(4,\)")
    path = repack(good_snapshot, tmp_path / "h2.npz", meta=shorter, arrays=shorter_all)
    refused(path, r"history epochs must rise from 1")  # all-zero epochs


def test_d16_path_tricks_and_extra_members_are_refused(tmp_path: Path, good_snapshot: Path) -> None:
    members = list(members_of(good_snapshot).items())
    for name in ("../evil.npy", "/etc/passwd", "params/../../x.npy", "extra.thing.npy"):
        path = write_zip(tmp_path / "tricky.npz", [*members, (name, b"x")])
        refused(path, r"unexpected (member|array)")
    assert not (tmp_path.parent / "evil.npy").exists()
    dropped = write_zip(tmp_path / "dropped.npz", [m for m in members if "dense2.bias" not in m[0]])
    refused(dropped, r"missing array 'params.dense2.bias'")
    with pytest.warns(UserWarning, match="Duplicate name"):
        dup = write_zip(tmp_path / "dup.npz", [*members, members[3]])
    refused(dup, r"appears twice")
