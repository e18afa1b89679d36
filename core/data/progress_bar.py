"""Provides ``stderr_progress``: the download's progress bar, one per file, for the command line.

On a terminal it redraws one line per file (at most 10 times a second); on a pipe or file it
writes one plain ``downloading <name>`` line per file, so logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import IO

from cnn_tui.core.data.download import Progress


def stderr_progress(stream: IO[str] | None = None, width: int = 30) -> Progress:
    """A ``progress`` callback drawing one bar per file on stderr (a line per file if not a tty)."""
    out = stream if stream is not None else sys.stderr
    live = out.isatty()
    current = ""
    drawn = 0.0

    def show(name: str, done: int, total: int | None) -> None:
        nonlocal current, drawn
        finished = total is not None and done >= total
        if name != current:
            current = name
            if not live:
                out.write(f"downloading {name}\n")
                out.flush()
        if not live:
            return
        now = time.monotonic()
        if not finished and now - drawn < 0.1:  # ≤ 10 redraws a second
            return
        drawn = now
        if total:
            filled = min(width, done * width // total)
            bar = "#" * filled + "." * (width - filled)
            text = f"{name} [{bar}] {done * 100 // total:3d}% {done / 1e6:.1f}/{total / 1e6:.1f} MB"
        else:
            text = f"{name} {done / 1e6:.1f} MB"
        out.write("\r" + text + ("\n" if finished else ""))
        out.flush()

    return show
