"""Provides ``SyntheticDrawing``: how the synthetic trainer answers ``ViewDrawing`` — as the real
"drawing" extension does (core/training/drawing_view.py), with the weights of "now": the current
step, probabilities that sharpen as the run learns, and the conv views of its fixed kernels.

The probabilities come from a template match: the drawing's cosine similarity with one
procedurally drawn digit of each class (samples.py), through a softmax whose sharpness grows with
how much the run has learned — so a drawn 1 reads as a 1 in the demo. Pure Python; no Textual.
"""

from __future__ import annotations

import math
import random

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.drawing.preprocess import mnist_input
from cnn_tui.tui.demo.samples import SIDE, Kernels, conv_view, draw_digit


def learned(progress: float) -> float:
    """How much a synthetic run has learned, 0 … 1, from its progress (steps × lr)."""
    return 1.0 - math.exp(-progress / 3.0)


class SyntheticDrawing:
    """The drawing being followed, and its synthetic views."""

    def __init__(self, kernels: Kernels) -> None:
        self.kernels = kernels
        self.held: cmd.ViewDrawing | None = None
        self._templates: list[list[float]] = []

    def answer(self, command: cmd.ViewDrawing, step: int, progress: float) -> ev.Event:
        if len(command.image) not in (0, SIDE * SIDE):
            reason = f"a drawing is {SIDE * SIDE} pixel bytes, not {len(command.image)}"
            return ev.CommandRefused(step, "ViewDrawing", reason)
        self.held = command if command.image else None
        return self.view(command, step, progress)

    def review(self, step: int, progress: float) -> list[ev.Event]:
        """The held drawing with the weights of ``step`` (nothing when none is held)."""
        return [] if self.held is None else [self.view(self.held, step, progress)]

    def view(self, command: cmd.ViewDrawing, step: int, progress: float) -> ev.DrawingViewed:
        image = command.image
        if not image:
            return ev.DrawingViewed(step, command.drawing, b"", (), -1, ())
        pixels = [b / 255 for b in image]
        sharp = 2.0 + 18.0 * learned(progress)
        logits = [sharp * _cosine(pixels, t) for t in self.templates()]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]  # softmax, shifted by the largest logit
        probs = tuple(v / sum(exps) for v in exps)
        x = [[[pixels[r * SIDE + c] for c in range(SIDE)] for r in range(SIDE)]]
        layers = []
        for layer_kernels, biases in self.kernels:
            view, x = conv_view(x, layer_kernels, biases)
            layers.append(view)
        predicted = max(range(10), key=probs.__getitem__)
        return ev.DrawingViewed(step, command.drawing, image, probs, predicted, tuple(layers))

    def templates(self) -> list[list[float]]:
        """One drawn digit per class, preprocessed as a drawing is (made on first use)."""
        if not self._templates:
            for digit in range(10):
                image = draw_digit(digit, random.Random(digit))
                fitted = mnist_input([b / 255 for b in image])
                self._templates.append(fitted or [0.0] * (SIDE * SIDE))
        return self._templates


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    return dot / norm if norm > 0 else 0.0
