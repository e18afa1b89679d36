"""Provides ``scripted_run``: a deterministic 2,600-step run for the widget tests and the SVG
snapshots, with every thing the charts mark — an lr change ▼, a pause ‖ and resume ▶, an epoch
boundary ┊ and test results ●."""

from __future__ import annotations

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import SyntheticTrainer


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


def scripted_app() -> DashboardApp:
    """The dashboard over a ``FakeLink`` that replays ``scripted_run`` on its first drain."""
    trainer, events = scripted_run()
    return DashboardApp(FakeLink(events, trainer=trainer))
