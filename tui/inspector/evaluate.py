"""Provides ``build_engine`` and ``evaluate``: a saved network's engine, and its evaluation on the
whole test set in chunks (so a progress bar can follow), summarised by ``core.evaluation``.
Pure Python, no Textual: the app runs these in a worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from cnn_tui.core.contract.config import ConfigError
from cnn_tui.core.contract.events import Evaluated
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import Engine, Predictions, make_engine
from cnn_tui.core.training.evaluation import summarise

CHUNK = 2000
"""Images per ``predict`` call: one progress update each."""


class InspectError(Exception):
    """The network could not be built or evaluated; the message is one line."""


def build_engine(state: RunState, engine: str | None) -> Engine:
    """The snapshot's network in engine ``engine`` (None: the engine it was trained with)."""
    try:
        config = replace(state.config, engine=engine) if engine else state.config
        return make_engine(config, state.params)
    except ConfigError as error:
        raise InspectError(str(error)) from None
    except ImportError as error:
        name = engine or state.config.engine
        raise InspectError(f"the {name} engine is not available here ({error})") from None
    except ValueError as error:
        raise InspectError(f"the snapshot's weights do not fit its network: {error}") from None


def evaluate(
    engine: Engine,
    test: Dataset,
    *,
    epoch: int,
    step: int,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluated:
    """Predict every test image (``CHUNK`` at a time, calling ``progress(done, total)``), then
    the confusion matrix and every mistake."""
    start = time.perf_counter()
    total = len(test)
    loss_sum = 0.0
    predicted: list[int] = []
    probabilities: list[list[float]] = []
    for lo in range(0, total, CHUNK):
        hi = min(lo + CHUNK, total)
        part = engine.predict(test, lo, hi)
        loss_sum += part.loss * (hi - lo)  # mean over the chunk → sum
        predicted.extend(part.predicted)
        probabilities.extend(part.probabilities)
        if progress is not None:
            progress(hi, total)
    merged = Predictions(loss_sum / total if total else 0.0, predicted, probabilities)
    return summarise(merged, test, epoch=epoch, step=step, seconds=time.perf_counter() - start)
