"""Provides MNIST loading: the four checked files of a folder as (train, test) ``Dataset``s.

Each file goes through every check of ``idx.py``; here the folder is checked first and the image
and label counts of each split must agree. ``dataset_digests`` rebuilds the SHA-256 of the four
decompressed files from the datasets, so ``is_mnist`` tells the published MNIST from other IDX
data (e.g. Fashion-MNIST, which is allowed: callers show and record the difference).
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

from cnn_tui.core.contract.config import IMAGE_SIDE
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.data.errors import DataError, show_path
from cnn_tui.core.data.idx import read_idx_images, read_idx_labels
from cnn_tui.core.data.locate import (
    check_data_folder,
    lacks_message,
    missing_files,
    mnist_file_path,
)
from cnn_tui.core.data.mnist_files import (
    MNIST_FILES,
    TEST_COUNT,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_COUNT,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    MnistFile,
)


def load_mnist(
    folder: str | os.PathLike[str],
    *,
    limit: int | None = None,
    test_limit: int | None = None,
) -> tuple[Dataset, Dataset]:
    """Load and check the four MNIST files in ``folder``.

    Args:
        folder: holds ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each raw or ``.gz``.
        limit: keep only the first ``limit`` training images (None: all).
        test_limit: keep only the first ``test_limit`` test images (None: all).

    Returns:
        (train, test) datasets named "train" and "test".

    Raises:
        DataError: a file is missing or fails any check; the message says which and how to fix it.
    """
    folder = Path(folder)
    for value, flag in ((limit, "--limit"), (test_limit, "--test-limit")):
        if value is not None and value < 1:
            raise DataError(f"{flag} must be at least 1, got {value}")
    check_data_folder(folder)
    missing = missing_files(folder)
    if missing:
        raise DataError(lacks_message(folder, missing))
    train = _load_split(folder, TRAIN_IMAGES, TRAIN_LABELS, TRAIN_COUNT, "train")
    test = _load_split(folder, TEST_IMAGES, TEST_LABELS, TEST_COUNT, "test")
    return train.head(limit), test.head(test_limit)


def check_mnist(
    folder: str | os.PathLike[str],
    *,
    limit: int | None = None,
    test_limit: int | None = None,
) -> tuple[int, int]:
    """Run every check ``load_mnist`` runs (≈ 0.25 s) and discard the data: lets a caller fail
    before it starts a UI or a trainer process. Returns the (train, test) image counts kept.

    Raises:
        DataError: as ``load_mnist``.
    """
    train, test = load_mnist(folder, limit=limit, test_limit=test_limit)
    return len(train), len(test)


def load_test_set(folder: str | os.PathLike[str], *, test_limit: int | None = None) -> Dataset:
    """Only the test split (the inspector's need): skips decompressing 47 MB of training images.

    Raises:
        DataError: a test file is missing or fails any check ``load_mnist`` makes.
    """
    folder = Path(folder)
    if test_limit is not None and test_limit < 1:
        raise DataError(f"--test-limit must be at least 1, got {test_limit}")
    check_data_folder(folder)
    missing = [n for n in missing_files(folder) if n in (TEST_IMAGES.stem, TEST_LABELS.stem)]
    if missing:
        raise DataError(lacks_message(folder, missing))
    return _load_split(folder, TEST_IMAGES, TEST_LABELS, TEST_COUNT, "test").head(test_limit)


def _load_split(
    folder: Path, images_file: MnistFile, labels_file: MnistFile, max_count: int, name: str
) -> Dataset:
    images_path = mnist_file_path(folder, images_file.stem)
    labels_path = mnist_file_path(folder, labels_file.stem)
    assert images_path is not None and labels_path is not None  # checked by the caller
    images, count = read_idx_images(images_path, max_count=max_count)
    labels = read_idx_labels(labels_path, max_count=max_count)
    if len(labels) != count:
        raise DataError(
            f"{show_path(images_path)} has {count:,} images but {show_path(labels_path)} has "
            f"{len(labels):,} labels — the files do not belong together; replace them"
        )
    return Dataset(images, labels, name)


def is_mnist(train: Dataset, test: Dataset) -> bool:
    """True when both datasets are exactly the published MNIST files (SHA-256, about 40 ms).

    Other valid IDX data (e.g. Fashion-MNIST) is allowed; callers show and record the difference.
    """
    return dataset_digests(train, test) == tuple(f.sha256 for f in MNIST_FILES)


def dataset_digests(train: Dataset, test: Dataset) -> tuple[str, str, str, str]:
    """SHA-256 of the four decompressed IDX files the datasets came from (headers rebuilt)."""

    def images_digest(data: Dataset) -> str:
        # IDX3 header: magic 0x00000803 (uint8, 3 dims), then n, 28, 28 as big-endian uint32
        header = struct.pack(">4I", 0x0803, len(data), IMAGE_SIDE, IMAGE_SIDE)
        return hashlib.sha256(header + data.images).hexdigest()

    def labels_digest(data: Dataset) -> str:
        # IDX1 header: magic 0x00000801 (uint8, 1 dim), then n
        return hashlib.sha256(struct.pack(">2I", 0x0801, len(data)) + data.labels).hexdigest()

    return (images_digest(train), labels_digest(train), images_digest(test), labels_digest(test))
