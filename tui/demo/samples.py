"""Provides the synthetic trainer's samples: digits drawn procedurally as 28×28 images, their
conv 3×3 → ReLU → max-pool 2×2 views through fixed edge-detecting kernels (so the demo's input and
feature-map panels show what a real network's would), and predictions that sharpen as the run
learns.

Pure Python; no Textual.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace

from cnn_tui.core.contract import events as ev

SIDE = 28
CONFUSED_WITH = (6, 7, 7, 5, 9, 3, 5, 1, 3, 4)
"""The digit each class is most often mistaken for."""

Point = tuple[float, float]

# Each digit as polylines in 28×28 pixel coordinates (x right, y down).
_STROKES: dict[int, list[list[Point]]] = {
    1: [[(11.5, 8.5), (15, 5), (15, 23)]],
    2: [[(8, 9), (10, 6), (14, 5), (18, 6), (19, 9), (18, 12), (8, 22), (20, 22)]],
    3: [[(8, 6), (14, 5), (19, 7), (18, 11), (13, 13), (19, 16), (19, 20), (14, 23), (8, 21)]],
    4: [[(17, 23), (17, 5), (7, 17), (21, 17)]],
    5: [[(19, 5), (10, 5), (9, 13), (15, 12), (19, 15), (19, 20), (14, 23), (8, 21)]],
    6: [[(18, 5), (12, 8), (9, 14), (9, 19), (13, 23), (18, 21), (19, 17), (15, 14), (10, 16)]],
    7: [[(7, 6), (21, 6), (12, 23)]],
    9: [[(19, 10), (17, 23)]],
}


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 20) -> list[Point]:
    return [
        (cx + rx * math.cos(2 * math.pi * i / n), cy + ry * math.sin(2 * math.pi * i / n))
        for i in range(n + 1)
    ]


_STROKES[0] = [_ellipse(14, 14, 6, 9)]
_STROKES[8] = [_ellipse(14, 9, 4, 4), _ellipse(14, 18.5, 5, 4.5)]
_STROKES[9].append(_ellipse(14, 10, 5, 4.5))


def draw_digit(digit: int, rng: random.Random) -> bytes:
    """A 28×28 uint8 image (row-major) of ``digit``, hand-drawn-ish: a random shift, slant and
    scale, strokes ~2.5 px wide with soft edges."""
    dx, dy = rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5)
    shear, scale = rng.uniform(-0.2, 0.2), rng.uniform(0.9, 1.08)
    width = rng.uniform(1.1, 1.6)  # half the stroke width
    segments: list[tuple[Point, Point]] = []
    for line in _STROKES[digit]:
        pts = [
            (14 + (x - 14) * scale + shear * (14 - y) + dx, 14 + (y - 14) * scale + dy)
            for x, y in line
        ]
        segments.extend(zip(pts, pts[1:], strict=False))
    pixels = bytearray(SIDE * SIDE)
    for py in range(SIDE):
        for px in range(SIDE):
            d = min(_distance(px + 0.5, py + 0.5, a, b) for a, b in segments)
            # full ink inside the stroke, fading to 0 over one pixel at its edge
            v = min(1.0, max(0.0, width + 0.5 - d))
            pixels[py * SIDE + px] = int(round(255 * v))
    return bytes(pixels)


def _distance(px: float, py: float, a: Point, b: Point) -> float:
    """Distance from point p to segment ab."""
    ax, ay = a
    bx, by = b
    vx, vy = bx - ax, by - ay
    length2 = vx * vx + vy * vy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * vx + (py - ay) * vy) / length2))
    return math.hypot(px - (ax + t * vx), py - (ay + t * vy))


_BASE_KERNELS = (
    (-1, 0, 1, -2, 0, 2, -1, 0, 1),  # vertical edge (Sobel x)
    (-1, -2, -1, 0, 0, 0, 1, 2, 1),  # horizontal edge (Sobel y)
    (0, 1, 2, -1, 0, 1, -2, -1, 0),  # diagonal /
    (2, 1, 0, 1, 0, -1, 0, -1, -2),  # diagonal \
    (0.5, 1, 0.5, 1, 2, 1, 0.5, 1, 0.5),  # blur (ink detector)
    (0, -1, 0, -1, 4, -1, 0, -1, 0),  # Laplacian (thin strokes)
    (1, 0, -1, 2, 0, -2, 1, 0, -1),  # right edge
    (1, 2, 1, 0, 0, 0, -1, -2, -1),  # top edge
)


def conv_view(
    image: list[list[list[float]]], kernels: list[tuple[float, ...]], biases: list[float]
) -> tuple[ev.ConvView, list[list[list[float]]]]:
    """conv 3×3 (valid) + ReLU + max-pool 2×2 over C_in×H×W input; returns the view and the
    pooled maps (C_out×P×P) as the next layer's input."""
    c_in, side = len(image), len(image[0])
    conv_side = side - 2
    pooled_side = conv_side // 2
    maps: list[list[list[float]]] = []
    for o, kernel in enumerate(kernels):
        out = [[biases[o]] * conv_side for _ in range(conv_side)]
        for c in range(c_in):
            k = kernel[c * 9 : c * 9 + 9]
            x = image[c]
            for i in range(conv_side):
                row = out[i]
                r0, r1, r2 = x[i], x[i + 1], x[i + 2]
                for j in range(conv_side):
                    row[j] += (
                        k[0] * r0[j]
                        + k[1] * r0[j + 1]
                        + k[2] * r0[j + 2]
                        + k[3] * r1[j]
                        + k[4] * r1[j + 1]
                        + k[5] * r1[j + 2]
                        + k[6] * r2[j]
                        + k[7] * r2[j + 1]
                        + k[8] * r2[j + 2]
                    )
        maps.append([[max(0.0, v) for v in row] for row in out])  # ReLU
    pooled = [
        [
            [
                max(
                    m[2 * i][2 * j],
                    m[2 * i][2 * j + 1],
                    m[2 * i + 1][2 * j],
                    m[2 * i + 1][2 * j + 1],
                )
                for j in range(pooled_side)
            ]
            for i in range(pooled_side)
        ]
        for m in maps
    ]
    view = ev.ConvView(
        channels=len(kernels),
        in_channels=c_in,
        side=conv_side,
        pooled_side=pooled_side,
        maps=tuple(v for m in maps for row in m for v in row),
        pooled=tuple(v for m in pooled for row in m for v in row),
        kernels=tuple(v for k in kernels for v in k),
        biases=tuple(biases),
    )
    return view, pooled


Kernels = list[tuple[list[tuple[float, ...]], list[float]]]
"""Per conv layer: (one kernel per filter, C_in × 3 × 3 flattened; one bias per filter)."""


def make_kernels(filters: tuple[int, ...], rng: random.Random) -> Kernels:
    """First layer: the base kernels (edges, blur, Laplacian) with a little noise; later layers
    random."""
    layers = []
    c_in = 1
    for n, count in enumerate(filters):
        kernels = []
        for f in range(count):
            if n == 0:
                base = _BASE_KERNELS[f % len(_BASE_KERNELS)]
                k = tuple(0.25 * v + rng.gauss(0.0, 0.05) for v in base)
            else:
                k = tuple(rng.gauss(0.0, 0.35) for _ in range(c_in * 9))
            kernels.append(k)
        layers.append((kernels, [rng.uniform(-0.05, 0.05) for _ in range(count)]))
        c_in = count
    return layers


def make_sample(
    digit: int, rng: random.Random, kernels: Kernels, train_size: int
) -> ev.SampleViewed:
    """A drawn ``digit`` with its view through every conv layer (probabilities uniform: the
    trainer fills them in)."""
    image = draw_digit(digit, rng)
    x = [[[image[r * SIDE + c] / 255 for c in range(SIDE)] for r in range(SIDE)]]
    layers = []
    for layer_kernels, biases in kernels:
        view, x = conv_view(x, layer_kernels, biases)
        layers.append(view)
    return ev.SampleViewed(
        step=0,
        source="train",
        index=rng.randrange(train_size),
        label=digit,
        image=image,
        probabilities=(0.1,) * 10,
        predicted=digit,
        layers=tuple(layers),
    )


_CACHE: dict[tuple[object, ...], ev.SampleViewed] = {}
"""Drawn and convolved samples, shared by every pool with the same key (they are the slow part:
~15 ms each)."""


class SamplePool:
    """A few drawn digits (made on first use, then reused in turn), each time with fresh
    probabilities."""

    def __init__(
        self, key: tuple[object, ...], kernels: Kernels, train_size: int, size: int
    ) -> None:
        self.key, self.kernels, self.train_size, self.size = key, kernels, train_size, size
        self._samples: list[ev.SampleViewed] = []
        self._index = 0

    def next(self, step: int, learned: float) -> ev.SampleViewed:
        """The next sample, at training step ``step``; ``learned`` in [0, 1] sharpens it."""
        if len(self._samples) < self.size:
            n = len(self._samples)
            key = (*self.key, n)
            if key not in _CACHE:
                digit = (7, 3, 2, 0, 4, 1, 9, 5, 8, 6)[n % 10]
                _CACHE[key] = make_sample(
                    digit, random.Random(repr(key)), self.kernels, self.train_size
                )
            self._samples.append(_CACHE[key])
        sample = self._samples[self._index % len(self._samples)]
        self._index += 1
        return _predicted(sample, step, learned)


def _predicted(s: ev.SampleViewed, step: int, learned: float) -> ev.SampleViewed:
    """The stored sample with probabilities that sharpen as training progresses: mostly right,
    wrong towards the look-alike digit."""
    rng = random.Random(step * 31 + s.label)
    wrong = rng.random() > 0.1 + 0.88 * learned
    guess = CONFUSED_WITH[s.label] if wrong else s.label
    logits = [rng.gauss(0.0, 0.5) for _ in range(10)]
    logits[guess] += 1.0 + 6.0 * learned
    logits[CONFUSED_WITH[s.label]] += 1.5 * learned
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]  # softmax, shifted by the largest logit
    total = sum(exps)
    probs = tuple(v / total for v in exps)
    predicted = max(range(10), key=probs.__getitem__)
    return replace(s, step=step, probabilities=probs, predicted=predicted)
