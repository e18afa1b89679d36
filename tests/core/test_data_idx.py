"""One IDX file: every bad header, payload and gzip of docs/faults.md section A (A5–A22)
gets one clear DataError, before anything is allocated from what the file claims."""

from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path

import pytest

from cnn_tui.core.data.errors import DataError
from cnn_tui.core.data.idx import read_idx_images, read_idx_labels
from tests.core.idx_files import (
    gzip_bomb,
    image_header,
    image_pixels,
    images_idx,
    label_header,
    labels_idx,
    refused,
    write,
)

# --- A5–A15: the IDX header and payload ----------------------------------------------------------


def test_a5_labels_file_in_the_images_slot(tmp_path: Path) -> None:
    path = write(tmp_path / "x", labels_idx(5))
    refused(
        read_idx_images,
        path,
        match=r"not an IDX image file: magic 0x00000801 \(labels\), expected 0x00000803",
    )
    path = write(tmp_path / "y", images_idx(2))
    refused(read_idx_labels, path, match=r"magic 0x00000803 \(images\), expected 0x00000801")


def test_a5_a16_png_is_neither_gzip_nor_idx(tmp_path: Path) -> None:
    path = write(tmp_path / "digit.gz", b"\x89PNG\r\n\x1a\n" + bytes(100))
    refused(read_idx_images, path, match=r"not an IDX image file \(starts with 89 50 4e 47.*not gz")


@pytest.mark.parametrize(
    "body", [b"<!DOCTYPE html><html><body>403 Forbidden</body></html>", b"\n  <html>", b"<?xml"]
)
@pytest.mark.parametrize("gz", [False, True])
def test_a6_html_page_saved_as_data(tmp_path: Path, body: bytes, gz: bool) -> None:
    path = write(tmp_path / "train-images-idx3-ubyte.gz", body, gz=gz)
    refused(read_idx_images, path, match=r"looks like an HTML page.*a download probably failed")


@pytest.mark.parametrize(
    ("dtype", "shown"), [(0x0D, "0x0D \\(float32\\)"), (0x0C, "0x0C"), (0x07, "0x07 \\(invalid")]
)
def test_a7_wrong_dtype(tmp_path: Path, dtype: int, shown: str) -> None:
    path = write(tmp_path / "x", image_header(1, dtype=dtype) + bytes(784))
    refused(read_idx_images, path, match=rf"unsupported IDX dtype {shown}.*needs uint8 \(0x08\)")
    path = write(tmp_path / "y", label_header(1, dtype=dtype) + b"\0")
    refused(read_idx_labels, path, match=rf"unsupported IDX dtype {shown}")


@pytest.mark.parametrize("ndim", [2, 4])
def test_a8_wrong_ndim_for_images(tmp_path: Path, ndim: int) -> None:
    header = bytes([0, 0, 8, ndim]) + (1).to_bytes(4, "big") * ndim
    path = write(tmp_path / "x", header + bytes(784))
    refused(read_idx_images, path, match=rf"magic 0x0000080{ndim}, expected 0x00000803")


def test_a8_wrong_ndim_for_labels(tmp_path: Path) -> None:
    path = write(tmp_path / "x", bytes([0, 0, 8, 3]) + bytes(12) + b"\0")
    refused(read_idx_labels, path, match=r"magic 0x00000803 \(images\), expected 0x00000801")


def test_a9_truncated_payload(tmp_path: Path) -> None:
    full = images_idx(10)
    path = write(tmp_path / "x", full[: 16 + 5 * 784])
    refused(
        read_idx_images,
        path,
        match=r"file truncated: header implies 7,856 bytes \(10 images\), file has 3,936",
    )
    path = write(tmp_path / "x.gz", full[:-1], gz=True)
    refused(read_idx_images, path, match=r"decompressed data truncated: header implies 7,856")
    path = write(tmp_path / "short", full[:10])
    refused(read_idx_images, path, match=r"truncated: 10 bytes, shorter than the 16-byte")
    path = write(tmp_path / "labels", labels_idx(10)[:-3])
    refused(read_idx_labels, path, match=r"header implies 18 bytes \(10 labels\), file has 15")


def test_a10_trailing_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "x", images_idx(3) + b"\0")
    refused(read_idx_images, path, match=r"1 extra bytes after the 3 images")
    path = write(tmp_path / "x.gz", images_idx(3) + images_idx(3), gz=True)
    refused(read_idx_images, path, match=r"decompresses to more than the 2,368 bytes")
    path = write(tmp_path / "l", labels_idx(3) + labels_idx(3))
    refused(read_idx_labels, path, match=r"11 extra bytes after the 3 labels")


@pytest.mark.parametrize("gz", [False, True])
def test_a11_huge_count_in_a_16_byte_file(tmp_path: Path, gz: bool) -> None:
    path = write(tmp_path / "x", image_header(2**32 - 1), gz=gz)
    claim = "header implies 3,367,254,359,296 bytes" if not gz else "header claims 4,294,967,295"
    refused(read_idx_images, path, match=claim)
    path = write(tmp_path / "l", label_header(2**32 - 1), gz=gz)
    refused(read_idx_labels, path, match="4,294,967,29")


def test_a11_a13_huge_dims(tmp_path: Path) -> None:
    path = write(tmp_path / "x", image_header(1, 65535, 65535))
    refused(read_idx_images, path, match=r"expected 28×28 images, got 65535×65535")


def test_a12_empty_dataset(tmp_path: Path) -> None:
    refused(read_idx_images, write(tmp_path / "x", image_header(0)), match="dataset is empty")
    refused(read_idx_labels, write(tmp_path / "y", label_header(0)), match="dataset is empty")


@pytest.mark.parametrize(("rows", "cols"), [(32, 32), (28, 27)])
def test_a13_wrong_image_size(tmp_path: Path, rows: int, cols: int) -> None:
    path = write(tmp_path / "x", image_header(1, rows, cols) + bytes(rows * cols))
    refused(read_idx_images, path, match=rf"expected 28×28 images, got {rows}×{cols}")


@pytest.mark.parametrize("bad", [10, 255])
def test_a15_label_out_of_range(tmp_path: Path, bad: int) -> None:
    content = bytearray(labels_idx(30))
    content[8 + 17] = bad
    content[8 + 20] = 11  # a later bad label: the first one is named
    path = write(tmp_path / "l", bytes(content))
    refused(read_idx_labels, path, match=rf"label {bad} at index 17 is outside 0–9")


# --- A16–A22: gzip and file-system faults --------------------------------------------------------


def test_a16_raw_idx_named_gz_and_a17_gzip_without_suffix(tmp_path: Path) -> None:
    pixels, count = read_idx_images(write(tmp_path / "raw.gz", images_idx(2)))
    assert (pixels, count) == (image_pixels(2), 2)
    pixels, count = read_idx_images(write(tmp_path / "packed", images_idx(2), gz=True))
    assert (pixels, count) == (image_pixels(2), 2)


def test_a16_neither_gzip_nor_idx(tmp_path: Path) -> None:
    path = write(tmp_path / "x.gz", b"PK\x03\x04 a zip file")
    refused(read_idx_labels, path, match=r"not an IDX label file \(starts with 50 4b 03 04.*not gz")


def test_a18_truncated_gzip(tmp_path: Path) -> None:
    packed = gzip.compress(images_idx(20))
    path = write(tmp_path / "x.gz", packed[: len(packed) // 2])
    refused(read_idx_images, path, match=r"compressed file is incomplete \(interrupted download")


def _corrupt_crc(packed: bytes) -> bytes:
    return packed[:-8] + bytes([packed[-8] ^ 1]) + packed[-7:]


def _corrupt_deflate(packed: bytes) -> bytes:
    return packed[:20] + b"\xff\xff\xff\xff" + packed[24:]


def _append_junk(packed: bytes) -> bytes:
    return packed + b"junk"


@pytest.mark.parametrize("corrupt", [_corrupt_crc, _corrupt_deflate, _append_junk])
def test_a19_corrupt_gzip(tmp_path: Path, corrupt) -> None:
    path = write(tmp_path / "x.gz", corrupt(gzip.compress(images_idx(3))))
    refused(read_idx_images, path, match=r"compressed file is corrupt \(.+\) — delete it")


def test_a19_crc_message(tmp_path: Path) -> None:
    path = write(tmp_path / "x.gz", _corrupt_crc(gzip.compress(labels_idx(30))))
    refused(read_idx_labels, path, match=r"compressed file is corrupt \(CRC check failed")


def test_a20_gzip_bomb_labels_slot(tmp_path: Path) -> None:
    # A valid header for 10,000 labels, then 8 MiB of zeros: stops after 10,001 payload bytes.
    path = write(tmp_path / "bomb.gz", gzip_bomb(label_header(10_000), 8))
    assert path.stat().st_size < 10_000
    refused(read_idx_labels, path, max_count=10_000, match=r"decompresses to more than the 10,008")
    # A bigger bomb is already refused by its compressed size, before any decompression.
    path = write(tmp_path / "bomb.gz", gzip_bomb(label_header(10_000), 64))
    refused(read_idx_labels, path, max_count=10_000, match=r"is more than an MNIST file")


def test_a20_gzip_bomb_of_zeros(tmp_path: Path) -> None:
    path = write(tmp_path / "bomb.gz", gzip_bomb(b"", 64))
    refused(read_idx_images, path, match=r"unsupported IDX dtype 0x00")


def test_a21_empty_files(tmp_path: Path) -> None:
    refused(read_idx_images, write(tmp_path / "x", b""), match=r"file is empty")
    empty_gz = write(tmp_path / "x.gz", b"", gz=True)
    refused(read_idx_images, empty_gz, match=r"compressed file is empty")


def test_a22_directory(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    refused(read_idx_images, tmp_path / "d", match=r"not a regular file \(a directory\)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a22_fifo_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "train-images-idx3-ubyte"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            read_idx_images(fifo)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert isinstance(outcome[0], DataError)
    assert "not a regular file (a FIFO" in str(outcome[0])


def test_a22_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    os.symlink(loop, loop)
    refused(read_idx_images, loop, match=r"not a regular file \(symlink loop\)")


def test_oversized_file_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge"
    with path.open("wb") as f:  # sparse: 1 GB claimed, nothing written
        f.write(image_header(60_000))
        f.truncate(10**9)
    refused(read_idx_images, path, match=r"1,000,000,000 bytes is more than an MNIST file")
