"""The fault tests' shared data: a tiny MNIST-shaped folder, a real snapshot of it, and a set big
enough that a headless run lasts seconds. Made once per test process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.helpers import cli, headless, make_data


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """64 training and 32 test images (raw IDX)."""
    return make_data(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory: pytest.TempPathFactory, tiny: Path) -> Path:
    """A real snapshot of a 2-epoch run on the tiny set (written by the real command)."""
    folder = tmp_path_factory.mktemp("snaps")
    result = cli(*headless(tiny, "--epochs", "2", "--snapshot-dir", str(folder)))
    assert result.returncode == 0, result.stderr
    return sorted(folder.glob("*/*.npz"))[-1]


@pytest.fixture(scope="session")
def long_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough images that a 3-epoch run lasts several seconds."""
    return make_data(tmp_path_factory.mktemp("long"), train=20_000, test=64)
