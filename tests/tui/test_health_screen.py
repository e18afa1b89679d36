"""The layer-health screen (h) over the scripted run (Pilot): it opens on the dashboard's history,
stays live while open, cycles the histogram's layer, applies a hint's fix through the dashboard's
own command, goes back, and says so when there is nothing to show yet."""

from __future__ import annotations

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.health import health_report
from cnn_tui.tui.health.screen import HealthScreen
from cnn_tui.tui.health.views import HintPanel, HistogramPanel, LayerTable
from tests.tui.dashboard_pilot import make
from tests.tui.health_script import health_app, with_health
from tests.tui.scripted_run import scripted_run

SIZE = (120, 36)


def lines(panel: LayerTable | HistogramPanel | HintPanel) -> str:
    return "\n".join(strip.text for strip in panel._strips)


async def test_h_opens_the_layers_histograms_and_hints_and_escape_goes_back() -> None:
    app = health_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("h")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, HealthScreen)
        table = lines(screen.query_one(LayerTable))
        assert all(layer in table for layer in ("conv1", "dense1", "dense2"))
        assert "dead per channel" in table and "worst: ch 3 60%" in table
        assert "weights (±" in lines(screen.query_one(HistogramPanel))
        hints = lines(screen.query_one(HintPanel))
        assert "35% of dense1 is dead" in hints and "why:" in hints
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_the_screen_follows_the_run_while_open() -> None:
    app = health_app()
    link = app.link
    assert isinstance(link, FakeLink)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("h")
        await pilot.pause(0.2)
        table = app.screen.query_one(LayerTable)
        assert "steps 2,501–2,600" in str(table.border_subtitle)
        link.feed(health_report(2700, (8,), 1.0))
        await pilot.pause(1.0)  # the pump (30 Hz) and the screen's 2 Hz repaint
        assert "steps 2,601–2,700" in str(table.border_subtitle)


async def test_brackets_cycle_the_histogram_layer() -> None:
    app = health_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("h")
        await pilot.pause(0.2)
        panel = app.screen.query_one(HistogramPanel)
        assert "conv1" in str(panel.border_title)
        await pilot.press("right_square_bracket")
        assert "dense1" in str(panel.border_title)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert "dense2" in str(panel.border_title)  # wraps around


async def test_a_fix_key_sends_the_dashboards_command() -> None:
    trainer, events = scripted_run()
    link = FakeLink(events, trainer=trainer, hold=True)
    app = DashboardApp(link)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("h")
        await pilot.pause(0.1)
        await pilot.press("minus")  # halve the lr: 0.02 → 0.01, as - does on the dashboard
        assert link.sent_of(cmd.SetHyperparameters) == [cmd.SetHyperparameters(lr=0.01)]
        head = str(app.screen.query_one("#health-head").render())
        assert "lr 0.02" in head and "lr → 0.01" in head  # pending until the trainer answers
        link.release()
        await pilot.pause(1.0)
        assert "lr 0.01" in str(app.screen.query_one("#health-head").render())


async def test_before_any_report_it_says_what_to_wait_for() -> None:
    app, _ = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("h")
        await pilot.pause(0.2)
        assert "no health report yet" in lines(app.screen.query_one(LayerTable))
        assert "too little data yet" in lines(app.screen.query_one(HintPanel))


async def test_a_degenerate_run_draws_without_error() -> None:
    """A dead network (no gradient: ratios 0), a blown-up one (inf, NaN) and empty histograms."""
    nan, inf = float("nan"), float("inf")

    def report(step: int, ratio: float, rms: float) -> ev.HealthMeasured:
        layers = (
            ev.LayerHealth("conv1", rms, 0.0, ratio, 1.0, (1.0, 1.0), 0.0, 0.0),
            ev.LayerHealth("dense1", rms, nan, ratio, 1.0, (), 0.0, 0.0),
            ev.LayerHealth("dense2", rms, 0.0, nan, nan, (), nan, nan),
        )
        return ev.HealthMeasured(step, step - 99, 5, 160, layers)

    empty = ev.HistogramsMeasured(
        300,
        1,
        (
            ev.LayerHistogram("conv1", "weights", 0.0, (0,) * 41, (0,) * 41),
            ev.LayerHistogram("conv1", "gradients", inf, (0,) * 20 + (5,) + (0,) * 20, (0,) * 41),
        ),
    )
    trainer, events = scripted_run()
    extra = [report(100, 0.0, 0.5), report(200, inf, inf), report(300, 0.0, nan), empty]
    app = DashboardApp(FakeLink(events + extra, trainer=trainer))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("h", "right_square_bracket")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, HealthScreen)
        assert "100% of dense1 is dead" in lines(screen.query_one(HintPanel))
        assert "conv1" in lines(screen.query_one(LayerTable))
        await pilot.resize_terminal(40, 12)
        await pilot.pause(0.1)
        await pilot.resize_terminal(120, 36)
        await pilot.pause(0.1)
        assert app.screen is screen  # still up, no crash


def test_a_new_trainer_starts_the_history_afresh() -> None:
    from cnn_tui.tui.health.history import HealthHistory

    trainer, events = scripted_run()
    history = HealthHistory()
    for event in with_health(events):
        history.apply(event)
    assert history.windows and history.histograms is not None and history.evaluations
    version = history.version
    assert history.apply(trainer.started())
    assert (history.windows, history.histograms, history.evaluations) == ([], None, [])
    assert history.version > version  # still moving on: the screen repaints
