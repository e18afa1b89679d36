"""Provides ``ValuePrompt``: a small modal where one hyperparameter is typed, checked as it is
typed with the same parse function the trainer's config uses, and returned only when valid.

A refused value keeps the modal open with the reason on screen; Escape or Cancel returns None and
changes nothing, so the old value stays.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Static

from cnn_tui.core.contract.config import ConfigError

Parse = Callable[[str], float | int]


class ParseValidator(Validator):
    """A Textual validator around one of ``core.config``'s ``parse_*`` functions (or any parse
    that raises ConfigError): the failure description is its one-line reason. The value prompt
    and the timeline's forms both check as you type with it."""

    def __init__(self, parse: Callable[[str], object]) -> None:
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self.parse(value)
        except ConfigError as error:
            return self.failure(str(error))
        return self.success()


class ValuePrompt(ModalScreen[float | int | None]):
    """Ask for one value; dismiss with the parsed value, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt-cancel")]

    def __init__(self, title: str, current: str, rule: str, parse: Parse) -> None:
        super().__init__()
        self.prompt_title = title
        self.current = current
        self.rule = rule
        self.parse = parse
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(self.prompt_title, id="prompt-title")
            yield Static(f"now {self.current} · {self.rule}", id="prompt-rule")
            yield Input(
                value=self.current,
                validators=[ParseValidator(self.parse)],
                validate_on=["changed", "submitted"],
                id="prompt-input",
            )
            yield Static("", id="prompt-error")
            with Horizontal(id="prompt-buttons"):
                yield Button("Set", variant="primary", id="prompt-ok")
                yield Button("Cancel", id="prompt-cancel")

    def on_mount(self) -> None:
        field = self.query_one("#prompt-input", Input)
        field.focus()
        field.select_all()

    @on(Input.Changed, "#prompt-input")
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.validation_result)

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self) -> None:
        self._try_submit()

    @on(Button.Pressed, "#prompt-ok")
    def _ok(self) -> None:
        self._try_submit()

    @on(Button.Pressed, "#prompt-cancel")
    def _cancel_button(self) -> None:
        self._close(None)

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, value: float | int | None) -> None:
        """Dismiss once: a second Enter (or Escape) queued before the screen is gone must not
        pop the dashboard underneath."""
        if self._answered:
            return
        self._answered = True
        self.dismiss(value)

    def _show(self, result: ValidationResult | None) -> None:
        error = self.query_one("#prompt-error", Static)
        if result is None or result.is_valid:
            error.update("")
        else:
            error.update(f"✗ {result.failure_descriptions[0]}")

    def _try_submit(self) -> None:
        text = self.query_one("#prompt-input", Input).value
        try:
            value = self.parse(text)
        except ConfigError as err:
            self.query_one("#prompt-error", Static).update(f"✗ {err}")
            return
        self._close(value)
