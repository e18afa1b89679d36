"""Provides ``FakeRunControl``: the timeline's ``RunControl`` (core/training/relaunch.py) over the
synthetic trainer — a list of snapshots to show, names taken, and new runs that are ``FakeLink``s
replaying a synthetic run — for the UI tests, the SVG snapshots and the demo.

A branch's link starts at the snapshot's step with the history before it (so the chart shows the
┼ at the branch point), then trains ``extra_steps`` more; a fresh run's starts from zero with the
new architecture. Snapshot paths listed in ``broken`` refuse to load, as a damaged file would.
Every request is recorded (``requests``), and every link made (``links``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from cnn_tui.core.contract import events as ev
from cnn_tui.core.contract.config import Architecture
from cnn_tui.core.contract.timeline import BranchRun, FreshRun, Lineage, SnapshotEntry
from cnn_tui.core.snapshot.names import clean_run_name
from cnn_tui.core.training.relaunch import Launch, RelaunchError
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import SyntheticTrainer


def fake_entries(steps: Iterable[int], *, steps_per_epoch: int = 1875) -> list[SnapshotEntry]:
    """Snapshots of a synthetic run at these steps, evaluated at each epoch's end."""
    out: list[SnapshotEntry] = []
    for step in steps:
        epoch = max(1, -(-step // steps_per_epoch))
        at_end = step % steps_per_epoch == 0
        name = f"20261207-1300{len(out):02d}_run_e{epoch:02d}_s{step:06d}.npz"
        out.append(
            SnapshotEntry(
                f"snapshots/{name}",
                name,
                epoch,
                step,
                accuracy=0.90 + 0.02 * epoch if at_end else None,
                loss=0.30 / epoch if at_end else None,
                lr=0.01,
                batch_size=32,
                momentum=0.9,
                weight_decay=0.0,
                epochs=5,
                epochs_done=epoch if at_end else epoch - 1,
                architecture="conv8 → dense128 → 10",
            )
        )
    return out


@dataclass
class FakeRunControl:
    """A scripted ``RunControl``."""

    entries: list[SnapshotEntry] = field(default_factory=list)
    run_name: str = "run"
    architecture: Architecture = field(default_factory=Architecture)
    taken: set[str] = field(default_factory=set)
    broken: set[str] = field(default_factory=set)
    can_launch: str = ""
    extra_steps: int = 400
    requests: list[BranchRun | FreshRun] = field(default_factory=list)
    links: list[FakeLink] = field(default_factory=list)

    def snapshots(self) -> list[SnapshotEntry]:
        return sorted(self.entries, key=lambda e: (e.step, e.name))

    def name_problem(self, name: str) -> str | None:
        name = name.strip()
        if not name:
            return "the new run needs a name"
        if clean_run_name(name) != name:
            return f"{name!r}: a run name is letters, digits, '.' and '-' (at most 40)"
        if name in self.taken | {self.run_name}:
            return f"a run named {name!r} already has snapshots here; pick another name"
        return None

    def suggest_name(self, kind: str) -> str:
        n = 1
        while self.name_problem(f"{self.run_name}-{kind}{n}"):
            n += 1
        return f"{self.run_name}-{kind}{n}"

    def branch(self, request: BranchRun) -> Launch:
        self.requests.append(request)
        if request.snapshot in self.broken:
            raise RelaunchError(f"{request.snapshot}: snapshot is corrupt or truncated")
        entry = next(e for e in self.entries if e.path == request.snapshot)
        trainer = SyntheticTrainer(
            seed=0,
            lr=request.lr,
            batch_size=request.batch_size,
            momentum=request.momentum,
            epochs=request.epochs,
        )
        history = trainer.train(entry.step) if entry.step else []
        losses = tuple(x for e in history if isinstance(e, ev.BatchesEnded) for x in e.losses)
        accs = tuple(x for e in history if isinstance(e, ev.BatchesEnded) for x in e.accuracies)
        epochs = tuple(e.epoch for e in history if isinstance(e, ev.BatchesEnded) for _ in e.losses)
        restored = ev.HistoryRestored(losses, accs, (request.lr,) * len(losses), epochs, (), ())
        lineage = Lineage(self.run_name, entry.step)
        child = self._child(request.run_name, self.architecture)
        script = [trainer.started(), restored, *self._more(trainer)]
        launch = self._launch(
            trainer, script, child, lineage, f"{request.run_name}: {lineage.describe()}"
        )
        return replace(launch, source=request.snapshot)

    def fresh(self, request: FreshRun) -> Launch:
        self.requests.append(request)
        arch = Architecture(request.filters, request.filters2, request.hidden)
        trainer = SyntheticTrainer(seed=1, filters=arch.conv_layers, hidden=arch.hidden)
        child = self._child(request.run_name, arch)
        script = [trainer.started(), *self._more(trainer)]
        summary = f"{request.run_name}: a new run, {arch.describe()}"
        return self._launch(trainer, script, child, None, summary)

    def _child(self, name: str, arch: Architecture) -> FakeRunControl:
        return FakeRunControl(run_name=name, architecture=arch, taken=self.taken | {self.run_name})

    def _more(self, trainer: SyntheticTrainer) -> list[ev.Event]:
        out: list[ev.Event] = []
        for _ in range(self.extra_steps // 40):
            out += trainer.train(40)
        return [*out, trainer.sample()]

    def _launch(
        self,
        trainer: SyntheticTrainer,
        script: list[ev.Event],
        child: FakeRunControl,
        lineage: Lineage | None,
        summary: str,
    ) -> Launch:
        link = FakeLink(script, trainer=trainer)
        self.links.append(link)
        return Launch(link, child, lineage, summary)
