"""Reading a run's metrics.jsonl back (core/runs/history.py): the series, evaluations, changes,
epochs and configuration; a torn last line tolerated and counted; garbage refused in one line."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest

from cnn_tui.core.contract import events as ev
from cnn_tui.core.runs.history import HistoryError, decimate, read_history
from cnn_tui.core.training.metrics import MetricsWriter

START = {
    "event": "start",
    "engine": "numpy",
    "architecture": "conv8 → dense128 → 10",
    "epoch": 1,
    "step": 0,
    "epochs": 2,
    "lr": 0.01,
    "momentum": 0.0,
    "weight_decay": 0.0,
    "batch_size": 32,
    "seed": 0,
    "train_size": 96,
    "test_size": 50,
    "resumed_from": None,
}


def batch(step: int, loss: float | None, epoch: int = 1, accuracy: float = 0.5) -> dict:
    return {
        "event": "batch",
        "epoch": epoch,
        "step": step,
        "loss": loss,
        "accuracy": accuracy,
        "lr": 0.01,
        "momentum": 0.0,
        "batch_size": 32,
        "images_per_s": 1000.0,
    }


def evaluation(step: int, accuracy: float, epoch: int = 1) -> dict:
    return {
        "event": "eval",
        "epoch": epoch,
        "step": step,
        "split": "test",
        "loss": 0.5,
        "accuracy": accuracy,
        "per_class_accuracy": [accuracy] * 9 + [None],
        "confusion": [[0] * 10] * 10,
        "size": 50,
        "mistakes": 3,
    }


def write(path: Path, *records: dict | str) -> Path:
    text = "".join(r if isinstance(r, str) else json.dumps(r) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")
    return path


def a_run(tmp_path: Path, *more: dict | str) -> Path:
    return write(
        tmp_path / "metrics.jsonl",
        START,
        batch(1, 2.3),
        batch(2, None),  # a non-finite loss is written as null
        batch(3, 2.0, epoch=2, accuracy=0.75),
        {
            "event": "hyperparameters",
            "step": 3,
            "lr": 0.005,
            "momentum": 0.0,
            "batch_size": 32,
            "weight_decay": 0.0,
            "changed": ["lr"],
        },
        {"event": "notice", "step": 3, "title": "x", "message": "y"},  # not read, allowed
        {"event": "something-newer", "step": 3},  # a kind this reader does not know: skipped
        evaluation(3, 0.8, epoch=2),
        batch(4, 1.5, epoch=2),
        *more,
    )


def test_a_run_reads_back_in_full(tmp_path: Path) -> None:
    history = read_history(
        a_run(
            tmp_path, {"event": "end", "epoch": 2, "step": 4, "reason": "finished", "message": ""}
        )
    )
    assert history.steps == (1, 2, 3, 4)
    assert history.losses[0] == 2.3 and math.isnan(history.losses[1])
    assert history.accuracies[2] == 0.75
    assert history.epoch_starts == (3,)
    assert [(e.step, e.accuracy) for e in history.evaluations] == [(3, 0.8)]
    assert history.latest is not None and math.isnan(history.latest.per_class[9])
    assert [(c.step, c.changed, c.value("lr")) for c in history.changes] == [(3, ("lr",), 0.005)]
    assert history.setting("lr") == 0.01 and history.setting("train_size") == 96
    assert history.setting("dataset") == "mnist"  # an MNIST start names no set
    assert history.end_reason == "finished" and history.torn_lines == 0 and history.sessions == 1


def test_a_torn_last_line_is_ignored_and_counted(tmp_path: Path) -> None:
    history = read_history(a_run(tmp_path, '{"event": "batch", "epoch": 2, "st'))
    assert history.steps == (1, 2, 3, 4)
    assert history.torn_lines == 1
    assert history.end_reason == ""  # no end line: crashed, or still running


def test_a_torn_line_before_a_resumed_session_is_ignored(tmp_path: Path) -> None:
    # the writer ends a torn line with a newline before the next session's start
    resumed = dict(START, step=4, epoch=2, resumed_from="snap.npz")
    history = read_history(a_run(tmp_path, '{"event": "bat\n', resumed, batch(5, 1.2, epoch=2)))
    assert history.steps == (1, 2, 3, 4, 5)
    assert history.torn_lines == 1 and history.sessions == 2


def test_a_resume_from_an_earlier_step_replaces_what_came_after_it(tmp_path: Path) -> None:
    resumed = dict(START, step=2, resumed_from="older.npz")
    history = read_history(a_run(tmp_path, resumed, batch(3, 9.0)))
    assert history.steps == (1, 2, 3) and history.losses[2] == 9.0
    assert history.evaluations == () and history.changes == ()  # they were after step 2


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("this is not json\n", "line 3: not a JSON line"),
        ('["a list"]\n', 'line 3: not a metrics record (no "event" name)'),
        ('{"event": "batch", "step": "seven"}\n', "line 3: batch step is 'seven', not a whole"),
        ('{"event": "eval", "step": 1, "epoch": 1}\n', "line 3: eval without a per_class"),
        (b"\xff\xfe garbage\n", "line 3: not a JSON line"),
    ],
)
def test_garbage_in_the_middle_is_refused_naming_file_and_line(
    tmp_path: Path, line: str | bytes, says: str
) -> None:
    path = tmp_path / "metrics.jsonl"
    head = (json.dumps(START) + "\n" + json.dumps(batch(1, 2.3)) + "\n").encode()
    tail = (json.dumps(batch(2, 2.2)) + "\n").encode()
    path.write_bytes(head + (line if isinstance(line, bytes) else line.encode()) + tail)
    with pytest.raises(HistoryError) as caught:
        read_history(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and says in message and "\n" not in message


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="no metrics file"):
        read_history(tmp_path / "nothing.jsonl")


def test_the_metrics_writer_s_own_file_reads_back(tmp_path: Path) -> None:
    """What core/training/metrics.py writes is what the reader reads (no hand-made lines)."""
    out = io.StringIO()
    writer = MetricsWriter(out)
    writer.write(
        ev.TrainingStarted(
            "numpy", "conv8 → dense128 → 10", (8,), 128, 3, 1, 0, 2, 64, 20, 0.01, 0.9, 0.001, 32, 7
        )
    )
    writer.write(ev.BatchesEnded(1, 1, (2.0, 1.0), (0.25, 0.5), 0.01, 0.9, 32, 500.0, 64, 64))
    (tmp_path / "m.jsonl").write_text(out.getvalue())
    history = read_history(tmp_path / "m.jsonl")
    assert history.steps == (1, 2) and history.losses == (2.0, 1.0)
    assert history.setting("weight_decay") == 0.001 and history.setting("seed") == 7


def test_decimate_keeps_means_and_the_mean_step() -> None:
    steps = tuple(range(1, 11))
    values = tuple(float(s) for s in steps)
    xs, ys, ns = decimate(steps, values, 5)
    assert xs == [1.5, 3.5, 5.5, 7.5, 9.5] and ys == xs and ns == [2] * 5
    xs, ys, ns = decimate((1, 2, 3), (1.0, math.nan, 3.0), 10)  # a non-finite value left out
    assert xs == [1.0, 3.0] and ns == [1, 1]
    assert decimate((), (), 10) == ([], [], [])
