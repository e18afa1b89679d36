"""Provides the UI's small shared wordings: the two ways it writes a duration — ``duration_clock``
("1:02:03", "4:05") for the headless progress line and summary, ``duration_compact`` ("1h02m",
"3m12s", "45s") for the dashboard's status bar — and ``short_architecture`` ("c8 d128") for the
tables of runs (``cnn-tui runs`` and ``cnn-tui compare``) — and ``plain`` for a key table's
Markdown cell on a help screen. Imports nothing from Textual or Rich.
"""

from __future__ import annotations

import math
import re


def duration_clock(seconds: float | None) -> str:
    """ "M:SS", or "H:MM:SS" from an hour on, rounded to the second; "?" when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "?"
    whole = max(0, int(seconds + 0.5))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_compact(seconds: float | None) -> str:
    """ "1h02m", "3m12s" or "45s" (truncated to the unit shown), or "–" when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    whole = int(seconds)
    if whole >= 3600:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    if whole >= 60:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole}s"


def short_architecture(architecture: str) -> str:
    """``conv8 → dense128 → 10`` → ``c8 d128``; ``conv32 → conv64 → dense128 → 10`` →
    ``c32+64 d128`` (anything else as it is)."""
    convs = re.findall(r"conv(\d+)", architecture)
    dense = re.findall(r"dense(\d+)", architecture)
    if not convs or len(dense) != 1:
        return architecture
    return f"c{'+'.join(convs)} d{dense[0]}"


_README_POINTER = re.compile(r"\s*\(\[[^\]]*\]\(#[^)]*\)\)")  # " ([below](#layer-health))"
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def plain(markdown: str, *, code: str = "") -> str:
    """A key table's cell (Markdown, as README.md shows it) as a help screen shows it: a link as
    its text, a parenthesised pointer into the README left out, and each backtick replaced by
    ``code`` (none: the words alone)."""
    return _LINK.sub(r"\1", _README_POINTER.sub("", markdown)).replace("`", code)
