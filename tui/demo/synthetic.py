"""Provides ``SyntheticTrainer``: a deterministic stand-in for the trainer that emits realistic
events (falling noisy loss, evaluations with per-class accuracy, confusion and mistakes, sampled
digits drawn procedurally with their feature maps) and answers commands the way the real trainer
does. It does no learning and no heavy math, so the demo, the UI tests, the snapshot tests and the
soak benchmark can all run the dashboard fast and reproducibly; ``synthetic_stream`` is a run's
start as a script. A real run never imports this package (an import-linter contract in
pyproject.toml); the fake link that plays it is ``tui/demo/fake_link.py``.

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
from cnn_tui.tui.demo.drawing import SyntheticDrawing, learned
from cnn_tui.tui.demo.samples import CONFUSED_WITH, SamplePool, make_kernels

TEST_CLASS_COUNTS = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)
"""Images per class in the MNIST test set."""
FINAL_ERROR = (0.010, 0.008, 0.025, 0.020, 0.022, 0.030, 0.015, 0.025, 0.035, 0.040)
"""Per-class error rate a small CNN reaches; the synthetic run approaches it."""


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
        kernels = make_kernels(filters, self.rng)
        self._samples = SamplePool((seed, filters, train_size), kernels, train_size, sample_pool)
        self.drawing = SyntheticDrawing(kernels)  # answers ViewDrawing (demo/drawing.py)

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
        """The next digit of the sample pool, predicted as well as the run has learned."""
        return self._samples.next(self.step, learned(self.progress))

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
            case cmd.ViewDrawing():
                return [self.drawing.answer(command, self.step, self.progress)]
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


def synthetic_stream(
    steps: int = 600, *, chunk: int = 20, samples: int = 1, seed: int = 0, **trainer_args: object
) -> tuple[SyntheticTrainer, list[ev.Event]]:
    """A run's first ``steps`` steps as a script: TrainingStarted, BatchesEnded every ``chunk``
    steps, a SampleViewed every ``samples``-th chunk, Evaluated at epoch ends (and one at the
    end). Returns the trainer (to answer later commands consistently) and the events."""
    trainer = SyntheticTrainer(seed=seed, **trainer_args)  # type: ignore[arg-type]
    events: list[ev.Event] = [trainer.started()]
    done = 0
    n = 0
    while done < steps and not trainer.finished:
        take = min(chunk, steps - done)
        events.extend(trainer.train(take))
        done += take
        n += 1
        if samples and n % samples == 0:
            events.append(trainer.sample())
    events.append(trainer.evaluate())
    events.append(trainer.sample())
    return trainer, events
