"""Provides the verified MNIST download: ``download_mnist`` and the errors it raises.

Each of the four ``.gz`` files is fetched from the first mirror that delivers it intact:

* bytes go to ``<name>.gz.<random>.part`` in the target folder, never under the final name;
* the network side is ``fetch.py``: sizes capped and counted against Content-Length, no TLS
  downgrade, and one stall budget (``timeout`` seconds without data) that the mirrors share;
* the *decompressed* bytes must match the published SHA-256 (mirrors re-wrap the gzip), and
  decompression stops one byte past the known size;
* only then: fsync, ``os.replace`` to the final name, fsync the folder.

Any failure deletes the ``.part`` and moves on to the next mirror; Ctrl+C deletes it and re-raises.
Stale ``.part`` files from a killed run are removed at the start. Standard library only.
"""

from __future__ import annotations

import glob
import os
import signal
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO
from urllib.parse import urljoin

from cnn_tui.core.data.errors import show_path
from cnn_tui.core.data.fetch import MirrorFailed, StallBudget, get, seconds_text
from cnn_tui.core.data.mnist_files import MNIST_FILES, MnistFile
from cnn_tui.core.data.verify import verify_file

__all__ = ["MIRRORS", "DownloadError", "download_mnist", "verify_file"]

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
"""Public MNIST mirrors, tried in order. Both serve the four ``.gz`` files under these names."""

Progress = Callable[[str, int, int | None], None]
"""``progress(file_name, bytes_done, bytes_total_or_None)``, called as bytes arrive."""


class DownloadError(Exception):
    """The download failed; the message is one line: what was tried, what went wrong, what to do."""

    exit_code = 5


def download_mnist(
    folder: str | os.PathLike[str],
    *,
    mirrors: Sequence[str] = MIRRORS,
    timeout: float = 30.0,
    progress: Progress | None = None,
    files: Sequence[MnistFile] = MNIST_FILES,
    title: str = "MNIST",
) -> list[Path]:
    """Make ``folder`` hold the verified MNIST files, downloading only those missing or corrupt.

    Args:
        folder: the target folder (created if missing).
        mirrors: base URLs (http or https) tried in order for each file.
        timeout: seconds a file may go without a byte arriving, all its mirrors together: each
            mirror still to try gets an equal part of what is left (two mirrors: 15 s each of
            the default 30), and each byte that arrives restarts the count.
        progress: optional callback for a progress bar (see ``progress_bar.stderr_progress``).
        files: the expected files (stem, decompressed size, SHA-256 or the .gz's MD5); other
            data sets (``sets.py``) and tests pass their own.
        title: the data set's name, for the failure message.

    Returns:
        The path of each file, in ``files`` order (an existing verified raw file counts).

    Raises:
        DownloadError: a file could not be fetched from any mirror, or the folder is unusable.
    """
    folder = Path(folder)
    _prepare_folder(folder, files)
    paths: list[Path] = []
    order = list(mirrors)
    for expected in files:
        present = _verified_copy(folder, expected)
        if present is not None:
            paths.append(present)
            continue
        budget = StallBudget(timeout)  # one per file: a file that cannot come ends the download
        errors: dict[str, str] = {}
        for index, mirror in enumerate(order):
            wait = budget.share(len(order) - index)
            if wait <= 0:
                errors[mirror] = f"not tried: no data for {seconds_text(timeout)} s in all"
                continue
            try:
                paths.append(_fetch(folder, mirror, expected, wait, budget, progress))
            except MirrorFailed as exc:
                errors[mirror] = str(exc)
                continue
            order.remove(mirror)
            order.insert(0, mirror)  # the mirror that worked goes first for the next file
            break
        else:
            raise DownloadError(_failure_message(folder, expected, errors, files, title))
    return paths


def _prepare_folder(folder: Path, files: Sequence[MnistFile]) -> None:
    """Create ``folder`` if needed and remove ``.part`` files a killed download left behind."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise DownloadError(
            f"{show_path(folder)} is a file, not a directory — pass a folder with --data DIR"
        ) from None
    except OSError as exc:
        raise DownloadError(
            f"cannot create {show_path(folder)}: {exc.strerror or exc} — pass another --data DIR"
        ) from None
    for expected in files:
        for stale in folder.glob(f"{glob.escape(expected.gz_name)}.*part"):
            stale.unlink(missing_ok=True)


def _verified_copy(folder: Path, expected: MnistFile) -> Path | None:
    """The already present, verified ``.gz`` or raw copy of ``expected``; None to download."""
    final = folder / expected.gz_name
    if os.path.lexists(final) and not final.is_file():
        raise DownloadError(
            f"{show_path(final)} is in the way (not a regular file) — remove it and retry"
        )
    for candidate in (final, folder / expected.stem):
        if candidate.is_file() and verify_file(candidate, expected) is None:
            return candidate
    return None  # a corrupt .gz is replaced by the download; a corrupt raw file is left alone


def _fetch(
    folder: Path,
    mirror: str,
    expected: MnistFile,
    wait: float,
    budget: StallBudget,
    progress: Progress | None,
) -> Path:
    """Download ``expected`` from ``mirror`` into ``folder``, verified; raise MirrorFailed."""
    url = urljoin(mirror if mirror.endswith("/") else mirror + "/", expected.gz_name)
    final = folder / expected.gz_name
    # The gzip of incompressible data is a little larger than the data (≈ 5 bytes per 64 KiB):
    # no honest mirror sends more than this.
    cap = expected.size + expected.size // 100 + 64 * 1024
    # Ctrl+C or SIGTERM right after the temp file exists, before the clean-up below guards it,
    # would leave it behind: hold those signals until then (they arrive inside the try).
    held = _hold_signals()
    try:
        handle, part_name = tempfile.mkstemp(
            prefix=expected.gz_name + ".", suffix=".part", dir=folder
        )
    except OSError as exc:
        _release_signals(held)
        raise DownloadError(
            f"cannot write in {show_path(folder)}: {exc.strerror or exc} — pass another --data DIR"
        ) from None
    part = Path(part_name)
    try:
        _release_signals(held)
        with os.fdopen(handle, "wb") as out:
            shown = None if progress is None else _named(progress, expected.gz_name)
            get(url, _writer(out, part), cap=cap, wait=wait, budget=budget, progress=shown)
            _durable(out.flush, part)
            _durable(lambda: os.fsync(out.fileno()), part)
        reason = verify_file(part, expected)
        if reason is not None:
            raise MirrorFailed(reason)
        _durable(lambda: os.replace(part, final), final)
        _fsync_dir(folder)
    except BaseException:  # any failure, Ctrl+C included: no partial file stays behind
        part.unlink(missing_ok=True)
        raise
    return final


def _named(progress: Progress, name: str) -> Callable[[int, int | None], None]:
    return lambda done, total: progress(name, done, total)


def _writer(out: IO[bytes], part: Path) -> Callable[[bytes], None]:
    """Writes to the .part file; a local failure (disk full) ends the whole download."""

    def write(chunk: bytes) -> None:
        try:
            out.write(chunk)
        except OSError as exc:
            raise DownloadError(
                f"cannot write {show_path(part)}: {exc.strerror or exc} — free about 12 MB in "
                f"{show_path(part.parent)} or pass another --data DIR"
            ) from None

    return write


_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP} if os.name == "posix" else set()


def _hold_signals() -> set[int] | None:
    """Block Ctrl+C, SIGTERM and SIGHUP for this thread (POSIX); the previous mask, to restore."""
    if not _HELD_SIGNALS or not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)


def _release_signals(previous: set[int] | None) -> None:
    """Restore the mask ``_hold_signals`` replaced: a signal that came meanwhile arrives now."""
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _durable(step: Callable[[], object], path: Path) -> None:
    """Run a local file step (flush, fsync, rename); its OSError ends the download cleanly."""
    try:
        step()
    except OSError as exc:
        raise DownloadError(
            f"cannot save {show_path(path)}: {exc.strerror or exc} — check the free space and "
            "permissions of that folder, or pass another --data DIR"
        ) from None


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _failure_message(
    folder: Path,
    expected: MnistFile,
    errors: dict[str, str],
    files: Sequence[MnistFile],
    title: str,
) -> str:
    tried = "; ".join(f"{mirror} ({error})" for mirror, error in errors.items()) or "no mirrors"
    names = ", ".join(f.gz_name for f in files)
    return (
        f"could not download {expected.gz_name} into {show_path(folder)} — tried {tried}. "
        f"Verified files were kept; retry later, or copy the four files ({names}) into that "
        f"folder by hand from any {title} mirror"
    )
