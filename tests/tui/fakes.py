"""Provides ``FakeLink``, a scripted ``TrainerLink`` for UI tests, and ``synthetic_stream``, a
realistic deterministic event stream (from ``cnn_tui.tui.demo.synthetic``).

``FakeLink`` replays its script (all of it on the first drain unless ``per_drain`` is set),
records every command sent, and answers commands as the trainer would (Pause → Paused,
SetHyperparameters → HyperparametersChanged or CommandRefused, Step → BatchesEnded + Paused, …).
With ``hold=True`` answers wait until ``release()``, so a test can see "pausing…" first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.demo.synthetic import SyntheticTrainer


def synthetic_stream(
    steps: int = 600, *, chunk: int = 20, samples: int = 1, seed: int = 0, **trainer_args: object
) -> tuple[SyntheticTrainer, list[ev.Event]]:
    """A run's first ``steps`` steps: TrainingStarted, BatchesEnded every ``chunk`` steps, a
    SampleViewed every ``samples``-th chunk, Evaluated at epoch ends (and one at the end).
    Returns the trainer (to answer later commands consistently) and the events."""
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


class FakeLink:
    """A ``TrainerLink`` that replays a script and answers commands like a trainer."""

    def __init__(
        self,
        events: Iterable[ev.Event] = (),
        *,
        trainer: SyntheticTrainer | None = None,
        answer: bool = True,
        hold: bool = False,
        answer_stop: bool = True,
        snapshot_fails: str | None = None,
        per_drain: int | None = None,
    ) -> None:
        self.trainer = trainer or SyntheticTrainer()
        self._queue: deque[ev.Event] = deque(events)
        self._held: list[ev.Event] = []
        self.sent: list[cmd.Command] = []
        self.answer = answer
        self.hold = hold
        self.answer_stop = answer_stop
        self.snapshot_fails = snapshot_fails
        self.per_drain = per_drain
        self.started = False
        self.stop_calls: list[float] = []
        self._alive = False

    def start(self) -> None:
        self.started = True
        self._alive = True

    def send(self, command: cmd.Command) -> None:
        self.sent.append(command)
        if not self.answer:
            return
        if isinstance(command, cmd.Stop) and not self.answer_stop:
            return
        if isinstance(command, cmd.SaveSnapshot) and self.snapshot_fails:
            answers: list[ev.Event] = [ev.SnapshotFailed(self.trainer.step, self.snapshot_fails)]
        else:
            answers = self.trainer.answer(command)
        (self._held if self.hold else self._queue).extend(answers)

    def release(self) -> None:
        """Deliver the held answers."""
        self._queue.extend(self._held)
        self._held.clear()

    def feed(self, *events: ev.Event) -> None:
        """Script more events."""
        self._queue.extend(events)

    def drain(self, max_events: int = 1000) -> list[ev.Event]:
        limit = max_events if self.per_drain is None else min(max_events, self.per_drain)
        out = []
        while self._queue and len(out) < limit:
            out.append(self._queue.popleft())
        return out

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_calls.append(timeout)
        self._alive = False

    @property
    def alive(self) -> bool:
        return self._alive

    def sent_of(self, kind: type) -> list[cmd.Command]:
        return [c for c in self.sent if isinstance(c, kind)]
