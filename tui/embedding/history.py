"""Provides ``EmbeddingHistory``: the embedding maps of the run so far, folded from the trainer's
``EmbeddingComputed`` events — pure Python, fed by the dashboard screen's pump whether or not the
map's screen (p) is open, so it opens on the latest map and can step back through earlier ones.

A trainer's start (``TrainingStarted``: a fresh run, a resume, a branch) starts afresh: its maps
are oriented from its own first one. Memory stays bounded: a map of 2,000 digits holds ~10,000
numbers, so at most ``MAX_MAPS`` are kept; past that every second one of the older half is
dropped (the run's first map and the recent ones stay).
"""

from __future__ import annotations

from cnn_tui.core.contract import events as ev

MAX_MAPS = 24


class EmbeddingHistory:
    """The maps of the run, oldest first."""

    def __init__(self) -> None:
        self.version = 0
        """Goes up with every change (the screen redraws when it moved)."""
        self.maps: list[ev.EmbeddingComputed] = []

    def apply(self, event: ev.Event) -> bool:
        """Fold one event in; True if the maps changed."""
        match event:
            case ev.TrainingStarted():
                if not self.maps:
                    return False
                self.maps = []
            case ev.EmbeddingComputed():
                if len(self.maps) >= MAX_MAPS:
                    half = len(self.maps) // 2
                    self.maps = self.maps[:half:2] + self.maps[half:]
                self.maps.append(event)
            case _:
                return False
        self.version += 1
        return True

    @property
    def latest(self) -> ev.EmbeddingComputed | None:
        return self.maps[-1] if self.maps else None
