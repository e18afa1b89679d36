"""SVG snapshots of the dashboard (pytest-textual-snapshot) from a deterministic scripted run (an
lr change ▼, a pause ‖ and resume ▶, an epoch boundary ┊, test results ●): mid-training in the
dark theme, the light theme and NO_COLOR at 80×24 and 120×36 (the dark one at 140×45 too), and
paused at 80×24 and 140×45.

Look at them as pictures before updating. rsvg collapses the SVG's runs of spaces unless told to
keep them, so convert a copy:
``sed 's/<svg /<svg xml:space="preserve" /' X.svg > /tmp/x.svg && rsvg-convert -o x.png /tmp/x.svg``
"""

from __future__ import annotations

import pytest

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import SyntheticTrainer

COMPACT, MEDIUM, LARGE = (80, 24), (120, 36), (140, 45)
THEMES = {"dark": "textual-dark", "light": "textual-light", "nocolor": "textual-dark"}


def scripted_run() -> tuple[SyntheticTrainer, list[ev.Event]]:
    """2,600 steps in batches of 40 with a sample every 5th: lr 0.01 → 0.02 at step 1,400, a
    pause and a resume at step 2,000, an evaluation at the epoch's end and at the last step."""
    trainer = SyntheticTrainer(seed=0, filters=(8,))
    events: list[ev.Event] = [trainer.started()]
    for chunk in range(1, 66):
        events += trainer.train(40)
        if chunk % 5 == 0:
            events.append(trainer.sample())
        if trainer.step == 1400:
            events += trainer.answer(cmd.SetHyperparameters(lr=0.02))
        if trainer.step == 2000:
            events += trainer.answer(cmd.Pause()) + trainer.answer(cmd.Resume())
    events += [trainer.evaluate(), trainer.sample()]
    return trainer, events


def app_mid_training() -> DashboardApp:
    trainer, events = scripted_run()
    return DashboardApp(FakeLink(events, trainer=trainer))


async def settle(pilot) -> None:  # noqa: ANN001
    await pilot.pause(0.15)
    pilot.app.dashboard.repaint_all()
    await pilot.pause(0.05)


CASES = [(look, size) for look in ("dark", "light", "nocolor") for size in (COMPACT, MEDIUM)]
CASES.append(("dark", LARGE))


@pytest.mark.parametrize(("look", "size"), CASES, ids=lambda v: v if isinstance(v, str) else
                         f"{v[0]}x{v[1]}")  # fmt: skip
def test_mid_training(snap_compare, monkeypatch, look: str, size: tuple[int, int]) -> None:  # noqa: ANN001
    if look == "nocolor":
        monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    app = app_mid_training()
    assert app.no_color == (look == "nocolor")

    async def themed(pilot) -> None:  # noqa: ANN001
        pilot.app.theme = THEMES[look]
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=themed)


@pytest.mark.parametrize("size", [COMPACT, LARGE], ids=lambda s: f"{s[0]}x{s[1]}")
def test_paused(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    async def pause(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(app_mid_training(), terminal_size=size, run_before=pause)
