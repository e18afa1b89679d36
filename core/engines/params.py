"""Provides the parameter layout every engine shares, and its seeded initialisation.

Parameters live in one canonical order with fixed names and shapes (PyTorch's (out, in) order for
dense weights, CHW for flattened features). Every engine initialises from ``init_params`` with
Python's own ``random`` module, so the same seed gives bit-identical starting weights in each.
"""

from __future__ import annotations

import math
import random

from cnn_tui.core.contract.config import NUM_CLASSES, Architecture

ParamShapes = dict[str, tuple[int, ...]]
FlatParams = dict[str, list[float]]


def param_shapes(arch: Architecture) -> ParamShapes:
    """Name → shape of every parameter, in canonical order.

    conv<k>.weight: (out_channels, in_channels, 3, 3)   conv<k>.bias: (out_channels,)
    dense1.weight:  (hidden, flat_size)                 dense1.bias:  (hidden,)
    dense2.weight:  (10, hidden)                        dense2.bias:  (10,)
    """
    shapes: ParamShapes = {}
    for k, (in_channels, out_channels, _, _) in enumerate(arch.conv_shapes(), start=1):
        shapes[f"conv{k}.weight"] = (out_channels, in_channels, 3, 3)
        shapes[f"conv{k}.bias"] = (out_channels,)
    shapes["dense1.weight"] = (arch.hidden, arch.flat_size)
    shapes["dense1.bias"] = (arch.hidden,)
    shapes["dense2.weight"] = (NUM_CLASSES, arch.hidden)
    shapes["dense2.bias"] = (NUM_CLASSES,)
    return shapes


def fan_in(shape: tuple[int, ...]) -> int:
    """Inputs feeding one output unit: in_channels·3·3 for a conv kernel, in_features for dense."""
    return math.prod(shape[1:])


def init_params(arch: Architecture, seed: int) -> FlatParams:
    """Weights ~ N(0, 1/n_in) as in the report (σ = 1/√n_in), biases 0; flat, row-major.

    Draws come from ``random.Random(seed)`` in canonical parameter order, so every engine starts
    from exactly the same numbers.
    """
    rng = random.Random(seed)
    gauss = rng.gauss
    params: FlatParams = {}
    for name, shape in param_shapes(arch).items():
        size = math.prod(shape)
        if name.endswith(".bias"):
            params[name] = [0.0] * size
        else:
            sigma = 1.0 / math.sqrt(fan_in(shape))
            params[name] = [gauss(0.0, sigma) for _ in range(size)]
    return params
