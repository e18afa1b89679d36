"""Provides what ``cnn-tui compare`` shows, as plain data: the compared runs (each with its tag,
glyph and colour role), the configuration fields that differ between them and the ones they
share, each run's hyperparameter changes and final numbers, and the per-class table. The
Textual screen and the ``--text`` form both draw from here, so they always agree. Pure Python:
no Textual, no Rich.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cnn_tui.core.contract.class_names import class_name, fit_name
from cnn_tui.core.runs.history import CONFIG_FIELDS, ConfigValue, RunHistory
from cnn_tui.core.runs.record import RunRecord
from cnn_tui.tui.formatting import short_architecture

MAX_RUNS = 6
TAGS = "ABCDEF"
"""Written on each run's chart line every few columns (it reads without colour)."""
GLYPHS = ("●", "■", "▲", "◆", "○", "□")
"""Each run's test results on the charts, and its mark in the legend and tables."""
FIELD_NAMES = {
    "engine": "engine",
    "architecture": "network",
    "dataset": "data set",
    "epochs": "epochs",
    "lr": "lr",
    "momentum": "momentum",
    "weight_decay": "weight decay",
    "batch_size": "batch",
    "seed": "seed",
    "train_size": "train images",
    "test_size": "test images",
    "parent": "branched from",
}
"""Each configuration field's name in the tables, in the order they are shown."""
SHORT_NAMES = {"hyperparameters": "hp", "weight_decay": "wd", "batch_size": "batch"}


@dataclass(frozen=True, slots=True)
class ComparedRun:
    """One run of the comparison."""

    tag: str  # "A"
    glyph: str  # "●"
    role: str  # the colour role: "run0" …
    label: str  # its name, or its folder's name when two compared runs share a name
    folder: str
    history: RunHistory
    config: dict[str, ConfigValue]


def compared_runs(runs: Sequence[tuple[Path, RunHistory, RunRecord | None]]) -> list[ComparedRun]:
    """The runs in the order given, each with its tag, glyph, role, label and configuration."""
    names = [record.name if record else folder.name for folder, _, record in runs]
    unique = len(set(names)) == len(names)
    out = []
    for i, ((folder, history, record), name) in enumerate(zip(runs, names, strict=True)):
        config = dict(history.config)
        if record is not None:  # run.json knows what an older metrics file may not say
            config.setdefault("weight_decay", record.hyperparameters.weight_decay)
            if record.parent_run:
                config["parent"] = f"{record.parent_run} @{record.parent_step or 0:,}"
        label = name if unique else folder.name
        out.append(ComparedRun(TAGS[i], GLYPHS[i], f"run{i}", label, folder.name, history, config))
    return out


def shown(value: ConfigValue | None) -> str:
    """A configuration value as a table shows it (``–`` when the run's files do not say)."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


def differing_fields(runs: Sequence[ComparedRun]) -> list[str]:
    """The configuration fields whose values are not the same in every run."""
    fields = [*CONFIG_FIELDS, "parent"]
    return [f for f in fields if len({shown(r.config.get(f)) for r in runs}) > 1]


def shared_fields(runs: Sequence[ComparedRun]) -> list[tuple[str, str]]:
    """(field name, value) of the fields every run has alike (and knows)."""
    differ = set(differing_fields(runs))
    out = []
    for field in [*CONFIG_FIELDS, "parent"]:
        value = runs[0].config.get(field)
        if field not in differ and value is not None:
            out.append((FIELD_NAMES[field], shown(value)))
    return out


def changes_text(history: RunHistory) -> str:
    """The run's hyperparameter changes: ``lr 0.02 @1,400, batch 64 @3,000`` (``–``: none)."""
    parts = []
    for change in history.changes:
        for name in change.changed:
            value = change.value(name)
            what = SHORT_NAMES.get(name, name)
            parts.append(f"{what} {shown(value) if value is not None else '?'} @{change.step:,}")
    return ", ".join(parts) or "–"


def state_text(history: RunHistory) -> str:
    """How the run ended, by its metrics file: its end reason, or "running?" without one."""
    return history.end_reason or "running?"


def percent(value: float | None, digits: int = 2) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.{digits}f}%"


def results(run: ComparedRun) -> dict[str, str]:
    """The run's final numbers: steps, its latest and best test accuracy, latest test loss."""
    history = run.history
    latest = history.latest
    best = max(history.evaluations, key=lambda e: e.accuracy, default=None)
    loss = latest.loss if latest else math.nan
    return {
        "steps": f"{history.last_step:,}",
        "test acc": percent(latest.accuracy if latest else None),
        "best": f"{percent(best.accuracy)} @{best.step:,}" if best else "–",
        "test loss": f"{loss:.4f}" if math.isfinite(loss) else "–",
        "state": state_text(history),
    }


def summary_table(
    runs: Sequence[ComparedRun], *, short: bool = False
) -> tuple[list[str], list[list[str]]]:
    """The runs table: one row per run — tag, glyph and label, its final numbers (the best test
    accuracy and the state only where they tell runs apart), the configuration fields that
    differ, and its hyperparameter changes during the run. ``short``: networks as ``c8 d128``."""
    differ = differing_fields(runs)
    numbers = [results(run) for run in runs]
    columns = ["steps", "test acc", "test loss"]  # the latest evaluation's
    if any(n["best"].split(" @")[0] != n["test acc"] for n in numbers):
        columns.append("best")
    if len({n["state"] for n in numbers}) > 1:
        columns.append("state")
    header = ["run", *columns] + [FIELD_NAMES[f] for f in differ] + ["changes"]
    rows = []
    for run, results_of in zip(runs, numbers, strict=True):
        row = [f"{run.tag} {run.glyph} {run.label}"] + [results_of[c] for c in columns]
        for field in differ:
            value = shown(run.config.get(field))
            row.append(short_architecture(value) if short and field == "architecture" else value)
        rows.append(row + [changes_text(run.history)])
    return header, rows


def class_table(runs: Sequence[ComparedRun]) -> tuple[list[str], list[list[str]]]:
    """Per-class test accuracy (%) of each run's latest evaluation: runs down, the overall
    accuracy and then each class across (classes named by the run's names, cut to 5 cells)."""
    names = next((r.history.class_names for r in runs if r.history.class_names), ())
    count = max((len(r.history.latest.per_class) for r in runs if r.history.latest), default=10)
    header = ["run", "all"] + [fit_name(class_name(names, c), 5).rstrip() for c in range(count)]
    rows = []
    for run in runs:
        latest = run.history.latest
        values = list(latest.per_class) if latest else []
        row = [f"{run.tag} {run.glyph}", number(latest.accuracy if latest else None)]
        row += [number(values[c] if c < len(values) else None) for c in range(count)]
        rows.append(row)
    return header, rows


def number(value: float | None) -> str:
    """A fraction as a percentage with one decimal and no sign, to fit narrow columns."""
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.1f}"


def notes(runs: Sequence[ComparedRun]) -> list[str]:
    """Lines worth saying under the tables: torn lines ignored, runs with nothing to draw."""
    out = []
    for run in runs:
        h = run.history
        if h.torn_lines:
            lines = "line" if h.torn_lines == 1 else "lines"
            out.append(
                f"{run.tag} {run.label}: {h.torn_lines} torn {lines} in its metrics "
                "(a crash?) ignored"
            )
        if not h.steps:
            out.append(f"{run.tag} {run.label}: no batches recorded yet")
    return out
