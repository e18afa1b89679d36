"""A fixed small network and test set for the inspector's tests: a 2-filter, 8-unit network
trained 20 steps (float64, seeded) on synthetic blobs, so it gets some of 60 test digits wrong;
its 200 training blobs are the nearest training digits' set."""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import Evaluated
from cnn_tui.core.contract.run_state import History, RunState
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import make_engine
from cnn_tui.core.training.evaluation import summarise
from cnn_tui.tui.inspector.app import InspectorApp
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from cnn_tui.tui.inspector.grid import MistakeGrid
from cnn_tui.tui.inspector.mistakes_screen import MistakesScreen
from tests.synthetic import blobs

STEPS = 20
CONFIG = RunConfig(arch=Architecture(filters=2, hidden=8), precision="float64", seed=3)


@lru_cache(maxsize=1)
def train_set() -> Dataset:
    """The run's training set."""
    return blobs(200, seed=0)


def trained_run(config: RunConfig, lr: float) -> tuple[RunState, Dataset]:
    """``config`` trained ``STEPS`` seeded steps of 16 on ``train_set()``: (the saved run, its
    test set of 60 blobs)."""
    train, test = train_set(), blobs(60, seed=1)
    engine = make_engine(config)
    rng = random.Random(0)
    hyper = Hyperparameters(lr=lr, momentum=0.9)
    for _ in range(STEPS):
        engine.train_batch(train, [rng.randrange(len(train)) for _ in range(16)], hyper)
    state = RunState(
        config=config,
        epoch=1,
        position=STEPS * 16,
        step=STEPS,
        params=engine.get_params(),
        velocity=engine.get_velocity(),
        history=History(),
        train_size=len(train),
        test_size=len(test),
    )
    return state, test


@lru_cache(maxsize=1)
def small_run() -> tuple[RunState, Dataset]:
    """(the saved run, its test set)."""
    return trained_run(CONFIG, 0.05)


def direct_evaluation() -> Evaluated:
    """The same network evaluated without the app."""
    state, test = small_run()
    engine = make_engine(state.config, state.params)
    return summarise(engine.predict(test), test, epoch=1, step=STEPS, seconds=0.0)


async def opened(app: InspectorApp, pilot) -> MistakesScreen:  # type: ignore[no-untyped-def]
    """Wait for the evaluation worker, then return the browser."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, MistakesScreen)
    return app.screen


async def neighbours_shown(pilot, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """On a detail view: wait until its nearest training digits are shown (they are computed
    in a thread of their own); elsewhere return at once."""
    screen = pilot.app.screen
    if not isinstance(screen, DetailScreen):
        return
    waited = 0.0
    while screen.neighbours is None or screen.neighbours.test_index != screen.mistake.index:
        assert waited < timeout, "the nearest training digits never came"
        await pilot.pause(0.02)
        waited += 0.02
    await pilot.pause()


def make_app(tmp_path: Path | None = None) -> InspectorApp:
    state, test = small_run()
    return InspectorApp(state, test, None, export_dir=tmp_path, load_train=train_set)


def grid_of(app: InspectorApp) -> MistakeGrid:
    return app.screen.query_one(MistakeGrid)
