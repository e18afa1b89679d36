"""Provides ``check_data`` and ``size_mismatch``: whether a run can train on the data it is given.

``size_mismatch`` is the one wording of "this snapshot was trained on other data": the trainer
raises it, and a command line can say it before it starts one.
"""

from __future__ import annotations

from cnn_tui.core.contract.config import ConfigError, RunConfig
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.data.dataset import Dataset


def size_mismatch(state: RunState, train_size: int, test_size: int) -> str | None:
    """Why ``state`` cannot continue on ``train_size``/``test_size`` images, or None if it can."""
    if (state.train_size, state.test_size) == (train_size, test_size):
        return None
    return (
        f"the snapshot was trained on {state.train_size:,} images and tested on "
        f"{state.test_size:,}; these flags give {train_size:,} and {test_size:,} "
        "(use the same --limit and --test-limit)"
    )


def check_data(config: RunConfig, train: Dataset, test: Dataset, state: RunState | None) -> None:
    """Raise ``ConfigError`` (one line) unless ``config`` (resuming ``state``) fits the data."""
    if len(train) == 0 or len(test) == 0:
        raise ConfigError("the training and test sets must not be empty")
    if config.hyper.batch_size > len(train):
        raise ConfigError(
            f"batch size {config.hyper.batch_size} is larger than the {len(train)} training images"
        )
    if state is not None and (problem := size_mismatch(state, len(train), len(test))):
        raise ConfigError(problem)
