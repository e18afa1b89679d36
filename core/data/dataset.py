"""Provides ``Dataset``: images and labels held as raw bytes, the way the IDX files store them.

Pixels stay uint8 in memory (60,000 images = 47 MB) and are scaled to [0, 1] per batch by the
engine that uses them. Bytes need no NumPy, so the pure-Python engine can read them directly and
the NumPy engine can view them without a copy (``np.frombuffer``).
"""

from __future__ import annotations

from dataclasses import dataclass

from cnn_tui.core.contract.config import IMAGE_SIDE

PIXELS = IMAGE_SIDE * IMAGE_SIDE


@dataclass(frozen=True, slots=True, eq=False)
class Dataset:
    """``count`` images of 28×28 uint8 pixels (row-major, one after another) and their labels."""

    images: bytes  # count × 784
    labels: bytes  # count, each 0–9
    name: str = "data"

    def __post_init__(self) -> None:
        if len(self.images) != len(self.labels) * PIXELS:
            raise ValueError(
                f"{self.name}: {len(self.images)} image bytes for {len(self.labels)} labels"
            )

    def __len__(self) -> int:
        return len(self.labels)

    def image(self, index: int) -> bytes:
        """The 784 pixel bytes of one image."""
        start = index * PIXELS
        return self.images[start : start + PIXELS]

    def head(self, count: int | None) -> Dataset:
        """The first ``count`` images (all of them when ``count`` is None or larger)."""
        if count is None or count >= len(self):
            return self
        return Dataset(self.images[: count * PIXELS], self.labels[:count], self.name)
