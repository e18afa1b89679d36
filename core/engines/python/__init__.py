"""Provides ``PythonEngine``: the fast pure-Python engine (standard library only; its hot spots in
fixed-point integer lanes, lanes/). The readable pure-Python engine is core/engines/reference/."""

from __future__ import annotations

from cnn_tui.core.engines.python.engine import PythonEngine

__all__ = ["PythonEngine"]
