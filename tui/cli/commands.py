"""Provides ``train``, ``inspect`` and ``download``: the ``cnn-tui`` subcommands, once the flags
are read. Each returns an ``ExitCode``; a problem the user can fix is one line on stderr.

Only ``train`` without ``--headless`` and ``inspect`` import Textual (in ``launch``).
"""

from __future__ import annotations

import argparse
import signal
from pathlib import Path
from types import FrameType

from cnn_tui.core.contract.config import RunConfig
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.engines import missing_engine
from cnn_tui.core.runs.plan import RunPlan
from cnn_tui.core.snapshot.folder_lock import FolderLock
from cnn_tui.tui.cli.exit_codes import ExitCode, fail
from cnn_tui.tui.cli.run_config import UsageError
from cnn_tui.tui.cli.run_source import resolve_run


def train(args: argparse.Namespace) -> int:
    """``cnn-tui [train]``: find the data, build the run (or resume one), lock the snapshot
    folder, then train headless or with the dashboard."""
    if args.headless:
        from cnn_tui.tui.cli.headless import use_one_blas_thread

        use_one_blas_thread()  # before --resume loads a snapshot, which imports NumPy
    resolved = resolve_run(args)
    if isinstance(resolved, int):
        return resolved
    config, state, data_dir = resolved.config, resolved.state, resolved.data_dir
    snapshot_dir = None if args.no_snapshots else Path(args.snapshot_dir)
    lock = None
    plan = None
    if snapshot_dir is not None:
        lock, problem = _prepare_snapshot_dir(snapshot_dir)
        if problem:
            return fail(problem, ExitCode.SNAPSHOT)
    try:
        if snapshot_dir is not None:
            plan, problem = _plan(args, snapshot_dir, state)
            if problem:
                return fail(problem, ExitCode.SNAPSHOT)
        return _run(args, config, data_dir, state, plan)
    finally:
        if lock is not None:
            lock.release()


def _plan(
    args: argparse.Namespace, snapshot_dir: Path, state: RunState | None
) -> tuple[RunPlan | None, str | None]:
    """The run folder this run writes to (core/runs/plan.py: a new one, the resumed run's, or a
    branch's), and its leftover temp files cleaned: (the plan, None) or (None, the problem)."""
    from cnn_tui.core.runs.plan import plan_run
    from cnn_tui.core.runs.record import RunRecordError
    from cnn_tui.core.snapshot.names import clean_stale_temp

    try:
        plan = plan_run(
            snapshot_dir,
            args.run_name,
            resume=Path(args.resume) if args.resume else None,
            resume_step=state.step if state else 0,
        )
    except RunRecordError as error:
        return None, f"{error} (branch with --run-name NEW, or fix or move it)"
    clean_stale_temp(plan.path)
    return plan, None


def _run(
    args: argparse.Namespace,
    config: RunConfig,
    data_dir: Path,
    state: RunState | None,
    plan: RunPlan | None,
) -> int:
    """Train headless or with the dashboard, as the flags say; ``plan``: the run folder (None
    with --no-snapshots)."""
    run_name = plan.name if plan else args.run_name or _run_name_of(args.resume) or "run"
    snapshot_dir = plan.path if plan else None
    if args.headless:
        from cnn_tui.tui.cli.headless import run_headless

        return run_headless(
            config,
            data_dir,
            limit=args.limit,
            test_limit=args.test_limit,
            state=state,
            resumed_from=args.resume,
            snapshot_dir=snapshot_dir,
            run_name=run_name,
            keep=args.keep,
            max_steps=args.steps,
            metrics_path=Path(args.metrics) if args.metrics else None,
            serve=_serve_of(args, snapshot_dir),
            run=plan,
            health=bool(args.health),  # off headless unless asked
        )
    if args.metrics:
        raise UsageError("--metrics needs --headless")
    if args.serve:
        raise UsageError("--serve needs --headless (attach to it with `cnn-tui attach`)")
    from cnn_tui.tui.cli.launch import run_dashboard

    return run_dashboard(
        config,
        data_dir,
        limit=args.limit,
        test_limit=args.test_limit,
        state=state,
        resumed_from=args.resume,
        snapshot_dir=snapshot_dir,
        run_name=run_name,
        keep=args.keep,
        max_steps=args.steps,
        start_paused=args.paused,
        in_process=args.in_process,
        run=plan,
        health=args.health is not False,  # on in the dashboard unless --no-health
    )


def _serve_of(args: argparse.Namespace, snapshot_dir: Path | None) -> str | None:
    """``--serve``'s address; the socket and the token live in the run folder, so it needs one."""
    if args.serve and snapshot_dir is None:
        raise UsageError("--serve needs the snapshot folder (its run folder holds the token)")
    return str(args.serve) if args.serve else None


def _run_name_of(snapshot: str | None) -> str | None:
    """A resumed run keeps its name (read from the snapshot's file name)."""
    if not snapshot:
        return None
    from cnn_tui.core.snapshot.names import parse_snapshot_name

    parsed = parse_snapshot_name(Path(snapshot).name)
    return parsed.run if parsed else None


def _prepare_snapshot_dir(folder: Path) -> tuple[FolderLock | None, str | None]:
    """Create the snapshot folder, lock it for this run (D14: one run per folder) and clean
    stale temp files: (the held lock, None), or (None, the problem as a line)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return None, f"cannot use snapshot folder {folder}: {error.strerror or error}"
    if not folder.is_dir():
        return None, f"snapshot folder {folder} is not a folder"
    from cnn_tui.core.snapshot.names import clean_stale_temp

    lock = FolderLock(folder)
    problem = lock.acquire()
    if problem:
        return None, problem
    clean_stale_temp(folder)
    return lock, None


def download(args: argparse.Namespace) -> int:
    """``cnn-tui download``: fetch and verify the four files of MNIST (or ``--dataset``)."""
    from cnn_tui.core.data.download import DownloadError, download_mnist
    from cnn_tui.core.data.locate import download_dir
    from cnn_tui.core.data.progress_bar import stderr_progress
    from cnn_tui.core.data.sets import dataset_info

    info = dataset_info(args.dataset or "mnist")
    folder = download_dir(args.data, dataset=info.name)
    terminated: list[int] = []

    def on_terminate(signum: int, _frame: FrameType | None) -> None:
        terminated.append(signum)
        raise KeyboardInterrupt  # the download deletes its partial file on the way out

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_terminate)
    try:
        paths = download_mnist(
            folder,
            mirrors=info.mirrors,
            timeout=args.timeout,
            progress=stderr_progress(),
            files=info.files,
            title=info.title,
        )
    except DownloadError as error:
        return fail(str(error), ExitCode.NETWORK)
    except KeyboardInterrupt:
        code = ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED
        return fail("download interrupted; verified files were kept", code)
    print(f"{info.title} is ready in {folder} ({len(paths)} files verified)")
    return ExitCode.OK


def inspect(args: argparse.Namespace) -> int:
    """``cnn-tui inspect SNAPSHOT``: the misclassified-digit browser on a saved network."""
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.tui.cli.data_choice import choose_data

    problem = missing_engine(args.engine or "")
    if problem:
        return fail(problem, ExitCode.USAGE)
    if args.dataset:  # else the snapshot's own set, once it is read
        try:
            choose_data(args)
        except DataError as error:
            return fail(str(error), ExitCode.DATA)
    from cnn_tui.tui.cli.launch import run_inspector

    return run_inspector(
        Path(args.snapshot),
        lambda recorded: choose_data(args, default=recorded),
        engine=args.engine,
        test_limit=args.test_limit,
    )
