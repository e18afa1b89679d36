"""The drawing canvas (core/drawing/canvas.py): the anti-aliased brush, strokes without gaps,
erasing, and the brush sizes it refuses."""

from __future__ import annotations

import pytest

from cnn_tui.core.contract.config import ConfigError
from cnn_tui.core.drawing.canvas import Canvas, check_brush, parse_brush


def ink(canvas: Canvas, r: int, c: int) -> float:
    return canvas.pixels[r * 28 + c]


def test_a_brush_of_size_one_on_a_pixel_centre_inks_that_pixel_only() -> None:
    canvas = Canvas()
    assert canvas.stamp(5.5, 7.5, 1)
    assert [i for i, v in enumerate(canvas.pixels) if v] == [7 * 28 + 5]


def test_a_size_two_brush_has_a_grey_anti_aliased_edge() -> None:
    # radius 1, edge fading over one pixel: coverage = 1.5 − distance
    canvas = Canvas()
    canvas.stamp(10.5, 10.5, 2)
    assert ink(canvas, 10, 10) == 1.0
    assert ink(canvas, 10, 11) == pytest.approx(0.5)  # distance 1
    assert ink(canvas, 11, 11) == pytest.approx(1.5 - 2**0.5)  # distance √2
    assert ink(canvas, 10, 12) == 0.0  # distance 2


def test_a_fast_drag_still_draws_a_continuous_stroke() -> None:
    canvas = Canvas()
    canvas.stroke(2.5, 14.5, 25.5, 14.5, 1)  # two mouse positions 23 pixels apart
    assert all(ink(canvas, 14, c) == pytest.approx(1.0) for c in range(2, 26))


def test_erasing_lowers_ink_and_painting_keeps_the_darker_value() -> None:
    canvas = Canvas()
    canvas.stamp(10.5, 10.5, 3)
    canvas.stamp(10.5, 10.5, 1)  # a thinner dab over it changes nothing
    assert ink(canvas, 10, 11) == 1.0
    canvas.stamp(10.5, 10.5, 1, erase=True)
    assert ink(canvas, 10, 10) == 0.0 and ink(canvas, 10, 11) == 1.0
    canvas.clear()
    assert canvas.empty


def test_loading_an_image_and_back_keeps_its_bytes() -> None:
    image = bytes(range(256)) * 3 + bytes(16)
    canvas = Canvas()
    canvas.load(image)
    assert canvas.to_bytes() == image
    with pytest.raises(ValueError, match="784 pixels"):
        canvas.load(b"\x00")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9", "brush size 9 is outside 1–6"),
        ("0", "brush size 0 is outside 1–6"),
        ("2.5", "brush size '2.5' is not a whole number"),
        ("abc", "brush size 'abc' is not a whole number"),
    ],
)
def test_a_typed_brush_size_out_of_bounds_is_refused_with_the_reason(
    text: str, reason: str
) -> None:
    with pytest.raises(ConfigError, match=reason):
        parse_brush(text)
    assert parse_brush(" 4 ") == 4
    with pytest.raises(ConfigError):
        check_brush(7)
