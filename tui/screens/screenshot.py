"""Provides ``save_screenshot``: an SVG of what an app shows, saved in a folder that exists, with
the full path — or, in one line, why not — as a notification.

Textual's own "Screenshot" (the command palette's) saves into the user's Downloads folder and
says only "Failed to save screenshot" when there is none; cnn-tui saves where the user is (the
current directory, like Textual's ``save_screenshot``) unless the app was given a folder.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual.app import App

SCREENSHOT_FAILED = "Screenshot not saved"


def screenshot_name(folder: Path, prefix: str = "cnn-tui") -> str:
    """``cnn-tui-20261207-031606.svg``; ``…-2.svg`` and on when that file exists already."""
    stem = f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}"
    name, n = f"{stem}.svg", 1
    while (folder / name).exists():
        n += 1
        name = f"{stem}-{n}.svg"
    return name


def save_screenshot(app: App[Any], folder: Path | None, name: str | None = None) -> Path | None:
    """Save ``app``'s screen as ``name`` (None: a new ``screenshot_name``) in ``folder`` (None:
    the current directory) and say where; None when it could not be saved (and why is said)."""
    try:
        where = (folder or Path.cwd()).expanduser().resolve()
        target = where / (name or screenshot_name(where))
        app.save_screenshot(filename=target.name, path=str(where))
    except OSError as error:  # no such folder, not a folder, no permission, disk full, …
        reason = error.strerror or str(error)
        place = folder if folder is not None else "the current directory"
        app.notify(
            f"could not save in {place}: {reason}",
            title=SCREENSHOT_FAILED,
            severity="error",
            timeout=8,
        )
        return None
    app.notify(f"saved {target}", title="Screenshot")
    return target
