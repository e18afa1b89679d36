"""Provides small synthetic IDX files for tests (valid MNIST-shaped sets and crafted broken ones)
and ``refused``, the assertion that a data check says no in one clear line."""

from __future__ import annotations

import gzip
import hashlib
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cnn_tui.core.data.errors import DataError

SIDE = 28
PIXELS = SIDE * SIDE


def image_header(count: int, rows: int = SIDE, cols: int = SIDE, dtype: int = 0x08) -> bytes:
    """IDX3 header: 00 00 dtype 03, then count, rows, cols as big-endian uint32."""
    return bytes([0, 0, dtype, 3]) + struct.pack(">3I", count, rows, cols)


def label_header(count: int, dtype: int = 0x08) -> bytes:
    """IDX1 header: 00 00 dtype 01, then count as big-endian uint32."""
    return bytes([0, 0, dtype, 1]) + struct.pack(">I", count)


def image_pixels(count: int, seed: int = 0) -> bytes:
    """Deterministic, distinct pixel bytes: image i is filled with a pattern depending on i."""
    return bytes((i * 7 + p * (seed + 3)) % 256 for i in range(count) for p in range(PIXELS))


def images_idx(count: int, seed: int = 0) -> bytes:
    return image_header(count) + image_pixels(count, seed)


def labels_idx(count: int) -> bytes:
    return label_header(count) + bytes(i % 10 for i in range(count))


def write(path: Path, data: bytes, *, gz: bool = False) -> Path:
    """Write ``data`` (gzip-compressed when ``gz``) to ``path`` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    return path


STEMS = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def mnist_like(train: int = 12, test: int = 5) -> dict[str, bytes]:
    """The four decompressed files of a tiny MNIST-shaped set, by stem."""
    return {
        STEMS[0]: images_idx(train, seed=1),
        STEMS[1]: labels_idx(train),
        STEMS[2]: images_idx(test, seed=2),
        STEMS[3]: labels_idx(test),
    }


def write_mnist_like(folder: Path, *, gz: bool = True, train: int = 12, test: int = 5) -> Path:
    """Write a tiny MNIST-shaped set into ``folder`` (``.gz`` names when ``gz``); returns folder."""
    for stem, data in mnist_like(train, test).items():
        write(folder / (stem + (".gz" if gz else "")), data, gz=gz)
    return folder


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gzip_bomb(prefix: bytes, zero_mib: int) -> bytes:
    """A gzip stream of ``prefix`` then ``zero_mib`` MiB of zeros, built in milliseconds.

    Each MiB is one independently flushed deflate chunk (about 1 KB), repeated; the stream has no
    end or trailer, which a reader that stops early (as it must) never reaches.
    """
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip wrapper
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    chunk = packer.compress(bytes(1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    return head + chunk * zero_mib


def refused(func: Callable[..., Any], *args: Any, match: str, **kwargs: Any) -> str:
    """Call ``func``; assert it raises DataError matching ``match`` on one line; return the text."""
    with pytest.raises(DataError, match=match) as info:
        func(*args, **kwargs)
    text = str(info.value)
    assert "\n" not in text and "Traceback" not in text
    return text
