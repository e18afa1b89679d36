"""The timeline's ``CheckedForm`` on its own: on the switch, space ticks it and Enter submits the
form (as Enter does in every field); a refused value keeps the form open with the reason."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Checkbox, Input

from cnn_tui.core.contract.config import parse_int
from cnn_tui.tui.timeline.form import CheckedForm, Field, Values


def parse_hidden(text: str) -> int:
    return parse_int("hidden units", text, 1, 4096)


FIELDS = (
    Field("hidden", "hidden units", "1–4096", "64", parse_hidden),
    Field("hidden2", "more units", "1–4096", "16", parse_hidden, switch="extra", switched_on=False),
)


class FormApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[Values | None] = []

    def on_mount(self) -> None:
        self.push_screen(CheckedForm("Try", "a note", FIELDS, "Go"), self.answers.append)


async def test_space_ticks_the_switch_and_enter_on_it_submits() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        switch = app.screen.query_one(Checkbox)
        switch.focus()
        await pilot.press("space")
        assert switch.value is True
        assert not app.screen.query_one("#field-hidden2", Input).disabled
        await pilot.press("enter")
        await pilot.pause()
        assert switch.value is True  # Enter did not untick it
        assert app.answers == [{"hidden": 64, "hidden2": 16}]


async def test_enter_on_the_switch_with_a_bad_value_keeps_the_form_with_the_reason() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#field-hidden", Input).value = "0"
        app.screen.query_one(Checkbox).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.answers == []
        assert isinstance(app.screen, CheckedForm)
        assert "hidden units" in str(app.screen.query_one("#form-error").render())
