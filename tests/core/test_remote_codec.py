"""The protocol's codec: every event and command survives JSON and comes back equal; a value of
the wrong shape is refused with a message naming the field."""

from __future__ import annotations

import json
import math

import pytest

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.remote.codec import (
    COMMAND_TYPES,
    EVENT_TYPES,
    CodecError,
    decode_command,
    decode_event,
    json_line,
    to_json,
)

NAN = math.nan
CONFUSION = tuple(tuple(range(i, i + 10)) for i in range(10))
CONV = ev.ConvView(2, 1, 3, 1, (0.5,) * 18, (1.0, 2.0), (0.25,) * 18, (0.0, -1.5))
EVENTS: list[ev.Event] = [
    ev.TrainingStarted(
        "numpy",
        "conv8 → dense128 → 10",
        (8, 4),
        128,
        5,
        1,
        0,
        1875,
        60000,
        10000,
        0.01,
        0.0,
        0.0,
        32,
        7,
        None,
        True,
        12,
    ),
    ev.HistoryRestored(
        (2.3, NAN),
        (0.1, 0.2),
        (0.01, 0.01),
        (1, 1),
        (ev.EvalRecord(1, 2, 0.5, 0.9, (NAN,) * 10, CONFUSION),),
        (ev.Change(1, "lr", 0.01, 0.02), ev.Change(2, "paused")),
        True,
    ),
    ev.BatchesEnded(1, 3, (2.0, math.inf), (0.5, 0.25), 0.01, 0.9, 32, 1234.5, 96, 60000),
    ev.Evaluated(
        1,
        10,
        "test",
        0.4,
        0.88,
        (0.9,) * 10,
        CONFUSION,
        (ev.Mistake(3, 4, 9, (0.1,) * 10),),
        10000,
        1.5,
    ),
    ev.SampleViewed(
        4,
        "train",
        17,
        3,
        bytes(range(256)) * 3 + b"\x00" * 16,
        (0.1,) * 10,
        3,
        (CONV, CONV),
        (-0.0, 1e-30),
        3,
    ),
    ev.DrawingViewed(4, 2, bytes(784), (0.1,) * 10, 0, (CONV,)),
    ev.DrawingViewed(5, 3, b"", (), -1, ()),
    ev.Paused(5, "stepped"),
    ev.Resumed(5),
    ev.HyperparametersChanged(6, 0.02, 0.9, 64, 1e-4, ("lr", "batch_size")),
    ev.CommandRefused(6, "SetHyperparameters", "lr 20 is above 10"),
    ev.Diverged(7, -math.inf, 5, "the loss is inf"),
    ev.SnapshotSaved(8, "snaps/run_e01_s00008.npz"),
    ev.SnapshotFailed(8, "disk full"),
    ev.Notice(9, "Test set changed", "évalué sur 1 000 images"),
    ev.Finished(10, 1, "finished"),
    ev.HealthMeasured(
        50,
        1,
        10,
        320,
        (
            ev.LayerHealth("conv1", 0.3, 0.01, 1e-3, 0.25, (0.0, 0.5), 0.2, 0.1),
            ev.LayerHealth("dense2", 0.1, 0.02, 2e-3, NAN, (), NAN, NAN),
        ),
    ),
    ev.HistogramsMeasured(
        500, 1, (ev.LayerHistogram("dense1", "gradients", 0.04, (1, 5, 1), (0, 7, 0)),)
    ),
    ev.LrFindStarted(10, 1e-5, 1.0, 200),
    ev.LrFindProgressed(10, 3, (1e-5, 2e-5), (2.3, math.inf), (2.3, 2.29)),
    ev.LrFindEnded(
        10, "suggested", 0.0316, "suggested lr 0.0316", (1e-5,), (2.3,), (2.3,), "loss exploded"
    ),
    ev.EmbeddingComputed(
        10, 1, (0.5, -1.25), (0.0, 2.0), (3, 7), (3, 1), (0.9, 0.6), (0.4, 0.2), 0.01
    ),
    ev.NearestFound(
        10,
        4,
        (17, 2),
        (7, 1),
        (0.5, 1.25),
        (bytes(784), bytes([255]) * 784),
        1000,
        60000,
        128,
        3.5,
        0.2,
    ),
]
COMMANDS: list[cmd.Command] = [
    cmd.Pause(),
    cmd.Resume(),
    cmd.Step(3),
    cmd.SetHyperparameters(lr=0.5, batch_size=16),
    cmd.Evaluate(),
    cmd.RequestSample(12, 4),
    cmd.SaveSnapshot(),
    cmd.Stop(save=True),
    cmd.ViewDrawing(bytes(range(256)) * 3 + bytes(16), 7),
    cmd.FindLr(1e-4, 3.0, 150),
    cmd.StopLrFind(),
    cmd.FindNearest(12, 5),
]


def _same(a: object, b: object) -> bool:
    """Equality where NaN equals NaN (repr shows every field, nan as nan)."""
    return repr(a) == repr(b)


def test_every_event_and_command_type_is_covered() -> None:
    assert {type(e).__name__ for e in EVENTS} == set(EVENT_TYPES)
    assert {type(c).__name__ for c in COMMANDS} == set(COMMAND_TYPES)


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_events_round_trip_through_a_json_line(event: ev.Event) -> None:
    line = json_line(to_json(event))
    assert line.endswith("\n") and "\n" not in line[:-1]
    back = decode_event(json.loads(line))
    assert type(back) is type(event)
    assert _same(back, event)
    assert all(type(getattr(back, f)) is type(getattr(event, f)) for f in event.__slots__)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_commands_round_trip(command: cmd.Command) -> None:
    assert decode_command(json.loads(json_line(to_json(command)))) == command


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ([], "_type"),
        ({"_type": "Explode"}, "Explode"),
        ({"_type": "Paused"}, "Pause"),  # an event is not a command
        ({"_type": "SetHyperparameters", "lr": "fast"}, "SetHyperparameters.lr"),
        ({"_type": "SetHyperparameters", "lr": True}, "SetHyperparameters.lr"),
        ({"_type": "Step", "batches": 1.5}, "Step.batches"),
        ({"_type": "Stop", "save": 1}, "Stop.save"),
        ({"_type": "Stop", "boom": 1}, "boom"),
        ({"_type": "RequestSample", "test_index": [1]}, "RequestSample.test_index"),
    ],
)
def test_bad_commands_are_refused_naming_what_is_wrong(data: object, named: str) -> None:
    with pytest.raises(CodecError, match=named.replace(".", r"\.")):
        decode_command(data)


def test_bad_events_are_refused() -> None:
    good = to_json(EVENTS[4])
    with pytest.raises(CodecError, match="image"):
        decode_event({**good, "image": {"_bytes": "@@not base64"}})
    with pytest.raises(CodecError, match="missing 'step'"):
        decode_event({"_type": "Resumed"})
    with pytest.raises(CodecError, match="losses"):
        decode_event({**to_json(EVENTS[2]), "losses": [1.0, {"_float": "big"}]})
