"""The chart renderer and its parts: braille dots, axis ticks, and ``chart_lines`` — sizes,
glyphs, axes, log scale, fixed ranges, decimation."""

from __future__ import annotations

import math

from rich.style import Style

from cnn_tui.tui.render.braille import BrailleCanvas
from cnn_tui.tui.render.chart import ChartData, Mark, Series, chart_lines, thin
from cnn_tui.tui.render.halfblock import line_length
from cnn_tui.tui.render.ticks import (
    decimals_for,
    linear_axis,
    log_axis,
    nice_ticks,
    step_label,
    step_ticks,
)


def text(lines: list) -> list[str]:  # noqa: ANN001
    return ["".join(segment.text for segment in line) for line in lines]


def test_braille_dots_use_the_unicode_numbering() -> None:
    canvas = BrailleCanvas(2, 1)
    canvas.dot(0, 0)  # dot 1
    canvas.dot(1, 3)  # dot 8
    canvas.dot(2, 1)  # second cell, dot 2
    canvas.dot(99, 99)  # outside: ignored
    assert canvas.glyph(0, 0) == chr(0x2800 + 0x01 + 0x80)
    assert canvas.glyph(1, 0) == chr(0x2800 + 0x02)


def test_a_steep_braille_line_stays_connected() -> None:
    canvas = BrailleCanvas(2, 3)  # 4 × 12 dots
    canvas.polyline([(0, 0), (3, 11)])
    assert all(canvas.glyph(0, r) or canvas.glyph(1, r) for r in range(3))  # no row skipped
    assert canvas.glyph(1, 0) is None and canvas.glyph(0, 2) is None
    gap = BrailleCanvas(3, 1)
    gap.polyline([(0, 0), (1, 0), None, (5, 0)])  # None breaks the line
    assert gap.glyph(0, 0) and gap.glyph(1, 0) is None and gap.glyph(2, 0)


def test_nice_ticks_are_round_inside_and_two_rows_apart() -> None:
    ticks = nice_ticks(0.13, 3.04, 13)
    assert ticks == [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    assert len(nice_ticks(0.0, 100.0, 5)) <= 3
    assert nice_ticks(1.0, 1.0, 10) == [] and nice_ticks(math.nan, 1.0, 10) == []
    assert [decimals_for(s) for s in (0.5, 0.25, 2.5, 25.0, 1e-3)] == [1, 2, 1, 0, 3]


def test_linear_axis_pads_the_data_and_never_goes_below_zero() -> None:
    axis = linear_axis(0.05, 2.3, 12)
    assert axis.lo == 0.0 and axis.hi > 2.3 and not axis.log
    assert axis.labels == ("0.0", "0.5", "1.0", "1.5", "2.0")
    flat = linear_axis(1.0, 1.0, 6)  # a flat series still gets a window
    assert flat.lo < 1.0 < flat.hi
    assert linear_axis(85.0, 100.0, 8, margin=0.0).ticks == (85.0, 90.0, 95.0, 100.0)


def test_log_axis_ticks_at_one_two_five_and_refuses_non_positive() -> None:
    axis = log_axis(0.03, 2.3, 12)
    assert axis.log and axis.labels == ("0.05", "0.1", "0.2", "0.5", "1", "2")
    assert log_axis(0.03, 2.3, 4).labels == ("0.1", "1")  # thinned to the decades
    assert axis.fraction(0.0) is None and axis.fraction(-1.0) is None
    assert math.isclose(axis.fraction(1.0) or 0, (0 - axis.lo) / (axis.hi - axis.lo))


def test_step_ticks_are_whole_and_labels_short() -> None:
    assert step_ticks(18, 2600, 57) == [500, 1000, 1500, 2000, 2500]
    assert step_ticks(1, 3, 40) == [1, 2, 3]
    assert step_ticks(5, 5, 40) == [5]
    assert [step_label(s) for s in (2500, 40_000, 1_500_000)] == ["2,500", "40k", "1.5M"]


def loss_like() -> ChartData:
    xs = list(range(1, 401))
    ys = [2.3 * math.exp(-x / 80) + 0.1 for x in xs]
    return ChartData(
        x_range=(1, 400),
        line=tuple(zip(xs, ys, strict=True)),
        line_role="ema",
        cloud=((100.0, 1.5),),
        points=((200.0, 0.4), (400.0, 0.12)),
        vlines=(300.0,),
        top_marks=(Mark(150, "▼", "change"), Mark(250, "‖", "pause"), Mark(250, "✕", "diverged")),
    )


def test_chart_fills_its_box_with_every_glyph() -> None:
    lines = chart_lines(loss_like(), 50, 12, {})
    assert len(lines) == 12 and all(line_length(line) == 50 for line in lines)
    rows = text(lines)
    plot = "".join(rows[:-2])
    assert any(0x2800 < ord(c) <= 0x28FF for c in plot)  # the braille line
    assert "●" in plot and "┊" in plot and "·" in plot
    assert "▼" in rows[0] and "✕" in rows[0] and "‖" not in rows[0]  # the last mark wins a cell
    assert rows[-2].lstrip().startswith("└") and "┬" in rows[-2]
    assert "100" in rows[-1] and "400" in rows[-1]
    assert "┤" in plot and "2.0" in plot  # y labels on the axis


def test_chart_styles_come_from_the_roles() -> None:
    red, grey = Style(color="red"), Style(color="grey50")
    lines = chart_lines(loss_like(), 50, 12, {"ema": red, "axis": grey})
    styles = {s.text[0]: s.style for line in lines for s in line if s.text.strip()}
    braille = [style for char, style in styles.items() if 0x2800 < ord(char) <= 0x28FF]
    assert braille and all(style == red for style in braille)
    assert [seg.style for line in lines for seg in line if "└" in seg.text] == [grey]


def test_log_scale_drops_what_it_cannot_draw() -> None:
    data = ChartData(x_range=(0, 3), line=((0, 1.0), (1, 0.0), (2, 0.1), (3, -1.0)), log_y=True)
    rows = text(chart_lines(data, 30, 8, {}))
    assert any("0.1" in row for row in rows) and any("1" in row for row in rows)
    empty = ChartData(x_range=(0, 1), line=((0, 0.0), (1, -2.0)), log_y=True)
    assert "no finite values" in text(chart_lines(empty, 30, 8, {}))[0]


def test_fixed_range_clamps_and_a_tiny_box_says_so() -> None:
    data = ChartData(x_range=(0, 10), line=((0, 50.0), (10, 120.0)), y_fixed=(40.0, 100.0))
    rows = text(chart_lines(data, 30, 8, {}))
    assert rows[0].lstrip().startswith("100")  # the top tick is the range's end
    assert text(chart_lines(data, 7, 8, {})) == ["(too sm"]  # cropped to the box


def test_thin_keeps_the_last_point() -> None:
    points = [(float(i), float(i)) for i in range(10)]
    kept = thin(points, 3)
    assert len(kept) <= 4 and kept[-1] == (9.0, 9.0) and kept[0] == (0.0, 0.0)
    assert thin(points, 0) == () and thin([], 5) == ()


def test_y_labels_are_evenly_spaced_at_every_height() -> None:
    data = ChartData(
        x_range=(0, 100), line=tuple((x, 0.3 + 3.4 * (1 - x / 100)) for x in range(101))
    )
    for height in range(5, 30):
        rows = text(chart_lines(data, 40, height, {}))[:-2]
        labelled = [(r, float(row.split("┤")[0])) for r, row in enumerate(rows) if "┤" in row]
        assert labelled, height
        gaps = [b[0] - a[0] for a, b in zip(labelled, labelled[1:], strict=False)]
        steps = {round(a[1] - b[1], 9) for a, b in zip(labelled, labelled[1:], strict=False)}
        assert all(g >= 2 for g in gaps) and len(steps) <= 1, (height, labelled)


def test_other_runs_are_tagged_lines_with_their_own_glyphs_and_styles() -> None:
    """Each ``Series`` (compare, the overlay): its letter on its line, its test results as its
    glyph, both in its role's style — so two runs differ without colour too."""
    falling = tuple((float(x), 2.0 - x / 50) for x in range(0, 101, 2))
    rising = tuple((float(x), 0.2 + x / 100) for x in range(0, 101, 2))
    data = ChartData(
        x_range=(0.0, 100.0),
        line=(),
        series=(
            Series(falling, "run0", "A", "●", ((50.0, 1.0),)),
            Series(rising, "run1", "B", "■", ((100.0, 1.2),)),
        ),
    )
    a, b = Style(color="red"), Style(color="blue")
    lines = chart_lines(data, 60, 14, {"run0": a, "run1": b})
    drawn = "".join(text(lines))
    assert drawn.count("A") >= 2 and drawn.count("B") >= 2  # a tag every few columns
    assert drawn.count("●") == 1 and drawn.count("■") == 1
    styled = {
        seg.style
        for line in lines
        for seg in line
        if seg.text.strip("⠀ ") and any(ch in seg.text for ch in "AB●■")
    }
    assert a in styled and b in styled
    assert all(line_length(line) == 60 for line in lines)
