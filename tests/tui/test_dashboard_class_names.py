"""Class names in the dashboard: a Fashion-MNIST run shows "Sneaker", not "7", in the per-class
panel and in the sample's caption and probabilities (SVG at 80×24 and 120×36); a name too long
for its column ends in "…"; an MNIST run's panels are untouched (the other SVG snapshots)."""

from __future__ import annotations

import dataclasses

import pytest

from cnn_tui.core.contract import events as ev
from cnn_tui.core.data.sets import FASHION_MNIST
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from tests.tui.scripted_run import scripted_run
from tests.tui.test_dashboard_svg import settle

LONG = tuple(f"{i} a rather long class name"[:24] for i in range(10))


def named_app(names: tuple[str, ...]) -> DashboardApp:
    """The scripted run, started as a run on a set with these class names."""
    trainer, events = scripted_run()
    first = events[0]
    assert isinstance(first, ev.TrainingStarted)
    events[0] = dataclasses.replace(first, dataset="fashion-mnist", class_names=names)
    return DashboardApp(FakeLink(events, trainer=trainer))


def panel_text(app: DashboardApp, name: str) -> str:
    panel = app.dashboard.panels[name]
    return "\n".join(panel.render_line(y).text for y in range(panel.size.height))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_fashion_names_in_the_dashboard(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(named_app(FASHION_MNIST.class_names), terminal_size=size, run_before=settle)


async def test_fashion_names_replace_the_digits() -> None:
    app = named_app(FASHION_MNIST.class_names)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        classes = panel_text(app, "classes")
        for name in FASHION_MNIST.class_names:
            assert name in classes
        sample = app.dashboard.state.sample
        assert sample is not None
        digit = panel_text(app, "input")
        label = FASHION_MNIST.class_names[sample.label]
        assert f"label {label} → predicted {FASHION_MNIST.class_names[sample.predicted]}" in digit
        assert "Ankle boot" in digit and "Sneaker" in digit  # the probabilities' names


async def test_long_names_are_shortened_to_fit() -> None:
    app = named_app(LONG)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        classes = panel_text(app, "classes")
        assert "0 a rather…" in classes and LONG[0] not in classes
        assert "0 a rather…" in panel_text(app, "input")
        for line in classes.splitlines():
            assert len(line) <= app.dashboard.panels["classes"].size.width
