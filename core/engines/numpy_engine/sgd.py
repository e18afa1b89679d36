"""Provides ``Sgd``: the SGD update with momentum and weight decay, in place, on NumPy arrays.

The rule (core/engines/base.py): g ← g + wd·w (weights only); v ← mu·v + g; w ← w − lr·v.

With momentum 0 the engine passes gradients already multiplied by lr (it scales the gradient at the
logits, a 10×N array, instead of every weight gradient), and the step is
w ← w·(1 − lr·wd) − lr·g, the same rule regrouped. The velocity is then unused and kept at zero,
so turning momentum on later starts from v = 0 (as PyTorch does when it creates its buffer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...config import Hyperparameters


@dataclass(slots=True)
class Slot:
    """One parameter array with its gradient and velocity (same shape)."""

    weight: np.ndarray
    grad: np.ndarray
    velocity: np.ndarray
    decay_columns: slice | None  # columns that get weight decay (None: all of it is weights)
    is_bias: bool = False  # biases get no weight decay

    def decayed(self, array: np.ndarray) -> np.ndarray:
        """The part of ``array`` (weight, grad or velocity) that weight decay applies to."""
        return array if self.decay_columns is None else array[:, self.decay_columns]


class Sgd:
    """Applies one SGD step to every slot."""

    def __init__(self, slots: list[Slot]) -> None:
        self.slots = slots
        self._velocity_zero = True

    @staticmethod
    def grad_scale(hyper: Hyperparameters) -> float:
        """What the engine multiplies the logits' gradient by: lr when momentum is 0, else 1."""
        return hyper.lr if hyper.momentum == 0.0 else 1.0

    def step(self, hyper: Hyperparameters) -> None:
        """Update every weight in place from its gradient (scaled as ``grad_scale`` says)."""
        lr, mu, wd = hyper.lr, hyper.momentum, hyper.weight_decay
        if mu == 0.0:
            if not self._velocity_zero:
                for slot in self.slots:
                    slot.velocity.fill(0.0)
                self._velocity_zero = True
            for slot in self.slots:
                if wd and not slot.is_bias:
                    # w ← w − lr·(g + wd·w)  =  w·(1 − lr·wd) − (lr·g)
                    slot.decayed(slot.weight)[...] *= 1.0 - lr * wd
                slot.weight -= slot.grad  # grad already holds lr·g
            return
        self._velocity_zero = False
        for slot in self.slots:
            w, g, v = slot.weight, slot.grad, slot.velocity
            if wd and not slot.is_bias:
                decayed_g = slot.decayed(g)
                decayed_g += wd * slot.decayed(w)  # g ← g + wd·w
            v *= mu  # v ← mu·v + g
            v += g
            np.multiply(v, lr, out=g)  # g is free now: reuse it for lr·v
            w -= g  # w ← w − lr·v
