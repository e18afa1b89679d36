"""A network that has learned something, for the nearest training digits' tests: 2 filters,
32 dense units, 20 steps (float64, seeded) on 200 synthetic blobs — 54 of its 60 test digits
right, and its mistakes' dense features are not all zero (unlike inspector_fixture's smaller
network, whose mistakes are all answered from the biases alone)."""

from __future__ import annotations

from functools import lru_cache

from cnn_tui.core.contract.config import Architecture, RunConfig
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.tui.inspector.app import InspectorApp
from tests.tui.inspector_fixture import train_set, trained_run

CONFIG = RunConfig(arch=Architecture(filters=2, hidden=32), precision="float64", seed=3)


@lru_cache(maxsize=1)
def learned_run() -> tuple[RunState, Dataset]:
    """(the saved run, its test set): inspector_fixture's run with 32 dense units, lr 0.02."""
    return trained_run(CONFIG, 0.02)


def learned_app(**kwargs: object) -> InspectorApp:
    """``cnn-tui inspect`` on that network, its training set offered (``load_train``)."""
    state, test = learned_run()
    options: dict[str, object] = {"load_train": train_set, **kwargs}
    return InspectorApp(state, test, None, **options)  # type: ignore[arg-type]
