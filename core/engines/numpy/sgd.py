"""Provides ``Sgd``: the SGD update with momentum and weight decay, in place, on NumPy arrays.

The rule (core/engines/interface.py): g ← g + wd·w (weights only); v ← mu·v + g; w ← w − lr·v.

Fast path — momentum 0 and no weight decay, the default: the step is w ← w − lr·g and v = g. The
engine then scales the gradient at the logits (a 10×N array) by lr, so every gradient buffer
already holds lr·g and the step is one subtraction (one over a flat buffer of all parameters, when
the engine gives one). The velocity v = g is not written then: it is left *pending* (recoverable as
buffer / lr) and made explicit by ``settle`` before anything overwrites the gradient buffers or
reads the velocity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_tui.core.contract.config import Hyperparameters


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
    """Applies one SGD step to every slot. ``flat_weight`` and ``flat_grad``, if given, are one
    buffer each that every slot's weight and grad are views of (same order): the fast step is then
    one subtraction over all parameters."""

    def __init__(
        self,
        slots: list[Slot],
        flat_weight: np.ndarray | None = None,
        flat_grad: np.ndarray | None = None,
    ) -> None:
        self.slots = slots
        self._flat = None if flat_weight is None or flat_grad is None else (flat_weight, flat_grad)
        self._pending_lr: float | None = None  # set: velocity = grad / this (fast path)

    @staticmethod
    def is_fast(hyper: Hyperparameters) -> bool:
        return hyper.momentum == 0.0 and hyper.weight_decay == 0.0

    @staticmethod
    def grad_scale(hyper: Hyperparameters) -> float:
        """What the engine multiplies the logits' gradient by: lr on the fast path, else 1."""
        return hyper.lr if Sgd.is_fast(hyper) else 1.0

    def settle(self) -> None:
        """Write the pending velocity (v = g of the last fast step). Call before the gradient
        buffers are overwritten by a step that is not fast, and before reading the velocity."""
        if self._pending_lr is not None:
            for slot in self.slots:
                np.divide(slot.grad, self._pending_lr, out=slot.velocity)
            self._pending_lr = None

    def forget(self) -> None:
        """Drop a pending velocity (the caller has just replaced the velocity)."""
        self._pending_lr = None

    def step(self, hyper: Hyperparameters) -> None:
        """Update every weight in place from its gradient (scaled as ``grad_scale`` says)."""
        if self.is_fast(hyper):
            if self._flat is not None:
                np.subtract(*self._flat, out=self._flat[0])  # grad holds lr·g: w ← w − lr·g
            else:
                for slot in self.slots:
                    slot.weight -= slot.grad
            self._pending_lr = hyper.lr  # v = g, written only when needed
            return
        assert self._pending_lr is None, "settle() before the backward pass of a slow step"
        lr, mu, wd = hyper.lr, hyper.momentum, hyper.weight_decay
        for slot in self.slots:
            w, g, v = slot.weight, slot.grad, slot.velocity
            if wd and not slot.is_bias:
                decayed_g = slot.decayed(g)
                decayed_g += wd * slot.decayed(w)  # g ← g + wd·w
            if mu:
                v *= mu  # v ← mu·v + g
                v += g
            else:
                np.copyto(v, g)  # v ← g
            np.multiply(v, lr, out=g)  # g is free now: reuse it for lr·v
            w -= g  # w ← w − lr·v
