"""Helpers for the embedding map's tests: the scripted run's dashboard (with or without the maps
the trainer's extension would send), its digits drawn by the demo, an inspector offered; a
hand-made map of three digits far apart; the screen's texts as last drawn."""

from __future__ import annotations

from dataclasses import replace

from textual.pilot import Pilot
from textual.screen import Screen

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.attach.remote_link import READ_ONLY
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.embedding import demo_image, with_maps
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.embedding.scatter_view import ScatterView
from cnn_tui.tui.embedding.screen import EmbeddingScreen
from cnn_tui.tui.embedding.side_view import MapSide
from tests.tui.scripted_run import scripted_run


class ReadOnlyViewer(FakeLink):
    """The scripted run as a viewer without the token sees it: every command refused."""

    viewer = True
    steer = False
    run_name = "mnist-c8"
    where = "snapshots/20261207-120000_mnist-c8/serve.sock"

    def send(self, command: cmd.Command) -> None:
        self.sent.append(command)
        self.feed(ev.CommandRefused(0, type(command).__name__, READ_ONLY))


def map_app(*, maps: bool = True, viewer: bool = False) -> tuple[DashboardApp, FakeLink]:
    """The scripted run's dashboard; with ``maps`` an embedding map after each evaluation."""
    trainer, events = scripted_run()
    script = with_maps(events) if maps else events
    link = (ReadOnlyViewer if viewer else FakeLink)(script, trainer=trainer)
    app = DashboardApp(link, quit_timeout=0.5)
    app.dashboard.test_images = demo_image
    app.inspector_factory = lambda evaluation: Screen()  # an inspector is offered (Enter)
    return app, link


def three_digits(step: int = 2600) -> ev.EmbeddingComputed:
    """Digit 0 (a 1) on the left, digit 1 (a 7) on the right, digit 2 (a 4 taken for a 9) on
    top, all right except digit 2."""
    return ev.EmbeddingComputed(
        step=step,
        epoch=2,
        xs=(-1.0, 1.0, 0.0),
        ys=(0.0, 0.0, 1.0),
        labels=(1, 7, 4),
        predicted=(1, 7, 9),
        confidence=(0.9, 0.8, 0.65),
        variance=(0.42, 0.17),
        seconds=0.01,
    )


def answer_for(request: cmd.RequestSample, emb: ev.EmbeddingComputed) -> ev.SampleViewed:
    """What the trainer would send back for ``request`` on digit i of ``emb``."""
    i = request.test_index
    assert i is not None
    probabilities = [0.01] * 10
    probabilities[emb.predicted[i]] = 0.91
    base = scripted_run()[0].sample()
    return replace(
        base,
        source="test",
        index=i,
        label=emb.labels[i],
        image=demo_image(i),
        probabilities=tuple(probabilities),
        predicted=emb.predicted[i],
        saliency=(0.0,) * 784,
        saliency_target=request.saliency_target,
    )


async def settle(pilot: Pilot[None], seconds: float = 0.2) -> None:
    await pilot.pause(seconds)  # pump ticks (30 Hz) and the map's 2 Hz check
    await pilot.pause()


async def open_map(pilot: Pilot[None]) -> EmbeddingScreen:
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EmbeddingScreen)
    return screen


def scatter_text(screen: EmbeddingScreen) -> str:
    return "\n".join(strip.text for strip in screen.query_one(ScatterView)._strips)


def side_text(screen: EmbeddingScreen) -> str:
    return "\n".join(strip.text for strip in screen.query_one(MapSide)._strips)


def head_text(screen: EmbeddingScreen) -> str:
    return str(screen.query_one("#embed-head").render())
