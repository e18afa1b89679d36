"""Faults G: training numerics — a run that diverges is never saved with bad weights; a run
stuck at chance says so once; a slow but learning run is not called stuck.
"""

from __future__ import annotations

import pytest

from tests.faults.helpers import (
    TRACEBACK,
    assert_resumable,
    cli,
    headless,
    make_data,
    run_main,
)


@pytest.mark.slow
def test_g1_divergence_is_never_saved(tmp_path):
    """lr 10 with momentum 0.99 on a tiny set: whatever happens, every snapshot written holds
    finite weights (the loader refuses non-finite ones) and the exit code is documented."""
    data = make_data(tmp_path / "d", train=640, test=32)
    folder = tmp_path / "s"
    result = cli(
        *headless(data, "--epochs", "2", "--lr", "10", "--momentum", "0.99"),
        "--snapshot-dir",
        str(folder),
    )
    err = result.stderr.decode()
    assert TRACEBACK not in err
    assert result.returncode in (0, 1), err  # 1 = "a diverged headless run" (README)
    if result.returncode == 1:
        assert "diverged" in err
    for snap in folder.glob("*/*.npz"):
        assert_resumable(snap)


def test_g_a_run_stuck_at_chance_says_so_once(tiny, capsys):
    """lr 10 with momentum 0.99 does not diverge into NaN: it sits at chance. Headless says so
    (once), and the run still ends normally (exit 0: it did what was asked)."""
    argv = headless(tiny, "--no-snapshots", "--epochs", "5", "--batch-size", "1")
    code, err = run_main([*argv, "--lr", "10", "--momentum", "0.99"], capsys)
    assert code == 0, err
    assert err.count("warning: not learning") == 1, err
    assert "try a lower --lr" in err


def test_g_a_slow_but_learning_run_is_not_called_stuck(tiny, capsys):
    """lr 1e-4: the loss stays above 2.25 for hundreds of batches but keeps falling — no
    warning (and never the advice to lower an already tiny learning rate)."""
    argv = headless(tiny, "--no-snapshots", "--epochs", "5", "--batch-size", "1")
    code, err = run_main([*argv, "--lr", "0.0001"], capsys)
    assert code == 0, err
    assert "not learning" not in err or "try a higher --lr" in err, err
