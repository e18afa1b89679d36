"""Provides ``PythonEngine``, the pure-Python (standard library only) implementation of the CNN."""

from __future__ import annotations

from cnn_tui.core.engines.python.engine import PythonEngine

__all__ = ["PythonEngine"]
