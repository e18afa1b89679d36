"""Faults D1–D16 on ``--resume``: missing, truncated, hostile or mismatched snapshots are refused
with exit 4 and one line; nothing is unpickled, nothing is overwritten.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import pytest

from tests.faults.helpers import (
    TRACEBACK,
    assert_clear,
    resume,
    run_main,
)


def _members(snap: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(snap) as z:
        return {name: z.read(name) for name in z.namelist()}


def _zip(members: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _edit_meta(snap: Path, path: Path, edit) -> Path:  # noqa: ANN001
    members = _members(snap)
    meta = json.loads(members["meta.json"])
    edit(meta)
    members["meta.json"] = json.dumps(meta).encode()
    return _zip(members, path)


def test_d1_snapshot_missing_or_a_folder(tmp_path, tiny, capsys):
    code, err = run_main(resume(tmp_path / "nope.npz", tiny), capsys)
    assert_clear(code, err, 4, r"snapshot not found")
    code, err = run_main(resume(tmp_path, tiny), capsys)
    assert_clear(code, err, 4, r"is a folder, not a snapshot")
    os.mkfifo(tmp_path / "fifo.npz")
    code, err = run_main(resume(tmp_path / "fifo.npz", tiny), capsys)
    assert_clear(code, err, 4, r"not a regular file")


@pytest.mark.parametrize("cut", ["half", "tail"])
def test_d2_truncated_snapshot(tmp_path, tiny, snapshot, capsys, cut):
    raw = snapshot.read_bytes()
    bad = tmp_path / "cut.npz"
    bad.write_bytes(raw[: len(raw) // 2] if cut == "half" else raw[:-10])
    code, err = run_main(resume(bad, tiny), capsys)
    assert_clear(code, err, 4, r"corrupt or truncated")
    assert snapshot.read_bytes() == raw


def test_d2_hash_mismatch(tmp_path, tiny, snapshot, capsys):
    members = _members(snapshot)
    member = "params.dense1.weight.npy"
    data = bytearray(members[member])
    data[-1] ^= 0x01
    members[member] = bytes(data)
    code, err = run_main(resume(_zip(members, tmp_path / "h.npz"), tiny), capsys)
    assert_clear(code, err, 4, r"fails its SHA-256 check")


@pytest.mark.parametrize(
    "content, pattern",
    [
        (b"", r"empty"),
        (b"\x00" + os.urandom(4095), r"not a zip"),  # a "{" or "[" first would be "JSON"
        (b"\x89PNG\r\n\x1a\n" + bytes(64), r"PNG"),
        (b'{"format": "cnn-tui snapshot"}', r"JSON"),
        (b"\x93NUMPY\x01\x00", r"\.npy"),
    ],
    ids=["zero_bytes", "random", "png", "json", "npy"],
)
def test_d3_not_a_snapshot(tmp_path, tiny, capsys, content, pattern):
    (tmp_path / "x.npz").write_bytes(content)
    code, err = run_main(resume(tmp_path / "x.npz", tiny), capsys)
    assert_clear(code, err, 4, pattern)


def test_d3_other_zip(tmp_path, tiny, capsys):
    bad = _zip({"model.weights.h5": b"x", "config.json": b"{}"}, tmp_path / "k.npz")
    code, err = run_main(resume(bad, tiny), capsys)
    assert_clear(code, err, 4, r"unexpected member")


class _Evil:
    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __reduce__(self):  # noqa: ANN204
        return (os.system, (f"touch {self.canary}",))


def test_d4_pickle_never_executed(tmp_path, tiny, snapshot, capsys):
    canary = tmp_path / "PWNED"
    (tmp_path / "evil.npz").write_bytes(pickle.dumps(_Evil(canary)))
    code, err = run_main(resume(tmp_path / "evil.npz", tiny), capsys)
    assert_clear(code, err, 4, r"pickle")
    # and a pickled object array hidden inside an otherwise valid snapshot
    import numpy as np

    members = _members(snapshot)
    buffer = io.BytesIO()
    np.save(buffer, np.array([_Evil(canary)], dtype=object), allow_pickle=True)
    members["params.conv1.weight.npy"] = buffer.getvalue()
    code, err = run_main(resume(_zip(members, tmp_path / "evil2.npz"), tiny), capsys)
    assert_clear(code, err, 4, r"Python objects")
    assert not canary.exists()


def test_d5_other_architecture(tmp_path, tiny, snapshot, capsys):
    code, err = run_main(resume(snapshot, tiny, "--filters", "16"), capsys)
    assert_clear(code, err, 4, r"snapshot is conv8 .*flags ask for conv16")
    edited = _edit_meta(
        snapshot, tmp_path / "a.npz", lambda m: m["config"]["architecture"].update(filters=16)
    )
    code, err = run_main(resume(edited, tiny), capsys)
    assert_clear(code, err, 4, r"has shape \(8, 1, 3, 3\), expected \(16, 1, 3, 3\)")


@pytest.mark.parametrize("version, pattern", [(99, r"newer cnn-tui"), (0, r"format 0 is unknown")])
def test_d6_format_version(tmp_path, tiny, snapshot, capsys, version, pattern):
    edited = _edit_meta(snapshot, tmp_path / "v.npz", lambda m: m.update(format_version=version))
    code, err = run_main(resume(edited, tiny), capsys)
    assert_clear(code, err, 4, pattern)


def test_d8_nan_weight_with_matching_hash(tmp_path, tiny, snapshot, capsys):
    import hashlib

    import numpy as np

    members = _members(snapshot)
    name = "params.dense1.weight"
    array = np.load(io.BytesIO(members[name + ".npy"]), allow_pickle=False).copy()
    array.flat[5] = np.nan
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    members[name + ".npy"] = buffer.getvalue()
    meta = json.loads(members["meta.json"])
    meta["arrays"][name]["sha256"] = hashlib.sha256(array.tobytes()).hexdigest()
    members["meta.json"] = json.dumps(meta).encode()
    code, err = run_main(resume(_zip(members, tmp_path / "n.npz"), tiny), capsys)
    assert_clear(code, err, 4, r"NaN or infinite")


@pytest.mark.parametrize(
    "edit, pattern",
    [
        (lambda m: m["evaluations"][0].update(accuracy="high"), r"accuracy must be"),
        (lambda m: m["evaluations"][0].update(loss=None), r"loss must be"),
        (lambda m: m["progress"].update(step=-5), r"progress.step"),
        (lambda m: m["progress"].update(position=10**9), r"progress.position"),
        (lambda m: m["config"]["hyperparameters"].update(lr=1e9), r"learning rate"),
        (lambda m: m["config"]["hyperparameters"].update(batch_size=True), r"batch size"),
        (lambda m: m["config"].update(engine="../../evil"), r"engine"),
        (lambda m: m["changes"].append({"step": -1}), r"changes\[0\]"),
    ],
    ids=["eval_type", "eval_null", "neg_step", "huge_position", "lr", "bool", "engine", "change"],
)
def test_d9_bad_metadata(tmp_path, tiny, snapshot, capsys, edit, pattern):
    edited = _edit_meta(snapshot, tmp_path / "m.npz", edit)
    code, err = run_main(resume(edited, tiny), capsys)
    assert_clear(code, err, 4, pattern)


@pytest.mark.parametrize(
    "text, pattern",
    [
        (b"[" * 200_000 + b"]" * 200_000, r"not valid JSON"),
        (b"\xff\xfe garbage", r"corrupt"),
        (b'{"a": NaN}', r"NaN"),
        (b'{"a": 1' + b"0" * 5000 + b"}", r"not valid JSON"),
        (b'{"a": 1, "a": 2}', r"repeats a key"),
    ],
    ids=["deep_nesting", "not_utf8", "nan_literal", "huge_int", "duplicate_key"],
)
def test_d9_hostile_meta_json(tmp_path, tiny, snapshot, capsys, text, pattern):
    members = _members(snapshot)
    members["meta.json"] = text
    code, err = run_main(resume(_zip(members, tmp_path / "j.npz"), tiny), capsys)
    assert_clear(code, err, 4, pattern)


def test_d15_huge_sparse_file(tmp_path, tiny, capsys):
    huge = tmp_path / "huge.npz"
    with open(huge, "wb") as f:
        f.truncate(10 * 2**30)
    code, err = run_main(resume(huge, tiny), capsys)
    assert_clear(code, err, 4, r"over the 256 MB limit")


def test_d15_many_members(tmp_path, tiny, capsys):
    with zipfile.ZipFile(tmp_path / "many.npz", "w") as z:
        for i in range(5000):
            z.writestr(f"m{i}.npy", b"")
    code, err = run_main(resume(tmp_path / "many.npz", tiny), capsys)
    assert_clear(code, err, 4, r"5000 members")


def test_d16_paths_in_metadata_are_not_used(tmp_path, tiny, snapshot, capsys):
    def edit(meta: dict) -> None:
        meta["arrays"]["../../x"] = meta["arrays"]["params.conv1.bias"]

    code, err = run_main(resume(_edit_meta(snapshot, tmp_path / "p.npz", edit), tiny), capsys)
    assert_clear(code, err, 4, r"unexpected array '\.\./\.\./x'")


def test_d_resume_with_other_data_slice(tiny, snapshot, capsys):
    code, err = run_main(resume(snapshot, tiny, "--limit", "32"), capsys)
    assert code in (2, 4) and TRACEBACK not in err
    assert "same --limit" in err, err
