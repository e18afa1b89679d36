"""Loading a folder of four IDX files: good sets, the folder itself (A1–A4), files that do not
belong together (A14), odd paths (A24), and the real MNIST against its published digests."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from cnn_tui.core.data import idx
from cnn_tui.core.data.load import check_mnist, dataset_digests, is_mnist, load_mnist, load_test_set
from cnn_tui.core.data.locate import find_data_dir
from cnn_tui.core.data.mnist_files import MNIST_FILES
from tests.core.idx_files import (
    STEMS,
    image_pixels,
    labels_idx,
    mnist_like,
    refused,
    write,
    write_mnist_like,
)

# --- good files ---------------------------------------------------------------------------------


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

    write_mnist_like(tmp_path)
    train, test = load_mnist(tmp_path)
    expected = tuple(hashlib.sha256(content).hexdigest() for content in mnist_like().values())
    assert dataset_digests(train, test) == expected


def test_check_mnist_counts_and_refuses(tmp_path: Path) -> None:
    write_mnist_like(tmp_path, train=12, test=5)
    assert check_mnist(tmp_path, limit=4) == (4, 5)
    (tmp_path / (STEMS[3] + ".gz")).write_bytes(b"")
    refused(check_mnist, tmp_path, match=r"t10k-labels-idx1-ubyte\.gz: file is empty")


def test_load_test_set_needs_only_the_test_files(tmp_path: Path) -> None:
    write_mnist_like(tmp_path, train=12, test=5)
    (tmp_path / (STEMS[0] + ".gz")).unlink()  # no training images at all
    test = load_test_set(tmp_path, test_limit=3)
    assert (len(test), test.name) == (3, "test")
    (tmp_path / (STEMS[2] + ".gz")).unlink()
    refused(load_test_set, tmp_path, match=r"lacks t10k-images-idx3-ubyte")


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

    monkeypatch.setattr(idx.os, "open", deny)
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
