"""Provides ``app_class_names``: the class names of the run a screen belongs to.

The inspector's screens open in ``cnn-tui inspect`` (the snapshot's ``RunState``, its config
carrying the names) and from the dashboard's ``m`` (its ``TrainingState``); both hold them, and
() means MNIST's digits (``core/contract/class_names.py`` turns a label into its name).
"""

from __future__ import annotations

from textual.app import App


def app_class_names(app: App[object]) -> tuple[str, ...]:
    """The names the app's run carries, () for MNIST's digits."""
    state = getattr(app, "state", None)
    names: tuple[str, ...] | None = getattr(state, "class_names", None)
    if names is None:
        names = getattr(getattr(state, "config", None), "class_names", ())
    return tuple(names or ())
