"""Provides ``PythonEngine``: the CNN trained with the standard library only (no NumPy).

The readable reference for the math in ``engines/base.py``: the layers live in first_conv.py,
conv_layer.py and network.py, the optimizer below. Parameters are Python floats (float64);
training computes its hot spots in fixed-point integer lanes (see network.py and lanes.py).
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import repeat
from operator import add, mul, sub

from cnn_tui.core.contract.config import NUM_CLASSES, Architecture, Hyperparameters
from cnn_tui.core.contract.events import ConvView
from cnn_tui.core.data.dataset import PIXELS, Dataset
from cnn_tui.core.engines.interface import BatchResult, Inspection, Predictions
from cnn_tui.core.engines.params import FlatParams, param_shapes
from cnn_tui.core.engines.python.first_conv import CONV_SIDE, POOL_SIDE
from cnn_tui.core.engines.python.lanes.lane_weights import STEP_BITS, LaneWeights
from cnn_tui.core.engines.python.lanes.outer_products import totals_to_floats
from cnn_tui.core.engines.python.network import (
    EPSILON,
    Network,
    Params,
    dense1_weight_grad,
    dense1_weight_totals,
    dense2_weight_grad,
)

_ROWS = ("dense1.weight", "dense2.weight")  # kept as lists of rows inside the engine


class PythonEngine:
    """The ``Engine`` protocol in pure Python; see ``engines/base.py`` for the shared math."""

    name = "python"

    def __init__(self, arch: Architecture, params: FlatParams) -> None:
        self.arch = arch
        self._shapes = param_shapes(arch)
        self._params: Params = {}
        self._velocity: Params = {}
        # dense1.weight while training the one-conv network: W0 + the steps since, in lanes
        # (lane_weights.py); self._params holds its floats only after ``_dense1_floats``.
        self._dense1: LaneWeights | None = None
        # After a plain SGD step, dense1's velocity (= its gradient) as (packed rows, unit),
        # formed into floats only when someone reads it.
        self._pending_velocity: tuple[list[tuple[int, int]], float] | None = None
        self._network: Network | None = None  # for training: fixed-point hot spots
        self._exact_network: Network | None = None  # for prediction and inspection: floats
        self.set_params(params)
        self.set_velocity({n: [0.0] * math.prod(s) for n, s in self._shapes.items()})

    # ------------------------------------------------------------------ parameters, state
    def _to_internal(self, flat: FlatParams, what: str) -> Params:
        internal: Params = {}
        for name, shape in self._shapes.items():
            values = flat.get(name)
            size = math.prod(shape)
            if values is None or len(values) != size:
                got = "missing" if values is None else f"{len(values)} values"
                raise ValueError(f"{what} {name}: expected {size} values {shape}, got {got}")
            values = [float(v) for v in values]
            if name in _ROWS:
                width = shape[1]
                values = [values[r * width : (r + 1) * width] for r in range(shape[0])]
            internal[name] = values
        return internal

    @staticmethod
    def _to_flat(internal: Params) -> FlatParams:
        return {
            name: [v for row in values for v in row] if name in _ROWS else list(values)
            for name, values in internal.items()
        }

    def get_params(self) -> FlatParams:
        self._dense1_floats()
        return self._to_flat(self._params)

    def set_params(self, params: FlatParams) -> None:
        self._params = self._to_internal(params, "parameter")
        self._dense1 = None
        self._track_dense1()

    def _track_dense1(self) -> None:
        """Hold dense1.weight in lanes (again) from its floats, when the network trains in lanes:
        one conv layer, and weights that fit a lane's scale."""
        w1 = self._params["dense1.weight"]
        if self.arch.filters2 == 0 and LaneWeights.can_hold(w1):
            if self._dense1 is None:
                self._dense1 = LaneWeights(w1)
            else:
                self._dense1.reset(w1)
        else:
            self._dense1 = None
        self._network = self._exact_network = None

    def _dense1_floats(self) -> None:
        """Bring dense1.weight's floats in self._params up to date with its lanes."""
        if self._dense1 is not None:
            self._params["dense1.weight"] = self._dense1.rows()

    def get_velocity(self) -> FlatParams:
        self._form_pending_velocity()
        return self._to_flat(self._velocity)

    def set_velocity(self, velocity: FlatParams) -> None:
        self._velocity = self._to_internal(velocity, "velocity")
        self._pending_velocity = None

    def _form_pending_velocity(self) -> None:
        if self._pending_velocity is not None:
            totals, unit = self._pending_velocity
            # v = g = T_j / (unit·2^m_j) per row (see outer_product_totals)
            self._velocity["dense1.weight"] = totals_to_floats(
                totals, self.arch.flat_size, 1 / unit
            )
            self._pending_velocity = None

    def _net(self) -> Network:
        if self._network is None:
            dense1 = self._dense1.matrix if self._dense1 is not None else None
            self._network = Network(self._params, self.arch.filters2 > 0, dense1=dense1)
        return self._network

    def _exact_net(self) -> Network:
        if self._exact_network is None:
            self._dense1_floats()
            self._exact_network = Network(self._params, self.arch.filters2 > 0, exact=True)
        return self._exact_network

    def _zero_grads(self) -> Params:
        """Zeros for every gradient ``Network.backward`` accumulates (all but the dense weights',
        which ``dense1_weight_grad`` and ``dense2_weight_grad`` form once per batch)."""
        return {
            name: [0.0] * len(values) for name, values in self._params.items() if name not in _ROWS
        }

    # ----------------------------------------------------------------------------- training
    def train_batch(
        self, data: Dataset, indices: Sequence[int], hyper: Hyperparameters
    ) -> BatchResult:
        """Forward and backward every image, then one SGD step with the mean gradient."""
        net = self._net()
        images, labels = data.images, data.labels
        scale = 1.0 / len(indices)
        grads = self._zero_grads()
        records: list[tuple[list[int], list[float], list[float]]] = []
        all_grad_logits: list[list[float]] = []
        hiddens: list[list[float]] = []
        loss_sum = 0.0
        correct = 0
        for index in indices:
            start = index * PIXELS
            trace = net.forward(images[start : start + PIXELS])
            label = labels[index]
            p = trace.probabilities
            loss_sum -= math.log(p[label] + EPSILON)  # L = −log(p_label + ε)
            correct += p.index(max(p)) == label
            # ∂L_batch/∂logits = (p − onehot(label)) / batch_size
            grad_logits = [v * scale for v in p]
            grad_logits[label] = (p[label] - 1.0) * scale
            grad_z1 = net.backward(trace, grad_logits, grads)
            records.append((trace.features, trace.values, grad_z1))
            all_grad_logits.append(grad_logits)
            hiddens.append(trace.hidden)
        exact = self.arch.filters2 > 0
        grads["dense2.weight"] = dense2_weight_grad(all_grad_logits, hiddens, exact)
        # Plain SGD (no momentum, no weight decay) is w ← w − lr·g with v = g. dense1's 173k
        # weights take that step in lanes: ∂L/∂W1 is formed packed, scaled for the sum of steps
        # (unit 2^60·lr, see lane_weights.py), and added there — no pass over the floats.
        plain = hyper.momentum == 0.0 and hyper.weight_decay == 0.0
        stepped = False
        if plain and self._dense1 is not None:
            unit = math.ldexp(hyper.lr, STEP_BITS)
            totals = dense1_weight_totals(
                records, self.arch.flat_size, net.base, grads["dense1.bias"], unit
            )
            if totals is not None and self._dense1.add(totals, sign=-1):  # S ← S − lr·g
                self._pending_velocity = (totals, unit)
                stepped = True
        if not stepped:
            self._dense1_floats()
            self._form_pending_velocity()
            grads["dense1.weight"] = dense1_weight_grad(
                records,
                self.arch.flat_size,
                net.base,
                grads["dense1.bias"],
                # After a second conv layer the input is small and dense: lanes would buy
                # nothing, and float64 keeps the two-conv network exact to rounding.
                exact=exact,
            )
        self._sgd_step(grads, hyper)
        if not stepped:
            self._track_dense1()
        return BatchResult(loss=loss_sum * scale, correct=correct)

    def _sgd_step(self, grads: Params, hyper: Hyperparameters) -> None:
        """For each parameter in ``grads``: g ← g + wd·w (weights only); v ← μ·v + g;
        w ← w − lr·v."""
        lr, mu, wd = hyper.lr, hyper.momentum, hyper.weight_decay
        for name, g in grads.items():
            w = self._params[name]
            decay = wd if name.endswith(".weight") else 0.0
            if name in _ROWS:
                pairs = [
                    _sgd(wr, gr, vr, lr, mu, decay)
                    for wr, gr, vr in zip(w, g, self._velocity[name])
                ]
                self._params[name] = [p[0] for p in pairs]
                self._velocity[name] = [p[1] for p in pairs]
            else:
                self._params[name], self._velocity[name] = _sgd(
                    w, g, self._velocity[name], lr, mu, decay
                )
        self._network = self._exact_network = None

    # ---------------------------------------------------------------------------- inference
    def predict(self, data: Dataset, start: int = 0, stop: int | None = None) -> Predictions:
        """As training computes them (lanes: probabilities within ≈ 1e-7 of float64)."""
        net = self._net()
        stop = len(data) if stop is None else stop
        predicted: list[int] = []
        probabilities: list[list[float]] = []
        loss_sum = 0.0
        for index in range(start, stop):
            p = net.forward(data.image(index)).probabilities
            loss_sum -= math.log(p[data.labels[index]] + EPSILON)
            predicted.append(p.index(max(p)))
            probabilities.append(p)
        count = stop - start
        return Predictions(loss_sum / count if count else 0.0, predicted, probabilities)

    def inspect(self, image: bytes) -> Inspection:
        """For display, so from the training network (lanes: within ≈ 1e-7 of float64): the
        dashboard asks several times a second, and it is already built for the next batch."""
        net = self._net()
        trace = net.forward(bytes(image), dense=True)
        conv1 = net.conv1
        layers = [
            ConvView(
                channels=conv1.channels,
                in_channels=1,
                side=CONV_SIDE,
                pooled_side=POOL_SIDE,
                maps=tuple(conv1.feature_maps(trace.zs)),
                pooled=tuple(v for pooled_c in trace.pooled1 for v in pooled_c),
                kernels=tuple(conv1.weights),
                biases=tuple(conv1.biases),
            )
        ]
        if net.conv2 is not None and trace.conv2 is not None:
            conv2 = net.conv2
            _, _, z2, pooled2 = trace.conv2
            layers.append(
                ConvView(
                    channels=conv2.channels,
                    in_channels=conv2.in_channels,
                    side=conv2.conv_side,
                    pooled_side=conv2.pooled_side,
                    maps=tuple(conv2.maps(z2)),
                    pooled=tuple(v for pooled_o in pooled2 for v in pooled_o),
                    kernels=tuple(self._params["conv2.weight"]),
                    biases=tuple(conv2.biases),
                )
            )
        return Inspection(tuple(trace.probabilities), tuple(layers))

    def saliency(self, image: bytes, target: int) -> list[float]:
        """∂ logit[target] / ∂x for the 784 pixels x in [0, 1]."""
        if not 0 <= target < NUM_CLASSES:
            raise ValueError(f"saliency target {target} is not a class 0–9")
        net = self._exact_net()
        trace = net.forward(bytes(image), dense=True)
        grad_logits = [0.0] * NUM_CLASSES
        grad_logits[target] = 1.0  # ∂logit_t/∂logits = onehot(t)
        grad_input = [0.0] * PIXELS
        net.backward(trace, grad_logits, self._zero_grads(), grad_input)
        return grad_input


def _sgd(
    w: list[float], g: list[float], v: list[float], lr: float, mu: float, wd: float
) -> tuple[list[float], list[float]]:
    """One SGD-with-momentum step on a flat list: (new w, new v)."""
    if wd:
        g = list(map(add, g, map(mul, w, repeat(wd))))  # g ← g + wd·w
    v = list(map(add, map(mul, v, repeat(mu)), g)) if mu else list(g)  # v ← μ·v + g
    return list(map(sub, w, map(mul, v, repeat(lr)))), v  # w ← w − lr·v
