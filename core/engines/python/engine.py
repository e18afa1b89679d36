"""Provides ``PythonEngine``: the fast pure-Python engine — the CNN trained with the standard
library only (no NumPy), its hot spots in fixed-point integer lanes.

It is not the readable one: ``--engine reference`` (core/engines/reference/) is the report formula
by formula, and the oracle this engine is tested against. This engine computes the same math
(core/engines/interface.py) several times faster, with relative errors of ≈ 1e-9 to 1e-7 where it
uses lanes (see network.py). The layers live in first_conv.py (and lanes/packed_first_conv.py),
conv_layer.py and network.py; the dense weight gradients in dense_gradients.py; the parameters,
each in one form, in weights.py; the optimizer below.
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
from cnn_tui.core.engines.interface import BatchResult, Inspection, Predictions, predict_stop
from cnn_tui.core.engines.observation import Observation
from cnn_tui.core.engines.params import FlatParams, param_shapes
from cnn_tui.core.engines.python.dense_gradients import (
    Record,
    dense1_weight_grad,
    dense1_weight_totals,
    dense2_weight_grad,
)
from cnn_tui.core.engines.python.first_conv import CONV_SIDE, POOL_SIDE
from cnn_tui.core.engines.python.lanes.lane_weights import STEP_BITS
from cnn_tui.core.engines.python.network import EPSILON, Network
from cnn_tui.core.engines.python.observe import observed, relu_outputs
from cnn_tui.core.engines.python.weights import DENSE1, Rows, Vector, Velocity, Weights


class PythonEngine:
    """The ``Engine`` protocol (core/engines/interface.py) in fast pure Python."""

    name = "python"

    def __init__(self, arch: Architecture, params: FlatParams) -> None:
        self.arch = arch
        self._shapes = param_shapes(arch)
        self._weights = Weights(self._shapes, params, lanes_allowed=arch.filters2 == 0)
        self._velocity = Velocity(
            self._shapes, {n: [0.0] * math.prod(s) for n, s in self._shapes.items()}
        )
        # Caches of the weights' product forms, rebuilt after every update (None: stale).
        self._network_cache: Network | None = None  # training, prediction, inspection: lanes
        self._exact_network_cache: Network | None = None  # saliency: float64 throughout

    # ------------------------------------------------------------------ parameters, state
    def get_params(self) -> FlatParams:
        return self._weights.to_flat()

    def set_params(self, params: FlatParams) -> None:
        self._weights = Weights(self._shapes, params, lanes_allowed=self.arch.filters2 == 0)
        self._network_cache = self._exact_network_cache = None

    def get_velocity(self) -> FlatParams:
        return self._velocity.to_flat()

    def set_velocity(self, velocity: FlatParams) -> None:
        self._velocity = Velocity(self._shapes, velocity)

    def _net(self) -> Network:
        if self._network_cache is None:
            w = self._weights
            self._network_cache = Network(
                w.vectors, w.rows["dense2.weight"], w.dense1_for_products(), self.arch.filters2 > 0
            )
        return self._network_cache

    def _exact_net(self) -> Network:
        if self._exact_network_cache is None:
            w = self._weights
            self._exact_network_cache = Network(
                w.vectors, w.rows["dense2.weight"], w.matrix(DENSE1), self.arch.filters2 > 0, True
            )
        return self._exact_network_cache

    def _zero_grads(self) -> dict[str, Vector]:
        """Zeros for every gradient ``Network.backward`` accumulates (all but the dense weights',
        which dense_gradients.py forms once per batch)."""
        return {name: [0.0] * len(values) for name, values in self._weights.vectors.items()}

    # ----------------------------------------------------------------------------- training
    def train_batch(
        self,
        data: Dataset,
        indices: Sequence[int],
        hyper: Hyperparameters,
        observe: Observation | None = None,
    ) -> BatchResult:
        """Forward and backward every image, then one SGD step with the mean gradient (and the
        step's health with ``observe``: observe.py)."""
        net = self._net()
        images, labels = data.images, data.labels
        scale = 1.0 / len(indices)
        grads = self._zero_grads()
        records: list[Record] = []
        all_grad_logits: list[list[float]] = []
        hiddens: list[list[float]] = []
        loss_sum = 0.0
        correct = 0
        outputs: list[list[list[float]]] = []  # per image, with ``observe``: its ReLU outputs
        for index in indices:
            start = index * PIXELS
            trace = net.forward(images[start : start + PIXELS])
            if observe is not None:
                outputs.append(relu_outputs(trace, net.conv1.biases))
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
        matrix_grads = {"dense2.weight": dense2_weight_grad(all_grad_logits, hiddens, exact)}
        # Plain SGD (no momentum, no weight decay) is w ← w − lr·g with v = g. dense1's 173k
        # weights take that step in lanes: ∂L/∂W1 is formed packed, scaled for the sum of steps
        # (unit 2^60·lr, see lanes/lane_weights.py), and subtracted there — no pass over floats.
        lanes = self._weights.lanes
        stepped = False
        if hyper.momentum == 0.0 and hyper.weight_decay == 0.0 and lanes is not None:
            unit = math.ldexp(hyper.lr, STEP_BITS)
            totals = dense1_weight_totals(
                records, self.arch.flat_size, net.base, grads["dense1.bias"], unit
            )
            if totals is not None and lanes.subtract(totals):  # W1 ← W1 − lr·g
                self._velocity.set_packed_step(totals, unit)  # v = g, formed when read
                stepped = True
        if not stepped:
            matrix_grads[DENSE1] = dense1_weight_grad(
                records,
                self.arch.flat_size,
                net.base,
                grads["dense1.bias"],
                # After a second conv layer the input is small and dense: lanes would buy
                # nothing, and float64 keeps the two-conv network exact to rounding.
                exact=exact,
            )
        self._sgd_step(grads, matrix_grads, hyper)
        if observe is None:
            return BatchResult(loss=loss_sum * scale, correct=correct)
        channels = [c for _, c, _, _ in self.arch.conv_shapes()]
        health = observed(
            channels, outputs, self._weights, self._velocity, grads, matrix_grads, hyper, observe
        )
        return BatchResult(loss_sum * scale, correct, health)

    def _sgd_step(
        self, grads: dict[str, Vector], matrix_grads: dict[str, Rows], hyper: Hyperparameters
    ) -> None:
        """For each parameter in ``grads`` and ``matrix_grads``: g ← g + wd·w (weights only);
        v ← μ·v + g; w ← w − lr·v."""
        lr, mu, wd = hyper.lr, hyper.momentum, hyper.weight_decay
        weights, velocity = self._weights, self._velocity
        for name, g in grads.items():
            decay = wd if name.endswith(".weight") else 0.0
            weights.vectors[name], velocity.vectors[name] = _sgd(
                weights.vectors[name], g, velocity.vectors[name], lr, mu, decay
            )
        for name, g_rows in matrix_grads.items():  # the dense weights, row by row
            pairs = [
                _sgd(wr, gr, vr, lr, mu, wd)
                for wr, gr, vr in zip(weights.matrix(name), g_rows, velocity.matrix(name))
            ]
            weights.set_matrix(name, [p[0] for p in pairs])
            velocity.set_matrix(name, [p[1] for p in pairs])
        self._network_cache = self._exact_network_cache = None

    # ---------------------------------------------------------------------------- inference
    def predict(self, data: Dataset, start: int = 0, stop: int | None = None) -> Predictions:
        """As training computes them (lanes: probabilities within ≈ 1e-7 of float64)."""
        stop = predict_stop(data, start, stop)
        net = self._net()
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

    def dense_features(
        self, data: Dataset, start: int = 0, stop: int | None = None
    ) -> list[list[float]]:
        """h = ReLU(z1) (hidden,) per image, from the training network (lanes: ≈ 1e-7)."""
        stop = len(data) if stop is None else stop
        if not 0 <= start <= stop <= len(data):
            raise ValueError(f"range {start}:{stop} is outside {data.name} (0:{len(data)})")
        net = self._net()
        return [net.forward(data.image(i)).hidden for i in range(start, stop)]

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
            _, z2, pooled2 = trace.conv2
            layers.append(
                ConvView(
                    channels=conv2.channels,
                    in_channels=conv2.in_channels,
                    side=conv2.conv_side,
                    pooled_side=conv2.pooled_side,
                    maps=tuple(conv2.maps(z2)),
                    pooled=tuple(v for pooled_o in pooled2 for v in pooled_o),
                    kernels=tuple(self._weights.vectors["conv2.weight"]),
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
