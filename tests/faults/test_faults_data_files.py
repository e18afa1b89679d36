"""Faults A1–A24: the data folder and its IDX / gzip files, as ``cnn-tui train`` meets them.

Each bad folder or file ends in exit 3 and one line naming the file, the problem and a fix.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest

from tests.faults.helpers import (
    STEMS,
    TEST_IMAGES,
    TEST_LABELS,
    TRACEBACK,
    assert_clear,
    cli,
    headless,
    image_header,
    images_raw,
    labels_raw,
    make_data,
    run_main,
)


def test_a1_data_dir_missing(tmp_path, capsys):
    code, err = run_main(headless(tmp_path / "nope"), capsys)
    assert_clear(code, err, 3, r"nope not found.*cnn-tui download")


def test_a2_data_dir_is_a_file(tmp_path, capsys):
    (tmp_path / "f").write_bytes(b"x")
    code, err = run_main(headless(tmp_path / "f"), capsys)
    assert_clear(code, err, 3, r"is a file, not a directory")
    assert (tmp_path / "f").read_bytes() == b"x"


def test_a3_file_unreadable(tmp_path, capsys, monkeypatch):
    data = make_data(tmp_path)
    import cnn_tui.core.data.idx as data_module

    real_open = os.open

    def refuse(path, *args, **kwargs):  # root ignores chmod 000, so refuse by hand
        if str(path).endswith(STEMS[0]):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(data_module.os, "open", refuse)
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"train-images-idx3-ubyte: permission denied")


def test_a4_one_file_missing(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: None})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"lacks t10k-images-idx3-ubyte.*download")


@pytest.mark.parametrize(
    "payload, pattern",
    [
        (labels_raw(32), r"magic 0x00000801 \(labels\), expected 0x00000803"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), r"not an IDX image file.*89 50 4e 47"),
    ],
    ids=["labels_in_images_slot", "png"],
)
def test_a5_wrong_magic(tmp_path, capsys, payload, pattern):
    data = make_data(tmp_path, **{TEST_IMAGES: payload})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, pattern)


def test_a6_html_saved_as_data(tmp_path, capsys):
    page = b"<!DOCTYPE html><html><body>403 Forbidden</body></html>"
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": page})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"looks like an HTML page.*download")


@pytest.mark.parametrize("dtype", [0x0D, 0x0C, 0x07])
def test_a7_wrong_dtype(tmp_path, capsys, dtype):
    data = make_data(tmp_path, **{TEST_IMAGES: image_header(32, dtype=dtype) + bytes(32 * 784)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, rf"unsupported IDX dtype 0x{dtype:02X}")


@pytest.mark.parametrize("ndim", [2, 4])
def test_a8_wrong_ndim(tmp_path, capsys, ndim):
    data = make_data(tmp_path, **{TEST_IMAGES: image_header(32, ndim=ndim) + bytes(32 * 784)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, rf"magic 0x0000080{ndim}")


def test_a9_truncated(tmp_path, capsys):
    whole = images_raw(32)
    data = make_data(tmp_path, **{TEST_IMAGES: whole[: len(whole) // 2]})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"truncated: header implies 25,104 bytes")


def test_a10_trailing_bytes(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: images_raw(32) + b"junk"})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"4 extra bytes")


@pytest.mark.parametrize(
    "header, pattern",
    [
        (image_header(2**32 - 1), r"4,294,967,295 images"),
        (image_header(10, 65535, 65535), r"expected 28×28 images, got 65535×65535"),
    ],
    ids=["n_2to32", "65535x65535"],
)
def test_a11_huge_header(tmp_path, capsys, header, pattern):
    data = make_data(tmp_path, **{TEST_IMAGES: header})
    start = time.perf_counter()
    code, err = run_main(headless(data), capsys)
    assert time.perf_counter() - start < 1.0
    assert_clear(code, err, 3, pattern)


def test_a12_zero_images(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: image_header(0)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"dataset is empty")


def test_a13_wrong_image_size(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: image_header(4, 32, 32) + bytes(4 * 1024)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"expected 28×28 images, got 32×32")


def test_a14_counts_differ(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_LABELS: labels_raw(31)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"32 images but .* 31 labels")


def test_a15_label_out_of_range(tmp_path, capsys):
    labels = bytearray(labels_raw(32))
    labels[8 + 17] = 255
    data = make_data(tmp_path, **{TEST_LABELS: bytes(labels)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"label 255 at index 17 is outside 0–9")


def test_a16_raw_idx_named_gz_is_read(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": images_raw(32, 2)})
    code, err = run_main(headless(data, "--no-snapshots"), capsys)
    assert code == 0, err


def test_a16_neither_gzip_nor_idx(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": b"hello, this is plain text" * 4})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"not gzip and not IDX")


def test_a17_gzip_without_suffix_is_read(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: gzip.compress(images_raw(32, 2))})
    code, err = run_main(headless(data, "--no-snapshots"), capsys)
    assert code == 0, err


def test_a18_truncated_gzip(tmp_path, capsys):
    packed = gzip.compress(images_raw(32, 2))
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": packed[: len(packed) // 2]})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"compressed file is incomplete")


@pytest.mark.parametrize("damage", ["crc", "trailing_garbage", "deflate"])
def test_a19_corrupt_gzip(tmp_path, capsys, damage):
    packed = bytearray(gzip.compress(images_raw(32, 2)))
    if damage == "crc":
        packed[-6] ^= 0xFF
    elif damage == "trailing_garbage":
        packed += b"garbage!"
    else:
        for i in range(12, 40):
            packed[i] ^= 0x55
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": bytes(packed)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"compressed file is (corrupt|incomplete)")


def test_a20_gzip_bomb(tmp_path, capsys):
    bomb = gzip.compress(image_header(32) + bytes(100_000_000), 9)  # ~100 KB on disk
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": bomb})
    start = time.perf_counter()
    code, err = run_main(headless(data), capsys)
    assert time.perf_counter() - start < 2.0
    assert_clear(code, err, 3, r"decompresses to more than")


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gz"])
def test_a21_empty_file(tmp_path, capsys, gz):
    key = TEST_IMAGES + ("_gz" if gz else "")
    data = make_data(tmp_path, **{key: gzip.compress(b"") if gz else b""})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"empty")


@pytest.mark.parametrize("kind", ["directory", "fifo", "symlink_loop", "dev_zero"])
def test_a22_not_a_regular_file(tmp_path, capsys, kind):
    data = make_data(tmp_path, **{TEST_IMAGES: None})
    target = data / STEMS[2]
    if kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)  # an open().read() would block forever
    elif kind == "symlink_loop":
        os.symlink(target, target)
    else:
        os.symlink("/dev/zero", target)
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"not a regular file")


@pytest.mark.parametrize(
    "name",
    [b"sp ace d\xc3\xb6nn\xc3\xa9es", b"bad \xff\xfe bytes"],
    ids=["non_ascii", "undecodable"],
)
def test_a24_odd_paths_with_snapshots_and_metrics(tmp_path, name):
    """Data, snapshot folder and metrics file all under an odd name: trains, saves, exit 0."""
    root = os.path.join(os.fsencode(tmp_path), name)
    os.mkdir(root)
    data = make_data(Path(os.fsdecode(os.path.join(root, b"data"))))
    snaps = os.fsdecode(os.path.join(root, b"snaps"))
    metrics = os.fsdecode(os.path.join(root, b"m \xc3\xa9.jsonl"))
    result = cli(*headless(data, "--snapshot-dir", snaps, "--metrics", metrics))
    err = result.stderr.decode("utf-8", "backslashreplace")
    assert result.returncode == 0, err
    assert TRACEBACK not in err
    assert len(list(Path(snaps).glob("*/*.npz"))) == 1
    lines = Path(metrics).read_text("utf-8", "backslashreplace").splitlines()
    assert json.loads(lines[-1])["event"] == "end"
