"""Provides ``CheckedForm``: a modal of several typed values, each checked as it is typed by the
same parse function the command line and the dashboard's prompts use (``core/contract/config.py``),
returned only when every one is valid.

The first field that is wrong is named on the form's error line with its reason ("✗ batch size:
…"); Enter (in any field, and on the switch, which space or a click ticks) or the button submits,
and a refused submit keeps the form open with the field focused. Escape or Cancel returns None
and nothing changes. A field can be switched off (its input disabled and not checked): the
architecture form's second conv layer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from cnn_tui.core.contract.config import ConfigError
from cnn_tui.tui.screens.value_prompt import ParseValidator

Value = float | int | str
Values = dict[str, Value]


@dataclass(frozen=True, slots=True)
class Field:
    """One typed value: its key in the result, its label, the rule shown beside it, the text it
    starts with and the parse that checks it (raising ``ConfigError`` with the reason)."""

    key: str
    label: str
    rule: str
    initial: str
    parse: Callable[[str], Value]
    switch: str = ""  # a checkbox label: the field counts only while it is ticked
    switched_on: bool = True


def _switch_label(field: Field, on: bool) -> str:
    """The checkbox says its state in words too ("second conv layer: off")."""
    return f"{field.switch}: {'on' if on else 'off (space or click: on)'}"


class _Switch(Checkbox, inherit_bindings=False):
    """A checkbox that space (or a click) ticks, leaving Enter to submit the form like every
    other field of it (a plain Checkbox takes Enter for itself)."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]


class CheckedForm(ModalScreen[Values | None]):
    """Ask for several values; dismiss with them all parsed, or None when cancelled."""

    CSS_PATH = Path(__file__).with_name("timeline.tcss")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
        Binding("enter", "submit", "Submit", show=False),  # reached from the switch alone
    ]

    def __init__(self, title: str, note: str, fields: Sequence[Field], submit: str) -> None:
        super().__init__()
        self.form_title = title
        self.note = note
        self.fields = tuple(fields)
        self.submit_label = submit
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Label(self.form_title, id="form-title")
            yield Static(self.note, id="form-note")
            for f in self.fields:
                if f.switch:
                    yield _Switch(
                        _switch_label(f, f.switched_on),
                        f.switched_on,
                        id=f"switch-{f.key}",
                        compact=True,
                    )
                with Horizontal(classes="form-row"):
                    yield Label(f.label, classes="form-label")
                    yield Input(
                        value=f.initial,
                        validators=[ParseValidator(f.parse)],
                        validate_on=["changed", "submitted"],
                        id=f"field-{f.key}",
                        compact=True,
                        disabled=bool(f.switch) and not f.switched_on,
                    )
                    yield Static(f.rule, classes="form-rule")
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(self.submit_label, variant="primary", id="form-ok", compact=True)
                yield Button("Cancel", id="form-cancel", compact=True)

    def on_mount(self) -> None:
        first = self.query_one(f"#field-{self.fields[0].key}", Input)
        first.focus()
        first.select_all()

    def field_input(self, key: str) -> Input:
        return self.query_one(f"#field-{key}", Input)

    @on(Checkbox.Changed)
    def _switched(self, event: Checkbox.Changed) -> None:
        key = (event.checkbox.id or "").removeprefix("switch-")
        self.field_input(key).disabled = not event.value
        field = next(f for f in self.fields if f.key == key)
        event.checkbox.label = _switch_label(field, event.value)
        self._show_first_problem()

    @on(Input.Changed)
    def _changed(self) -> None:
        self._show_first_problem()

    @on(Input.Submitted)
    @on(Button.Pressed, "#form-ok")
    def _submit(self) -> None:
        values = self._values()
        if values is not None:
            self._close(values)

    @on(Button.Pressed, "#form-cancel")
    def _cancel_button(self) -> None:
        self._close(None)

    def action_submit(self) -> None:
        self._submit()

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, values: Values | None) -> None:
        """Dismiss once (a second Enter queued before the form is gone must not pop the screen
        underneath)."""
        if not self._answered:
            self._answered = True
            self.dismiss(values)

    def _problem(self) -> tuple[Field, str] | None:
        """The first field whose text is refused, with the reason."""
        for f in self.fields:
            field = self.field_input(f.key)
            if field.disabled:
                continue
            try:
                f.parse(field.value)
            except ConfigError as error:
                return f, str(error)
        return None

    def _show_first_problem(self) -> None:
        problem = self._problem()
        text = "" if problem is None else f"✗ {problem[0].label}: {problem[1]}"
        self.query_one("#form-error", Static).update(text)

    def _values(self) -> Values | None:
        """Every switched-on field parsed, or None (the reason shown, the field focused); a
        switched-off field is left out."""
        problem = self._problem()
        if problem is not None:
            self._show_first_problem()
            self.field_input(problem[0].key).focus()
            return None
        return {
            f.key: f.parse(self.field_input(f.key).value)
            for f in self.fields
            if not self.field_input(f.key).disabled
        }
