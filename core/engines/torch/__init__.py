"""Provides ``TorchEngine``: the ``Engine`` protocol on PyTorch, the scale path (CUDA if present).

The only package that imports ``torch`` (an import-linter contract), and it is imported only when
``--engine torch`` is chosen (``make_engine`` imports this package lazily). Modules: ``device``
(where the tensors live, how many CPU threads), ``network`` (the forward pass as functions of the
canonical parameters), ``sgd`` (the update), ``engine`` (data, training, predict, inspect,
saliency).

Same network, parameter layout (core/engines/params.py), seeded initialisation and math as the
NumPy engine (core/engines/interface.py), so a snapshot trained with one loads in the other.
Layout is PyTorch's own NCHW (batch first); the canonical parameter shapes are already PyTorch's.
"""

from __future__ import annotations

from cnn_tui.core.engines.torch.engine import TorchEngine

__all__ = ["TorchEngine"]
