"""Provides ``make_engine``: the one place that picks an engine by name.

The NumPy engine is imported only when asked for, so ``--engine python`` and ``--engine
reference`` run on the standard library alone.
"""

from __future__ import annotations

from cnn_tui.core.contract.config import RunConfig
from cnn_tui.core.engines.interface import BatchResult, Engine, Inspection, Predictions
from cnn_tui.core.engines.params import FlatParams, init_params

__all__ = ["BatchResult", "Engine", "Inspection", "Predictions", "make_engine"]


def make_engine(config: RunConfig, params: FlatParams | None = None) -> Engine:
    """An engine for ``config``, starting from ``params`` or from the seeded initialisation."""
    start = params if params is not None else init_params(config.arch, config.seed)
    if config.engine == "python":
        from cnn_tui.core.engines.python import PythonEngine

        return PythonEngine(config.arch, start)
    if config.engine == "reference":
        from cnn_tui.core.engines.reference import ReferenceEngine

        return ReferenceEngine(config.arch, start)
    from cnn_tui.core.engines.numpy import NumpyEngine

    return NumpyEngine(config.arch, start, dtype=config.precision)
