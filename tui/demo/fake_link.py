"""Provides ``FakeLink``: a ``TrainerLink`` with the synthetic trainer behind it — the one fake link
the UI tests, the demo and the benchmarks share.

* It plays a script: the events it was given (and ``feed``), oldest first, all on the first drain
  or ``per_drain`` at a time.
* It answers commands as the trainer would, through ``SyntheticTrainer.answer`` (Pause → Paused,
  SetHyperparameters → HyperparametersChanged or CommandRefused, Step → BatchesEnded + Paused, …,
  each test evaluation followed by its embedding map, demo/embedding.py, FindNearest → made-up
  neighbours, demo/nearest.py), and records every command sent. With ``hold=True`` the answers
  wait for ``release()``, so a test can see "pausing…" first.
* With ``steps_per_s`` it also trains on its own, in time with ``clock``: each ``event_interval``
  seconds of it become one ``BatchesEnded`` (the real trainer coalesces to 20 a second), with a
  sample (and a fresh view of a drawing being followed) every ``sample_every`` seconds. A clock
  that jumps ahead fast-forwards the run (the soak benchmark simulates hours that way).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.demo.embedding import with_maps
from cnn_tui.tui.demo.lr_sweep import ScriptedSweep
from cnn_tui.tui.demo.nearest import scripted_nearest
from cnn_tui.tui.demo.synthetic import SyntheticTrainer

_SLACK = 1e-9  # seconds: sums of event intervals are not exact in binary


class FakeLink:
    """A scripted, answering, optionally self-training stand-in for the trainer's link."""

    def __init__(
        self,
        events: Iterable[ev.Event] = (),
        *,
        trainer: SyntheticTrainer | None = None,
        steps_per_s: float = 0.0,
        event_interval: float = 0.05,
        sample_every: float = 0.3,
        clock: Callable[[], float] = time.monotonic,
        answer: bool = True,
        hold: bool = False,
        answer_stop: bool = True,
        snapshot_fails: str | None = None,
        per_drain: int | None = None,
        sweep: ScriptedSweep | None = None,
    ) -> None:
        self.trainer = trainer or SyntheticTrainer()
        self.steps_per_s = steps_per_s
        self.event_interval = event_interval
        self.sample_every = sample_every
        self.clock = clock
        self.answer = answer
        """False: commands are recorded, never answered."""
        self.hold = hold
        self.answer_stop = answer_stop
        """False: ``Stop`` is never answered (a trainer that hangs)."""
        self.snapshot_fails = snapshot_fails
        """A reason: ``SaveSnapshot`` is answered with ``SnapshotFailed`` giving it."""
        self.per_drain = per_drain
        self.sweep = sweep or ScriptedSweep()
        """Answers FindLr / StopLrFind with a made-up curve, a chunk per drain (lr_sweep.py)."""
        self.sent: list[cmd.Command] = []
        self.started = False
        self.stop_calls: list[float] = []
        self._queue: deque[ev.Event] = deque(events)
        self._held: list[ev.Event] = []
        self._alive = False
        self._trained_to = 0.0  # the clock time training has been emitted up to
        self._sampled_at = 0.0
        self._steps_owed = 0.0  # fractions of a step carried to the next event

    # ---- the TrainerLink interface ----------------------------------------------------------

    def start(self) -> None:
        self.started = True
        self._alive = True
        self._trained_to = self._sampled_at = self.clock()

    def send(self, command: cmd.Command) -> None:
        self.sent.append(command)
        if not self.answer or (isinstance(command, cmd.Stop) and not self.answer_stop):
            return
        if isinstance(command, cmd.SaveSnapshot) and self.snapshot_fails:
            answers: list[ev.Event] = [ev.SnapshotFailed(self.trainer.step, self.snapshot_fails)]
        elif isinstance(command, cmd.FindLr | cmd.StopLrFind):
            answers = self.sweep.answer(command, self.trainer.step)
        elif isinstance(command, cmd.FindNearest) and not self.trainer.finished:
            answers = [scripted_nearest(command, self.trainer.step)]  # demo/nearest.py
        else:
            answers = with_maps(self.trainer.answer(command))
        (self._held if self.hold else self._queue).extend(answers)

    def drain(self, max_events: int = 1000) -> list[ev.Event]:
        if self.steps_per_s and self._alive:
            self._train_until(self.clock())  # while a sweep runs the run waits: time stands still
        self._queue.extend(self.sweep.next_events())
        limit = max_events if self.per_drain is None else min(max_events, self.per_drain)
        out: list[ev.Event] = []
        while self._queue and len(out) < limit:
            out.append(self._queue.popleft())
        return out

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_calls.append(timeout)
        self._alive = False

    @property
    def alive(self) -> bool:
        return self._alive

    # ---- for tests and benchmarks -------------------------------------------------------------

    def release(self) -> None:
        """Deliver the held answers."""
        self._queue.extend(self._held)
        self._held.clear()

    def feed(self, *events: ev.Event) -> None:
        """Script more events."""
        self._queue.extend(events)

    @property
    def backlog(self) -> int:
        """Events waiting to be drained."""
        return len(self._queue)

    def sent_of(self, kind: type) -> list[cmd.Command]:
        return [c for c in self.sent if isinstance(c, kind)]

    # ---- training on its own ------------------------------------------------------------------

    def _train_until(self, now: float) -> None:
        """Emit the events of the training time from ``_trained_to`` up to ``now``."""
        trainer = self.trainer
        while self._trained_to + self.event_interval <= now + _SLACK:
            if trainer.paused or trainer.finished or self.sweep.running:
                break
            self._trained_to += self.event_interval
            self._steps_owed += self.steps_per_s * self.event_interval
            steps = int(self._steps_owed)
            self._steps_owed -= steps
            if steps:
                trainer.images_per_s = self.steps_per_s * trainer.batch_size
                self._queue.extend(with_maps(trainer.train(steps)))
            if self._trained_to - self._sampled_at >= self.sample_every - _SLACK:
                self._sampled_at = self._trained_to
                self._queue.append(trainer.sample())
                self._queue.extend(trainer.drawing.review(trainer.step, trainer.progress))
        if trainer.paused or trainer.finished or self.sweep.running:
            self._trained_to = self._sampled_at = now  # a pause is not made up for afterwards
