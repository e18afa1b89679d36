"""The MNIST preprocessing of a drawing (core/drawing/preprocess.py): fitted in 20×20 with its
aspect ratio, anti-aliased, centred by centre of mass — checked against values worked out by
hand in each test's comment."""

from __future__ import annotations

import pytest

from cnn_tui.core.drawing.preprocess import (
    centre_of_mass,
    ink_box,
    mnist_input,
    overlap_weights,
    to_image,
)

SIDE = 28


def grid(cells: dict[tuple[int, int], float]) -> list[float]:
    """A 28×28 drawing with ink ``cells[(row, col)]``."""
    pixels = [0.0] * (SIDE * SIDE)
    for (r, c), v in cells.items():
        pixels[r * SIDE + c] = v
    return pixels


def rect(r0: int, c0: int, rows: int, cols: int, ink: float = 1.0) -> dict[tuple[int, int], float]:
    return {(r, c): ink for r in range(r0, r0 + rows) for c in range(c0, c0 + cols)}


def inked(pixels: list[float]) -> dict[tuple[int, int], float]:
    return {(i // SIDE, i % SIDE): v for i, v in enumerate(pixels) if v > 1e-12}


def test_a_small_box_is_grown_to_20_tall_keeping_its_aspect_ratio() -> None:
    # 4 rows × 2 columns → s = 20/4 = 5 → 20 × 10 in the field, at column offset (20 − 10)/2
    # = 5; placed at (4, 4): rows 4–23, columns 9–18; centre of mass (14, 14): no shift
    out = mnist_input(grid(rect(3, 10, 4, 2)))
    assert out is not None
    assert inked(out) == pytest.approx(rect(4, 9, 20, 10))
    assert centre_of_mass(out) == pytest.approx((14.0, 14.0))


def test_a_large_drawing_is_shrunk_by_area_averaging_to_the_same_digit() -> None:
    # 28 rows × 14 columns → s = 20/28; 20 × 10 in the field: the same as the small box above
    out = mnist_input(grid(rect(0, 7, 28, 14)))
    assert out is not None
    assert inked(out) == pytest.approx(rect(4, 9, 20, 10))


def test_a_box_that_covers_pixels_in_part_gives_them_grey_edges() -> None:
    # 3 rows × 1 column → s = 20/3: the column spans [6.667, 13.333) of the field, so field
    # columns 6 and 13 are a third covered (ink 1/3), 7–12 fully; placed at +4: 10 and 17 grey
    out = mnist_input(grid(rect(10, 3, 3, 1)))
    assert out is not None
    expected = {**rect(4, 11, 20, 6), **rect(4, 10, 20, 1, 1 / 3), **rect(4, 17, 20, 1, 1 / 3)}
    assert inked(out) == pytest.approx(expected)
    assert to_image(out)[4 * SIDE + 10] == 85  # round(255 / 3)


def test_the_centre_of_mass_is_moved_to_the_centre_by_whole_pixels() -> None:
    # 4 × 2, left column ink 1, right column 0.5 → field columns 5–9 at 1.0, 10–14 at 0.5;
    # placed: 9–13 and 14–18, so cx = (5·11.5 + 0.5·5·16.5) / 7.5 = 13.1667, cy = 14;
    # the shift round(14 − 13.1667) = 1 column right: 10–14 at 1.0, 15–19 at 0.5
    cells = {**rect(3, 10, 4, 1, 1.0), **rect(3, 11, 4, 1, 0.5)}
    out = mnist_input(grid(cells))
    assert out is not None
    assert inked(out) == pytest.approx({**rect(4, 10, 20, 5, 1.0), **rect(4, 15, 20, 5, 0.5)})
    cx, cy = centre_of_mass(out) or (0.0, 0.0)
    assert cx == pytest.approx(14.1667, abs=1e-4) and cy == pytest.approx(14.0)
    assert abs(cx - 14) <= 0.5


def test_the_same_drawing_anywhere_on_the_canvas_gives_the_same_input() -> None:
    stroke = {(0, 0): 1.0, (1, 1): 0.8, (2, 2): 1.0, (2, 0): 0.3, (3, 3): 0.6}
    moved = {(r + 17, c + 5): v for (r, c), v in stroke.items()}
    assert mnist_input(grid(moved)) == pytest.approx(mnist_input(grid(stroke)))


def test_every_output_fits_the_20x20_box_and_keeps_ink_in_range() -> None:
    # a diagonal stroke 20 × 20 after fitting: the ink box is at most 20 on its long side
    out = mnist_input(grid({(r, r // 2 + 3): 1.0 for r in range(2, 26)}))
    assert out is not None
    r0, c0, r1, c1 = ink_box(out) or (0, 0, 0, 0)
    assert r1 - r0 + 1 == 20 and c1 - c0 + 1 <= 20
    assert all(0.0 <= v <= 1.0 for v in out)


def test_a_lopsided_digit_is_shifted_only_as_far_as_keeps_all_its_ink() -> None:
    # 20 rows of ink after fitting, nearly all of it in the top row: the centre of mass wants
    # a shift of about +9 rows, which would push the bottom rows off; the shift stops at +4
    cells = {**rect(0, 10, 1, 8, 1.0), **{(r, 13): 0.01 for r in range(1, 20)}}
    out = mnist_input(grid(cells))
    assert out is not None
    r0, _, r1, _ = ink_box(out) or (0, 0, 0, 0)
    assert (r0, r1) == (8, 27)  # placed at 4–23, moved down 4: the last row is row 27


def test_an_empty_drawing_gives_nothing_and_a_wrong_size_is_refused() -> None:
    assert mnist_input([0.0] * (SIDE * SIDE)) is None
    with pytest.raises(ValueError, match="784 pixels, not 10"):
        mnist_input([0.0] * 10)


def test_overlap_weights_of_a_covered_pixel_add_to_one() -> None:
    # 7 source pixels of 20/7 = 2.857 field pixels each: field pixel 2 = [2, 3) takes
    # [2, 2.857) of source 0 (6/7) and [2.857, 3) of source 1 (1/7)
    weights = overlap_weights(7, 20 / 7, 0.0)
    assert all(sum(row) == pytest.approx(1.0) for row in weights)
    assert weights[2] == pytest.approx([6 / 7, 1 / 7, 0, 0, 0, 0, 0])
