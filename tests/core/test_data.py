"""Tests for core.data: every bad IDX input of faults.md section A gets one clear DataError."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from idx_files import (
    STEMS,
    gzip_bomb,
    image_header,
    image_pixels,
    images_idx,
    label_header,
    labels_idx,
    mnist_like,
    write,
    write_mnist_like,
)

from cnn_tui.core.data import mnist as data
from cnn_tui.core.data.mnist import (
    MNIST_FILES,
    DataError,
    dataset_digests,
    find_data_dir,
    is_mnist,
    load_mnist,
    read_idx_images,
    read_idx_labels,
)


def refused(func, *args, match: str, **kwargs) -> str:
    """Call ``func``; assert it raises DataError matching ``match`` on one line; return the text."""
    with pytest.raises(DataError, match=match) as info:
        func(*args, **kwargs)
    text = str(info.value)
    assert "\n" not in text and "Traceback" not in text
    return text


# --- good files --------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [True, False])
def test_loads_a_small_set_raw_or_gzip(tmp_path: Path, gz: bool) -> None:
    write_mnist_like(tmp_path, gz=gz, train=12, test=5)
    train, test = load_mnist(tmp_path)
    assert (len(train), len(test)) == (12, 5)
    assert (train.name, test.name) == ("train", "test")
    assert train.images == image_pixels(12, seed=1)
    assert test.images == image_pixels(5, seed=2)
    assert train.labels == bytes(i % 10 for i in range(12))
    assert not is_mnist(train, test)


def test_limits_keep_the_first_images(tmp_path: Path) -> None:
    write_mnist_like(tmp_path, train=12, test=5)
    train, test = load_mnist(tmp_path, limit=3, test_limit=2)
    assert (len(train), len(test)) == (3, 2)
    assert train.images == image_pixels(12, seed=1)[: 3 * 784]
    refused(load_mnist, tmp_path, limit=0, match=r"--limit must be at least 1")


def test_prefers_the_gz_when_both_forms_exist(tmp_path: Path) -> None:
    write_mnist_like(tmp_path, gz=True)
    write(tmp_path / STEMS[0], b"junk that would fail")  # a broken raw copy beside the .gz
    train, _ = load_mnist(tmp_path)
    assert len(train) == 12


def test_accepts_the_dotted_spelling(tmp_path: Path) -> None:
    for stem, content in mnist_like().items():
        write(tmp_path / stem.replace("-idx", ".idx"), content)
    train, test = load_mnist(tmp_path)
    assert (len(train), len(test)) == (12, 5)


def test_digests_match_the_decompressed_files(tmp_path: Path) -> None:
    import hashlib

    write_mnist_like(tmp_path)
    train, test = load_mnist(tmp_path)
    expected = tuple(hashlib.sha256(content).hexdigest() for content in mnist_like().values())
    assert dataset_digests(train, test) == expected


# --- A1–A4: the folder ---------------------------------------------------------------------------


def test_a1_missing_folder(tmp_path: Path) -> None:
    text = refused(load_mnist, tmp_path / "nope", match=r"data folder .*nope not found")
    assert "cnn-tui download --data" in text
    refused(find_data_dir, str(tmp_path / "nope"), match=r"nope not found")


def test_a2_folder_is_a_file(tmp_path: Path) -> None:
    path = write(tmp_path / "data", b"keep me")
    refused(load_mnist, path, match=r"data is a file, not a directory")
    refused(find_data_dir, str(path), match=r"data is a file, not a directory")
    assert path.read_bytes() == b"keep me"


def test_a3_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_mnist_like(tmp_path)
    target = tmp_path / (STEMS[1] + ".gz")
    real_open = os.open

    def deny(path, *args, **kwargs):  # root ignores chmod 000, so refuse the open by hand
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(data.os, "open", deny)
    refused(load_mnist, tmp_path, match=r"train-labels-idx1-ubyte\.gz: permission denied")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_a3_unreadable_folder(tmp_path: Path) -> None:
    folder = write_mnist_like(tmp_path / "d")
    folder.chmod(0)
    try:
        refused(load_mnist, folder, match=r"permission denied")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("gone", [0, 3])
def test_a4_lists_exactly_the_missing_files(tmp_path: Path, gone: int) -> None:
    write_mnist_like(tmp_path)
    (tmp_path / (STEMS[gone] + ".gz")).unlink()
    text = refused(load_mnist, tmp_path, match=rf"lacks {STEMS[gone]}\[\.gz\] — run `cnn-tui")
    assert sum(stem in text for stem in STEMS) == 1
    assert f"cnn-tui download --data {tmp_path}" in text


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


def test_a14_counts_differ(tmp_path: Path) -> None:
    write_mnist_like(tmp_path, train=12, test=5)
    # The test labels in the train slot: both valid files, but they do not belong together.
    (tmp_path / (STEMS[3] + ".gz")).replace(tmp_path / (STEMS[1] + ".gz"))
    write(tmp_path / (STEMS[3] + ".gz"), labels_idx(5), gz=True)
    refused(
        load_mnist,
        tmp_path,
        match=r"has 12 images but .*train-labels-idx1-ubyte\.gz has 5 labels — the files do not",
    )


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


# --- A24: paths ----------------------------------------------------------------------------------


def test_a24_spaces_and_non_ascii(tmp_path: Path) -> None:
    folder = write_mnist_like(tmp_path / "mes données" / "m n i s t")
    train, _ = load_mnist(folder)
    assert len(train) == 12
    (folder / (STEMS[2] + ".gz")).unlink()
    text = refused(load_mnist, folder, match=r"mes données/m n i s t lacks t10k-images")
    assert f"--data '{folder}'" in text  # quoted for the shell


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 names")
def test_a24_undecodable_bytes(tmp_path: Path) -> None:
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/bad\xffname"))
    write_mnist_like(folder)
    assert len(load_mnist(folder)[1]) == 5
    path = write(folder / (STEMS[0] + ".gz"), b"", gz=False)
    text = refused(load_mnist, folder, match=r"bad\\xffname/train-images-idx3-ubyte\.gz: file is")
    text.encode("utf-8", errors="strict")  # no lone surrogates: printable on any UTF-8 stream
    assert path.exists()


# --- find_data_dir -------------------------------------------------------------------------------


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory and cache with no MNIST anywhere."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def test_find_explicit_wins(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = write_mnist_like(places / "mine")
    monkeypatch.setenv(data.ENV_VAR, str(write_mnist_like(places / "env")))
    assert find_data_dir(str(explicit)) == explicit


def test_find_explicit_without_files_is_not_skipped(places: Path) -> None:
    (places / "empty").mkdir()
    write_mnist_like(places / "data" / "mnist")
    refused(find_data_dir, str(places / "empty"), match=r"empty lacks train-images.*4|empty lacks")


def test_find_order_env_local_cache(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = write_mnist_like(places / "cache" / "cnn-tui" / "mnist")
    assert find_data_dir(None).resolve() == cache.resolve()
    local = write_mnist_like(places / "data" / "mnist")
    assert find_data_dir(None).resolve() == local.resolve()
    env = write_mnist_like(places / "env")
    monkeypatch.setenv(data.ENV_VAR, str(env))
    assert find_data_dir(None) == env


def test_find_skips_incomplete_places(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = write_mnist_like(places / "env")
    (env / (STEMS[1] + ".gz")).unlink()
    monkeypatch.setenv(data.ENV_VAR, str(env))
    local = write_mnist_like(places / "data" / "mnist")
    assert find_data_dir(None) == Path("data") / "mnist"
    assert local.is_dir()


def test_find_nothing_lists_where_it_looked(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.ENV_VAR, str(places / "env"))
    monkeypatch.setenv("HOME", str(places / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME")
    text = refused(find_data_dir, None, match=r"MNIST not found \(looked in ")
    for where in ("env (no such folder)", "data/mnist", "home/.cache/cnn-tui/mnist"):
        assert where in text
    assert "cnn-tui download" in text and "--data DIR" in text


def test_download_dir_defaults(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert data.download_dir("x") == Path("x")
    assert data.download_dir(None) == places / "cache" / "cnn-tui" / "mnist"
    (places / "data").mkdir()
    assert data.download_dir(None) == Path("data") / "mnist"
    monkeypatch.setenv(data.ENV_VAR, "/somewhere")
    assert data.download_dir(None) == Path("/somewhere")


# --- memory and time while refusing hostile files (measured in a child process) -----------------

_PROBE = """
import resource, sys, time
from cnn_tui.core.data.mnist import DataError, read_idx_images
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    read_idx_images(sys.argv[1])
except DataError as exc:
    message = str(exc)
else:
    message = "accepted"
seconds = time.perf_counter() - start
growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(seconds, growth_kb, message)
"""


def _probe(path: Path) -> tuple[float, float, str]:
    """Seconds, peak RSS growth in MB, and the message of reading ``path`` in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seconds, growth_kb, message = result.stdout.split(" ", 2)
    return float(seconds), int(growth_kb) / 1024, message


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KB on Linux")
@pytest.mark.parametrize("gz", [False, True])
def test_a11_rejected_fast_without_allocating(tmp_path: Path, gz: bool) -> None:
    seconds, growth_mb, message = _probe(write(tmp_path / "x", image_header(2**32 - 1), gz=gz))
    assert "4,294,967,295 images" in message or "3,367,254,359,296" in message
    assert growth_mb < 50
    assert seconds < 0.5  # the budget is 0.1 s; generous on a shared machine


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KB on Linux")
def test_a20_bomb_in_the_images_slot_is_bounded(tmp_path: Path) -> None:
    # A header for 60,000 images, then 1 GiB of zeros (1 MB on disk): decompression must stop
    # at 47 MB + 1 byte, not inflate the whole gigabyte.
    path = write(tmp_path / "bomb.gz", gzip_bomb(image_header(60_000), 1024))
    seconds, growth_mb, message = _probe(path)
    assert "decompresses to more than the 47,040,016 bytes" in message
    assert growth_mb < 200
    assert seconds < 5


# --- the real MNIST ------------------------------------------------------------------------------


@pytest.mark.mnist
def test_real_mnist_loads_and_matches_the_published_digests() -> None:
    folder = os.environ.get("CNN_TUI_DATA")
    if not folder:
        if os.environ.get("CI"):
            pytest.fail("CNN_TUI_DATA must point at the MNIST folder in CI")
        pytest.skip("CNN_TUI_DATA is not set")
    train, test = load_mnist(Path(folder))
    assert (len(train), len(test)) == (60_000, 10_000)
    assert len(train.images) == 60_000 * 784
    assert dataset_digests(train, test) == tuple(f.sha256 for f in MNIST_FILES)
    assert is_mnist(train, test)


def test_check_mnist_counts_and_refuses(tmp_path: Path) -> None:
    write_mnist_like(tmp_path, train=12, test=5)
    assert data.check_mnist(tmp_path, limit=4) == (4, 5)
    (tmp_path / (STEMS[3] + ".gz")).write_bytes(b"")
    refused(data.check_mnist, tmp_path, match=r"t10k-labels-idx1-ubyte\.gz: file is empty")


def test_load_test_set_needs_only_the_test_files(tmp_path: Path) -> None:
    write_mnist_like(tmp_path, train=12, test=5)
    (tmp_path / (STEMS[0] + ".gz")).unlink()  # no training images at all
    test = data.load_test_set(tmp_path, test_limit=3)
    assert (len(test), test.name) == (3, "test")
    (tmp_path / (STEMS[2] + ".gz")).unlink()
    refused(data.load_test_set, tmp_path, match=r"lacks t10k-images-idx3-ubyte")
