"""Provides a stand-alone demo: the dashboard over ``DemoLink``, a fake trainer that advances a
``SyntheticTrainer`` in real time (no network, no data, no second process).

    python -m cnn_tui.tui.demo [--speed STEPS_PER_S] [--filters 8[,16]] [--paused] [--seed N]

Handy for trying the dashboard, tmux/screenshot checks and snapshot apps. Raising the learning
rate to 1 or more (press + a few times) makes the synthetic run diverge.
"""

from __future__ import annotations

import argparse
import time
from collections import deque

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.demo.synthetic import SyntheticTrainer


class DemoLink:
    """A ``TrainerLink`` whose trainer runs inside ``drain()``: it trains as many synthetic steps
    as the wall time since the last drain allows, a sample every ``sample_every`` seconds."""

    def __init__(
        self,
        trainer: SyntheticTrainer | None = None,
        *,
        steps_per_s: float = 60.0,
        sample_every: float = 0.3,
        clock: object = time.monotonic,
    ) -> None:
        self.trainer = trainer or SyntheticTrainer()
        self.steps_per_s = steps_per_s
        self.sample_every = sample_every
        self._clock = clock
        self._queue: deque[ev.Event] = deque()
        self._alive = False
        self._last = 0.0
        self._carry = 0.0
        self._last_sample = 0.0

    def start(self) -> None:
        self._alive = True
        self._last = self._last_sample = self._now()
        self._queue.append(self.trainer.started())
        self._queue.append(self.trainer.sample())

    def _now(self) -> float:
        return self._clock()  # type: ignore[operator]

    def send(self, command: cmd.Command) -> None:
        self._queue.extend(self.trainer.answer(command))
        if isinstance(command, cmd.Stop):
            self._alive = False

    def drain(self, max_events: int = 1000) -> list[ev.Event]:
        now = self._now()
        if self._alive and not self.trainer.paused and not self.trainer.finished:
            self._carry += (now - self._last) * self.steps_per_s
            steps = int(self._carry)
            self._carry -= steps
            if steps:
                self.trainer.images_per_s = self.steps_per_s * self.trainer.batch_size
                self._queue.extend(self.trainer.train(steps))
            if now - self._last_sample >= self.sample_every:
                self._last_sample = now
                self._queue.append(self.trainer.sample())
        self._last = now
        out = []
        while self._queue and len(out) < max_events:
            out.append(self._queue.popleft())
        return out

    def stop(self, timeout: float = 5.0) -> None:
        self._alive = False

    @property
    def alive(self) -> bool:
        return self._alive


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m cnn_tui.tui.demo", description=__doc__)
    parser.add_argument("--speed", type=float, default=60.0, help="synthetic steps per second")
    parser.add_argument("--filters", default="8", help="filters per conv layer, e.g. 8 or 8,16")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--paused", action="store_true", help="start paused")
    args = parser.parse_args(argv)
    try:
        filters = tuple(int(f) for f in args.filters.split(","))
    except ValueError:
        parser.error(f"--filters {args.filters!r} is not a list of whole numbers")
    from cnn_tui.tui.dashboard.app import DashboardApp  # Textual only once the arguments are fine

    trainer = SyntheticTrainer(
        seed=args.seed, filters=filters, epochs=args.epochs, paused=args.paused
    )
    DashboardApp(DemoLink(trainer, steps_per_s=args.speed), title="cnn-tui demo").run()


if __name__ == "__main__":
    main()
