"""Provides IDX reading: one MNIST file (raw or gzip) checked byte by byte before it is trusted.

Every check runs before anything is allocated from a header value, so a hostile or broken file is
refused with one line naming the file, the problem and a fix (``DataError``), never a traceback.
The read order for one file:

1. ``stat``: a regular file (a FIFO would block ``read`` forever), not empty, not over the size cap;
2. the first two bytes ``1f 8b`` mean gzip, whatever the name says; decompression is capped at the
   largest size the slot may hold + 1 byte (a gzip bomb stops there);
3. the IDX magic: bytes 0–1 zero, byte 2 the dtype (0x08 = uint8), byte 3 the number of dims
   (3 for images, 1 for labels); then the dims as big-endian uint32: images must be n × 28 × 28;
4. header size + n × item size must equal the data size exactly (truncated or trailing bytes);
5. labels must be 0–9 (``read_idx_labels``); that image and label counts match is ``load.py``'s.

Standard library only: images and labels are returned as ``bytes`` (see ``dataset.Dataset``).
"""

from __future__ import annotations

import errno
import gzip
import os
import re
import stat
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

from cnn_tui.core.contract.config import IMAGE_SIDE
from cnn_tui.core.data.dataset import PIXELS
from cnn_tui.core.data.errors import DataError, fetch_hint, show_path
from cnn_tui.core.data.mnist_files import TRAIN_COUNT

GZIP_MAGIC = b"\x1f\x8b"
IDX_UBYTE = 0x08  # IDX dtype code for unsigned bytes, the only one MNIST uses
IMAGE_HEADER = 16  # magic + n + rows + cols, 4 bytes each
LABEL_HEADER = 8  # magic + n

_DTYPES = {
    0x08: "uint8",
    0x09: "int8",
    0x0B: "int16",
    0x0C: "int32",
    0x0D: "float32",
    0x0E: "float64",
}
_BAD_LABEL = re.compile(b"[^\x00-\x09]")  # any byte outside 0–9


def read_idx_images(
    path: str | os.PathLike[str], *, max_count: int = TRAIN_COUNT
) -> tuple[bytes, int]:
    """Read an IDX3 file of 28×28 uint8 images (raw or gzip).

    Args:
        path: the file; gzip is recognised by its first two bytes, not by its name.
        max_count: the most images the file may hold (caps the file size and decompression).

    Returns:
        (pixels, count): ``count × 784`` bytes in row-major order, and ``count`` (≥ 1).

    Raises:
        DataError: anything about the file is wrong.
    """
    payload, count = _read_idx(Path(path), ndim=3, max_count=max_count)
    return payload, count


def read_idx_labels(path: str | os.PathLike[str], *, max_count: int = TRAIN_COUNT) -> bytes:
    """Read an IDX1 file of uint8 labels (raw or gzip); every label is checked to be 0–9.

    Returns:
        ``count`` bytes, one label each.

    Raises:
        DataError: anything about the file is wrong, including the first label outside 0–9.
    """
    path = Path(path)
    labels, _ = _read_idx(path, ndim=1, max_count=max_count)
    bad = _BAD_LABEL.search(labels)
    if bad is not None:
        index = bad.start()
        raise DataError(
            f"{show_path(path)}: label {labels[index]} at index {index:,} is outside 0–9 "
            "— the file is corrupt or not MNIST; replace it"
        )
    return labels


def _read_idx(path: Path, *, ndim: int, max_count: int) -> tuple[bytes, int]:
    """The validated payload (everything after the header) and the item count."""
    name = show_path(path)
    header_size = IMAGE_HEADER if ndim == 3 else LABEL_HEADER
    item_size = PIXELS if ndim == 3 else 1
    max_raw = header_size + max_count * item_size  # largest decompressed size this slot allows
    # A gzip of incompressible data is a little larger than the data itself (≈ 5 bytes per 64 KiB).
    max_file = max_raw + max_raw // 100 + 4096

    size = _check_regular_file(path, name, max_file)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_error(path, exc) from None
    with os.fdopen(fd, "rb") as raw_file:
        # Checked again on the open file: the path may have been swapped since the stat.
        if not stat.S_ISREG(os.fstat(raw_file.fileno()).st_mode):
            raise DataError(f"{name}: not a regular file — point --data at the MNIST folder")
        try:
            if raw_file.read(2) == GZIP_MAGIC:
                raw_file.seek(0)
                stream: BinaryIO = gzip.GzipFile(fileobj=raw_file, mode="rb")  # type: ignore[assignment]
                return _read_stream(stream, name, ndim, header_size, item_size, max_raw, None)
            raw_file.seek(0)
            return _read_stream(raw_file, name, ndim, header_size, item_size, max_raw, size)
        except EOFError:
            raise DataError(
                f"{name}: compressed file is incomplete (interrupted download?) — delete it and "
                "download it again"
            ) from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise DataError(
                f"{name}: compressed file is corrupt ({_short(exc)}) — delete it and download "
                "it again"
            ) from None
        except OSError as exc:
            raise _os_error(path, exc) from None


def _read_stream(
    stream: BinaryIO,
    name: str,
    ndim: int,
    header_size: int,
    item_size: int,
    max_raw: int,
    raw_size: int | None,
) -> tuple[bytes, int]:
    """Check the header, then read exactly the payload it announces (at most ``max_raw``).

    ``raw_size`` is the file's size for an uncompressed file, None for gzip (known only after
    decompressing, so the read asks for one byte more than expected and so notices extra data).
    """
    compressed = raw_size is None
    what = "decompressed data" if compressed else "file"
    head = _read_up_to(stream, header_size)
    if not head:
        raise DataError(
            f"{name}: {'compressed file is empty' if compressed else 'file is empty'} — delete "
            "it and download it again"
        )
    _check_magic(head, name, ndim)
    if len(head) < header_size:
        raise DataError(
            f"{name}: {what} truncated: {len(head)} bytes, shorter than the {header_size}-byte "
            "IDX header — delete it and download it again"
        )
    dims = struct.unpack(f">{ndim}I", head[4:header_size])
    count = dims[0]
    kind = "images" if ndim == 3 else "labels"
    if ndim == 3 and dims[1:] != (IMAGE_SIDE, IMAGE_SIDE):
        raise DataError(
            f"{name}: expected {IMAGE_SIDE}×{IMAGE_SIDE} images, got {dims[1]}×{dims[2]} — "
            "this network needs MNIST-sized images"
        )
    if count == 0:
        raise DataError(f"{name}: dataset is empty (the header says 0 {kind}) — replace the file")
    expected = header_size + count * item_size  # a Python int: no overflow, nothing allocated
    if raw_size is not None:
        _check_size(name, what, expected, raw_size, count, kind)
    if expected > max_raw:
        raise DataError(
            f"{name}: header claims {count:,} {kind}, more than the "
            f"{(max_raw - header_size) // item_size:,} MNIST has here — corrupt or not MNIST"
        )
    payload_size = expected - header_size  # ≤ max_raw - header_size, checked above
    # For gzip, one byte more than announced: a longer stream (or a bomb) shows itself here, and
    # the rest is never decompressed.
    payload = stream.read(payload_size + (1 if compressed else 0))
    if len(payload) > payload_size:
        raise DataError(
            f"{name}: decompresses to more than the {expected:,} bytes its header announces "
            f"({count:,} {kind}) — wrong, concatenated or not MNIST; replace it"
        )
    if len(payload) < payload_size:
        _check_size(name, what, expected, header_size + len(payload), count, kind)
    return payload, count


def _read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes; fewer only at the end of the stream."""
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _check_magic(head: bytes, name: str, ndim: int) -> None:
    kind = "image" if ndim == 3 else "label"
    wanted = 0x0800 | ndim
    if looks_like_html(head):
        raise DataError(
            f"{name}: looks like an HTML page, not MNIST data — a download probably failed; "
            "delete it and download it again"
        )
    if len(head) < 4:
        raise DataError(
            f"{name}: file truncated: {len(head)} bytes, too short for an IDX header — "
            "delete it and download it again"
        )
    magic = int.from_bytes(head[:4], "big")
    if head[:2] != b"\0\0":
        raise DataError(
            f"{name}: not an IDX {kind} file (starts with {head[:4].hex(' ')}; expected "
            f"00 00 08 0{ndim}) — not gzip and not IDX; replace it"
        )
    dtype, dims = head[2], head[3]
    if dtype != IDX_UBYTE:
        label = _DTYPES.get(dtype, "invalid")
        raise DataError(
            f"{name}: unsupported IDX dtype 0x{dtype:02X} ({label}); MNIST needs uint8 (0x08)"
        )
    if dims != ndim:
        other = {1: " (labels)", 3: " (images)"}.get(dims, "")
        raise DataError(
            f"{name}: not an IDX {kind} file: magic 0x{magic:08X}{other}, expected 0x{wanted:08X}"
            " — are the images and labels files swapped?"
        )


def looks_like_html(head: bytes) -> bool:
    """True for text starting with ``<`` (HTML, XML error bodies), after a BOM or whitespace."""
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<"


def _check_size(name: str, what: str, expected: int, actual: int, count: int, kind: str) -> None:
    if actual < expected:
        raise DataError(
            f"{name}: {what} truncated: header implies {expected:,} bytes ({count:,} {kind}), "
            f"{what} has {actual:,} — delete it and download it again"
        )
    if actual > expected:
        raise DataError(
            f"{name}: {what} has {actual - expected:,} extra bytes after the {count:,} {kind} "
            "the header announces (wrong or concatenated file) — replace it"
        )


def _check_regular_file(path: Path, name: str, max_file: int) -> int:
    """The file's size, after checking it is a regular, non-empty file under the cap."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _os_error(path, exc) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO, device or socket"
        raise DataError(f"{name}: not a regular file ({kind}) — expected an MNIST data file")
    if info.st_size == 0:
        raise DataError(f"{name}: file is empty — delete it and download it again")
    if info.st_size > max_file:
        raise DataError(
            f"{name}: {info.st_size:,} bytes is more than an MNIST file of this kind can be "
            f"({max_file:,}) — not MNIST; replace it"
        )
    return info.st_size


def _os_error(path: Path, exc: OSError) -> DataError:
    name = show_path(path)
    if exc.errno == errno.ELOOP:
        return DataError(f"{name}: not a regular file (symlink loop) — fix or remove the link")
    if isinstance(exc, FileNotFoundError):
        return DataError(f"{name}: file not found — {fetch_hint(path.parent)}")
    if isinstance(exc, PermissionError):
        return DataError(f"{name}: permission denied — make it readable (chmod u+r)")
    return DataError(f"{name}: cannot read: {exc.strerror or exc}")


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
