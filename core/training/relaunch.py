"""Provides ``Relaunch``: the dashboard's current run as its timeline sees it — its snapshots, the
names already taken — and the new trainers the timeline starts from it: a branch from one of its
snapshots with other hyperparameters, or a fresh run with another architecture.

Every run has its own folder in the snapshot folder (core/runs/): a branch gets a new one whose
run.json names its parent and the step (``core/runs/branch.py``), a fresh run a new one too
(``core/runs/plan.py``). A new run is described by a new ``TrainerSpec`` (the current one with
what changes) and handed back as a ``Launch``: a link not started yet, the ``Relaunch`` of the
new run (the timeline then follows it) and, for a branch, its ``Lineage``.

Nothing here stops or starts a trainer: the dashboard does (tui/dashboard/switching.py), and
only once the new run is ready — a snapshot that fails to load, or a name already taken, is a
``RelaunchError`` of one line and the current run goes on. The parent run's files are never
written: the branch writes in its own folder under its own name, and a run only ever prunes
snapshots it wrote itself (core/snapshot/retention.py).

``RunControl`` is the interface the UI uses; the demo's fake (tui/demo/fake_runs.py) keeps it too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from cnn_tui.core.contract.config import Architecture, ConfigError, Hyperparameters
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.contract.timeline import BranchRun, FreshRun, Lineage, SnapshotEntry
from cnn_tui.core.runs.branch import BranchError, branch_spec
from cnn_tui.core.runs.folder import list_runs
from cnn_tui.core.runs.plan import plan_run
from cnn_tui.core.runs.record import RunRecordError, read_run
from cnn_tui.core.snapshot.errors import SnapshotError
from cnn_tui.core.snapshot.names import clean_run_name, parse_snapshot_name
from cnn_tui.core.training.link import TrainerLink, TrainerSpec

MakeLink = Callable[[TrainerSpec], TrainerLink]


class RelaunchError(ValueError):
    """The new run cannot be started as asked; ``str()`` is one line saying why."""


@dataclass(frozen=True, slots=True)
class Launch:
    """A new run ready to start: its link (not started), its control, where it came from."""

    link: TrainerLink
    control: RunControl
    lineage: Lineage | None  # None: a fresh run
    summary: str  # one line for the user, e.g. "run-b2: branched from run at step 1,200"
    source: str | None = None  # the snapshot a branch starts from: the old run must keep it


class RunControl(Protocol):
    """What the timeline reads of the current run and asks of it."""

    @property
    def run_name(self) -> str: ...

    @property
    def architecture(self) -> Architecture:
        """The current run's network (the fresh-run form starts from it)."""
        ...

    @property
    def can_launch(self) -> str:
        """Why no new run can start from here ("" when one can)."""
        ...

    def snapshots(self) -> list[SnapshotEntry]:
        """The run's snapshots, oldest step first (unreadable ones with their ``problem``)."""
        ...

    def name_problem(self, name: str) -> str | None:
        """Why ``name`` cannot be a new run's name (taken, or not a clean name), or None."""
        ...

    def suggest_name(self, kind: str) -> str:
        """A free name for a new run: ``<run>-b1`` for a branch ("b"), ``<run>-a1`` for a new
        architecture ("a")."""
        ...

    def branch(self, request: BranchRun) -> Launch: ...

    def fresh(self, request: FreshRun) -> Launch: ...


class Relaunch:
    """The real ``RunControl``: a run described by its ``TrainerSpec``; ``make_link`` builds the
    link of a new spec (a process link in the app, a thread link in tests)."""

    def __init__(self, spec: TrainerSpec, make_link: MakeLink) -> None:
        self.spec = spec
        self.make_link = make_link

    @property
    def run_name(self) -> str:
        return clean_run_name(self.spec.run_name)

    @property
    def architecture(self) -> Architecture:
        return self.spec.config.arch

    @property
    def can_launch(self) -> str:
        if self.spec.snapshot_dir is None:
            return "this run saves no snapshots (--no-snapshots): nothing to branch from or into"
        return ""

    @property
    def folder(self) -> Path | None:
        return Path(self.spec.snapshot_dir) if self.spec.snapshot_dir else None

    # ---- reading ------------------------------------------------------------------------------

    def snapshots(self) -> list[SnapshotEntry]:
        """This run's snapshots and, for a branch, its parent's up to the branch point (and so
        on up the line), oldest step first; an unreadable one with its ``problem``."""
        from cnn_tui.core.snapshot.peek import peek_snapshot

        entries = []
        for path, run in self._paths():
            try:
                entries.append(peek_snapshot(path))
            except SnapshotError as error:
                parsed = parse_snapshot_name(path.name)
                epoch, step = (parsed.epoch, parsed.step) if parsed else (0, 0)
                entries.append(
                    SnapshotEntry(str(path), path.name, epoch, step, problem=str(error), run=run)
                )
        return sorted(entries, key=lambda e: (e.step, e.name))

    def _paths(self) -> list[tuple[Path, str]]:
        """(path, run) of the run's snapshots, then of its ancestors' up to each branch point
        (read from their run.json; a broken one ends the line there)."""
        if self.folder is None:
            return []
        own = _snapshot_files(self.folder, self.run_name)
        paths = [(self.folder / n, self.run_name) for n in own]
        run, root, seen = self.spec.run, self.root, set[str]()
        parent, limit = (run.parent_run, run.parent_step) if run else (None, None)
        while parent and limit is not None and root is not None and parent not in seen:
            seen.add(parent)
            try:
                record = read_run(root / parent)
            except RunRecordError:
                break
            for name in _snapshot_files(root / parent, record.name):
                parsed = parse_snapshot_name(name)
                if parsed is not None and parsed.step <= limit:
                    paths.append((root / parent / name, record.name))
            parent, limit = record.parent_run, record.parent_step
        return paths

    @property
    def root(self) -> Path | None:
        """The snapshot folder the run folders are in (without run folders: the run's own)."""
        if self.spec.run is not None:
            return Path(self.spec.run.snapshot_dir)
        return self.folder

    def taken_names(self) -> set[str]:
        """The names of the runs in the snapshot folder (run folders, and loose snapshots of
        runs from before run folders), this one's included."""
        root, taken = self.root, {self.run_name}
        if root is None:
            return taken
        try:
            taken |= {r.record.name for r in list_runs(root).runs}
            names = [e.name for e in os.scandir(root)]
        except (LookupError, OSError):
            names = []
        return taken | {p.run for n in names if (p := parse_snapshot_name(n))}

    def name_problem(self, name: str) -> str | None:
        name = name.strip()
        if not name:
            return "the new run needs a name"
        if clean_run_name(name) != name:
            return f"{name!r}: a run name is letters, digits, '.' and '-' (at most 40)"
        if name in self.taken_names():
            return f"a run named {name!r} already has snapshots here; pick another name"
        return None

    def suggest_name(self, kind: str) -> str:
        taken, base, n = self.taken_names(), self.run_name[:34], 1
        while f"{base}-{kind}{n}" in taken:
            n += 1
        return f"{base}-{kind}{n}"

    # ---- starting a new run ------------------------------------------------------------------

    def _checked_name(self, name: str) -> str:
        if self.can_launch:
            raise RelaunchError(self.can_launch)
        problem = self.name_problem(name)
        if problem:
            raise RelaunchError(problem)
        return name.strip()

    def branch(self, request: BranchRun) -> Launch:
        """A run named ``request.run_name`` resumed from ``request.snapshot`` (fully loaded and
        checked now) with the requested hyperparameters and epochs."""
        from cnn_tui.core.snapshot.load import load_snapshot

        name = self._checked_name(request.run_name)
        try:
            state = load_snapshot(Path(request.snapshot))
        except SnapshotError as error:
            raise RelaunchError(str(error)) from None
        done = state.epoch - 1
        if request.epochs <= done:  # as --resume refuses it (tui/cli/run_config.py)
            raise RelaunchError(
                f"the snapshot has finished {done} epoch(s): epochs must be more than {done}"
            )
        try:
            hyper = Hyperparameters(
                request.lr, request.momentum, request.weight_decay, request.batch_size
            )
            config = replace(
                state.config,
                hyper=hyper,
                epochs=request.epochs,
                engine=self.spec.config.engine,
                precision=self.spec.config.precision,
                class_names=self.spec.config.class_names,
            )
        except ConfigError as error:
            raise RelaunchError(str(error)) from None
        state = replace(state, config=config)
        spec = self._branch_spec(Path(request.snapshot), state, name)
        parsed = parse_snapshot_name(Path(request.snapshot).name)
        lineage = Lineage(parsed.run if parsed else self.run_name, state.step)
        summary = f"{name}: {lineage.describe()}"
        link, control = self.make_link(spec), Relaunch(spec, self.make_link)
        return Launch(link, control, lineage, summary, source=request.snapshot)

    def _branch_spec(self, snapshot: Path, state: RunState, name: str) -> TrainerSpec:
        """The branch's spec: a new run folder naming its parent (core/runs/branch.py), or,
        for a run kept without run folders, the same folder under the new name."""
        if self.spec.run is None:
            return replace(
                self.spec,
                config=state.config,
                state=state,
                resumed_from=str(snapshot),
                run_name=name,
                start_paused=False,
            )
        try:
            spec = branch_spec(self.spec, snapshot, state, name)
        except (BranchError, RunRecordError) as error:
            raise RelaunchError(str(error)) from None
        return replace(spec, start_paused=False)

    def fresh(self, request: FreshRun) -> Launch:
        """A run named ``request.run_name`` from scratch with the requested architecture and
        the current run's other settings (its hyperparameters as it started, its epochs)."""
        name = self._checked_name(request.run_name)
        try:
            arch = Architecture(request.filters, request.filters2, request.hidden)
        except ConfigError as error:
            raise RelaunchError(str(error)) from None
        config = replace(self.spec.config, arch=arch)
        spec = replace(
            self.spec,
            config=config,
            state=None,
            resumed_from=None,
            run_name=name,
            start_paused=False,
        )
        if self.root is not None and self.spec.run is not None:  # its own run folder
            plan = plan_run(self.root, name)
            spec = replace(spec, run=plan, snapshot_dir=plan.folder, run_name=plan.name)
        summary = f"{name}: a new run, {arch.describe()}"
        return Launch(self.make_link(spec), Relaunch(spec, self.make_link), None, summary)


def _snapshot_files(folder: Path, run_name: str) -> list[str]:
    """The file names of ``run_name``'s snapshots in ``folder``."""
    try:
        names = [e.name for e in os.scandir(folder) if e.is_file()]
    except OSError:
        return []
    return [n for n in names if (p := parse_snapshot_name(n)) and p.run == run_name]
