"""Provides ``Parameters``: where the NumPy engine's parameters, gradients and momentum live.

Every layer's parameter and gradient arrays are views into one flat buffer each (so the plain SGD
step is one subtraction over all of them), and each is also reachable by its canonical name and
shape (core/engines/params.py) — views again, never copies. A conv layer keeps its kernels and
bias in one array (``Conv3x3.weight``, bias as the last column); the canonical views split it.
"""

from __future__ import annotations

import numpy as np

from cnn_tui.core.engines.numpy.conv import Conv3x3
from cnn_tui.core.engines.numpy.dense import Dense
from cnn_tui.core.engines.numpy.sgd import Sgd, Slot
from cnn_tui.core.engines.params import FlatParams


class Parameters:
    """The parameters of ``convs``, ``dense1`` and ``dense2`` (re-homed into flat buffers)."""

    def __init__(self, convs: list[Conv3x3], dense1: Dense, dense2: Dense, dtype: np.dtype):
        self.convs, self.denses, self.dtype = convs, (dense1, dense2), dtype
        flat_weights, flat_grads = self._pack()
        self.weights = self._named(grads=False)  # canonical name → writable view
        self.grads = self._named(grads=True)
        self.velocity: dict[str, np.ndarray] = {}  # filled by _slots: same names, shapes, order
        self.sgd = Sgd(self._slots(), flat_weights, flat_grads)

    def _pack(self) -> tuple[np.ndarray, np.ndarray]:
        """Move every layer's parameter and gradient arrays into one flat buffer each (the layers
        keep views of the same shapes): the plain SGD step is one subtraction, not one per array."""
        owners: list[tuple[Dense | Conv3x3, str, str]] = [
            (d, "weight", "grad_weight") for d in self.denses
        ]
        owners += [(conv, "weight", "grad_weight") for conv in self.convs]
        owners += [(d, "bias", "grad_bias") for d in self.denses]
        total = sum(getattr(owner, name).size for owner, name, _ in owners)
        flat_weights, flat_grads = np.zeros(total, self.dtype), np.zeros(total, self.dtype)
        start = 0
        for owner, weight_name, grad_name in owners:
            shape = getattr(owner, weight_name).shape
            stop = start + getattr(owner, weight_name).size
            setattr(owner, weight_name, flat_weights[start:stop].reshape(shape))
            setattr(owner, grad_name, flat_grads[start:stop].reshape(shape))
            start = stop
        return flat_weights, flat_grads

    def _named(self, grads: bool) -> dict[str, np.ndarray]:
        """Canonical name → writable view (canonical shape) of weights, or of gradients."""
        views: dict[str, np.ndarray] = {}
        for k, conv in enumerate(self.convs, start=1):
            full = conv.grad_weight if grads else conv.weight
            views[f"conv{k}.weight"] = full[:, : conv.k].reshape(conv.kernels.shape)
            views[f"conv{k}.bias"] = full[:, conv.k]
        for k, dense in enumerate(self.denses, start=1):
            views[f"dense{k}.weight"] = dense.grad_weight if grads else dense.weight
            views[f"dense{k}.bias"] = dense.grad_bias if grads else dense.bias
        return views

    def _slots(self) -> list[Slot]:
        """One SGD slot per stored array (a conv layer's kernels and bias share one), and the
        canonical views of the momentum buffers."""
        slots = []
        v = self.velocity
        for k, conv in enumerate(self.convs, start=1):
            velocity = np.zeros_like(conv.weight)
            # the canonical velocity views point into this combined array
            v[f"conv{k}.weight"] = velocity[:, : conv.k].reshape(conv.kernels.shape)
            v[f"conv{k}.bias"] = velocity[:, conv.k]
            slots.append(Slot(conv.weight, conv.grad_weight, velocity, slice(0, conv.k)))
        for k, dense in enumerate(self.denses, start=1):
            v[f"dense{k}.weight"] = np.zeros_like(dense.weight)
            v[f"dense{k}.bias"] = np.zeros_like(dense.bias)
            slots.append(
                Slot(dense.weight, dense.grad_weight, v[f"dense{k}.weight"], decay_columns=None)
            )
            slots.append(Slot(dense.bias, dense.grad_bias, v[f"dense{k}.bias"], None, is_bias=True))
        return slots


def fill(targets: dict[str, np.ndarray], values: FlatParams, what: str) -> None:
    """Copy flat lists into the arrays ``targets`` (canonical names and shapes); every name and
    size is checked before anything is written (ValueError names the first wrong one)."""
    missing = targets.keys() - values.keys()
    if missing:
        raise ValueError(f"{what} {sorted(missing)[0]!r} is missing")
    flats = {name: np.asarray(values[name], dtype=np.float64) for name in targets}
    for name, array in targets.items():
        if flats[name].size != array.size:
            raise ValueError(
                f"{what} {name!r} has {flats[name].size} values, expected {array.size}"
            )
    for name, array in targets.items():
        array[...] = flats[name].reshape(array.shape)
