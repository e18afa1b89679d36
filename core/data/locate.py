"""Provides the MNIST folder search: where to look, where to download, and what a folder lacks.

Without ``--data``, the first of ``$CNN_TUI_DATA``, ``./data/mnist`` and the user cache folder
that holds all four files wins; when none does, the message lists every place and what it lacks.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from cnn_tui.core.data.errors import DataError, fetch_hint, show_path
from cnn_tui.core.data.mnist_files import MNIST_FILES

ENV_VAR = "CNN_TUI_DATA"
"""Environment variable naming the MNIST folder (checked after ``--data``)."""


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


def lacks_message(folder: Path, missing: list[str], dataset: str = "mnist") -> str:
    """The one line for a folder missing some files: what it lacks and how to get them."""
    names = ", ".join(n + "[.gz]" for n in missing)
    return f"data folder {show_path(folder)} lacks {names} — " + fetch_hint(folder, dataset)


def check_data_folder(folder: Path) -> None:
    """Raise ``DataError`` unless ``folder`` exists, is a folder and can be listed."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise DataError(
            f"data folder {show_path(folder)} not found — create it and " + fetch_hint(folder)
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


def cache_dir(environ: Mapping[str, str] | None = None, dataset: str = "mnist") -> Path:
    """The per-user folder: ``$XDG_CACHE_HOME/cnn-tui/mnist`` or ``~/.cache/cnn-tui/mnist``
    (``…/fashion-mnist``, ``…/kmnist`` for the other sets)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"  # spec: ignore relative
    return root / "cnn-tui" / dataset


def candidate_dirs(
    explicit: str | os.PathLike[str] | None,
    environ: Mapping[str, str] | None = None,
    dataset: str = "mnist",
) -> list[Path]:
    """Where to look for MNIST, in order: ``--data``, ``$CNN_TUI_DATA``, ``./data/mnist``, cache.
    Another set: ``--data``, ``./data/<set>``, its cache folder (``$CNN_TUI_DATA`` is MNIST's)."""
    env = os.environ if environ is None else environ
    found: list[Path] = []
    if explicit is not None:
        found.append(Path(explicit))
    if env.get(ENV_VAR) and dataset == "mnist":
        found.append(Path(env[ENV_VAR]))
    found += [Path("data") / dataset, cache_dir(env, dataset)]
    return found


def find_data_dir(
    explicit: str | os.PathLike[str] | None,
    environ: Mapping[str, str] | None = None,
    dataset: str = "mnist",
    title: str = "MNIST",
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
        check_data_folder(folder)
        missing = missing_files(folder)
        if missing:
            raise DataError(lacks_message(folder, missing, dataset))
        return folder
    looked = candidate_dirs(None, environ, dataset)
    for folder in looked:
        if _holds_all(folder):
            return folder
    target = download_dir(None, environ, dataset)
    if dataset != "mnist":
        raise DataError(
            f"{title} not found (looked in {', '.join(_describe(f) for f in looked)}) — run "
            f"`cnn-tui download --dataset {dataset}` (saves to {show_path(target)}), or pass "
            "--data DIR"
        )
    raise DataError(
        f"MNIST not found (looked in {', '.join(_describe(f) for f in looked)}) — run "
        f"`cnn-tui download` (saves to {show_path(target)}), or pass --data DIR / set {ENV_VAR}"
    )


def download_dir(
    explicit: str | os.PathLike[str] | None,
    environ: Mapping[str, str] | None = None,
    dataset: str = "mnist",
) -> Path:
    """Where ``cnn-tui download`` saves: ``--data``, else ``$CNN_TUI_DATA`` (MNIST only), else
    ``./data/<set>`` when ``./data`` exists (a source checkout), else the user cache folder."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return Path(explicit)
    if env.get(ENV_VAR) and dataset == "mnist":
        return Path(env[ENV_VAR])
    if Path("data").is_dir():
        return Path("data") / dataset
    return cache_dir(env, dataset)


def _holds_all(folder: Path) -> bool:
    try:
        return folder.is_dir() and not missing_files(folder)
    except OSError:
        return False


def _describe(folder: Path) -> str:
    """One place in the "where it looked" list, and what it lacks."""
    try:
        if not folder.is_dir():
            return f"{show_path(folder)} (no such folder)"
        missing = missing_files(folder)
    except OSError:
        return f"{show_path(folder)} (unreadable)"
    return f"{show_path(folder)} ({len(missing)} of 4 files missing)"
