"""Provides ``verify_file``: does a file (gzip or raw) hold exactly one published IDX file?

MNIST's table gives the SHA-256 of the *decompressed* bytes (any mirror's re-wrapped gzip
passes). Fashion-MNIST and KMNIST publish only the MD5 of their ``.gz`` files: for those the
decompressed size is checked and then the MD5 of the gzip itself, so only that exact gzip passes
(a raw copy cannot be verified and is refused). Standard library only.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

from cnn_tui.core.data.fetch import first_line
from cnn_tui.core.data.idx import GZIP_MAGIC, looks_like_html
from cnn_tui.core.data.mnist_files import MnistFile


def verify_file(path: str | os.PathLike[str], expected: MnistFile) -> str | None:
    """None when ``path`` (gzip or raw) decompresses to exactly ``expected``; else the reason.

    Reads in 1 MiB pieces and stops one byte past ``expected.size``: a bomb costs nothing.
    """
    path = Path(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return "not a regular file"
        with open(path, "rb") as raw:
            packed = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            stream: BinaryIO = gzip.GzipFile(fileobj=raw) if packed else raw  # type: ignore[assignment]
            digest = hashlib.sha256()
            size = 0
            start = b""
            while size <= expected.size:
                chunk = stream.read(min(1 << 20, expected.size + 1 - size))
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
                start = start or chunk[:64]
    except EOFError:
        return "compressed data is incomplete"
    except (gzip.BadGzipFile, zlib.error) as exc:
        return f"corrupt gzip ({first_line(exc)})"
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    if not packed and looks_like_html(start):
        return "got an HTML page instead of the file (an error page or a login portal?)"
    if size > expected.size:
        return f"decompresses to more than the {expected.size:,} bytes of {expected.stem}"
    if size < expected.size:
        return f"holds {size:,} bytes of data, {expected.stem} has {expected.size:,}"
    if expected.gz_md5:
        return _gz_md5_reason(path, packed, expected)
    got = digest.hexdigest()
    if got != expected.sha256:
        return (
            f"checksum mismatch for {expected.gz_name} "
            f"(expected {expected.sha256[:16]}…, got {got[:16]}…)"
        )
    return None


def _gz_md5_reason(path: Path, packed: bool, expected: MnistFile) -> str | None:
    """None when ``path`` is the published gzip (its MD5 matches); else the reason."""
    if not packed:
        return (
            f"{expected.stem} is not compressed: only the MD5 of {expected.gz_name} is published, "
            "so keep the .gz file"
        )
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with open(path, "rb") as raw:
            while chunk := raw.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    got = digest.hexdigest()
    if got != expected.gz_md5:
        return (
            f"checksum mismatch for {expected.gz_name} "
            f"(expected MD5 {expected.gz_md5[:16]}…, got {got[:16]}…)"
        )
    return None
