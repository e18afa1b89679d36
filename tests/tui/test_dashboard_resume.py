"""A resumed run on the dashboard (issue 13, item 1): the per-class panel shows the snapshot's last
evaluation at once (its per-class accuracy and confusion are in the history), ``m`` says the
mistakes are being recomputed while the trainer re-evaluates the resumed network, and opens them
once its ``Evaluated`` arrives — which repeats the restored one, so it adds no second point."""

from __future__ import annotations

from dataclasses import replace

from cnn_tui.core.contract import events as ev
from cnn_tui.core.training.evaluation import record
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import SyntheticTrainer
from cnn_tui.tui.screens.help import HelpScreen
from cnn_tui.tui.widgets.classes import ClassAccuracy
from tests.tui.dashboard_pilot import SIZE, notes, settle, status


def resumed_run(*, reevaluating: bool) -> tuple[SyntheticTrainer, list[ev.Event], ev.Evaluated]:
    """A run resumed at step 400 with evaluations at steps 200 and 400 in its history; and the
    trainer's evaluation of the resumed network (what follows when ``reevaluating``)."""
    trainer = SyntheticTrainer()
    trainer.train(200)
    first = trainer.evaluate()
    trainer.train(200)
    latest = trainer.evaluate()
    steps = range(trainer.step)
    restored = ev.HistoryRestored(
        losses=tuple(2.0 for _ in steps),
        accuracies=tuple(0.5 for _ in steps),
        lrs=tuple(trainer.lr for _ in steps),
        epochs=tuple(1 for _ in steps),
        evaluations=(record(first), record(latest)),
        changes=(),
        reevaluating=reevaluating,
    )
    return trainer, [trainer.started(), restored], replace(latest, seconds=0.2)


def test_the_restored_evaluation_is_the_latest_at_once() -> None:
    _, events, again = resumed_run(reevaluating=True)
    state = TrainingState()
    changed = set().union(*(state.apply(e) for e in events))
    latest = state.latest_eval
    assert "classes" in changed and latest is not None
    restored = events[1]
    assert isinstance(restored, ev.HistoryRestored)
    first, last = restored.evaluations
    assert (latest.step, latest.accuracy) == (last.step, last.accuracy) == (400, again.accuracy)
    assert latest.per_class_accuracy == last.per_class_accuracy
    assert latest.confusion == last.confusion and latest.size == again.size
    assert state.previous_class_accuracy == first.per_class_accuracy  # ▲ ▼ against step 200
    assert "re-evaluating the resumed network" in state.pending["eval"]
    # the trainer's evaluation of the same weights replaces it: mistakes now, no second point
    state.apply(again)
    assert state.latest_eval is again and len(again.mistakes) > 0
    assert [p.step for p in state.evaluations] == [200, 400]
    assert state.previous_class_accuracy == first.per_class_accuracy
    assert "eval" not in state.pending


def test_a_later_evaluation_moves_on_as_usual() -> None:
    trainer, events, again = resumed_run(reevaluating=False)
    state = TrainingState()
    for e in events:
        state.apply(e)
    assert "eval" not in state.pending
    trainer.train(100)
    later = trainer.evaluate()
    state.apply(later)
    assert [p.step for p in state.evaluations] == [200, 400, 500]
    assert state.previous_class_accuracy == again.per_class_accuracy


async def test_the_dashboard_shows_the_resumed_evaluation_and_says_it_reevaluates() -> None:
    trainer, events, again = resumed_run(reevaluating=True)
    link = FakeLink(events, trainer=trainer)
    app = DashboardApp(link, quit_timeout=0.5)
    opened: list[ev.Evaluated] = []

    def factory(evaluated: ev.Evaluated) -> HelpScreen:
        opened.append(evaluated)
        return HelpScreen()

    app.inspector_factory = factory
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.dashboard.panels["classes"]
        assert isinstance(panel, ClassAccuracy)
        drawn = "\n".join(panel.render_line(y).text for y in range(panel.size.height))
        assert "No test evaluation yet" not in drawn and "at step 400" in panel.border_title
        assert "re-evaluating the resumed network" in status(app)
        assert "re-evaluating the resumed network" in notes(app)
        await pilot.press("m")
        await settle(pilot)
        assert opened == [] and "no evaluation yet" not in notes(app)
        assert "mistakes" in notes(app).split(" | ")[-1]  # they come with the re-evaluation
        link.feed(again)
        await settle(pilot)
        assert "re-evaluating" not in status(app)
        await pilot.press("m")
        await settle(pilot)
        assert opened == [again] and isinstance(app.screen, HelpScreen)
