"""Provides ``SyntheticTrainer``: a deterministic stand-in for the trainer that emits realistic
events (falling noisy loss, evaluations with per-class accuracy, confusion and mistakes, sampled
digits drawn procedurally with their feature maps) and answers commands the way the real trainer
does. It does no learning and no heavy math, so the demo, the UI tests, the snapshot tests and the
soak benchmark can all run the dashboard fast and reproducibly.

Pure Python; no Textual.
"""

from __future__ import annotations

import math
import random

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.contract.config import (
    LR_RANGE,
    MOMENTUM_RANGE,
    WEIGHT_DECAY_RANGE,
    ConfigError,
    check_float,
    check_int,
)

SIDE = 28
TEST_CLASS_COUNTS = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)
"""Images per class in the MNIST test set."""
FINAL_ERROR = (0.010, 0.008, 0.025, 0.020, 0.022, 0.030, 0.015, 0.025, 0.035, 0.040)
"""Per-class error rate a small CNN reaches; the synthetic run approaches it."""
CONFUSED_WITH = (6, 7, 7, 5, 9, 3, 5, 1, 3, 4)
"""The digit each class is most often mistaken for."""

# Each digit as polylines in 28×28 pixel coordinates (x right, y down).
_STROKES: dict[int, list[list[tuple[float, float]]]] = {
    1: [[(11.5, 8.5), (15, 5), (15, 23)]],
    2: [[(8, 9), (10, 6), (14, 5), (18, 6), (19, 9), (18, 12), (8, 22), (20, 22)]],
    3: [[(8, 6), (14, 5), (19, 7), (18, 11), (13, 13), (19, 16), (19, 20), (14, 23), (8, 21)]],
    4: [[(17, 23), (17, 5), (7, 17), (21, 17)]],
    5: [[(19, 5), (10, 5), (9, 13), (15, 12), (19, 15), (19, 20), (14, 23), (8, 21)]],
    6: [[(18, 5), (12, 8), (9, 14), (9, 19), (13, 23), (18, 21), (19, 17), (15, 14), (10, 16)]],
    7: [[(7, 6), (21, 6), (12, 23)]],
    9: [[(19, 10), (17, 23)]],
}


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 20) -> list[tuple[float, float]]:
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
    segments = []
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


def _distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
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
                        k[0] * r0[j] + k[1] * r0[j + 1] + k[2] * r0[j + 2]
                        + k[3] * r1[j] + k[4] * r1[j + 1] + k[5] * r1[j + 2]
                        + k[6] * r2[j] + k[7] * r2[j + 1] + k[8] * r2[j + 2]
                    )  # fmt: skip
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


_SAMPLE_CACHE: dict[tuple[object, ...], ev.SampleViewed] = {}
"""Drawn and convolved samples, shared by every trainer with the same seed and filters (they are
the slow part: ~15 ms each)."""


class SyntheticTrainer:
    """Emits the events a real run would, from a formula instead of a network."""

    def __init__(
        self,
        *,
        seed: int = 0,
        engine: str = "numpy",
        epochs: int = 5,
        train_size: int = 60_000,
        test_size: int = 10_000,
        batch_size: int = 32,
        lr: float = 0.01,
        momentum: float = 0.9,
        filters: tuple[int, ...] = (8,),
        hidden: int = 128,
        images_per_s: float = 9_000.0,
        paused: bool = False,
        sample_pool: int = 12,
    ) -> None:
        self.rng = random.Random(seed)
        self.seed, self.engine, self.epochs = seed, engine, epochs
        self.train_size, self.test_size = train_size, test_size
        self.batch_size, self.lr, self.momentum, self.weight_decay = batch_size, lr, momentum, 0.0
        self.filters, self.hidden = filters, hidden
        self.images_per_s = images_per_s
        self.paused = paused
        self.finished = False
        self.epoch, self.position, self.step = 1, 0, 0
        self.progress = 0.0  # "how trained": grows with steps × lr
        self._kernels = self._make_kernels()
        self._samples: list[ev.SampleViewed] = []
        self._sample_pool = sample_pool
        self._sample_index = 0

    # ---- what a run says ------------------------------------------------------------------

    def started(self) -> ev.TrainingStarted:
        convs = " → ".join(f"conv{f}" for f in self.filters)
        return ev.TrainingStarted(
            engine=self.engine,
            architecture=f"{convs} → dense{self.hidden} → 10",
            filters=self.filters,
            hidden=self.hidden,
            epochs=self.epochs,
            epoch=self.epoch,
            step=self.step,
            steps_per_epoch=math.ceil(self.train_size / self.batch_size),
            train_size=self.train_size,
            test_size=self.test_size,
            lr=self.lr,
            momentum=self.momentum,
            weight_decay=self.weight_decay,
            batch_size=self.batch_size,
            seed=self.seed,
            paused=self.paused,
        )

    def loss_now(self) -> float:
        """The smooth loss the noisy batch losses scatter around."""
        p = self.progress
        return 0.04 + 2.26 * math.exp(-p / 3.0) + 0.25 * math.exp(-p / 40.0)

    def train(self, steps: int) -> list[ev.Event]:
        """Run ``steps`` steps: BatchesEnded (one per epoch touched), an evaluation at each epoch
        end, Finished after the last epoch, or Diverged + Paused when the lr is too high."""
        out: list[ev.Event] = []
        losses: list[float] = []
        accs: list[float] = []
        first = self.step + 1
        for _ in range(steps):
            if self.finished:
                break
            if self.lr >= 1.0:  # the synthetic network "diverges" at lr ≥ 1
                out.extend(self._flush(first, losses, accs))
                out.append(
                    ev.Diverged(
                        step=self.step + 1,
                        loss=math.inf,
                        restored_step=self.step,
                        message=f"loss became inf at lr {self.lr:g}: "
                        "press - to lower it, then space",
                    )
                )
                out.append(ev.Paused(step=self.step, reason="diverged"))
                self.paused = True
                return out
            self.step += 1
            # effective learning: momentum amplifies the lr by 1 / (1 − momentum)
            self.progress += min(self.lr / (1.0 - self.momentum), 0.5) * 0.05
            smooth = self.loss_now()
            loss = smooth * math.exp(self.rng.gauss(0.0, 0.35))
            acc = min(1.0, max(0.0, 1.0 - smooth / 2.4 + self.rng.gauss(0.0, 0.05)))
            losses.append(loss)
            accs.append(round(acc * self.batch_size) / self.batch_size)
            self.position = min(self.train_size, self.position + self.batch_size)
            if self.position >= self.train_size:
                out.extend(self._flush(first, losses, accs))
                losses, accs, first = [], [], self.step + 1
                out.append(self.evaluate())
                if self.epoch == self.epochs:
                    self.finished = True
                    out.append(ev.Finished(step=self.step, epoch=self.epoch, reason="finished"))
                    break
                self.epoch += 1
                self.position = 0
        out.extend(self._flush(first, losses, accs))
        return out

    def _flush(self, first: int, losses: list[float], accs: list[float]) -> list[ev.Event]:
        if not losses:
            return []
        event = ev.BatchesEnded(
            epoch=self.epoch,
            first_step=first,
            losses=tuple(losses),
            accuracies=tuple(accs),
            lr=self.lr,
            momentum=self.momentum,
            batch_size=self.batch_size,
            images_per_s=self.images_per_s * self.rng.uniform(0.95, 1.05),
            position=self.position,
            train_size=self.train_size,
        )
        losses.clear()
        accs.clear()
        return [event]

    def evaluate(self) -> ev.Evaluated:
        """Per-class accuracy approaching ``FINAL_ERROR``; confusions go mostly to the look-alike
        digit; one ``Mistake`` per misclassified image."""
        scale = self.test_size / sum(TEST_CLASS_COUNTS)
        counts = [max(1, round(n * scale)) for n in TEST_CLASS_COUNTS]
        learned = 1.0 - math.exp(-self.progress / 3.0)
        confusion = [[0] * 10 for _ in range(10)]
        mistakes: list[ev.Mistake] = []
        index = 0
        for c in range(10):
            acc = 0.1 + (1.0 - FINAL_ERROR[c] - 0.1) * learned
            right = round(counts[c] * acc)
            confusion[c][c] = right
            wrong = counts[c] - right
            for k in range(wrong):
                # half the errors go to the look-alike, the rest spread over the other digits
                other = CONFUSED_WITH[c] if k % 2 == 0 else (c + 1 + k % 9) % 10
                confusion[c][other] += 1
                p_pred = 0.5 + 0.4 * ((k * 7919) % 100) / 100
                probs = [(1.0 - p_pred) / 9] * 10
                probs[other] = p_pred
                mistakes.append(ev.Mistake(index + right + k, c, other, tuple(probs)))
            index += counts[c]
        total = sum(counts)
        correct = sum(confusion[c][c] for c in range(10))
        return ev.Evaluated(
            epoch=self.epoch,
            step=self.step,
            split="test",
            loss=self.loss_now() * 0.92,
            accuracy=correct / total,
            per_class_accuracy=tuple(confusion[c][c] / counts[c] for c in range(10)),
            confusion=tuple(tuple(row) for row in confusion),
            mistakes=tuple(mistakes),
            size=total,
            seconds=0.4,
        )

    def sample(self) -> ev.SampleViewed:
        """The next digit from a small pool (drawn and convolved once, then reused)."""
        if len(self._samples) < self._sample_pool:
            n = len(self._samples)
            key = (self.seed, self.filters, self.train_size, n)
            if key not in _SAMPLE_CACHE:
                digit = (7, 3, 2, 0, 4, 1, 9, 5, 8, 6)[n % 10]
                _SAMPLE_CACHE[key] = self._make_sample(digit, random.Random(repr(key)))
            self._samples.append(_SAMPLE_CACHE[key])
        s = self._samples[self._sample_index % len(self._samples)]
        self._sample_index += 1
        return self._with_prediction(s)

    def _with_prediction(self, s: ev.SampleViewed) -> ev.SampleViewed:
        """The stored sample with probabilities that sharpen as training progresses."""
        learned = 1.0 - math.exp(-self.progress / 3.0)
        rng = random.Random(self.step * 31 + s.label)
        wrong = rng.random() > 0.1 + 0.88 * learned
        guess = CONFUSED_WITH[s.label] if wrong else s.label
        logits = [rng.gauss(0.0, 0.5) for _ in range(10)]
        logits[guess] += 1.0 + 6.0 * learned
        logits[CONFUSED_WITH[s.label]] += 1.5 * learned
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        probs = tuple(v / total for v in exps)
        predicted = max(range(10), key=probs.__getitem__)
        return ev.SampleViewed(
            step=self.step,
            source=s.source,
            index=s.index,
            label=s.label,
            image=s.image,
            probabilities=probs,
            predicted=predicted,
            layers=s.layers,
        )

    def _make_sample(self, digit: int, rng: random.Random) -> ev.SampleViewed:
        image = draw_digit(digit, rng)
        x = [[[image[r * SIDE + c] / 255 for c in range(SIDE)] for r in range(SIDE)]]
        layers = []
        for kernels, biases in self._kernels:
            view, x = conv_view(x, kernels, biases)
            layers.append(view)
        return ev.SampleViewed(
            step=self.step,
            source="train",
            index=rng.randrange(self.train_size),
            label=digit,
            image=image,
            probabilities=(0.1,) * 10,
            predicted=digit,
            layers=tuple(layers),
        )

    def _make_kernels(self) -> list[tuple[list[tuple[float, ...]], list[float]]]:
        layers = []
        c_in = 1
        for n, filters in enumerate(self.filters):
            kernels = []
            for f in range(filters):
                if n == 0:
                    base = _BASE_KERNELS[f % len(_BASE_KERNELS)]
                    k = tuple(0.25 * v + self.rng.gauss(0.0, 0.05) for v in base)
                else:
                    k = tuple(self.rng.gauss(0.0, 0.35) for _ in range(c_in * 9))
                kernels.append(k)
            layers.append((kernels, [self.rng.uniform(-0.05, 0.05) for _ in range(filters)]))
            c_in = filters
        return layers

    # ---- answering commands ---------------------------------------------------------------

    def answer(self, command: cmd.Command) -> list[ev.Event]:
        """What the trainer would send back for ``command``."""
        if self.finished and not isinstance(command, cmd.Stop):
            return [ev.CommandRefused(self.step, type(command).__name__, "the run has ended")]
        match command:
            case cmd.Pause():
                self.paused = True
                return [ev.Paused(step=self.step)]
            case cmd.Resume():
                self.paused = False
                return [ev.Resumed(step=self.step)]
            case cmd.Step(batches=n):
                if not self.paused:
                    return [ev.CommandRefused(self.step, "Step", "step works while paused")]
                events = self.train(n)
                if not any(isinstance(e, ev.Paused | ev.Finished) for e in events):
                    events.append(ev.Paused(step=self.step, reason="stepped"))
                return events
            case cmd.SetHyperparameters():
                return [self._set(command)]
            case cmd.Evaluate():
                return [self.evaluate()]
            case cmd.RequestSample():
                return [self.sample()]
            case cmd.SaveSnapshot():
                return [ev.SnapshotSaved(self.step, f"snapshots/run-step{self.step:07d}.npz")]
            case cmd.Stop(save=save):
                self.finished = True
                out: list[ev.Event] = []
                if save:
                    out.append(
                        ev.SnapshotSaved(self.step, f"snapshots/run-step{self.step:07d}.npz")
                    )
                out.append(ev.Finished(step=self.step, epoch=self.epoch, reason="stopped"))
                return out
        return []

    def _set(self, c: cmd.SetHyperparameters) -> ev.Event:
        changed = []
        try:
            new_lr = self.lr if c.lr is None else check_float("learning rate", c.lr, *LR_RANGE)
            new_m = self.momentum
            if c.momentum is not None:
                new_m = check_float("momentum", c.momentum, *MOMENTUM_RANGE)
            new_wd = self.weight_decay
            if c.weight_decay is not None:
                new_wd = check_float("weight decay", c.weight_decay, *WEIGHT_DECAY_RANGE)
            new_bs = self.batch_size
            if c.batch_size is not None:
                new_bs = check_int("batch size", c.batch_size, 1, self.train_size)
        except ConfigError as error:
            return ev.CommandRefused(self.step, "SetHyperparameters", str(error))
        for name, old, new in (
            ("lr", self.lr, new_lr),
            ("momentum", self.momentum, new_m),
            ("batch_size", self.batch_size, new_bs),
            ("weight_decay", self.weight_decay, new_wd),
        ):
            if old != new:
                changed.append(name)
        self.lr, self.momentum, self.batch_size, self.weight_decay = new_lr, new_m, new_bs, new_wd
        return ev.HyperparametersChanged(
            step=self.step,
            lr=self.lr,
            momentum=self.momentum,
            batch_size=self.batch_size,
            weight_decay=self.weight_decay,
            changed=tuple(changed),
        )
