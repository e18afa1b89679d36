"""Provides ``TrainingState``: everything the dashboard shows, folded from the trainer's events.

Pure Python (no Textual): ``apply(event)`` updates the state and returns the names of the panels
that changed; ``requested(command)`` records what the user asked for, so the status can say
"pausing…" until the trainer's answer arrives. The state holds only acknowledged values: lr,
batch size, momentum and the run state change when the trainer says so, never when asked. A
verdict on the run comes in as data too: ``not_learning`` (the dashboard screen runs the learning
check of ``core/training/learning_check.py``; widgets read this state and never import training).

Memory stays bounded however long the run: per-step metrics live in ``BucketSeries`` (fixed size),
the change log and evaluation list are capped, and only the latest ``Evaluated`` keeps its
mistakes.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.contract.timeline import Lineage
from cnn_tui.tui.dashboard.records import EvalPoint, Marker, restored_evaluation
from cnn_tui.tui.dashboard.series import BucketSeries
from cnn_tui.tui.dashboard.wording import PENDING_KIND, change_text, pending_line

PANELS = ("status", "loss", "accuracy", "classes", "input", "features")
"""Names ``apply`` returns: one per dashboard panel."""

MAX_CHANGES = 1000
MAX_EVALS = 2000
REEVALUATING = "re-evaluating the resumed network…"
"""The pending line while the trainer evaluates a resumed run's network (for its mistakes)."""


@dataclass(slots=True)
class TrainingState:
    """What the dashboard shows. Fields are read by widgets; only ``apply`` and ``requested``
    change them."""

    # the run, from TrainingStarted
    engine: str = "?"
    architecture: str = ""
    class_names: tuple[str, ...] = ()  # () = MNIST's digits (core/contract/class_names.py)
    epochs: int = 0
    steps_per_epoch: int = 0
    train_size: int = 0
    test_size: int = 0
    # where training is
    epoch: int = 0
    step: int = 0
    position: int = 0
    epoch_first_step: int = 0  # steps taken before the current epoch
    images_per_s: float = 0.0
    # acknowledged hyperparameters
    lr: float = math.nan
    momentum: float = math.nan
    batch_size: int = 0
    weight_decay: float = 0.0
    # "starting", "running", "paused", "finished", "stopped", "failed", "diverged"
    run_state: str = "starting"
    # what the user asked for and the trainer has not answered yet, by kind
    pending: dict[str, str] = field(default_factory=dict)
    message: str = ""  # the last thing worth a line: a refusal, a divergence, a failure
    warning: str = ""  # a run stuck at chance level (see ``not_learning``); "" after a change
    # history
    losses: BucketSeries = field(default_factory=BucketSeries)
    accuracies: BucketSeries = field(default_factory=BucketSeries)
    epoch_starts: list[int] = field(default_factory=list)  # first step of each epoch after the 1st
    markers: deque[Marker] = field(default_factory=lambda: deque(maxlen=MAX_CHANGES))
    evaluations: deque[EvalPoint] = field(default_factory=lambda: deque(maxlen=MAX_EVALS))
    latest_eval: ev.Evaluated | None = None  # with its mistakes (for the inspector)
    latest_eval_restored: bool = False  # latest_eval is the snapshot's record: no mistakes
    previous_class_accuracy: tuple[float, ...] | None = None
    sample: ev.SampleViewed | None = None
    last_snapshot: str = ""
    eta_seconds: float | None = None
    lineage: Lineage | None = None  # a branched run: its parent and the step (the chart's ┼)

    # ---- the user's requests -------------------------------------------------------------

    def requested(self, command: cmd.Command) -> set[str]:
        """Note a command just sent; the status shows it as pending until it is answered."""
        line = pending_line(command)
        if line is None:
            return set()
        kind, text = line
        self.pending[kind] = text
        return {"status"}

    # ---- the trainer's events ------------------------------------------------------------

    def apply(self, event: ev.Event) -> set[str]:
        """Fold one event in; return the names of the panels that changed (see ``PANELS``)."""
        match event:
            case ev.TrainingStarted():
                return self._started(event)
            case ev.HistoryRestored():
                return self._restored(event)
            case ev.BatchesEnded():
                return self._batches(event)
            case ev.Evaluated():
                return self._evaluated(event)
            case ev.SampleViewed(saliency_target=target):
                if target >= 0:  # an answer to the inspector's request, not the live input
                    return set()
                self.sample = event
                return {"input", "features"}
            case ev.Paused(step=step, reason=reason):
                self.step = max(self.step, step)
                self.pending.pop("run", None)
                if reason != "diverged":
                    self.run_state = "paused"
                    self._mark(step, "paused", "paused")
                return {"status", "loss"}
            case ev.Resumed(step=step):
                self.pending.pop("run", None)
                self.run_state = "running"
                self.message = ""
                self._mark(step, "resumed", "resumed")
                return {"status", "loss"}
            case ev.HyperparametersChanged():
                return self._hyper(event)
            case ev.CommandRefused(command=name, reason=reason):
                self.pending.pop(PENDING_KIND.get(name, name), None)
                self.message = f"refused: {reason}"
                return {"status"}
            case ev.Diverged():
                self.pending.pop("run", None)
                self.run_state = "diverged"
                self.step = event.restored_step
                self.message = event.message
                self._mark(event.step, "diverged", "diverged")
                return {"status", "loss"}
            case ev.SnapshotSaved(path=path):
                self.pending.pop("snapshot", None)
                self.last_snapshot = path
                return {"status"}
            case ev.SnapshotFailed(reason=reason):
                self.pending.pop("snapshot", None)
                self.message = f"snapshot failed: {reason}"
                return {"status"}
            case ev.Finished():
                self.pending.clear()
                self.step = max(self.step, event.step)
                self.run_state = event.reason if event.reason in _END_STATES else "finished"
                if event.message:
                    self.message = event.message
                self.eta_seconds = None
                return {"status"}
        return set()

    def _started(self, e: ev.TrainingStarted) -> set[str]:
        self.engine, self.architecture = e.engine, e.architecture
        self.epochs, self.epoch, self.step = e.epochs, e.epoch, e.step
        self.position, self.epoch_first_step = e.position, e.step  # HistoryRestored refines it
        self.steps_per_epoch = e.steps_per_epoch
        self.train_size, self.test_size = e.train_size, e.test_size
        self.lr, self.momentum, self.batch_size = e.lr, e.momentum, e.batch_size
        self.weight_decay = e.weight_decay
        self.class_names = e.class_names
        self.run_state = "paused" if e.paused else "running"
        return {"status", "loss", "accuracy", "classes", "input"}

    def _restored(self, e: ev.HistoryRestored) -> set[str]:
        self.losses.clear()
        self.accuracies.clear()
        self.epoch_starts.clear()
        self.epoch_first_step = sum(1 for epoch in e.epochs if epoch < self.epoch)
        previous_epoch = e.epochs[0] if e.epochs else 0
        for i, (loss, acc, epoch) in enumerate(zip(e.losses, e.accuracies, e.epochs, strict=False)):
            step = i + 1  # step k is at index k − 1
            self.losses.append(step, loss)
            self.accuracies.append(step, acc)
            if epoch != previous_epoch:
                self.epoch_starts.append(step)
                previous_epoch = epoch
        for change in e.changes:
            self._mark(change.step, change.kind, change_text(change.kind, change.old, change.new))
        for record in e.evaluations:
            self.evaluations.append(
                EvalPoint(record.step, record.epoch, record.loss, record.accuracy)
            )
        if e.evaluations:  # the per-class panel shows the last one at once
            *earlier, last = e.evaluations
            self.latest_eval, self.latest_eval_restored = restored_evaluation(last), True
            self.previous_class_accuracy = earlier[-1].per_class_accuracy if earlier else None
        if e.reevaluating:
            self.pending["eval"] = REEVALUATING
        return {"loss", "accuracy", "status", "classes"}

    def _batches(self, e: ev.BatchesEnded) -> set[str]:
        if self.epoch and e.epoch != self.epoch:
            self.epoch_starts.append(e.first_step)
        if e.epoch != self.epoch:
            self.epoch_first_step = e.first_step - 1
        for i, (loss, acc) in enumerate(zip(e.losses, e.accuracies, strict=False)):
            self.losses.append(e.first_step + i, loss)
            self.accuracies.append(e.first_step + i, acc)
        self.epoch, self.step = e.epoch, e.last_step
        self.position, self.train_size = e.position, e.train_size
        self.lr, self.momentum, self.batch_size = e.lr, e.momentum, e.batch_size
        self.images_per_s = e.images_per_s
        if self.run_state in ("starting", "diverged") and "run" not in self.pending:
            self.run_state = "running"
        self._update_eta()
        return {"status", "loss", "accuracy"}

    def not_learning(self, reason: str, summary: str, move: str) -> set[str]:
        """The learning check found the run stuck: ``reason`` a sentence, ``summary`` its evidence
        in a few words, ``move`` "lower" or "higher" (the learning rate). Warn with what to do;
        the status line says it unless something else holds the line."""
        key, verb = ("−", "halves") if move == "lower" else ("+", "doubles")
        self.warning = f"{reason} — try a {move} learning rate ({key} {verb} it)"
        self.message = self.message or f"not learning ({summary}) · {key} {verb} the lr"
        return {"status"}

    def _update_eta(self) -> None:
        """Images left in the run divided by the recent throughput."""
        if self.images_per_s <= 0 or not self.epochs or not self.train_size:
            self.eta_seconds = None
            return
        left = (self.epochs - self.epoch) * self.train_size + (self.train_size - self.position)
        self.eta_seconds = max(0.0, left / self.images_per_s)

    def _evaluated(self, e: ev.Evaluated) -> set[str]:
        """A new evaluation; the resumed network's replaces the restored one it repeats."""
        latest, point = self.latest_eval, EvalPoint(e.step, e.epoch, e.loss, e.accuracy)
        again = self.latest_eval_restored and latest is not None and latest.step == e.step
        if latest is not None and not again:
            self.previous_class_accuracy = latest.per_class_accuracy
        self.latest_eval, self.latest_eval_restored = e, False
        if again and self.evaluations and self.evaluations[-1].step == e.step:
            self.evaluations[-1] = point
        else:
            self.evaluations.append(point)
        self.pending.pop("eval", None)
        return {"loss", "accuracy", "classes", "status"}

    def _hyper(self, e: ev.HyperparametersChanged) -> set[str]:
        old = {"lr": self.lr, "momentum": self.momentum, "batch_size": self.batch_size}
        old["weight_decay"] = self.weight_decay
        self.lr, self.momentum, self.batch_size = e.lr, e.momentum, e.batch_size
        self.weight_decay = e.weight_decay
        self.pending.pop("hyper", None)
        self.message = ""
        if e.changed:  # the user changed something: the run is judged afresh
            self.warning = ""
        for name in e.changed:
            new = getattr(e, name, None)
            self._mark(e.step, name, change_text(name, old.get(name), new))
        if "batch_size" in e.changed and self.train_size:
            left = math.ceil(max(0, self.train_size - self.position) / e.batch_size)
            self.message = f"epoch recounted: {left:,} steps of {e.batch_size} left"
        return {"status", "loss"}

    def _mark(self, step: int, kind: str, text: str) -> None:
        self.markers.append(Marker(step, kind, text))

    # ---- derived values the widgets show -------------------------------------------------

    @property
    def headline(self) -> tuple[object, ...]:
        """What a key press or its answer changes on the status line (the dashboard repaints
        the status at once when it differs; counters such as the step wait their turn)."""
        return (
            self.run_state,
            tuple(self.pending.items()),
            self.message,
            self.lr,
            self.batch_size,
            self.momentum,
            self.weight_decay,
        )

    @property
    def status_word(self) -> str:
        """The run state with what is pending, e.g. "running · pausing…"."""
        pending = self.pending.get("run")
        return f"{self.run_state} · {pending}" if pending else self.run_state

    @property
    def step_in_epoch(self) -> int:
        """Steps taken in this epoch: the run's step count less the steps before the epoch."""
        return self.step - self.epoch_first_step

    @property
    def epoch_steps(self) -> int:
        """Steps this epoch will have: those taken, and the images left at the batch size in
        force (a batch-size change mid-epoch recounts the rest, not the steps already taken)."""
        if self.batch_size and self.train_size:
            left = max(0, self.train_size - self.position)
            return self.step_in_epoch + math.ceil(left / self.batch_size)
        return self.steps_per_epoch


_END_STATES = ("finished", "stopped", "failed")
