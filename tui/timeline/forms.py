"""Provides the timeline's two forms, built on ``CheckedForm`` (form.py) with the command line's
own checks (``core/contract/config.py``, as ``tui/cli/arg_types.py`` uses them):

* ``branch_form`` — the hyperparameters a branch starts with (learning rate, batch size,
  momentum, weight decay, epochs), filled in from the snapshot, and the new run's name;
* ``architecture_form`` — filters, a second conv layer on or off with its filters, hidden units,
  filled in from the current run, and the new run's name.

A name is checked as it is typed too: refused when empty, not clean, or taken by a run in the
snapshot folder (``RunControl.name_problem``). ``branch_request`` / ``fresh_request`` turn a
form's values into the request ``core/training/relaunch.py`` takes.
"""

from __future__ import annotations

from cnn_tui.core.contract.config import (
    BATCH_SIZE_MAX,
    EPOCHS_RANGE,
    FILTERS_RANGE,
    HIDDEN_RANGE,
    LR_RANGE,
    ConfigError,
    parse_batch_size,
    parse_int,
    parse_lr,
    parse_momentum,
    parse_weight_decay,
)
from cnn_tui.core.contract.timeline import BranchRun, FreshRun, SnapshotEntry
from cnn_tui.core.training.relaunch import RunControl
from cnn_tui.tui.timeline.form import CheckedForm, Field, Values


def _name_field(control: RunControl, kind: str) -> Field:
    def parse_name(text: str) -> str:
        problem = control.name_problem(text)
        if problem:
            raise ConfigError(problem)
        return text.strip()

    return Field("name", "new run's name", "a-z 0-9 . -", control.suggest_name(kind), parse_name)


def branch_form(control: RunControl, entry: SnapshotEntry, train_size: int) -> CheckedForm:
    """Branch from ``entry``: its hyperparameters to change, and a new name."""
    limit = min(BATCH_SIZE_MAX, train_size or BATCH_SIZE_MAX)
    least = max(EPOCHS_RANGE[0], entry.epochs_done + 1)
    top = EPOCHS_RANGE[1]

    def parse_epochs(text: str) -> int:
        return parse_int("epochs", text, least, top)

    fields = (
        Field("lr", "learning rate", f"{LR_RANGE[0]:g}–{LR_RANGE[1]:g}", f"{entry.lr:g}", parse_lr),
        Field(
            "batch_size",
            "batch size",
            f"1–{limit}",
            str(entry.batch_size),
            lambda text: parse_batch_size(text, limit),
        ),
        Field("momentum", "momentum", "0–0.999", f"{entry.momentum:g}", parse_momentum),
        Field(
            "weight_decay",
            "weight decay",
            "0–1 (0: off)",
            f"{entry.weight_decay:g}",
            parse_weight_decay,
        ),
        Field(
            "epochs",
            "epochs (in all)",
            f"{least}–{top}",
            str(max(entry.epochs, least)),
            parse_epochs,
        ),
        _name_field(control, "b"),
    )
    note = (
        f"from step {entry.step:,} (epoch {entry.epoch}) of {control.run_name} · "
        f"{control.run_name} stops, saves and stays as it is"
    )
    return CheckedForm("Branch a new run", note, fields, "Branch")


def architecture_form(control: RunControl) -> CheckedForm:
    """A fresh run: another network (starting from the current one's), and a new name."""
    arch = control.architecture
    lo, hi = FILTERS_RANGE
    second = arch.filters2 or min(hi, 2 * arch.filters)  # offered when switched on

    def parse_filters(text: str) -> int:
        return parse_int("filters", text, lo, hi)

    def parse_filters2(text: str) -> int:
        return parse_int("second-layer filters", text, lo, hi)

    def parse_hidden(text: str) -> int:
        return parse_int("hidden units", text, *HIDDEN_RANGE)

    fields = (
        Field("filters", "conv 1 filters", f"{lo}–{hi}", str(arch.filters), parse_filters),
        Field(
            "filters2",
            "conv 2 filters",
            f"{lo}–{hi}",
            str(second),
            parse_filters2,
            switch="second conv layer",
            switched_on=bool(arch.filters2),
        ),
        Field(
            "hidden",
            "hidden units",
            f"{HIDDEN_RANGE[0]}–{HIDDEN_RANGE[1]}",
            str(arch.hidden),
            parse_hidden,
        ),
        _name_field(control, "a"),
    )
    note = (
        f"now {arch.describe()} · a new run from scratch, the same data and settings; "
        f"{control.run_name} stops, saves and stays as it is"
    )
    return CheckedForm("A run with another architecture", note, fields, "Start")


def branch_request(entry: SnapshotEntry, values: Values) -> BranchRun:
    return BranchRun(
        snapshot=entry.path,
        run_name=str(values["name"]),
        lr=float(values["lr"]),
        batch_size=int(values["batch_size"]),
        momentum=float(values["momentum"]),
        weight_decay=float(values["weight_decay"]),
        epochs=int(values["epochs"]),
    )


def fresh_request(values: Values) -> FreshRun:
    """``filters2`` is left out of ``values`` when the second conv layer is switched off."""
    return FreshRun(
        run_name=str(values["name"]),
        filters=int(values["filters"]),
        filters2=int(values.get("filters2", 0)),
        hidden=int(values["hidden"]),
    )
