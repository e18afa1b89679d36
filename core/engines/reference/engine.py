"""Provides ``ReferenceEngine``: the ``Engine`` protocol (engines/interface.py) around network.py.

The oracle the other engines are tested against: every number is a Python float (float64),
computed one image at a time by the formulas of the original report. A training step is the
report's: forward every image of the batch, add up the gradients of the mean loss, one update.
Parameters and momentum buffers stay in the flat layout of params.py between batches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cnn_tui.core.contract.config import NUM_CLASSES, Architecture, Hyperparameters
from cnn_tui.core.contract.events import ConvView
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.interface import BatchResult, Inspection, Predictions, predict_stop
from cnn_tui.core.engines.observation import (
    Observation,
    StepObservation,
    relu_stats,
    tensor_stats,
)
from cnn_tui.core.engines.params import FlatParams, param_shapes
from cnn_tui.core.engines.reference import loss, network, sgd
from cnn_tui.core.engines.reference.network import Weights
from cnn_tui.core.engines.reference.tensors import add, flat_maps


class ReferenceEngine:
    """``ReferenceEngine(arch, init_params(arch, seed))``: the same seed, the same start."""

    name = "reference"

    def __init__(self, arch: Architecture, params: FlatParams) -> None:
        self.arch = arch
        self._shapes = param_shapes(arch)
        self._params = self._checked(params, "parameter")
        self._velocity = {name: [0.0] * math.prod(s) for name, s in self._shapes.items()}

    def _checked(self, values: FlatParams, what: str) -> FlatParams:
        """A copy of ``values`` as floats, every name present with its size (else ValueError)."""
        for name, shape in self._shapes.items():
            if len(values.get(name, ())) != math.prod(shape):
                raise ValueError(f"{what} {name}: expected {math.prod(shape)} values {shape}")
        return {name: [float(v) for v in values[name]] for name in self._shapes}

    def get_params(self) -> FlatParams:
        return {name: list(values) for name, values in self._params.items()}

    def set_params(self, params: FlatParams) -> None:
        self._params = self._checked(params, "parameter")

    def get_velocity(self) -> FlatParams:
        return {name: list(values) for name, values in self._velocity.items()}

    def set_velocity(self, velocity: FlatParams) -> None:
        self._velocity = self._checked(velocity, "velocity")

    def batch_gradients(
        self, data: Dataset, indices: Sequence[int], outputs: list[list[list[float]]] | None = None
    ) -> tuple[float, int, FlatParams]:
        """(mean loss, images classified correctly, ∂ mean loss / ∂ every parameter), before
        any update; gradients flat, by canonical name. ``outputs``, if given, receives each
        image's ReLU outputs: every conv layer's pooled maps (C·P·P,) and dense1's (hidden,)."""
        if len(indices) == 0:
            raise ValueError("a batch needs at least one image index")
        weights = Weights.from_flat(self.arch, self._params)
        total_loss, correct = 0.0, 0
        grads = {name: [0.0] * len(values) for name, values in self._params.items()}
        for index in indices:
            trace = network.forward(weights, data.image(index))
            if outputs is not None:
                outputs.append([flat_maps(c.pooled) for c in trace.convs] + [trace.a1])
            label = data.labels[index]
            total_loss += loss.forward(trace.p, label)  # L = −log(p_label + ε)
            correct += argmax(trace.p) == label
            grad_logits = loss.backward(trace.p, label, len(indices))  # (p − onehot) / N
            image_grads, _ = network.backward(weights, trace, grad_logits)
            for name, g in image_grads.to_flat().items():  # "accumulate gradients across
                grads[name] = add(grads[name], g)  # the batch"
        return total_loss / len(indices), correct, grads  # the batch loss is the mean

    def train_batch(
        self,
        data: Dataset,
        indices: Sequence[int],
        hyper: Hyperparameters,
        observe: Observation | None = None,
    ) -> BatchResult:
        """Forward and backward every image, then one SGD step with the batch's gradient."""
        outputs: list[list[list[float]]] | None = [] if observe is not None else None
        mean_loss, correct, grads = self.batch_gradients(data, indices, outputs)
        for name, g in grads.items():
            decay = hyper.weight_decay if name.endswith(".weight") else 0.0  # not on biases
            self._params[name], self._velocity[name] = sgd.step(
                self._params[name], g, self._velocity[name], hyper.lr, hyper.momentum, decay
            )
        if observe is None or outputs is None:
            return BatchResult(loss=mean_loss, correct=correct)
        return BatchResult(mean_loss, correct, self._observed(outputs, grads, hyper.lr, observe))

    def _observed(
        self, outputs: list[list[list[float]]], grads: FlatParams, lr: float, observe: Observation
    ) -> StepObservation:
        """The step's health (core/engines/observation.py): ReLU stats from each image's
        ``outputs``; each weight tensor from w (after the step), g and v (after): Δw = −lr·v."""
        names = [f"conv{k}" for k in range(1, len(self.arch.conv_shapes()) + 1)] + ["dense1"]
        channels = [c_out for _, c_out, _, _ in self.arch.conv_shapes()] + [1]
        relus = tuple(
            relu_stats(name, c, [image[layer] for image in outputs])
            for layer, (name, c) in enumerate(zip(names, channels, strict=True))
        )
        tensors = tuple(
            tensor_stats(name, self._params[name], g, self._velocity[name], lr, observe.bins)
            for name, g in grads.items()
            if name.endswith(".weight")
        )
        return StepObservation(relus, tensors)

    def predict(self, data: Dataset, start: int = 0, stop: int | None = None) -> Predictions:
        stop = predict_stop(data, start, stop)
        weights = Weights.from_flat(self.arch, self._params)
        probabilities = [network.forward(weights, data.image(i)).p for i in range(start, stop)]
        losses = [
            loss.forward(p, data.labels[i])
            for p, i in zip(probabilities, range(start, stop), strict=True)
        ]
        mean_loss = sum(losses) / len(losses) if losses else 0.0
        return Predictions(mean_loss, [argmax(p) for p in probabilities], probabilities)

    def dense_features(
        self, data: Dataset, start: int = 0, stop: int | None = None
    ) -> list[list[float]]:
        """h = ReLU(W1·flat + b1) (hidden,) per image of ``start:stop``: the trace's a1."""
        stop = len(data) if stop is None else stop
        if not 0 <= start <= stop <= len(data):
            raise ValueError(f"range {start}:{stop} is outside {data.name} (0:{len(data)})")
        weights = Weights.from_flat(self.arch, self._params)
        return [list(network.forward(weights, data.image(i)).a1) for i in range(start, stop)]

    def inspect(self, image: bytes) -> Inspection:
        """Probabilities, and for each conv layer its maps after ReLU and after pooling."""
        trace = network.forward(Weights.from_flat(self.arch, self._params), image)
        layers = [
            ConvView(
                channels=channels,
                in_channels=in_channels,
                side=side,
                pooled_side=pooled_side,
                maps=tuple(flat_maps(layer.a)),  # (C, S, S) after ReLU, flat
                pooled=tuple(flat_maps(layer.pooled)),  # (C, S // 2, S // 2), flat
                kernels=tuple(self._params[f"conv{k}.weight"]),  # (C, C_in, 3, 3), flat
                biases=tuple(self._params[f"conv{k}.bias"]),  # (C,)
            )
            for k, (layer, (in_channels, channels, side, pooled_side)) in enumerate(
                zip(trace.convs, self.arch.conv_shapes(), strict=True), start=1
            )
        ]
        return Inspection(tuple(trace.p), tuple(layers))

    def saliency(self, image: bytes, target: int) -> list[float]:
        """∂ logit[target] / ∂ pixel for the 784 pixels in [0, 1] units, row-major."""
        if not 0 <= target < NUM_CLASSES:
            raise ValueError(f"saliency target {target} is not a class 0–{NUM_CLASSES - 1}")
        weights = Weights.from_flat(self.arch, self._params)
        trace = network.forward(weights, image)
        grad_logits = [1.0 if i == target else 0.0 for i in range(NUM_CLASSES)]  # onehot(t)
        _, grad_x = network.backward(weights, trace, grad_logits)
        return flat_maps(grad_x)  # (1, 28, 28) → (784,)


def argmax(p: list[float]) -> int:
    """The first class with the highest probability."""
    return p.index(max(p))
