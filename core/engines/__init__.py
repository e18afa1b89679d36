"""Provides ``make_engine``: the one place that picks an engine by name.

The NumPy engine is imported only when asked for, so ``--engine python`` and ``--engine
reference`` run on the standard library alone; the torch engine (and PyTorch, an optional extra)
only for ``--engine torch``. ``missing_engine`` says, without importing it, when an engine's
library is not installed.
"""

from __future__ import annotations

import importlib.util

from cnn_tui.core.contract.config import RunConfig
from cnn_tui.core.engines.interface import BatchResult, Engine, Inspection, Predictions
from cnn_tui.core.engines.params import FlatParams, init_params

__all__ = [
    "BatchResult",
    "Engine",
    "Inspection",
    "Predictions",
    "make_engine",
    "missing_engine",
]

TORCH_MISSING = "the torch engine needs PyTorch: pip install 'cnn-tui[torch]'"


def missing_engine(name: str) -> str | None:
    """The one-line reason engine ``name`` cannot run here (its library is not installed), or
    None. Finds PyTorch without importing it (importing it takes seconds)."""
    if name == "torch" and importlib.util.find_spec("torch") is None:
        return TORCH_MISSING
    return None


def make_engine(config: RunConfig, params: FlatParams | None = None) -> Engine:
    """An engine for ``config``, starting from ``params`` or from the seeded initialisation."""
    start = params if params is not None else init_params(config.arch, config.seed)
    if config.engine == "python":
        from cnn_tui.core.engines.python import PythonEngine

        return PythonEngine(config.arch, start)
    if config.engine == "reference":
        from cnn_tui.core.engines.reference import ReferenceEngine

        return ReferenceEngine(config.arch, start)
    if config.engine == "torch":
        from cnn_tui.core.engines.torch import TorchEngine

        return TorchEngine(config.arch, start, dtype=config.precision)
    from cnn_tui.core.engines.numpy import NumpyEngine

    return NumpyEngine(config.arch, start, dtype=config.precision)
