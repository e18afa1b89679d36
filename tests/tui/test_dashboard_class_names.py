"""Class names in the dashboard: a Fashion-MNIST run shows "Sneaker", not "7", in the per-class
panel (its confusion map by the names' first two letters) and in the sample's caption and
probabilities (SVG at 80×24 and 120×36); a name too long for its column ends in "…"; an MNIST
run's panels are untouched (the other SVG snapshots)."""

from __future__ import annotations

import dataclasses

import pytest
from rich.style import Style

from cnn_tui.core.contract import events as ev
from cnn_tui.core.data.sets import FASHION_MNIST
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.render.bars import confusion_lines
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


async def test_the_confusion_map_is_headed_by_names() -> None:
    """The per-class panel's confusion map: rows and columns by each name's first two letters
    (the bars beside it name them in full), not by digits."""
    app = named_app(FASHION_MNIST.class_names)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        lines = panel_text(app, "classes").splitlines()
        initials = [name[:2] for name in FASHION_MNIST.class_names]
        header = next(line for line in lines if "T- " in line and "An" in line)
        assert header.split()[-10:] == initials
        assert " 0  1  2 " not in "\n".join(lines)  # MNIST's digit header is gone


def test_the_confusion_map_rows_by_name_and_mnist_as_before() -> None:
    confusion = [[10 if t == p else t for p in range(10)] for t in range(10)]
    named = confusion_lines(confusion, Style(), colour_on=False, names=FASHION_MNIST.class_names)
    texts = ["".join(s.text for s in line) for line in named]
    assert [t[:3] for t in texts[1:]] == [f" {n[:2]}" for n in FASHION_MNIST.class_names]
    assert len({len(t) for t in texts}) == 1  # every line as wide as the header: 33 cells
    digits = [
        "".join(s.text for s in line)
        for line in confusion_lines(confusion, Style(), colour_on=False)
    ]
    assert digits[0] == "   " + "".join(f" {d} " for d in range(10))
    assert [t[:3] for t in digits[1:]] == [f" {d} " for d in range(10)]
