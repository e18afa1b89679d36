"""Provides the whole network for one image: ``forward`` through every layer, ``backward`` back.

    x (1, 28, 28) = pixel / 255
      → [conv 3×3 → ReLU → max-pool 2×2] per conv layer  e.g. (8, 26, 26) → (8, 13, 13)
      → flatten (CHW)                                    e.g. (1352,)
      → dense → ReLU                                     (hidden,)
      → dense → softmax                                  (10,)

``Weights`` holds the parameters reshaped for the layers; ``Trace`` keeps every intermediate array
of a forward pass, which is what ``backward`` needs (and what the dashboard shows).
"""

from __future__ import annotations

from dataclasses import dataclass

from cnn_tui.core.contract.config import IMAGE_SIDE, NUM_CLASSES, Architecture
from cnn_tui.core.engines.params import FlatParams
from cnn_tui.core.engines.reference import conv, dense, flatten, loss, pool, relu
from cnn_tui.core.engines.reference.tensors import (
    Kernels,
    Maps,
    Matrix,
    Vector,
    flat_kernels,
    flat_matrix,
    to_kernels,
    to_matrix,
)


@dataclass(frozen=True, slots=True)
class Weights:
    """The parameters, shaped for the layers."""

    convs: list[tuple[Kernels, Vector]]  # per conv layer: w (C_out, C_in, 3, 3), b (C_out,)
    w1: Matrix  # (hidden, flat_size)
    b1: Vector  # (hidden,)
    w2: Matrix  # (10, hidden)
    b2: Vector  # (10,)

    @staticmethod
    def from_flat(arch: Architecture, params: FlatParams) -> Weights:
        convs = [
            (to_kernels(params[f"conv{k}.weight"], c_out, c_in), list(params[f"conv{k}.bias"]))
            for k, (c_in, c_out, _, _) in enumerate(arch.conv_shapes(), start=1)
        ]
        w1 = to_matrix(params["dense1.weight"], arch.hidden, arch.flat_size)
        w2 = to_matrix(params["dense2.weight"], NUM_CLASSES, arch.hidden)
        return Weights(convs, w1, list(params["dense1.bias"]), w2, list(params["dense2.bias"]))

    def to_flat(self) -> FlatParams:
        """Canonical names (params.py) → flat row-major values; for gradients as well."""
        flat: FlatParams = {}
        for k, (w, b) in enumerate(self.convs, start=1):
            flat[f"conv{k}.weight"], flat[f"conv{k}.bias"] = flat_kernels(w), list(b)
        flat["dense1.weight"], flat["dense1.bias"] = flat_matrix(self.w1), list(self.b1)
        flat["dense2.weight"], flat["dense2.bias"] = flat_matrix(self.w2), list(self.b2)
        return flat


@dataclass(frozen=True, slots=True)
class ConvTrace:
    """One conv layer's arrays in a forward pass."""

    x: Maps  # (C_in, S, S), the layer's input
    z: Maps  # (C_out, S − 2, S − 2), conv + bias
    a: Maps  # (C_out, S − 2, S − 2), ReLU(z)
    pooled: Maps  # (C_out, (S − 2) // 2, (S − 2) // 2), MaxPool(a)


@dataclass(frozen=True, slots=True)
class Trace:
    """Every array of one image's forward pass."""

    convs: list[ConvTrace]
    f: Vector  # (flat_size,), flatten(last pooled)
    z1: Vector  # (hidden,), dense1
    a1: Vector  # (hidden,), ReLU(z1)
    logits: Vector  # (10,), dense2
    p: Vector  # (10,), softmax(logits)


def forward(weights: Weights, image: bytes) -> Trace:
    """784 uint8 pixels, row-major → every intermediate array, up to p (10,)."""
    if len(image) != IMAGE_SIDE * IMAGE_SIDE:
        raise ValueError(f"an image is {IMAGE_SIDE * IMAGE_SIDE} bytes, not {len(image)}")
    # x (1, 28, 28) = pixel / 255: the report's "normalizes pixel values to the range [0, 1]"
    x = [[[image[i * IMAGE_SIDE + j] / 255 for j in range(IMAGE_SIDE)] for i in range(IMAGE_SIDE)]]
    traces = []
    for w, b in weights.convs:
        z = conv.forward(x, w, b)
        a = relu.forward_maps(z)
        pooled = pool.forward(a)
        traces.append(ConvTrace(x, z, a, pooled))
        x = pooled
    f = flatten.forward(x)
    z1 = dense.forward(f, weights.w1, weights.b1)
    a1 = relu.forward(z1)
    logits = dense.forward(a1, weights.w2, weights.b2)
    return Trace(traces, f, z1, a1, logits, loss.softmax(logits))


def backward(weights: Weights, trace: Trace, grad_logits: Vector) -> tuple[Weights, Maps]:
    """∂L/∂logits (10,) → (∂L/∂every parameter, shaped as ``weights``; ∂L/∂x (1, 28, 28))."""
    grad_a1, grad_w2, grad_b2 = dense.backward(trace.a1, weights.w2, grad_logits)
    grad_z1 = relu.backward(trace.z1, grad_a1)
    grad_f, grad_w1, grad_b1 = dense.backward(trace.f, weights.w1, grad_z1)
    last = trace.convs[-1].pooled
    grad = flatten.backward(grad_f, len(last), len(last[0]))  # ∂L/∂pooled of the last conv layer
    grad_convs: list[tuple[Kernels, Vector]] = []
    for (w, _), layer in zip(reversed(weights.convs), reversed(trace.convs), strict=True):
        grad_a = pool.backward(layer.a, grad)
        grad_z = relu.backward_maps(layer.z, grad_a)
        grad, grad_w, grad_b = conv.backward(layer.x, w, grad_z)  # grad is now ∂L/∂x
        grad_convs.insert(0, (grad_w, grad_b))
    return Weights(grad_convs, grad_w1, grad_b1, grad_w2, grad_b2), grad
