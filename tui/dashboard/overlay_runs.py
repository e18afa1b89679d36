"""Provides the dashboard overlay's data (key ``o``): which other runs of the snapshot folder can
be drawn behind the live run (``overlay_candidates``: newest first, the live run left out), and
the chosen ones read back once (``load_overlays``, as ``RunLine``s), each with its letter, glyph
and faint colour role, and a one-line notice for each run that cannot be read. The charts draw
them with ``widgets/run_lines.py``, as ``cnn-tui compare`` does. Pure Python: no Textual.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cnn_tui.core.runs.folder import METRICS_FILE, ListedRun, RunLookupError, list_runs
from cnn_tui.core.runs.history import HistoryError, read_history
from cnn_tui.tui.compare.model import GLYPHS, TAGS
from cnn_tui.tui.formatting import short_architecture
from cnn_tui.tui.widgets.run_lines import RunLine

MAX_OVERLAYS = 5
"""Runs drawn behind the live one at most (more would hide it)."""
ROLES = tuple(f"overlay{i}" for i in range(MAX_OVERLAYS))
"""Each overlaid run's colour role (faint theme colours, widgets/line_panel.py)."""


@dataclass(frozen=True, slots=True)
class OverlaySource:
    """Where the overlay looks for runs: the snapshot folder, and the live run's own folder
    (never offered; None when the live run records none)."""

    snapshot_dir: Path
    live_folder: Path | None = None


def overlay_candidates(source: OverlaySource) -> tuple[list[ListedRun], str]:
    """The runs that can be overlaid, newest first, and a one-line notice when there are none
    (saying where it looked), else ""."""
    try:
        listing = list_runs(source.snapshot_dir)
    except RunLookupError as error:
        return [], f"no other runs to overlay: {error}"
    live = source.live_folder.resolve() if source.live_folder else None
    runs = [r for r in listing.runs if live is None or r.path.resolve() != live]
    if not runs:
        return [], f"no other runs to overlay in {source.snapshot_dir}"
    return runs, ""


def candidate_label(run: ListedRun) -> str:
    """One picker line: name, when it started, network, best test accuracy, state."""
    record = run.record
    when = record.started.replace("T", " ").removesuffix("Z")[:16]
    best = record.best_accuracy
    shown = f"{100 * best:.2f}%" if best is not None and math.isfinite(best) else "–"
    network = short_architecture(record.architecture)
    return f"{record.name}  {when}  {network}  best {shown}  {run.state}"


def load_overlays(
    runs: Sequence[ListedRun],
) -> tuple[tuple[tuple[Path, RunLine], ...], tuple[str, ...]]:
    """The chosen runs' histories read once (at most ``MAX_OVERLAYS``), each with its folder,
    and a one-line notice per run that could not be read or has nothing to draw; the others
    are drawn."""
    out: list[tuple[Path, RunLine]] = []
    notices: list[str] = []
    for run in runs[:MAX_OVERLAYS]:
        name = run.record.name
        try:
            history = read_history(run.path / METRICS_FILE)
        except HistoryError as error:
            notices.append(f"{name}: not overlaid: {error}")
            continue
        if not history.steps:
            notices.append(f"{name}: not overlaid: no batches recorded in it yet")
            continue
        i = len(out)
        out.append((run.path, RunLine(TAGS[i], GLYPHS[i + 1], ROLES[i], name, history)))
    return tuple(out), tuple(notices)
