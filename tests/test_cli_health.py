"""``--health`` on the command line: headless runs measure layer health only when asked, and the
metrics file then has ``health`` and ``histograms`` lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_tui.tui.cli.main import main
from tests.test_cli import read_metrics, tiny_mnist


@pytest.mark.parametrize(
    "flag,expected", [([], False), (["--health"], True), (["--no-health"], False)]
)
def test_headless_health_is_off_unless_asked(tmp_path: Path, flag: list[str], expected: bool):
    data = tiny_mnist(tmp_path / "mnist", train=500)
    metrics = tmp_path / "m.jsonl"
    code = main(
        ["train", "--headless", "--data", str(data), "--epochs", "1", "--batch-size", "5"]
        + ["--filters", "2", "--hidden", "8", "--no-snapshots", "--metrics", str(metrics), *flag]
    )
    assert code == 0
    kinds = [r["event"] for r in read_metrics(metrics)]
    assert ("health" in kinds) is expected and ("histograms" in kinds) is expected
    if expected:
        health = [r for r in read_metrics(metrics) if r["event"] == "health"]
        assert [r["step"] for r in health] == [100]  # a window of 100 steps
        assert set(health[0]["layers"]) == {"conv1", "dense1", "dense2"}


def test_the_dashboard_has_health_on_unless_told_otherwise(tmp_path: Path, monkeypatch) -> None:
    from cnn_tui.tui.cli import launch

    given: dict = {}
    monkeypatch.setattr(launch, "run_dashboard", lambda *a, **kw: given.update(kw) or 0)
    data = tiny_mnist(tmp_path / "mnist")
    for flag, expected in (([], True), (["--health"], True), (["--no-health"], False)):
        assert main(["train", "--data", str(data), "--no-snapshots", *flag]) == 0
        assert given["health"] is expected
