"""Provides ``identify_set``: which known data set a folder's test images are, when it can tell.

Cheap first: the MD5 of a ``.gz`` against Fashion-MNIST's and KMNIST's published sums; then
MNIST's SHA-256 of the decompressed file (≈ 40 ms). Anything else (one's own IDX files, a
re-compressed copy of Fashion-MNIST) is None: not known, so not refused.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cnn_tui.core.data.idx import GZIP_MAGIC
from cnn_tui.core.data.locate import mnist_file_path
from cnn_tui.core.data.mnist_files import TEST_IMAGES
from cnn_tui.core.data.sets import DATASETS, MNIST
from cnn_tui.core.data.verify import verify_file

GZ_MAX = 16 << 20  # the test images' gzip is ≈ 4 MB; a larger file is none of the known ones


def identify_set(folder: Path) -> str | None:
    """The ``--dataset`` name whose test images ``folder`` holds, or None when unknown."""
    path = mnist_file_path(folder, TEST_IMAGES.stem)
    if path is None or not path.is_file():
        return None
    try:
        with open(path, "rb") as handle:
            packed = handle.read(2) == GZIP_MAGIC
            if packed and path.stat().st_size <= GZ_MAX:
                handle.seek(0)
                digest = hashlib.md5(handle.read(), usedforsecurity=False).hexdigest()
                for info in DATASETS.values():
                    if info.files[2].gz_md5 == digest:
                        return info.name
    except OSError:
        return None
    return MNIST.name if verify_file(path, MNIST.files[2]) is None else None
