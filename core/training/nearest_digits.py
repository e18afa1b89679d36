"""Provides ``NearestDigits``: the trainer extension behind the inspector's "nearest training
digits" — it answers ``FindNearest`` with a ``NearestFound``.

The first request after an evaluation copies the run's weights into an engine of its own
(``make_engine`` from ``get_params``) and computes the dense features of the training digits
with it, once (core/nearest/index.py: about a second with NumPy for all 60,000; the run waits
meanwhile, as for any command). Later requests search those features with a query computed by
the same copy, so neighbours and query always share one set of weights, even while the run goes
on training; the answer names their step. The next evaluation drops the copy and its features
(the weights it measured are new), as does a run that goes back to an earlier step. Without a
request nothing is computed or kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnn_tui.core.contract.commands import FindNearest
from cnn_tui.core.contract.events import CommandRefused, Evaluated
from cnn_tui.core.engines import make_engine
from cnn_tui.core.nearest.index import MAX_K, NearestIndex
from cnn_tui.core.training.extensions import TrainerExtension

if TYPE_CHECKING:
    from cnn_tui.core.training.trainer import Trainer


class NearestDigits(TrainerExtension):
    """Answers ``FindNearest``; keeps one ``NearestIndex`` per evaluation."""

    answers = (FindNearest,)

    def __init__(self) -> None:
        self.index: NearestIndex | None = None

    def after_evaluation(self, trainer: Trainer, evaluated: Evaluated) -> None:
        self.index = None  # new weights: the next request computes their features

    def apply(self, trainer: Trainer, command: object) -> None:
        assert isinstance(command, FindNearest)
        problem = _problem(command, len(trainer.test_data))
        if problem:
            trainer.emit(CommandRefused(trainer.step, "FindNearest", problem))
            return
        trainer.emit(self.current(trainer).answer(trainer.test_data, command.test_index, command.k))

    def current(self, trainer: Trainer) -> NearestIndex:
        """The index of this evaluation's weights (made now, from a copy, if there is none)."""
        if self.index is None or trainer.step < self.index.step:
            copy = make_engine(trainer.config, trainer.engine.get_params())
            self.index = NearestIndex(copy, trainer.train_data, step=trainer.step)
        return self.index


def _problem(command: FindNearest, test_size: int) -> str | None:
    """Why ``command`` cannot be answered, or None."""
    index, k = command.test_index, command.k
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < test_size:
        return f"test index {index!r} is outside 0–{test_size - 1}"
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        return f"the number of neighbours {k!r} is outside 1–{MAX_K}"
    return None
