"""A network that has learned something, for the nearest training digits' tests: 2 filters,
32 dense units, 20 steps (float64, seeded) on 200 synthetic blobs — 54 of its 60 test digits
right, and its mistakes' dense features are not all zero (unlike inspector_fixture's smaller
network, whose mistakes are all answered from the biases alone)."""

from __future__ import annotations

import random
from functools import lru_cache

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.run_state import History, RunState
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import make_engine
from cnn_tui.tui.inspector.app import InspectorApp
from tests.synthetic import blobs

STEPS = 20
CONFIG = RunConfig(arch=Architecture(filters=2, hidden=32), precision="float64", seed=3)


@lru_cache(maxsize=1)
def train_set() -> Dataset:
    return blobs(200, seed=0)


@lru_cache(maxsize=1)
def learned_run() -> tuple[RunState, Dataset]:
    """(the saved run, its test set)."""
    train, test = train_set(), blobs(60, seed=1)
    engine = make_engine(CONFIG)
    rng = random.Random(0)
    hyper = Hyperparameters(lr=0.02, momentum=0.9)
    for _ in range(STEPS):
        engine.train_batch(train, [rng.randrange(len(train)) for _ in range(16)], hyper)
    state = RunState(
        config=CONFIG,
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


def learned_app(**kwargs: object) -> InspectorApp:
    """``cnn-tui inspect`` on that network, its training set offered (``load_train``)."""
    state, test = learned_run()
    options: dict[str, object] = {"load_train": train_set, **kwargs}
    return InspectorApp(state, test, None, **options)  # type: ignore[arg-type]
