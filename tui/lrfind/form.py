"""Provides ``sweep_form``: the "Find learning rate…" prompt — start, end and batches of the sweep,
each checked as it is typed (the timeline's ``CheckedForm``, the config's parse functions), and
the range as a whole checked by the trainer's own rule (``sweep_problem``: start below end), so
a range out of bounds is refused on the form with the reason before anything is sent."""

from __future__ import annotations

from cnn_tui.core.contract.commands import FindLr
from cnn_tui.core.contract.config import LR_RANGE, ConfigError, parse_float, parse_int
from cnn_tui.core.training.lr_curve import BATCHES_RANGE, sweep_problem
from cnn_tui.tui.timeline.form import CheckedForm, Field, Values

LOW, HIGH = LR_RANGE


class SweepForm(CheckedForm):
    """The three fields, and start < end checked across them."""

    def _problem(self) -> tuple[Field, str] | None:
        problem = super()._problem()
        if problem is not None:
            return problem
        values = {f.key: f.parse(self.field_input(f.key).value) for f in self.fields}
        whole = sweep_problem(float(values["start"]), float(values["end"]), int(values["batches"]))
        return None if whole is None else (self.fields[1], whole)


def sweep_form(default: FindLr | None = None) -> SweepForm:
    """The form, filled with ``default`` (FindLr's own defaults: 1e-05 → 1 over 200 batches)."""
    d = default or FindLr()
    lo, hi = BATCHES_RANGE

    def lr(name: str):  # type: ignore[no-untyped-def]
        return lambda text: parse_float(f"sweep {name}", text, LOW, HIGH)

    fields = (
        Field("start", "start lr", f"{LOW:g}–{HIGH:g}", f"{d.start:g}", lr("start")),
        Field("end", "end lr", f"above start, ≤ {HIGH:g}", f"{d.end:g}", lr("end")),
        Field(
            "batches",
            "batches",
            f"{lo}–{hi}",
            str(d.batches),
            lambda text: parse_int("sweep batches", text, lo, hi),
        ),
    )
    note = (
        "A copy of the weights trains while the lr grows exponentially; the run waits "
        "meanwhile and is left exactly as it was."
    )
    return SweepForm("Find learning rate", note, fields, "Sweep")


def as_command(values: Values) -> FindLr:
    """The form's values as the command (already checked)."""
    try:
        return FindLr(float(values["start"]), float(values["end"]), int(values["batches"]))
    except (KeyError, ValueError) as error:  # not reachable through the form: its fields exist
        raise ConfigError(f"bad sweep form values: {error}") from error
