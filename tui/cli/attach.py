"""Provides ``cnn-tui attach``: the full dashboard on a run served with ``train --serve``.

The viewer connects (tui/attach/connect.py), then the dashboard runs on a ``RemoteLink`` as on
a local trainer: the run's history first, then live. ``q`` leaves the run going; ``X`` pressed
twice stops it. Without the run's token the viewer is read-only and says so.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cnn_tui.tui.cli.arg_types import add_data_flag, path_arg
from cnn_tui.tui.cli.exit_codes import ExitCode, fail
from cnn_tui.tui.cli.train_flags import DEFAULT_SNAPSHOT_DIR

if TYPE_CHECKING:
    from textual.screen import Screen

    from cnn_tui.core.contract.events import Evaluated
    from cnn_tui.tui.attach.remote_link import RemoteLink
    from cnn_tui.tui.dashboard.app import DashboardApp
    from cnn_tui.tui.embedding.images import LocalImages


def add_attach_parser(sub: argparse._SubParsersAction) -> None:
    """The `attach` subcommand and its flags."""
    attach = sub.add_parser(
        "attach",
        usage="%(prog)s RUN|FOLDER|SOCKET|HOST:PORT [flags]",
        help="open the dashboard on a run started with `train --headless --serve`",
        description="Watch a served run live (and steer it with its token). Quitting the "
        "viewer leaves the run training.",
    )
    attach.add_argument(
        "target",
        metavar="RUN|FOLDER|SOCKET|HOST:PORT",
        help="a run's name (its folder in --snapshot-dir), its folder, its socket, or the "
        "host and port of a `--serve tcp:…` run",
    )
    attach.add_argument(
        "--snapshot-dir",
        metavar="DIR",
        type=path_arg,
        default=DEFAULT_SNAPSHOT_DIR,
        help="where RUN's folder is (default: ./snapshots)",
    )
    attach.add_argument(
        "--token",
        metavar="FILE",
        type=path_arg,
        help="the run's token file (default: the one in the run folder; needed to steer a "
        "HOST:PORT run)",
    )
    attach.add_argument("--read-only", action="store_true", help="watch only, even with a token")
    add_data_flag(attach)


def attach(args: argparse.Namespace) -> int:
    """Connect, then run the dashboard on the link; returns the exit code (0 when the viewer
    leaves or the run ends well, 7 when it cannot attach or the connection is lost)."""
    from cnn_tui.tui.attach.connect import ConnectError, connect
    from cnn_tui.tui.cli.launch import _needs_terminal as needs_terminal

    try:
        link = connect(
            args.target,
            Path(args.snapshot_dir),
            token_file=Path(args.token) if args.token else None,
            read_only=args.read_only,
        )
    except ConnectError as error:
        return fail(f"cannot attach: {error}", ExitCode.ATTACH)
    problem = needs_terminal()  # after connecting: a run that is not there says so first
    if problem:
        link.stop()
        return fail(problem.split(";")[0], ExitCode.ENVIRONMENT)
    from cnn_tui.tui.dashboard.app import DashboardApp

    app = DashboardApp(link, title=f"cnn-tui · {link.run_name} · {link.where}")
    app.inspector_factory, app.dashboard.draw_factory = screen_factories(app, link, args)
    app.dashboard.test_images = map_images(link, args)  # p: the map's digits, from this machine
    try:
        app.run()
    finally:
        link.stop()
    if link.ending is not None:
        line, code = link.ending
        print(f"cnn-tui attach: {line}", file=sys.stderr, flush=True)
        return code
    print(
        f"cnn-tui attach: left {link.run_name}; it goes on training "
        f"(watch again: cnn-tui attach {link.target})",
        file=sys.stderr,
        flush=True,
    )
    return ExitCode.OK


def screen_factories(
    app: DashboardApp, link: RemoteLink, args: argparse.Namespace
) -> tuple[Callable[[Evaluated], Screen[None]], Callable[[int | None], Screen[None]]]:
    """``m``: the inspector on the run's latest evaluation, and ``d``: the drawing screen (the
    served run answers each drawing), both with this machine's copy of the run's test set
    (found by ``--data``/``--dataset`` as for ``train``, else the run's set)."""
    from cnn_tui.tui.cli.data_choice import choose_data
    from cnn_tui.tui.cli.launch import _screen_factories as local_factories

    def factories() -> tuple[
        Callable[[Evaluated], Screen[None]], Callable[[int | None], Screen[None]]
    ]:
        folder = choose_data(args, default=link.dataset).folder  # DataError: the key says it
        return local_factories(app, folder, None)[:2]

    return lambda evaluation: factories()[0](evaluation), lambda start: factories()[1](start)


def map_images(link: RemoteLink, args: argparse.Namespace) -> LocalImages:
    """``p``: the images of the map's digits, from the test set ``m`` reads (read on first use,
    when the run's ``TrainingStarted`` has said which set it is)."""
    from cnn_tui.core.data.load import load_test_set
    from cnn_tui.tui.cli.data_choice import choose_data
    from cnn_tui.tui.embedding.images import LocalImages

    return LocalImages(lambda: load_test_set(choose_data(args, default=link.dataset).folder))
