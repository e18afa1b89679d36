"""run.json: written atomically, read back the same, and anything that is not a run record
refused with one line naming the file and what is wrong."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from cnn_tui.core.runs.record import (
    HyperChange,
    RunHyperparameters,
    RunRecord,
    RunRecordError,
    read_run,
    record_json,
    write_run,
)

RECORD = RunRecord(
    name="tiny",
    folder="20261207-130512_tiny",
    started="2026-12-07T13:05:12Z",
    engine="numpy",
    architecture="conv8 → dense128 → 10",
    dataset="mnist",
    hyperparameters=RunHyperparameters(0.01, 0.9, 0.0, 32, 5, 7),
    changes=(HyperChange(120, "lr", 0.005), HyperChange(300, "batch_size", 64)),
    parent_run="20261207-120000_run",
    parent_step=100,
    state="finished",
    epochs_done=5,
    steps=9375,
    best_accuracy=0.9712,
    best_step=9375,
    updated="2026-12-07T13:09:00Z",
    pid=4242,
    note="",
)


def test_a_record_reads_back_as_written_and_no_temp_file_stays(tmp_path: Path) -> None:
    path = write_run(tmp_path, RECORD)
    assert path == tmp_path / "run.json"
    assert read_run(tmp_path) == RECORD
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]
    data = json.loads(path.read_text())
    assert data["format"] == 1 and data["changes"][0] == [120, "lr", 0.005]
    assert data["hyperparameters"]["momentum"] == 0.9 and data["parent_step"] == 100
    assert record_json(read_run(tmp_path)) == path.read_text()  # a rewrite changes nothing
    assert '[300, "batch_size", 64]' in path.read_text()  # one line per change, 64 stays whole


def test_a_rewrite_replaces_the_record_whole(tmp_path: Path) -> None:
    write_run(tmp_path, RECORD)
    write_run(tmp_path, replace(RECORD, state="running", best_accuracy=None, best_step=None))
    again = read_run(tmp_path)
    assert again.state == "running" and again.best_accuracy is None


def test_fields_of_a_later_version_are_kept_on_a_rewrite(tmp_path: Path) -> None:
    data = json.loads(record_json(RECORD))
    data["tags"] = ["baseline"]
    (tmp_path / "run.json").write_text(json.dumps(data))
    record = read_run(tmp_path)
    assert record.extra == {"tags": ["baseline"]}
    write_run(tmp_path, replace(record, steps=1))
    assert json.loads((tmp_path / "run.json").read_text())["tags"] == ["baseline"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (None, "not a run folder (no run.json)"),
        ("{", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ("\xff", "not valid JSON"),
        ("[" * 100_000, "not valid JSON"),
        ('{"format": 2}', "format 2, this cnn-tui reads format 1"),
        ("without name", "name is missing"),
        ("state sleeping", "state 'sleeping' is not one of"),
        ("steps -1", "steps is not a whole number"),
        ("best NaN", "best_accuracy is not a finite number"),
        ("lr string", "lr is not a finite number"),
        ("change short", "a change is not [step, what, value]"),
        ("name two lines", "name is not a one-line string"),
    ],
)
def test_a_bad_run_json_is_refused_in_one_line(tmp_path: Path, text: str | None, says: str) -> None:
    data = json.loads(record_json(RECORD))
    edits = {
        "without name": lambda: data.pop("name"),
        "state sleeping": lambda: data.update(state="sleeping"),
        "steps -1": lambda: data.update(steps=-1),
        "best NaN": lambda: data.update(best_accuracy=float("nan")),
        "lr string": lambda: data["hyperparameters"].update(lr="0.1"),
        "change short": lambda: data.update(changes=[[1, "lr"]]),
        "name two lines": lambda: data.update(name="a\nb"),
    }
    if text in edits:
        edits[text]()
        text = json.dumps(data)
    if text is not None:
        (tmp_path / "run.json").write_text(text, encoding="utf-8", errors="surrogateescape")
    with pytest.raises(RunRecordError) as info:
        read_run(tmp_path)
    message = str(info.value)
    assert says in message and "\n" not in message and str(tmp_path) in message


def test_an_unreadable_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "run.json").mkdir()
    with pytest.raises(RunRecordError, match="cannot read"):
        read_run(tmp_path)
