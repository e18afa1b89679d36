"""Provides the export of a list of mistakes as CSV or JSON Lines, one row per mistake:
test index, true class, predicted class, confidence and the ten probabilities.

Every failure is an ``ExportError`` with one line naming the file and the reason.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path

from cnn_tui.core.contract.config import NUM_CLASSES
from cnn_tui.core.contract.events import Mistake

FORMATS = ("csv", "jsonl")
CSV_HEADER = ["index", "true", "predicted", *(f"p{d}" for d in range(NUM_CLASSES))]


class ExportError(Exception):
    """An export failed; the message is one line."""


def format_for(path: Path) -> str:
    """ "jsonl" for .jsonl / .json / .ndjson files, else "csv"."""
    return "jsonl" if path.suffix.lower() in (".jsonl", ".json", ".ndjson") else "csv"


def mistakes_text(mistakes: Sequence[Mistake], fmt: str) -> str:
    """The file's contents in format ``fmt`` ("csv" or "jsonl")."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for m in mistakes:
            writer.writerow([m.index, m.label, m.predicted, *(repr(p) for p in m.probabilities)])
        return out.getvalue()
    if fmt == "jsonl":
        return "".join(
            json.dumps(
                {
                    "index": m.index,
                    "true": m.label,
                    "predicted": m.predicted,
                    "probabilities": list(m.probabilities),
                },
                allow_nan=False,
            )
            + "\n"
            for m in mistakes
        )
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def write_mistakes(path: str | os.PathLike[str], mistakes: Sequence[Mistake]) -> Path:
    """Write ``mistakes`` to ``path`` (format from the suffix); returns the absolute path."""
    target = Path(path).expanduser()
    try:
        text = mistakes_text(mistakes, format_for(target))
        target.write_text(text, encoding="utf-8")
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ExportError(f"could not write {target}: {reason}") from None
    return target.resolve()
