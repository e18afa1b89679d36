"""Provides the pure-Python engine's measurements of one observed step (layer health; the
definitions are in core/engines/observation.py), from what its forward pass already keeps.

* conv1's pooled outputs (C, 13, 13): the trace holds them only at the image's active windows;
  every other window saw an all-zero patch, so its pooled value is ReLU(b_c) (first_conv.py).
* conv2's pooled outputs (C2, P, P) and dense1's hidden units (H,) are in the trace as they are.
* gradients: on the plain-SGD step (momentum 0, no weight decay) v ← g, so g is read back from
  the velocity — dense1's ∂L/∂W1 then exists only packed in lanes until read. Otherwise the
  float gradients of the batch are at hand.
"""

from __future__ import annotations

from cnn_tui.core.contract.config import Hyperparameters
from cnn_tui.core.engines.observation import Observation, StepObservation, relu_stats, tensor_stats
from cnn_tui.core.engines.python.first_conv import WINDOWS
from cnn_tui.core.engines.python.network import Trace
from cnn_tui.core.engines.python.weights import Rows, Vector, Velocity, Weights


def relu_outputs(trace: Trace, conv1_biases: list[float]) -> list[list[float]]:
    """One image's ReLU outputs per layer: conv1 (C·169,)[, conv2 (C2·P·P,)], dense1 (H,)."""
    conv1: list[float] = []
    for bias, pooled_c in zip(conv1_biases, trace.pooled1, strict=True):
        channel = [max(bias, 0.0)] * WINDOWS  # a background window pools ReLU(b_c)
        for window, value in zip(trace.windows, pooled_c, strict=True):
            channel[window] = value
        conv1.extend(channel)
    layers = [conv1]
    if trace.conv2 is not None:
        layers.append([v for pooled_o in trace.conv2[2] for v in pooled_o])
    layers.append(trace.hidden)
    return layers


def observed(
    channels: list[int],
    outputs: list[list[list[float]]],
    weights: Weights,
    velocity: Velocity,
    grads: dict[str, Vector],
    matrix_grads: dict[str, Rows],
    hyper: Hyperparameters,
    observe: Observation,
) -> StepObservation:
    """The step's health after its update: ``channels`` per conv layer, ``outputs`` per image
    (``relu_outputs``), the updated weights and velocity, and the batch's float gradients."""
    names = [f"conv{k}" for k in range(1, len(channels) + 1)] + ["dense1"]
    relus = tuple(
        relu_stats(name, c, [image[layer] for image in outputs])
        for layer, (name, c) in enumerate(zip(names, [*channels, 1], strict=True))
    )
    w, v = weights.to_flat(), velocity.to_flat()
    plain = hyper.momentum == 0.0 and hyper.weight_decay == 0.0
    tensors = []
    for name in w:
        if not name.endswith(".weight"):
            continue
        if plain:
            g = v[name]  # v ← g on the plain step
        elif name in matrix_grads:
            g = [x for row in matrix_grads[name] for x in row]
        else:
            g = grads[name]
        tensors.append(tensor_stats(name, w[name], g, v[name], hyper.lr, observe.bins))
    return StepObservation(relus, tuple(tensors))
