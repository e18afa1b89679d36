"""Hostile IDX files are refused quickly and without allocating what they claim (measured in a
fresh child process: peak RSS growth and time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.idx_files import gzip_bomb, image_header, write

_PROBE = """
import resource, sys, time
from cnn_tui.core.data.errors import DataError
from cnn_tui.core.data.idx import read_idx_images
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    read_idx_images(sys.argv[1])
except DataError as exc:
    message = str(exc)
else:
    message = "accepted"
seconds = time.perf_counter() - start
growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(seconds, growth_kb, message)
"""


def _probe(path: Path) -> tuple[float, float, str]:
    """Seconds, peak RSS growth in MB, and the message of reading ``path`` in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seconds, growth_kb, message = result.stdout.split(" ", 2)
    return float(seconds), int(growth_kb) / 1024, message


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KB on Linux")
@pytest.mark.parametrize("gz", [False, True])
def test_a11_rejected_fast_without_allocating(tmp_path: Path, gz: bool) -> None:
    seconds, growth_mb, message = _probe(write(tmp_path / "x", image_header(2**32 - 1), gz=gz))
    assert "4,294,967,295 images" in message or "3,367,254,359,296" in message
    assert growth_mb < 50
    assert seconds < 0.5  # the budget is 0.1 s; generous on a shared machine


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KB on Linux")
def test_a20_bomb_in_the_images_slot_is_bounded(tmp_path: Path) -> None:
    # A header for 60,000 images, then 1 GiB of zeros (1 MB on disk): decompression must stop
    # at 47 MB + 1 byte, not inflate the whole gigabyte.
    path = write(tmp_path / "bomb.gz", gzip_bomb(image_header(60_000), 1024))
    seconds, growth_mb, message = _probe(path)
    assert "decompresses to more than the 47,040,016 bytes" in message
    assert growth_mb < 200
    assert seconds < 5
