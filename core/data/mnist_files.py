"""Provides the four MNIST files as published: names, decompressed sizes and SHA-256 digests.

The digests are of the *decompressed* IDX bytes: mirrors re-wrap the gzip (other mtime, other
level), so only the decompressed bytes are the same everywhere. ``download.py`` verifies against
this table, ``load.py`` tells MNIST from other IDX data (e.g. Fashion-MNIST) with it.
"""

from __future__ import annotations

from dataclasses import dataclass

TRAIN_COUNT = 60_000
TEST_COUNT = 10_000


@dataclass(frozen=True, slots=True)
class MnistFile:
    """One of the four MNIST files, as published: its name and its *decompressed* identity."""

    stem: str  # file name without ".gz", e.g. "train-images-idx3-ubyte"
    size: int  # bytes after decompression
    sha256: str  # of the decompressed bytes (mirrors re-wrap the gzip, so only these are stable)
    gz_md5: str = ""  # MD5 of the published .gz itself, for sets whose makers publish only that
    # (Fashion-MNIST, KMNIST): then ``sha256`` is "" and only that exact gzip verifies

    @property
    def gz_name(self) -> str:
        return self.stem + ".gz"


TRAIN_IMAGES = MnistFile(
    "train-images-idx3-ubyte",
    47_040_016,  # 16-byte header + 60,000 × 784
    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
)
TRAIN_LABELS = MnistFile(
    "train-labels-idx1-ubyte",
    60_008,  # 8-byte header + 60,000
    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
)
TEST_IMAGES = MnistFile(
    "t10k-images-idx3-ubyte",
    7_840_016,  # 16 + 10,000 × 784
    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
)
TEST_LABELS = MnistFile(
    "t10k-labels-idx1-ubyte",
    10_008,  # 8 + 10,000
    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
)
MNIST_FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)
"""The four files in load order (train images, train labels, test images, test labels)."""
