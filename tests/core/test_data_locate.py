"""Finding the MNIST folder: ``--data`` is authoritative, then ``$CNN_TUI_DATA``, ``./data/mnist``
and the user cache; the message lists where it looked; where ``cnn-tui download`` saves."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_tui.core.data.locate import ENV_VAR, download_dir, find_data_dir
from tests.core.idx_files import STEMS, refused, write_mnist_like


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory and cache with no MNIST anywhere."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def test_find_explicit_wins(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = write_mnist_like(places / "mine")
    monkeypatch.setenv(ENV_VAR, str(write_mnist_like(places / "env")))
    assert find_data_dir(str(explicit)) == explicit


def test_find_explicit_without_files_is_not_skipped(places: Path) -> None:
    (places / "empty").mkdir()
    write_mnist_like(places / "data" / "mnist")
    refused(find_data_dir, str(places / "empty"), match=r"empty lacks train-images.*4|empty lacks")


def test_find_order_env_local_cache(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = write_mnist_like(places / "cache" / "cnn-tui" / "mnist")
    assert find_data_dir(None).resolve() == cache.resolve()
    local = write_mnist_like(places / "data" / "mnist")
    assert find_data_dir(None).resolve() == local.resolve()
    env = write_mnist_like(places / "env")
    monkeypatch.setenv(ENV_VAR, str(env))
    assert find_data_dir(None) == env


def test_find_skips_incomplete_places(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = write_mnist_like(places / "env")
    (env / (STEMS[1] + ".gz")).unlink()
    monkeypatch.setenv(ENV_VAR, str(env))
    local = write_mnist_like(places / "data" / "mnist")
    assert find_data_dir(None) == Path("data") / "mnist"
    assert local.is_dir()


def test_find_nothing_lists_where_it_looked(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(places / "env"))
    monkeypatch.setenv("HOME", str(places / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME")
    text = refused(find_data_dir, None, match=r"MNIST not found \(looked in ")
    for where in ("env (no such folder)", "data/mnist", "home/.cache/cnn-tui/mnist"):
        assert where in text
    assert "cnn-tui download" in text and "--data DIR" in text


def test_download_dir_defaults(places: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert download_dir("x") == Path("x")
    assert download_dir(None) == places / "cache" / "cnn-tui" / "mnist"
    (places / "data").mkdir()
    assert download_dir(None) == Path("data") / "mnist"
    monkeypatch.setenv(ENV_VAR, "/somewhere")
    assert download_dir(None) == Path("/somewhere")
