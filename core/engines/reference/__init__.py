"""Provides ``ReferenceEngine``: the original report, formula by formula, in plain Python lists.

Read it in this order: tensors.py (the shapes), conv.py, relu.py, pool.py, flatten.py, dense.py,
loss.py, sgd.py (one layer each, ``forward`` and ``backward``), network.py (the layers chained),
engine.py (the ``Engine`` protocol around them).
"""

from __future__ import annotations

from cnn_tui.core.engines.reference.engine import ReferenceEngine

__all__ = ["ReferenceEngine"]
