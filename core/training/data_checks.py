"""Provides ``check_data``, ``size_mismatch`` and ``changed_test_slice``: whether a run can train
on the data it is given, and whether a resumed run is tested on another slice than its snapshot.

``size_mismatch`` is the one wording of "this snapshot was trained on other data": the trainer
raises it, and a command line can say it before it starts one. Only the training slice
(``--limit``) counts: the batches depend on it. The test slice (``--test-limit``) changes no
weight, so a resume may take another one; ``changed_test_slice`` says so, and the trainer then
evaluates on the new slice at once (the snapshot's evaluations stay in the history as they were).
"""

from __future__ import annotations

from cnn_tui.core.contract.config import ConfigError, RunConfig
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.data.dataset import Dataset


def size_mismatch(state: RunState, train_size: int) -> str | None:
    """Why ``state`` cannot continue on ``train_size`` training images, or None if it can."""
    if state.train_size == train_size:
        return None
    return (
        f"the snapshot was trained on {state.train_size:,} images; these flags give "
        f"{train_size:,} (use the same --limit)"
    )


def changed_test_slice(state: RunState | None, test_size: int) -> str | None:
    """The line that says a resumed run is tested on another slice than ``state`` was, or None
    (a new run, or the same slice)."""
    if state is None or state.test_size == test_size:
        return None
    return (
        f"the snapshot was tested on {state.test_size:,} images, this run on {test_size:,}: "
        "evaluating on them now (earlier evaluations stay as they were)"
    )


def check_data(config: RunConfig, train: Dataset, test: Dataset, state: RunState | None) -> None:
    """Raise ``ConfigError`` (one line) unless ``config`` (resuming ``state``) fits the data."""
    if len(train) == 0 or len(test) == 0:
        raise ConfigError("the training and test sets must not be empty")
    if config.hyper.batch_size > len(train):
        raise ConfigError(
            f"batch size {config.hyper.batch_size} is larger than the {len(train)} training images"
        )
    if state is not None and (problem := size_mismatch(state, len(train))):
        raise ConfigError(problem)
