"""Provides ``choose_data``: the data folder, data set and class names a command's flags ask for.

``--dataset`` picks the set (MNIST by default) and so the default folders; ``--data DIR`` may be
any folder of the four IDX files, whose optional ``classes.txt`` names the classes. MNIST's own
names (the digits) are carried as ``()``, so an MNIST run's events and views are as before.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from cnn_tui.core.data.class_file import read_class_names
from cnn_tui.core.data.errors import DataError, show_path
from cnn_tui.core.data.identify import identify_set
from cnn_tui.core.data.locate import find_data_dir
from cnn_tui.core.data.sets import DATASETS, MNIST, dataset_info


@dataclass(frozen=True, slots=True)
class DataChoice:
    """Where the data is and what it is."""

    folder: Path
    dataset: str  # a ``--dataset`` value
    class_names: tuple[str, ...]  # () = MNIST's digits


def choose_data(args: argparse.Namespace, default: str = "mnist") -> DataChoice:
    """The folder (found as ``find_data_dir`` does for the set) and its class names.

    Args:
        args: the parsed flags (``--data``, ``--dataset``).
        default: the set when ``--dataset`` is not given (a resumed snapshot's own set).

    Raises:
        DataError: no folder holds the set's files, its test images are known to be another
            set's (``identify_set``), or its ``classes.txt`` is refused.
    """
    info = dataset_info(args.dataset or default)
    folder = find_data_dir(args.data, dataset=info.name, title=info.title)
    found = identify_set(folder)
    if found is not None and found != info.name:
        other = DATASETS[found].title
        raise DataError(
            f"data folder {show_path(folder)} holds {other}, not {info.title} — pass "
            f"--dataset {found}, or --data with the {info.title} folder"
        )
    names = read_class_names(folder, info.class_names)
    return DataChoice(folder, info.name, () if names == MNIST.class_names else names)
