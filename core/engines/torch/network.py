"""Provides ``forward`` and ``conv_block``: the network as functions of the canonical parameters.

Shapes are NCHW (batch first), default architecture shown:

    x (N, 1, 28, 28) → conv 3×3 1→8 (N, 8, 26, 26) → max-pool 2×2 → ReLU (N, 8, 13, 13)
      [→ conv 3×3 → max-pool → ReLU, per further conv layer]
      → flatten CHW (N, 1352) → dense 1352→128 → ReLU → dense 128→10 → logits (N, 10)

Pool before ReLU, as in the NumPy engine: ReLU is monotone, so relu(max(window)) = max(relu(window))
exactly, and the gradient reaches the window's first maximum (PyTorch's CPU max-pool keeps the
first of equal values, row-major) only when that maximum is > 0.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

Params = dict[str, torch.Tensor]


def conv_layers(params: Params) -> int:
    """How many conv layers the parameters describe (conv1, conv2, …)."""
    return sum(1 for name in params if name.startswith("conv") and name.endswith(".weight"))


def conv_block(params: Params, k: int, a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Conv layer ``k`` (1-based) on a (N, Cin, H, W): returns (z, pooled), z (N, C, H−2, W−2)
    the conv output z = b + Σ w·x (stride 1, no padding) and pooled = relu(max-pool 2×2 of z)
    (N, C, (H−2)//2, (W−2)//2), an odd last row/column dropped."""
    z = F.conv2d(a, params[f"conv{k}.weight"], params[f"conv{k}.bias"])
    return z, torch.relu(F.max_pool2d(z, kernel_size=2, stride=2))


def forward(
    params: Params, x: torch.Tensor, taps: list[torch.Tensor] | None = None
) -> torch.Tensor:
    """x (N, 1, 28, 28) in [0, 1] → logits (N, 10). ``taps`` (layer health, observe.py) gets
    every ReLU output: each conv layer's pooled maps (N, C, P, P), then the hidden units (N, H)."""
    a = x
    for k in range(1, conv_layers(params) + 1):
        _, a = conv_block(params, k, a)
        if taps is not None:
            taps.append(a)
    return head(params, a, taps)


def head(params: Params, a: torch.Tensor, taps: list[torch.Tensor] | None = None) -> torch.Tensor:
    """The last pooled maps a (N, C, S, S) → logits (N, 10): flatten, dense + ReLU, dense."""
    flat = a.reshape(a.shape[0], -1)  # CHW order per image, as the canonical dense1 expects
    hidden = torch.relu(F.linear(flat, params["dense1.weight"], params["dense1.bias"]))
    if taps is not None:
        taps.append(hidden)
    return F.linear(hidden, params["dense2.weight"], params["dense2.bias"])
