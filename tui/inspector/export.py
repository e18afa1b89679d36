"""Provides the export of a list of mistakes as CSV or JSON Lines, one row per mistake:
test index, true class, predicted class and the ten probabilities (and, for a run with class
names, the two classes' names).

Every failure is an ``ExportError`` with one line naming the file and the reason.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path

from cnn_tui.core.contract.class_names import class_name
from cnn_tui.core.contract.config import NUM_CLASSES
from cnn_tui.core.contract.events import Mistake

FORMATS = ("csv", "jsonl")
CSV_HEADER = ["index", "true", "predicted", *(f"p{d}" for d in range(NUM_CLASSES))]
NAME_COLUMNS = ["true_name", "predicted_name"]
"""Added after the others for a run with class names (an MNIST export is as it was; the columns
before them are the same for every set, so a script reading MNIST exports reads these too)."""


class ExportError(Exception):
    """An export failed; the message is one line."""


def format_for(path: Path) -> str:
    """ "jsonl" for .jsonl / .json / .ndjson files, else "csv"."""
    return "jsonl" if path.suffix.lower() in (".jsonl", ".json", ".ndjson") else "csv"


def mistakes_text(mistakes: Sequence[Mistake], fmt: str, names: Sequence[str] = ()) -> str:
    """The file's contents in format ``fmt`` ("csv" or "jsonl"); with class ``names`` (() for
    MNIST) each row also names its true and predicted class."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER + (NAME_COLUMNS if names else []))
        for m in mistakes:
            named = [class_name(names, m.label), class_name(names, m.predicted)] if names else []
            writer.writerow(
                [m.index, m.label, m.predicted, *(repr(p) for p in m.probabilities), *named]
            )
        return out.getvalue()
    if fmt == "jsonl":
        return "".join(json.dumps(_record(m, names), allow_nan=False) + "\n" for m in mistakes)
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def _record(m: Mistake, names: Sequence[str]) -> dict[str, object]:
    """One JSON Lines row (with names: "true_name" and "predicted_name" too)."""
    record: dict[str, object] = {
        "index": m.index,
        "true": m.label,
        "predicted": m.predicted,
        "probabilities": list(m.probabilities),
    }
    if names:
        record["true_name"] = class_name(names, m.label)
        record["predicted_name"] = class_name(names, m.predicted)
    return record


def write_mistakes(
    path: str | os.PathLike[str], mistakes: Sequence[Mistake], names: Sequence[str] = ()
) -> Path:
    """Write ``mistakes`` to ``path`` (format from the suffix); returns the absolute path."""
    target = Path(path).expanduser()
    try:
        text = mistakes_text(mistakes, format_for(target), names)
        target.write_text(text, encoding="utf-8")
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ExportError(f"could not write {target}: {reason}") from None
    return target.resolve()
