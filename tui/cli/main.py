"""Provides ``main``: the ``cnn-tui`` command line.

``cnn-tui [train]`` opens the dashboard (or trains with ``--headless``), ``cnn-tui inspect``
browses a saved network's mistakes, ``cnn-tui download`` fetches MNIST. Headless mode and
``download`` never import Textual. Every failure the user can cause ends with one line on stderr
and an exit code from design.md — never a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from cnn_tui.core.contract.config import (
    BATCH_SIZE_MAX,
    ENGINES,
    EPOCHS_RANGE,
    FILTERS_RANGE,
    HIDDEN_RANGE,
    LR_RANGE,
    MOMENTUM_RANGE,
    WEIGHT_DECAY_RANGE,
    Architecture,
    ConfigError,
    Hyperparameters,
    RunConfig,
    parse_float,
    parse_int,
)
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.folder_lock import FolderLock

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_SNAPSHOT = 4
EXIT_NETWORK = 5
EXIT_ENVIRONMENT = 6
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

SUBCOMMANDS = ("train", "inspect", "download")
DEFAULT_SNAPSHOT_DIR = "snapshots"


class UsageError(Exception):
    """A flag combination that argparse cannot check by itself (exit 2)."""


def _bounded_float(name: str, low: float, high: float) -> object:
    def parse(text: str) -> float:
        try:
            return parse_float(name, text, low, high)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = name  # argparse names the type in its messages
    return parse


def _bounded_int(name: str, low: int, high: int) -> object:
    def parse(text: str) -> int:
        try:
            return parse_int(name, text, low, high)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = name
    return parse


def _path(text: str) -> str:
    """A path flag's value: an empty one (``--data ""``) would silently mean the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; name a folder or file")
    return text


def _add_data_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        type=_path,
        help="folder with the four MNIST files (default: $CNN_TUI_DATA, ./data/mnist, "
        "then ~/.cache/cnn-tui/mnist)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cnn-tui",
        description="Train a from-scratch CNN on MNIST and watch it learn, live, in the terminal.",
        epilog="With no subcommand, `cnn-tui` means `cnn-tui train`: the live dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="{train,inspect,download}")

    train = sub.add_parser(
        "train",
        usage="%(prog)s [flags]",
        help="train with the live dashboard (or --headless)",
        description="Train the CNN. Opens the live dashboard unless --headless is given.",
    )
    _add_data_flag(train)
    net = train.add_argument_group("network (default: the report's conv 3×3×8 → dense 128 → 10)")
    net.add_argument(
        "--filters",
        metavar="N",
        type=_bounded_int("filters", *FILTERS_RANGE),
        help="first conv layer (8)",
    )
    net.add_argument(
        "--filters2",
        metavar="N",
        type=_bounded_int("second-layer filters", 0, FILTERS_RANGE[1]),
        help="a second conv layer with this many filters (0 = none, the default)",
    )
    net.add_argument(
        "--hidden",
        metavar="N",
        type=_bounded_int("hidden units", *HIDDEN_RANGE),
        help="dense units (128)",
    )
    opt = train.add_argument_group("training")
    opt.add_argument(
        "--engine",
        choices=ENGINES,
        help="numpy (default, fast), python (pure) or reference (the slow oracle)",
    )
    opt.add_argument(
        "--precision",
        choices=("float32", "float64"),
        help="the NumPy engine's float type (float32)",
    )
    opt.add_argument(
        "--epochs", metavar="N", type=_bounded_int("epochs", *EPOCHS_RANGE), help="(5)"
    )
    opt.add_argument(
        "--batch-size", metavar="N", type=_bounded_int("batch size", 1, BATCH_SIZE_MAX), help="(32)"
    )
    opt.add_argument(
        "--lr", metavar="X", type=_bounded_float("learning rate", *LR_RANGE), help="(0.01)"
    )
    opt.add_argument(
        "--momentum",
        metavar="X",
        type=_bounded_float("momentum", *MOMENTUM_RANGE),
        help="SGD momentum (0)",
    )
    opt.add_argument(
        "--weight-decay",
        metavar="X",
        type=_bounded_float("weight decay", *WEIGHT_DECAY_RANGE),
        help="L2 weight decay (0)",
    )
    opt.add_argument("--seed", metavar="N", type=_bounded_int("seed", 0, 2**32 - 1), help="(0)")
    opt.add_argument(
        "--limit",
        metavar="N",
        type=_bounded_int("limit", 1, 60_000),
        help="train on the first N images",
    )
    opt.add_argument(
        "--test-limit",
        metavar="N",
        type=_bounded_int("test limit", 1, 10_000),
        help="evaluate on the first N test images",
    )
    runs = train.add_argument_group("runs")
    runs.add_argument(
        "--resume", metavar="SNAPSHOT", type=_path, help="continue a saved run exactly"
    )
    runs.add_argument(
        "--snapshot-dir",
        metavar="DIR",
        type=_path,
        default=DEFAULT_SNAPSHOT_DIR,
        help="where snapshots go: each epoch end, `s`, and on quit (default: ./snapshots)",
    )
    runs.add_argument("--no-snapshots", action="store_true", help="never save snapshots")
    runs.add_argument("--run-name", metavar="NAME", help="name in snapshot files (default: run)")
    runs.add_argument("--headless", action="store_true", help="no dashboard: a progress bar")
    runs.add_argument(
        "--metrics", metavar="FILE", type=_path, help="write every event as JSON Lines (headless)"
    )
    runs.add_argument("--paused", action="store_true", help="start paused (dashboard)")
    runs.add_argument(
        "--in-process",
        action="store_true",
        help="run the trainer in a thread of the dashboard's process (debugging; slower)",
    )

    inspect = sub.add_parser(
        "inspect",
        usage="%(prog)s SNAPSHOT [flags]",
        help="browse a saved network's mistakes (no training)",
        description="Open the misclassified-digit browser on a snapshot.",
    )
    inspect.add_argument("snapshot", metavar="SNAPSHOT", type=_path)
    _add_data_flag(inspect)
    inspect.add_argument(
        "--engine", choices=ENGINES, help="engine to evaluate with (default: numpy)"
    )
    inspect.add_argument(
        "--test-limit",
        metavar="N",
        type=_bounded_int("test limit", 1, 10_000),
        help="first N test images",
    )

    download = sub.add_parser(
        "download",
        usage="%(prog)s [flags]",
        help="fetch MNIST from the public mirrors, verified",
        description="Download the four MNIST files (SHA-256 checked) into a folder.",
    )
    download.add_argument(
        "--data",
        metavar="DIR",
        type=_path,
        help="destination folder (default: $CNN_TUI_DATA, else ./data/mnist in a checkout, "
        "else ~/.cache/cnn-tui/mnist)",
    )
    download.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_bounded_float("timeout", 0.1, 600),
        default=30.0,
        help="seconds (30)",
    )
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("cnn-tui")
    except Exception:  # not installed (running from a checkout)
        return "0+unknown"


def _normalise(argv: Sequence[str]) -> list[str]:
    """``cnn-tui [flags]`` means ``cnn-tui train [flags]``; ``--lr -1e-3`` means ``--lr=-1e-3``.

    argparse reads a value that starts with "-" as another flag unless it looks like a plain
    negative number, so ``--lr -inf`` would fail with "expected one argument" instead of the
    value's own check saying what is wrong with it.
    """
    args: list[str] = []
    for token in argv:
        previous = args[-1] if args else ""
        if previous.startswith("--") and "=" not in previous and _is_number(token):
            args[-1] = f"{previous}={token}"
        else:
            args.append(token)
    if not args or (args[0] not in SUBCOMMANDS and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "train")
    return args


def _is_number(token: str) -> bool:
    """ "-inf", "-1e-3", "-nan": a negative-looking value argparse would take for a flag."""
    if not token.startswith("-"):
        return False
    try:
        float(token)
    except ValueError:
        return False
    return True


def run_config(args: argparse.Namespace) -> RunConfig:
    """The run the flags ask for (defaults filled in)."""
    defaults = RunConfig()
    arch = Architecture(
        filters=args.filters if args.filters is not None else defaults.arch.filters,
        filters2=args.filters2 if args.filters2 is not None else defaults.arch.filters2,
        hidden=args.hidden if args.hidden is not None else defaults.arch.hidden,
    )
    return RunConfig(
        arch=arch,
        hyper=_hyper(args, defaults.hyper),
        epochs=args.epochs if args.epochs is not None else defaults.epochs,
        seed=args.seed if args.seed is not None else defaults.seed,
        engine=args.engine or defaults.engine,
        precision=args.precision or defaults.precision,
    )


def _hyper(args: argparse.Namespace, base: Hyperparameters) -> Hyperparameters:
    """``base`` with the hyperparameters given on the command line."""
    changes = {
        name: value
        for name, value in (
            ("lr", args.lr),
            ("momentum", args.momentum),
            ("weight_decay", args.weight_decay),
            ("batch_size", args.batch_size),
        )
        if value is not None
    }
    return replace(base, **changes)


def resumed_config(args: argparse.Namespace, state: RunState) -> RunConfig:
    """A snapshot's run, with what the command line explicitly changes. The architecture and
    seed cannot change (the weights and the data order depend on them)."""
    saved = state.config
    asked = run_config(args).arch
    explicit_arch = any(v is not None for v in (args.filters, args.filters2, args.hidden))
    if explicit_arch and asked != saved.arch:
        from cnn_tui.core.snapshot.errors import SnapshotError

        raise SnapshotError(
            f"the snapshot is {saved.arch.describe()}; the flags ask for {asked.describe()}"
        )
    if args.seed is not None and args.seed != saved.seed:
        from cnn_tui.core.snapshot.errors import SnapshotError

        raise SnapshotError(
            f"the snapshot's seed is {saved.seed}; --seed {args.seed} cannot change on --resume "
            "(the data order depends on it)"
        )
    epochs = args.epochs if args.epochs is not None else saved.epochs
    done = state.epoch - 1  # epochs already complete
    if epochs <= done:
        raise UsageError(
            f"the snapshot has finished {done} epoch(s); pass --epochs N with N > {done} "
            "to train further"
        )
    return replace(
        saved,
        hyper=_hyper(args, saved.hyper),
        epochs=epochs,
        engine=args.engine or saved.engine,
        precision=args.precision or saved.precision,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The ``cnn-tui`` entry point; returns the exit code."""
    getattr(sys.stdout, "reconfigure", lambda **_: None)(errors="backslashreplace")  # LC_ALL=C
    parser = build_parser()
    args = parser.parse_args(_normalise(sys.argv[1:] if argv is None else argv))
    try:
        if args.command == "download":
            return _download(args)
        if args.command == "inspect":
            return _inspect(args)
        return _train(args, parser)
    except UsageError as error:
        parser.error(str(error))  # exits 2
    except KeyboardInterrupt:  # Ctrl+C before training began (loading, start-up)
        return _fail("interrupted before training started; nothing to save", EXIT_INTERRUPTED)
    return EXIT_USAGE  # not reached


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"cnn-tui: {message}\n")
    return code


def _train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.locate import find_data_dir

    try:
        data_dir = find_data_dir(args.data)
    except DataError as error:
        return _fail(str(error), EXIT_DATA)

    state = None
    try:
        if args.resume:
            from cnn_tui.core.snapshot.errors import SnapshotError
            from cnn_tui.core.snapshot.load import load_snapshot

            try:
                state = load_snapshot(Path(args.resume))
                config = resumed_config(args, state)
                state = replace(state, config=config)
            except SnapshotError as error:
                return _fail(str(error), EXIT_SNAPSHOT)
        else:
            config = run_config(args)
    except ConfigError as error:
        return _fail(str(error), EXIT_USAGE)

    snapshot_dir = None if args.no_snapshots else Path(args.snapshot_dir)
    lock = None
    if snapshot_dir is not None:
        lock, problem = _prepare_snapshot_dir(snapshot_dir)
        if problem:
            return _fail(problem, EXIT_SNAPSHOT)
    try:
        return _run(args, config, data_dir, state, snapshot_dir)
    finally:
        if lock is not None:
            lock.release()


def _run(
    args: argparse.Namespace,
    config: RunConfig,
    data_dir: Path,
    state: RunState | None,
    snapshot_dir: Path | None,
) -> int:
    """Train headless or with the dashboard, as the flags say."""
    run_name = args.run_name or _run_name_of(args.resume) or "run"
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
            metrics_path=Path(args.metrics) if args.metrics else None,
        )
    if args.metrics:
        raise UsageError("--metrics needs --headless")
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
        start_paused=args.paused,
        in_process=args.in_process,
    )


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


def _download(args: argparse.Namespace) -> int:
    from cnn_tui.core.data.download import DownloadError, download_mnist
    from cnn_tui.core.data.locate import download_dir
    from cnn_tui.core.data.progress_bar import stderr_progress

    folder = download_dir(args.data)
    terminated: list[int] = []

    def on_terminate(signum: int, _frame: object) -> None:
        terminated.append(signum)
        raise KeyboardInterrupt  # the download deletes its partial file on the way out

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_terminate)
    try:
        paths = download_mnist(folder, timeout=args.timeout, progress=stderr_progress())
    except DownloadError as error:
        return _fail(str(error), EXIT_NETWORK)
    except KeyboardInterrupt:
        code = EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
        return _fail("download interrupted; verified files were kept", code)
    print(f"MNIST is ready in {folder} ({len(paths)} files verified)")
    return EXIT_OK


def _inspect(args: argparse.Namespace) -> int:
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.locate import find_data_dir

    try:
        data_dir = find_data_dir(args.data)
    except DataError as error:
        return _fail(str(error), EXIT_DATA)
    from cnn_tui.tui.cli.launch import run_inspector

    return run_inspector(
        Path(args.snapshot), data_dir, engine=args.engine, test_limit=args.test_limit
    )
