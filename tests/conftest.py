"""What every test folder shares: the real MNIST copy, for the tests marked ``mnist``."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def mnist_dir() -> str:
    """The folder ``$CNN_TUI_DATA`` names; in CI its absence is a failure, elsewhere a skip."""
    folder = os.environ.get("CNN_TUI_DATA")
    if folder:
        return folder
    if os.environ.get("CI"):
        pytest.fail("CNN_TUI_DATA must point at the MNIST copy in CI")
    pytest.skip("CNN_TUI_DATA is not set")
