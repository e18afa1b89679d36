"""Snapshot bombs (fault D15): a huge file, a ``.npy`` header claiming terabytes and a zip bomb
are refused before anything is read or allocated (memory measured in a fresh process)."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tests.core.snapshot_files import members_of, refused, write_zip


def test_d15_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.npz"
    with open(huge, "wb") as file:
        file.truncate(10 * 2**30)  # sparse: 10 GB that occupy no disk
    started = time.perf_counter()
    refused(huge, r"file is 10,240 MB, over the 256 MB limit")
    assert time.perf_counter() - started < 1.0


def test_d15_header_claiming_a_huge_array_allocates_nothing(
    tmp_path: Path, good_snapshot: Path
) -> None:
    """A .npy header may claim any shape: it is compared with the layout before any read."""
    members = members_of(good_snapshot)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)}
    )
    members["params.dense1.weight.npy"] = header.getvalue()
    refused(
        write_zip(tmp_path / "bomb.npz", list(members.items())),
        r"shape \(1000000, 1000000\), expected",
    )


MEMORY_PROBE = """
import resource, sys, time
from pathlib import Path
from cnn_tui.core.snapshot.errors import SnapshotError
from cnn_tui.core.snapshot.load import load_snapshot
for name in sys.argv[1:]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        load_snapshot(Path(name))
    except SnapshotError as error:
        seconds = time.perf_counter() - started
        grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(Path(name).name, grew, f"{seconds:.3f}", error, sep="\\t")
    else:
        print(name, "LOADED")
"""


def make_bombs(folder: Path, good_snapshot: Path) -> list[Path]:
    """A zip bomb (a member declaring 300 MiB of zeros, ~1 MB on disk), a header bomb (a .npy
    header claiming 10^6 × 10^6 float64 = 8 TB) and a 10 GB sparse file."""
    bomb = folder / "zipbomb.npz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members_of(good_snapshot).items():
            archive.writestr(name, data)
        with archive.open("history.extra.npy", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(bytes(1 << 20))
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)}
    )
    members = members_of(good_snapshot)
    members["params.dense1.weight.npy"] = header.getvalue()
    header_bomb = write_zip(folder / "headerbomb.npz", list(members.items()))
    sparse = folder / "sparse.npz"
    with open(sparse, "wb") as file:
        file.truncate(10 * 2**30)
    return [bomb, header_bomb, sparse]


@pytest.mark.slow
def test_d15_bombs_are_refused_with_bounded_memory(tmp_path: Path, good_snapshot: Path) -> None:
    """Peak RSS growth while refusing each bomb, in a fresh process that only loads them (the
    high-water mark would rise with any large allocation)."""
    bombs = make_bombs(tmp_path, good_snapshot)
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, *map(str, bombs)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert [row[0] for row in rows] == [bomb.name for bomb in bombs]
    expected = ["members unpack to more than 256 MB", "expected (16, 338)", "over the 256 MB"]
    for (name, grew_kib, seconds, message), fragment in zip(rows, expected, strict=True):
        assert fragment in message, message
        assert int(grew_kib) < 50 * 1024, f"{name}: peak RSS grew {int(grew_kib) // 1024} MB"
        assert float(seconds) < 1.0, f"{name}: {seconds} s"
    print("\n" + "\n".join(f"{r[0]}: +{int(r[1]) / 1024:.1f} MB peak RSS, {r[2]} s" for r in rows))
