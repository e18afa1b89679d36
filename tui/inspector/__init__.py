"""Provides the inspector: screens and widgets to find out why the network gets a digit wrong.

Used by ``cnn-tui inspect SNAPSHOT`` (``tui/inspector/app.py``) and, during training, by the
dashboard (``MistakesScreen`` with a ``LinkSource``).
"""

from __future__ import annotations

from cnn_tui.tui.inspector.mistakes_screen import MistakesScreen
from cnn_tui.tui.inspector.source import DigitDetail, DigitSource, LinkSource, LocalSource

__all__ = ["DigitDetail", "DigitSource", "LinkSource", "LocalSource", "MistakesScreen"]
