"""Provides the data sets ``--dataset`` names: MNIST, Fashion-MNIST and KMNIST, each with its four
files as published, its mirrors, its class names and its default folder name.

All three share MNIST's layout (60,000 + 10,000 images of 28×28, labels 0–9, the same file
names), so one loader serves them. MNIST's digests are SHA-256 of the decompressed files (see
``mnist_files.py``). Fashion-MNIST's and KMNIST's makers publish only the MD5 of each ``.gz``
(the Fashion-MNIST README, the KMNIST repository and torchvision list the same sums); no SHA-256
of these files is published, so they are verified by that MD5 of the exact gzip — an honest
integrity check against a broken or swapped download, not protection against a forger.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnn_tui.core.data.download import MIRRORS as MNIST_MIRRORS
from cnn_tui.core.data.mnist_files import (
    MNIST_FILES,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    MnistFile,
)

CLASS_COUNT = 10
"""Every set here has ten classes, labels 0–9 (the network's ten outputs)."""


@dataclass(frozen=True, slots=True)
class DataSetInfo:
    """One data set ``--dataset`` can name."""

    name: str  # the flag's value and the default folder's name, e.g. "fashion-mnist"
    title: str  # shown to people, e.g. "Fashion-MNIST"
    files: tuple[MnistFile, ...]  # train images, train labels, test images, test labels
    mirrors: tuple[str, ...]  # base URLs tried in order
    class_names: tuple[str, ...]  # label i's name; MNIST's are the digits themselves


def _md5_files(*sums: str) -> tuple[MnistFile, ...]:
    """MNIST's four names and decompressed sizes with the published MD5 of each ``.gz``."""
    layout = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)
    return tuple(
        MnistFile(f.stem, f.size, "", gz_md5) for f, gz_md5 in zip(layout, sums, strict=True)
    )


MNIST = DataSetInfo(
    "mnist", "MNIST", MNIST_FILES, MNIST_MIRRORS, tuple(str(d) for d in range(CLASS_COUNT))
)

FASHION_MNIST = DataSetInfo(
    "fashion-mnist",
    "Fashion-MNIST",
    _md5_files(
        "8d4fb7e6c68d591d4c3dfef9ec88bf0d",  # train-images-idx3-ubyte.gz
        "25c81989df183df01b3e8a0aad5dffbe",  # train-labels-idx1-ubyte.gz
        "bef4ecab320f06d8554ea6380940ec79",  # t10k-images-idx3-ubyte.gz
        "bb300cfdad3c16e7a12a480ee83cd310",  # t10k-labels-idx1-ubyte.gz
    ),
    (
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # the makers' bucket
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ),
    (
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
)

KMNIST = DataSetInfo(
    "kmnist",
    "KMNIST",
    _md5_files(
        "bdb82020997e1d708af4cf47b453dcf7",  # train-images-idx3-ubyte.gz
        "e144d726b3acfaa3e44228e80efcd344",  # train-labels-idx1-ubyte.gz
        "5c965bf0a639b31b8f53240b1b52f4d7",  # t10k-images-idx3-ubyte.gz
        "7320c461ea6c1c855c0b718fb2a4b134",  # t10k-labels-idx1-ubyte.gz
    ),
    (
        "https://codh.rois.ac.jp/kmnist/dataset/kmnist/",  # the makers' (ROIS-DS CODH) server
        "http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
    ),
    # The ten hiragana (お き す つ な は ま や れ を) in romaji: one terminal cell per letter.
    ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"),
)

DATASETS = {info.name: info for info in (MNIST, FASHION_MNIST, KMNIST)}
"""``--dataset`` values, MNIST first (the default)."""


def dataset_info(name: str) -> DataSetInfo:
    """The data set called ``name`` (one of ``DATASETS``); KeyError for any other."""
    return DATASETS[name]
