"""The embedding map's scatter (tui/render/scatter.py) against a hand-made map of five digits on
a 4 × 2 cell grid: where each lands, the colour of a cell (its majority class), the × of a
mistake in its true class's colour, the glyphs under NO_COLOR, a class in focus, the cursor, and
which digit is nearest a point."""

from __future__ import annotations

from rich.style import Style

from cnn_tui.core.contract.events import EmbeddingComputed
from cnn_tui.tui.render.scatter import (
    Marks,
    frame_for,
    mistake_order,
    nearest,
    scatter_lines,
)

STYLES = {f"c{k}": Style(color=f"color({k + 1})") for k in range(10)}
STYLES["muted"] = Style(dim=True)


def tiny_map() -> EmbeddingComputed:
    # x in 0…3, y in 0…1: with the 2 % margins, (0, 1) is the top-left dot, (3, 0) bottom-right
    return EmbeddingComputed(
        step=100,
        epoch=1,
        xs=(0.0, 0.0, 3.0, 3.0, 1.5),
        ys=(1.0, 1.0, 0.0, 0.0, 0.5),
        labels=(1, 1, 7, 7, 3),
        predicted=(1, 1, 7, 2, 3),  # digit 3 (a 7) is taken for a 2
        confidence=(0.9, 0.8, 0.95, 0.7, 0.6),
        variance=(0.5, 0.2),
        seconds=0.01,
    )


def cells(lines: list) -> list[list[tuple[str, Style | None]]]:  # noqa: ANN001
    return [[(s.text, s.style) for s in line] for line in lines]


def test_the_frame_puts_the_corners_in_the_corner_cells_and_inverts() -> None:
    emb = tiny_map()
    frame = frame_for(emb.xs, emb.ys, 4, 2)
    assert frame.cell(0.0, 1.0) == (0, 0)  # top left: y grows upwards
    assert frame.cell(3.0, 0.0) == (3, 1)
    assert frame.cell(1.5, 0.5) in {(1, 0), (1, 1), (2, 0), (2, 1)}  # the middle
    x, y = frame.coordinates(*frame.position(1.2, 0.3))
    assert abs(x - 1.2) < 1e-9 and abs(y - 0.3) < 1e-9


def test_a_cell_takes_its_class_colour_and_a_mistake_shows_as_a_cross() -> None:
    emb = tiny_map()
    frame = frame_for(emb.xs, emb.ys, 4, 2)
    grid = cells(scatter_lines(emb, frame, STYLES, colour_on=True))
    assert len(grid) == 2 and all(len(row) == 4 for row in grid)
    text, style = grid[0][0]
    assert text == "⠁" and style == STYLES["c1"]  # both 1s on the top-left dot
    text, style = grid[1][3]
    assert text == "×" and style == STYLES["c7"]  # the mistaken 7, in 7's colour
    assert grid[0][3][0] == " " and grid[1][0][0] == " "  # nothing there
    assert sum(1 for row in grid for t, _ in row if t.strip()) == 3  # the 1s, the 7s, the 3


def test_without_colour_a_cell_shows_its_class_and_marks_can_be_hidden() -> None:
    emb = tiny_map()
    frame = frame_for(emb.xs, emb.ys, 4, 2)
    grid = cells(scatter_lines(emb, frame, STYLES, colour_on=False))
    assert grid[0][0][0] == "1" and grid[1][3][0] == "×"
    unmarked = cells(scatter_lines(emb, frame, STYLES, colour_on=False, marks=Marks(False)))
    assert unmarked[1][3][0] == "7"  # the right 7 and the wrong one: the cell is a 7


def test_a_class_in_focus_leaves_the_others_faint() -> None:
    emb = tiny_map()
    frame = frame_for(emb.xs, emb.ys, 4, 2)
    grid = cells(scatter_lines(emb, frame, STYLES, colour_on=True, marks=Marks(focus=7)))
    assert grid[0][0] == ("⠁", STYLES["muted"])
    assert grid[1][3][0] == "×"
    grid = cells(scatter_lines(emb, frame, STYLES, colour_on=False, marks=Marks(focus=7)))
    assert grid[0][0] == ("·", STYLES["muted"])


def test_the_named_digit_is_reversed_and_the_cursor_marks_empty_ground() -> None:
    emb = tiny_map()
    frame = frame_for(emb.xs, emb.ys, 4, 2)
    marks = Marks(cursor=(3, 0), named=0)
    grid = cells(scatter_lines(emb, frame, STYLES, colour_on=True, marks=marks))
    assert grid[0][0][1] is not None and grid[0][0][1].reverse
    assert grid[0][3][0] == "┼" and grid[0][3][1] is not None and grid[0][3][1].underline


def test_nearest_finds_the_closest_drawn_digit() -> None:
    emb = tiny_map()
    frame = frame_for(emb.xs, emb.ys, 4, 2)
    assert nearest(emb, frame, *frame.position(0.1, 0.9)) == 0  # the first of the two 1s
    assert nearest(emb, frame, *frame.position(2.9, 0.1)) == 2
    assert nearest(emb, frame, *frame.position(1.4, 0.6)) == 4
    assert nearest(emb, frame, *frame.position(1.4, 0.6), focus=1) == 0  # only the 1s count
    assert nearest(emb, frame, 0, 0, focus=5) is None


def test_mistakes_most_confident_first() -> None:
    emb = tiny_map()
    assert mistake_order(emb) == [3]
    more = EmbeddingComputed(**{**_fields(emb), "predicted": (2, 1, 7, 2, 5)})
    assert mistake_order(more) == [0, 3, 4]  # 0.9, 0.7, 0.6


def test_points_that_are_not_finite_are_left_out() -> None:
    emb = EmbeddingComputed(**{**_fields(tiny_map()), "xs": (0.0, float("nan"), 3.0, 3.0, 1.5)})
    frame = frame_for(emb.xs, emb.ys, 4, 2)
    assert frame.lo_x < 0.0 and frame.hi_x > 3.0
    grid = cells(scatter_lines(emb, frame, STYLES, colour_on=True))
    assert grid[0][0][0] == "⠁"  # digit 0 alone now
    assert nearest(emb, frame, *frame.position(0.0, 1.0)) == 0


def _fields(emb: EmbeddingComputed) -> dict[str, object]:
    return {name: getattr(emb, name) for name in EmbeddingComputed.__slots__}
