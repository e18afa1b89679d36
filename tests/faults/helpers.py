"""Provides the building blocks of the fault tests: MNIST-shaped files to break, and the real
``cnn-tui`` run in-process (``run_main``) or as the installed command (``cli``).

Data and snapshot errors run ``main(argv)`` in-process (the same code path, without paying for an
interpreter per case); signals, locales, terminals, disk limits and the network run the installed
``cnn-tui`` in a subprocess.
"""

from __future__ import annotations

import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from cnn_tui.tui.cli.main import main

CLI = Path(sys.executable).with_name("cnn-tui")
STEMS = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
TRACEBACK = "Traceback (most recent call last)"


def image_header(
    count: int, rows: int = 28, cols: int = 28, dtype: int = 0x08, ndim: int = 3
) -> bytes:
    """An IDX image header: magic (0, 0, dtype, ndim), then count, rows, cols as big-endian."""
    return bytes([0, 0, dtype, ndim]) + struct.pack(">3I", count, rows, cols)


def images_raw(count: int, seed: int = 0) -> bytes:
    """``count`` 28×28 images of pseudo-random bytes (fast for thousands of images)."""
    block = bytes((i * 131 + seed * 17) % 251 for i in range(28 * 28 * 10))
    reps, rest = divmod(count, 10)
    return image_header(count) + block * reps + block[: rest * 28 * 28]


def labels_raw(count: int) -> bytes:
    """A raw IDX label file of ``count`` labels cycling through 0–9."""
    return bytes([0, 0, 8, 1]) + struct.pack(">I", count) + bytes(i % 10 for i in range(count))


def make_data(folder: Path, train: int = 64, test: int = 32, **replace: bytes | None) -> Path:
    """A four-file MNIST-shaped folder (raw IDX); ``replace`` swaps a file by stem (None: omit,
    a key ending in ``_gz`` writes ``<stem>.gz``)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        STEMS[0]: images_raw(train, 1),
        STEMS[1]: labels_raw(train),
        STEMS[2]: images_raw(test, 2),
        STEMS[3]: labels_raw(test),
    }
    for key, data in replace.items():
        stem = key.removesuffix("_gz").replace("_", "-")
        files.pop(stem)
        if data is not None:
            name = stem + (".gz" if key.endswith("_gz") else "")
            (folder / name).write_bytes(data)
    for stem, data in files.items():
        (folder / stem).write_bytes(data)
    return folder


TEST_IMAGES = "t10k_images_idx3_ubyte"
TEST_LABELS = "t10k_labels_idx1_ubyte"
"""``make_data`` keys for the test-set files (add ``_gz`` to write ``<stem>.gz``)."""


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``main(argv)`` in-process: (exit code, stderr)."""
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse errors
        code = stop.code if isinstance(stop.code, int) else 1
    return code, capsys.readouterr().err


def assert_clear(code: int, err: str, expected: int, pattern: str) -> None:
    """The documented exit code, no traceback, at most 3 lines, the message matches."""
    assert TRACEBACK not in err, err
    assert code == expected, (code, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 3, f"{len(lines)} lines:\n{err}"
    assert re.search(pattern, err, re.IGNORECASE), err


_SNAPSHOT_FOLDERS = tempfile.TemporaryDirectory(prefix="cnn-tui-test-snapshots-")
"""Holds a fresh snapshot folder per headless run; removed when the test process ends."""


def headless(data: Path, *extra: str) -> list[str]:
    """A headless run; snapshots go to a fresh folder unless ``extra`` says otherwise (one run
    per folder: parallel tests must not share ./snapshots)."""
    snapshots = tempfile.mkdtemp(dir=_SNAPSHOT_FOLDERS.name)
    return [
        "train",
        "--headless",
        "--data",
        str(data),
        "--epochs",
        "1",
        "--snapshot-dir",
        snapshots,
        *extra,
    ]


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, **kw: Any
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed ``cnn-tui`` with stdin closed; stdout and stderr captured as bytes."""
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("capture_output", True)
    return subprocess.run([str(CLI), *args], env=env, timeout=timeout, **kw)


def base_env(**extra: str) -> dict[str, str]:
    """This environment without any proxy setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(extra)
    return env


def sigint_default() -> None:
    """Children of a non-interactive shell may inherit SIGINT ignored; a user's never does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def resume(snap: Path | str, data: Path, *extra: str) -> list[str]:
    """A headless run resuming ``snap`` for a third epoch, saving nothing."""
    return headless(data, "--epochs", "3", "--no-snapshots", "--resume", str(snap), *extra)


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for a signalled ``cnn-tui``: (exit code, stderr); a hang fails the test."""
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()  # never leave a hung child behind
        proc.communicate()
        pytest.fail("cnn-tui hung after the signal(s)")
    return proc.returncode, err


def assert_resumable(snap: Path) -> None:
    """The snapshot passes every check the loader makes (hashes, shapes, finiteness)."""
    from cnn_tui.core.snapshot.load import load_snapshot

    assert load_snapshot(snap).step > 0
