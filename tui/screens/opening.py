"""Provides ``push_built``: open a screen whose making can fail — say, the drawing screen of an
attached viewer, which reads this machine's copy of the test set — and say why when it does,
instead of letting the error end the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def push_built(over: Screen[Any], build: Callable[[], Screen[Any]], failed: str) -> None:
    """Push ``build()`` over ``over``; if making it raises, a notification titled ``failed``."""
    try:
        made = build()
    except Exception as error:  # a DataError, an unreadable folder: one line, the app goes on
        over.notify(str(error), title=failed, severity="error")
        return
    over.app.push_screen(made)
