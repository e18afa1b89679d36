"""Hostile and broken snapshot files (faults D1–D8): each refused with one line, nothing executed
(no pickle ever runs), nothing overwritten."""

from __future__ import annotations

import os
import pickle
import random
from pathlib import Path

import numpy as np
import pytest

from cnn_tui.core.contract.config import Architecture
from cnn_tui.core.engines.params import param_shapes
from cnn_tui.core.snapshot.load import load_snapshot
from tests.core.snapshot_files import (
    EVIL_MARKER,
    SMALL,
    Evil,
    members_of,
    npy,
    refused,
    repack,
    write_zip,
)


def test_d1_missing_file_and_directory(tmp_path: Path) -> None:
    refused(tmp_path / "nope.npz", r"nope.npz: snapshot not found")
    refused(tmp_path, r"is a folder, not a snapshot")


def test_d1_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    refused(fifo, r"not a regular file")


def test_d4_pickle_file_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / EVIL_MARKER
    for protocol in (2, 4, 5):
        path = tmp_path / f"model{protocol}.npz"
        path.write_bytes(pickle.dumps(Evil(marker), protocol=protocol))
        refused(path, r"not a cnn-tui snapshot: a Python pickle \(pickles can run code")
    path = tmp_path / "proto0.npz"
    path.write_bytes(pickle.dumps(Evil(marker), protocol=0))
    refused(path, r"not a cnn-tui snapshot")
    assert not marker.exists()


def test_d4_pickled_object_array_inside_the_npz_is_never_executed(
    tmp_path: Path, good_snapshot: Path
) -> None:
    marker = tmp_path / EVIL_MARKER
    evil = np.empty((), dtype=object)
    evil[()] = Evil(marker)
    members = members_of(good_snapshot)
    members["params.dense2.bias.npy"] = npy(evil)
    hostile = write_zip(tmp_path / "evil.npz", list(members.items()))
    refused(hostile, r"params.dense2.bias holds Python objects")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", r"empty \(0 bytes\)"),
        (bytes(random.Random(5).randrange(256) for _ in range(5000)), r"not a zip/npz archive"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, r"a PNG image"),
        (b'{"format": "cnn-tui snapshot"}', r"JSON text"),
        (npy(np.zeros(3)), r"a single NumPy array"),
        (b"PK\x05\x06" + b"\0" * 18, r"an empty or damaged zip archive"),
    ],
    ids=["zero-bytes", "random", "png", "json", "npy", "empty-zip"],
)
def test_d3_not_a_snapshot(tmp_path: Path, content: bytes, pattern: str) -> None:
    path = tmp_path / "x.npz"
    path.write_bytes(content)
    refused(path, pattern)


def test_d3_a_foreign_npz_without_meta_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "foreign.npz"
    np.savez(path, weights=np.zeros(4))
    refused(path, r"unexpected member 'weights.npy'|no meta.json")
    keras_like = write_zip(
        tmp_path / "model.npz", [("config.json", b"{}"), ("model.weights.h5", b"x")]
    )
    refused(keras_like, r"unexpected member")


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_d2_truncated_file(tmp_path: Path, good_snapshot: Path, keep: float) -> None:
    data = good_snapshot.read_bytes()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(data[: int(len(data) * keep)])
    refused(cut, r"corrupt or truncated")


def test_d2_flipped_byte_in_weights_fails_the_checks(tmp_path: Path, good_snapshot: Path) -> None:
    data = bytearray(good_snapshot.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the dense1 weights
    flipped = tmp_path / "flipped.npz"
    flipped.write_bytes(bytes(data))
    refused(flipped, r"corrupt or truncated \(Bad CRC-32|SHA-256")


def test_d2_edited_weights_fail_the_sha256(tmp_path: Path, good_snapshot: Path) -> None:
    weights = np.zeros(param_shapes(SMALL)["dense2.weight"])
    edited = repack(
        good_snapshot,
        tmp_path / "edited.npz",
        arrays={"params.dense2.weight": weights},
        rehash=False,
    )
    refused(edited, r"params.dense2.weight fails its SHA-256 check")


def test_d5_other_architecture_is_named(good_snapshot: Path) -> None:
    message = refused(
        good_snapshot,
        r"snapshot is conv2 → dense16 → 10; the flags ask for conv16 → dense16 → 10",
        expect=Architecture(filters=16, hidden=16),
    )
    assert "start a new run" in message
    assert load_snapshot(good_snapshot, expect=SMALL).config.arch == SMALL


def test_d6_newer_format_names_both_versions(tmp_path: Path, good_snapshot: Path) -> None:
    def newer(meta: dict) -> None:
        meta["format_version"] = 7
        meta["app_version"] = "9.0.0"

    path = repack(good_snapshot, tmp_path / "newer.npz", meta=newer)
    refused(path, r"written by a newer cnn-tui \('9.0.0', format 7\); this one reads ≤ 1")
    older = repack(good_snapshot, tmp_path / "older.npz", meta=lambda m: m.update(format_version=0))
    refused(older, r"format 0 is unknown")


@pytest.mark.parametrize(
    ("key", "array", "pattern"),
    [
        (
            "params.conv1.weight",
            np.zeros((3, 1, 3, 3)),
            r"shape \(3, 1, 3, 3\), expected \(2, 1, 3, 3\)",
        ),
        ("params.conv1.weight", np.zeros((2, 1, 3, 3), np.float16), r"dtype <f2, expected <f8"),
        ("params.conv1.weight", np.zeros((2, 1, 3, 3), ">f8"), r"dtype >f8, expected <f8"),
        ("velocity.dense1.bias", np.zeros(15), r"shape \(15,\), expected \(16,\)"),
        ("history.losses", np.zeros(4), r"shape \(4,\), expected \(5,\)"),
        ("history.epochs", np.ones(5), r"dtype <f8, expected <i8"),
    ],
)
def test_wrong_shape_or_dtype_is_refused(
    tmp_path: Path, good_snapshot: Path, key, array, pattern
) -> None:
    refused(repack(good_snapshot, tmp_path / "bad.npz", arrays={key: array}), pattern)


def test_fortran_order_is_refused(tmp_path: Path, good_snapshot: Path) -> None:
    weights = np.asfortranarray(np.zeros((16, SMALL.flat_size)))
    refused(
        repack(good_snapshot, tmp_path / "f.npz", arrays={"params.dense1.weight": weights}),
        "Fortran",
    )


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_d8_nan_weights_in_a_file_are_refused(
    tmp_path: Path, good_snapshot: Path, bad: float
) -> None:
    weights = np.zeros(param_shapes(SMALL)["dense2.weight"])
    weights[1, 2] = bad
    path = repack(good_snapshot, tmp_path / "nan.npz", arrays={"params.dense2.weight": weights})
    refused(path, r"params.dense2.weight holds NaN or infinite values")
