"""What one attached viewer costs a headless run: NumPy-engine training throughput served with
one ``cnn-tui attach`` viewer watching, against the plain headless run, in rounds that take the
modes in turn (each goes first once in every four rounds, alternating direction); medians, and
the median of the rounds' ratios. The issue's target: with one viewer, at least 95 % of headless.

Each run is a ``Trainer`` as ``cnn-tui train --headless`` builds it (one BLAS thread, the same
seeded weights over the same first ``--steps`` × batch images, an evaluation of 100 test images
at its end). Served, it is built as ``--serve`` builds it: a ``ServedRun`` on a Unix socket
(events broadcast to the server's thread, samples a few times a second, the viewers' extensions).
A viewer is a separate process, as a real one is, attached before the run starts: ``remote``
only reads the socket — the end of an SSH tunnel to a laptop, what the run's machine pays for a
viewer whose screen is elsewhere — and ``dashboard`` is the full dashboard here (``DashboardApp``
over ``connect``, rendered by Textual's headless driver at 140×45: every panel built and
composited, only the terminal write skipped), whose rendering competes with the trainer for the
machine's cores. Timed in wall-clock seconds (what a user sees) and in CPU seconds of the
trainer's process (its server thread included: what serving costs it, less of the neighbours'
noise); each viewer's own CPU is printed too.

    python benchmarks/bench_attach.py --data DIR [--steps 3000] [--rounds 8] [--unpacked]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODES = ("headless", "served", "remote", "dashboard")
"""The plain headless run; served with nobody attached; served with one viewer whose screen is
elsewhere (``remote``: a process here that only reads the socket, as an SSH tunnel's end does —
what the run's machine pays for a viewer on a laptop); served with the dashboard itself on this
machine (``dashboard``: its rendering competes with the trainer for these two cores)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data/mnist"))
    parser.add_argument("--steps", type=int, default=3000, help="steps per run")
    parser.add_argument("--rounds", type=int, default=8, help="rounds of the four runs")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--unpacked",
        action="store_true",
        help="send float tuples as JSON numbers, as before the codec packed them (to compare)",
    )
    parser.add_argument("--viewer", metavar="SOCKET", help=argparse.SUPPRESS)  # the children
    parser.add_argument("--reader", metavar="SOCKET", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.viewer or args.reader:
        (view if args.viewer else read)(Path(args.viewer or args.reader))
        return

    from cnn_tui.core.remote import codec
    from cnn_tui.tui.cli.headless import use_one_blas_thread

    use_one_blas_thread()
    if args.unpacked:
        codec.PACKED_FROM = sys.maxsize
    from cnn_tui.core.contract.config import Hyperparameters, RunConfig
    from cnn_tui.core.data.load import load_mnist

    images = args.steps * args.batch_size
    train, test = load_mnist(args.data, limit=images, test_limit=100)
    config = RunConfig(hyper=Hyperparameters(batch_size=args.batch_size), epochs=1)
    data = (config, train, test, images)

    run(data, "headless")  # warm-up: buffers, caches, imports
    wall: dict[str, list[float]] = {mode: [] for mode in MODES}
    cpu: dict[str, list[float]] = {mode: [] for mode in MODES}
    for i in range(args.rounds):
        order = MODES[i % len(MODES) :] + MODES[: i % len(MODES)]  # each goes first in turn
        for mode in order if i % 2 == 0 else order[::-1]:
            w, c = run(data, mode)
            wall[mode].append(w)
            cpu[mode].append(c)
    print(
        f"numpy engine, batch {args.batch_size}, {args.steps:,} steps per run, "
        f"{args.rounds} rounds, each mode first in turn"
        + (" (float tuples unpacked)" if args.unpacked else "")
    )
    for name, table in (("images/s", wall), ("images per CPU s", cpu)):
        print(name)
        for mode in MODES:
            rates = table[mode]
            print(
                f"  {mode:9} {statistics.median(rates):9,.0f} (median; "
                f"{min(rates):,.0f}–{max(rates):,.0f})"
            )
        for mode in MODES[1:]:
            ratios = [b / a for a, b in zip(table["headless"], table[mode], strict=True)]
            print(
                f"  {mode} / headless: {statistics.median(ratios):.3f} (median of the rounds' "
                f"ratios; {min(ratios):.3f}–{max(ratios):.3f})"
            )
    for mode, shares in SERVER_SHARE.items():
        print(
            f"the server thread ({mode}): {statistics.median(shares):.2%} of the trainer's CPU "
            f"(median; {min(shares):.2%}–{max(shares):.2%})"
        )
    if VIEWER_SHARE:
        for mode, shares in sorted(VIEWER_SHARE.items()):
            print(
                f"the {mode} viewer's own process: {statistics.median(shares):.0%} of a core "
                f"(median; {min(shares):.0%}–{max(shares):.0%})"
            )


def run(data: tuple, mode: str) -> tuple[float, float]:
    """One run in ``mode``: (images per wall-clock second, images per CPU second)."""
    from cnn_tui.core.remote.serving import ServedRun
    from cnn_tui.core.training.extensions import make_extensions
    from cnn_tui.core.training.trainer import Trainer

    config, train, test, images = data
    folder = Path(tempfile.mkdtemp(prefix="bench-attach-"))
    served = ServedRun("unix", folder, "bench") if mode != "headless" else None
    viewer = None
    try:
        if served is not None:
            served.start()
        if mode in ("remote", "dashboard"):
            assert served is not None and served.address.path is not None
            child = "--viewer" if mode == "dashboard" else "--reader"
            viewer = subprocess.Popen(
                [sys.executable, __file__, child, str(served.address.path)],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert viewer.stdout is not None
            assert viewer.stdout.readline().strip() == "attached", "the viewer did not attach"
        trainer = Trainer(
            config,
            train,
            test,
            emit=served.broadcast if served is not None else lambda event: None,
            commands=served.commands if served is not None else None,
            batch_interval=0.1,
            sample_interval=0.3 if served is not None else None,
            extensions=make_extensions(("drawing", "lr_find") if served is not None else ()),
        )
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        viewer_cpu = cpu_seconds(viewer)
        server_clock = server_cpu_clock(served)
        server_start = time.clock_gettime(server_clock) if server_clock is not None else 0.0
        trainer.run()
        wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
        if server_clock is not None:
            used = time.clock_gettime(server_clock) - server_start
            SERVER_SHARE.setdefault(mode, []).append(used / (cpu - used))
        if viewer is not None:
            VIEWER_SHARE.setdefault(mode, []).append((cpu_seconds(viewer) - viewer_cpu) / wall)
    finally:
        if served is not None:
            served.close()
        if viewer is not None:
            try:
                viewer.wait(30)  # it leaves once the run has ended
            except subprocess.TimeoutExpired:
                viewer.kill()
                viewer.wait()
        shutil.rmtree(folder, ignore_errors=True)
    return images / wall, images / cpu


SERVER_SHARE: dict[str, list[float]] = {}
"""The server thread's CPU over each served run, as a share of the rest of the process's (the
trainer's): what serving costs beyond the trainer's own work, whatever the neighbours do."""

VIEWER_SHARE: dict[str, list[float]] = {}
"""Each viewer process's CPU over its timed runs, as a share of one core."""


def server_cpu_clock(served: object) -> int | None:
    """The CPU clock of ``served``'s server thread (None when not served, or not on Unix)."""
    thread = getattr(getattr(served, "server", None), "_thread", None)
    try:
        return time.pthread_getcpuclockid(thread.ident)  # type: ignore[union-attr]
    except (AttributeError, OSError, TypeError):
        return None


def cpu_seconds(process: subprocess.Popen[str] | None) -> float:
    """User + system CPU seconds of ``process`` so far (Linux's /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()
    except (AttributeError, OSError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read(path: Path) -> None:
    """The remote viewer's end here: say hello, then take every byte the run sends, to the end."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(path))
        sock.sendall(b'{"v": 1, "hello": {"token": null}}\n')
        welcome = sock.recv(65536)
        assert b'"welcome"' in welcome, welcome[:200]
        print("attached", flush=True)
        while sock.recv(1 << 20):
            pass


def view(path: Path) -> None:
    """The dashboard viewer: attach, say so once the app is up, run until the run ends."""
    from cnn_tui.tui.attach.connect import connect
    from cnn_tui.tui.dashboard.app import DashboardApp

    link = connect(str(path), path.parent)
    app = DashboardApp(link)

    async def attached(pilot: object) -> None:  # the app is up: its pump drains the link
        print("attached", flush=True)

    try:
        app.run(headless=True, size=(140, 45), auto_pilot=attached)
    finally:
        link.stop()


if __name__ == "__main__":
    main()
