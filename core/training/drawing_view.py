"""Provides ``DrawingView``: the trainer extension behind "draw a digit" — it shows the network
the user's drawing with the weights of the moment, and again as they change.

The dashboard's trainer runs in another process, so the drawing reaches the current weights as a
``ViewDrawing`` command and comes back as a ``DrawingViewed`` event (the probabilities, the
prediction and every conv layer's maps, as for a sampled digit). While training, the extension
keeps the latest drawing and views it again after a step at most every ``interval`` seconds, so
the prediction follows the weights; an empty drawing stops that. The UI sends a drawing only
when the previous one has been answered (tui/draw/source.py), so a fast drag never floods the
command queue: the latest drawing wins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from cnn_tui.core.contract.commands import ViewDrawing
from cnn_tui.core.contract.events import CommandRefused, DrawingViewed
from cnn_tui.core.data.dataset import PIXELS
from cnn_tui.core.engines.interface import BatchResult
from cnn_tui.core.training.extensions import TrainerExtension

if TYPE_CHECKING:
    from cnn_tui.core.training.trainer import Trainer

REVIEW_INTERVAL = 0.25
"""Seconds between two views of the same drawing while the weights change."""


class DrawingView(TrainerExtension):
    """Answers ``ViewDrawing``; views the drawing again while training."""

    answers = (ViewDrawing,)

    def __init__(
        self,
        interval: float = REVIEW_INTERVAL,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.image = b""  # the drawing being followed (b"": none)
        self.drawing = 0
        self._viewed_at = 0.0

    def apply(self, trainer: Trainer, command: object) -> None:
        assert isinstance(command, ViewDrawing)
        image, drawing = command.image, command.drawing
        if not isinstance(image, bytes) or len(image) not in (0, PIXELS):
            size = len(image) if isinstance(image, bytes | bytearray) else type(image).__name__
            reason = f"a drawing is {PIXELS} pixel bytes, not {size}"
            trainer.emit(CommandRefused(trainer.step, "ViewDrawing", reason))
            return
        if isinstance(drawing, bool) or not isinstance(drawing, int):
            reason = f"a drawing's number must be a whole number, not {drawing!r}"
            trainer.emit(CommandRefused(trainer.step, "ViewDrawing", reason))
            return
        self.image, self.drawing = image, drawing
        self._view(trainer)

    def after_step(self, trainer: Trainer, result: BatchResult, indices: Sequence[int]) -> None:
        if self.image and self.clock() - self._viewed_at >= self.interval:
            self._view(trainer)

    def _view(self, trainer: Trainer) -> None:
        """The drawing through the network as it is now (one forward pass and the conv maps:
        about a millisecond with the NumPy engine)."""
        self._viewed_at = self.clock()
        if not self.image:
            trainer.emit(DrawingViewed(trainer.step, self.drawing, b"", (), -1, ()))
            return
        inspection = trainer.engine.inspect(self.image)
        p = inspection.probabilities
        trainer.emit(
            DrawingViewed(
                step=trainer.step,
                drawing=self.drawing,
                image=self.image,
                probabilities=tuple(p),
                predicted=max(range(len(p)), key=p.__getitem__),
                layers=inspection.layers,
            )
        )
