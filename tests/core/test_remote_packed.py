"""The codec's packed floats: a long tuple of floats (a feature map) goes as ``{"_floats":
base64}`` of its doubles — back bit for bit, NaN and infinities and -0.0 included, at about half
the bytes of the numbers as text — while a short or mixed tuple stays a plain list, and a packed
value that is not whole doubles in valid base64 is refused naming the field."""

from __future__ import annotations

import base64
import json
import math
import struct

import pytest

from cnn_tui.core.contract import events as ev
from cnn_tui.core.remote.codec import PACKED_FROM, CodecError, decode_event, json_line, to_json

ODD = (math.nan, math.inf, -math.inf, -0.0, 5e-324, 1.7976931348623157e308, 0.1)


def _view(maps: tuple[float, ...]) -> ev.SampleViewed:
    conv = ev.ConvView(8, 1, 26, 13, maps, (0.5,) * 1352, (0.25,) * 72, (0.0,) * 8)
    return ev.SampleViewed(9, "train", 3, 7, bytes(784), (0.1,) * 10, 7, (conv,))


def _bits(values: tuple[float, ...]) -> bytes:
    return struct.pack(f"<{len(values)}d", *values)


def test_a_feature_map_goes_packed_and_comes_back_bit_for_bit() -> None:
    count = 5408 - len(ODD)  # float32 values, as the NumPy engine's maps are
    maps = struct.unpack(f"<{count}f", struct.pack(f"<{count}f", *(i / 7 for i in range(count))))
    maps += ODD
    event = _view(maps)
    line = json_line(to_json(event))
    back = decode_event(json.loads(line))
    assert isinstance(back, ev.SampleViewed)
    assert _bits(back.layers[0].maps) == _bits(maps)  # NaN, ±inf, -0.0, subnormals: exact
    assert '"maps": {"_floats": "' in line and '"probabilities": [0.1, ' in line
    as_text = json.dumps([x if math.isfinite(x) else 0.0 for x in maps])
    assert len(json.dumps(to_json(maps))) < 0.65 * len(as_text)  # 8 bytes a number, not ~20


def test_short_or_mixed_tuples_stay_lists() -> None:
    short = (1.5,) * (PACKED_FROM - 1)
    mixed = (1.5,) * PACKED_FROM + (2,)
    assert to_json(short) == list(short)
    assert to_json(mixed) == list(mixed)
    assert set(to_json((1.5,) * PACKED_FROM)) == {"_floats"}


@pytest.mark.parametrize(
    ("packed", "says"),
    [
        ({"_floats": "@@@"}, "bad base64"),
        ({"_floats": base64.b64encode(b"1234567").decode()}, "7 bytes is not a whole number"),
        ({"_floats": 12}, "expected a list or"),
        ({"_floats": "", "x": 1}, "expected a list or"),
    ],
)
def test_a_bad_packed_value_is_refused(packed: dict[str, object], says: str) -> None:
    good = to_json(_view((0.5,) * 5408))
    good["layers"][0]["maps"] = packed
    with pytest.raises(CodecError, match=f"ConvView.maps: {says}"):
        decode_event(good)


def test_packed_is_only_for_floats() -> None:
    started = to_json(
        ev.TrainingStarted(
            "numpy", "c8", (8,), 128, 5, 1, 0, 1875, 60000, 10000, 0.01, 0.0, 0.0, 32, 7
        )
    )
    started["filters"] = {"_floats": base64.b64encode(_bits((8.0,))).decode()}
    with pytest.raises(CodecError, match="TrainingStarted.filters: expected a list"):
        decode_event(started)
