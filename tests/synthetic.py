"""Small, learnable stand-ins for MNIST that tests make on the spot (no files, no downloads)."""

from __future__ import annotations

import random

from cnn_tui.core.data.dataset import PIXELS, Dataset


def blob_image(label: int, rng: random.Random) -> bytes:
    """A 28×28 image whose bright 6×6 blob sits where ``label`` says, with a little noise."""
    pixels = bytearray(rng.randrange(0, 30) for _ in range(PIXELS))
    top = 3 + (label // 5) * 12 + rng.randrange(0, 3)
    left = 2 + (label % 5) * 5 + rng.randrange(0, 2)
    for row in range(top, min(top + 6, 28)):
        for col in range(left, min(left + 6, 28)):
            pixels[row * 28 + col] = 200 + rng.randrange(0, 56)
    return bytes(pixels)


def blobs(count: int, seed: int = 0, name: str = "blobs") -> Dataset:
    """``count`` blob images with labels cycling through 0–9 in a shuffled order."""
    rng = random.Random(seed)
    labels = [i % 10 for i in range(count)]
    rng.shuffle(labels)
    images = b"".join(blob_image(label, rng) for label in labels)
    return Dataset(images, bytes(labels), name)
