"""Provides ``sgd_step``: the SGD update with momentum and weight decay, in place, on tensors.

The rule (core/engines/interface.py), for every parameter w with gradient g and velocity v:
g ← g + wd·w (weights only, not biases); v ← mu·v + g; w ← w − lr·v (v starts at 0; with momentum
0 this is w ← w − lr·g, and v = g).
"""

from __future__ import annotations

import torch

from cnn_tui.core.contract.config import Hyperparameters

Params = dict[str, torch.Tensor]


@torch.no_grad()
def sgd_step(params: Params, velocity: Params, hyper: Hyperparameters) -> None:
    """Update every parameter in ``params`` from its ``.grad``; ``velocity`` is updated too."""
    lr, mu, wd = hyper.lr, hyper.momentum, hyper.weight_decay
    for name, w in params.items():
        g, v = w.grad, velocity[name]
        assert g is not None, f"{name} has no gradient: step before backward"
        if wd and not name.endswith(".bias"):
            g.add_(w, alpha=wd)  # g ← g + wd·w
        if mu:
            v.mul_(mu).add_(g)  # v ← mu·v + g
        else:
            v.copy_(g)  # v ← g
        w.sub_(v * lr)  # w ← w − lr·v (lr·v rounded first, as the NumPy engine does)
