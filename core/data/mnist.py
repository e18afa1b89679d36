"""Provides MNIST loading: IDX files (raw or gzip) checked byte by byte; the data folder's search.

Every check runs before anything is allocated from a header value, so a hostile or broken file is
refused with one line naming the file, the problem and a fix (``DataError``), never a traceback.
The read order for one file:

1. ``stat``: a regular file (a FIFO would block ``read`` forever), not empty, not over the size cap;
2. the first two bytes ``1f 8b`` mean gzip, whatever the name says; decompression is capped at the
   largest size the slot may hold + 1 byte (a gzip bomb stops there);
3. the IDX magic: bytes 0–1 zero, byte 2 the dtype (0x08 = uint8), byte 3 the number of dims
   (3 for images, 1 for labels); then the dims as big-endian uint32: images must be n × 28 × 28;
4. header size + n × item size must equal the data size exactly (truncated or trailing bytes);
5. labels must be 0–9; image and label counts must match (``load_mnist``).

Standard library only: images and labels are returned as ``bytes`` (see ``dataset.Dataset``).
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import os
import re
import shlex
import stat
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cnn_tui.core.contract.config import IMAGE_SIDE
from cnn_tui.core.data.dataset import PIXELS, Dataset

ENV_VAR = "CNN_TUI_DATA"
"""Environment variable naming the MNIST folder (checked after ``--data``)."""

TRAIN_COUNT = 60_000
TEST_COUNT = 10_000
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


class DataError(Exception):
    """MNIST data cannot be used; the message is one line naming the file, the problem and a fix."""

    exit_code = 3


@dataclass(frozen=True, slots=True)
class MnistFile:
    """One of the four MNIST files, as published: its name and its *decompressed* identity."""

    stem: str  # file name without ".gz", e.g. "train-images-idx3-ubyte"
    size: int  # bytes after decompression
    sha256: str  # of the decompressed bytes (mirrors re-wrap the gzip, so only these are stable)

    @property
    def gz_name(self) -> str:
        return self.stem + ".gz"


TRAIN_IMAGES = MnistFile(
    "train-images-idx3-ubyte",
    47_040_016,
    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
)
TRAIN_LABELS = MnistFile(
    "train-labels-idx1-ubyte",
    60_008,
    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
)
TEST_IMAGES = MnistFile(
    "t10k-images-idx3-ubyte",
    7_840_016,
    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
)
TEST_LABELS = MnistFile(
    "t10k-labels-idx1-ubyte",
    10_008,
    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
)
MNIST_FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)
"""The four files in load order, with the sizes and SHA-256 digests from design.md."""


# ---------------------------------------------------------------------------------------------
# Paths in messages


def show_path(path: str | os.PathLike[str] | os.PathLike[bytes] | bytes) -> str:
    """``path`` as printable text: undecodable bytes as ``\\xff``, control characters escaped.

    Non-ASCII letters stay as they are; the terminal writer escapes them if it must.
    """
    text = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _quote(path: Path) -> str:
    """``path`` escaped and quoted for a shell command in a hint."""
    return shlex.quote(show_path(path))


def _fetch_hint(folder: Path | None = None) -> str:
    where = f"--data {_quote(folder)}" if folder is not None else "--data DIR"
    return f"run `cnn-tui download {where}` or copy the four MNIST files there (see data/README.md)"


# ---------------------------------------------------------------------------------------------
# One IDX file


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
        return DataError(f"{name}: file not found — {_fetch_hint(path.parent)}")
    if isinstance(exc, PermissionError):
        return DataError(f"{name}: permission denied — make it readable (chmod u+r)")
    return DataError(f"{name}: cannot read: {exc.strerror or exc}")


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


# ---------------------------------------------------------------------------------------------
# The folder of four files


def mnist_file_path(folder: Path, stem: str) -> Path | None:
    """The file in ``folder`` holding ``stem``: ``stem.gz`` first (what ``download`` writes and
    verifies), then raw ``stem``; also the ``train-images.idx3-ubyte`` spelling. None if absent."""
    dotted = stem.replace("-idx", ".idx")
    for candidate in (stem + ".gz", stem, dotted + ".gz", dotted):
        path = folder / candidate
        if os.path.lexists(path):
            return path
    return None


def missing_files(folder: Path) -> list[str]:
    """Names of the MNIST files ``folder`` lacks (all four when it is not a readable folder)."""
    return [f.stem for f in MNIST_FILES if mnist_file_path(folder, f.stem) is None]


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
    _check_folder(folder)
    missing = missing_files(folder)
    if missing:
        raise DataError(
            f"data folder {show_path(folder)} lacks {', '.join(n + '[.gz]' for n in missing)} — "
            + _fetch_hint(folder)
        )
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
    _check_folder(folder)
    missing = [n for n in missing_files(folder) if n in (TEST_IMAGES.stem, TEST_LABELS.stem)]
    if missing:
        raise DataError(
            f"data folder {show_path(folder)} lacks {', '.join(n + '[.gz]' for n in missing)} — "
            + _fetch_hint(folder)
        )
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


def _check_folder(folder: Path) -> None:
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise DataError(
            f"data folder {show_path(folder)} not found — create it and " + _fetch_hint(folder)
        ) from None
    except OSError as exc:
        if exc.errno == errno.EACCES:
            raise DataError(
                f"data folder {show_path(folder)}: permission denied — fix its permissions"
            ) from None
        raise DataError(
            f"data folder {show_path(folder)}: cannot read: {exc.strerror or exc}"
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise DataError(
            f"{show_path(folder)} is a file, not a directory — pass the folder that holds the "
            "MNIST files with --data DIR"
        )
    if not os.access(folder, os.R_OK | os.X_OK):
        raise DataError(f"data folder {show_path(folder)}: permission denied — fix its permissions")


def is_mnist(train: Dataset, test: Dataset) -> bool:
    """True when both datasets are exactly the published MNIST files (SHA-256, about 40 ms).

    Other valid IDX data (e.g. Fashion-MNIST) is allowed; callers show and record the difference.
    """
    return dataset_digests(train, test) == tuple(f.sha256 for f in MNIST_FILES)


def dataset_digests(train: Dataset, test: Dataset) -> tuple[str, str, str, str]:
    """SHA-256 of the four decompressed IDX files the datasets came from (headers rebuilt)."""

    def images_digest(data: Dataset) -> str:
        header = struct.pack(">4I", 0x0803, len(data), IMAGE_SIDE, IMAGE_SIDE)
        return hashlib.sha256(header + data.images).hexdigest()

    def labels_digest(data: Dataset) -> str:
        return hashlib.sha256(struct.pack(">2I", 0x0801, len(data)) + data.labels).hexdigest()

    return (images_digest(train), labels_digest(train), images_digest(test), labels_digest(test))


# ---------------------------------------------------------------------------------------------
# Where the data lives


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The per-user folder: ``$XDG_CACHE_HOME/cnn-tui/mnist`` or ``~/.cache/cnn-tui/mnist``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"  # spec: ignore relative
    return root / "cnn-tui" / "mnist"


def candidate_dirs(
    explicit: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> list[Path]:
    """Where to look for MNIST, in order: ``--data``, ``$CNN_TUI_DATA``, ``./data/mnist``, cache."""
    env = os.environ if environ is None else environ
    found: list[Path] = []
    if explicit is not None:
        found.append(Path(explicit))
    if env.get(ENV_VAR):
        found.append(Path(env[ENV_VAR]))
    found += [Path("data") / "mnist", cache_dir(env)]
    return found


def find_data_dir(
    explicit: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> Path:
    """The folder to load MNIST from.

    An explicit ``--data DIR`` is authoritative: it must exist, be a folder and hold the four
    files (else ``DataError`` naming it and what it lacks). Without it, the first of
    ``$CNN_TUI_DATA``, ``./data/mnist`` and the user cache folder that holds all four files wins.

    Raises:
        DataError: nothing suitable; the message lists where it looked and how to fix it.
    """
    if explicit is not None:
        folder = Path(explicit)
        _check_folder(folder)
        missing = missing_files(folder)
        if missing:
            raise DataError(
                f"data folder {show_path(folder)} lacks "
                f"{', '.join(n + '[.gz]' for n in missing)} — " + _fetch_hint(folder)
            )
        return folder
    looked = candidate_dirs(None, environ)
    for folder in looked:
        if _holds_all(folder):
            return folder
    target = download_dir(None, environ)
    raise DataError(
        f"MNIST not found (looked in {', '.join(_describe(f) for f in looked)}) — run "
        f"`cnn-tui download` (saves to {show_path(target)}), or pass --data DIR / set {ENV_VAR}"
    )


def download_dir(
    explicit: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> Path:
    """Where ``cnn-tui download`` saves: ``--data``, else ``$CNN_TUI_DATA``, else ``./data/mnist``
    when ``./data`` exists (a source checkout), else the user cache folder."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return Path(explicit)
    if env.get(ENV_VAR):
        return Path(env[ENV_VAR])
    if Path("data").is_dir():
        return Path("data") / "mnist"
    return cache_dir(env)


def _holds_all(folder: Path) -> bool:
    try:
        return folder.is_dir() and not missing_files(folder)
    except OSError:
        return False


def _describe(folder: Path) -> str:
    try:
        if not folder.is_dir():
            return f"{show_path(folder)} (no such folder)"
        missing = missing_files(folder)
    except OSError:
        return f"{show_path(folder)} (unreadable)"
    return f"{show_path(folder)} ({len(missing)} of 4 files missing)"
