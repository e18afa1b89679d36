"""A branched run's loss chart (tui/render/chart.py): the line left of the branch point — the
parent's history — is drawn in the "inherited" role, the rest in the line's own; the ┼ mark sits
on the top row at the branch step."""

from __future__ import annotations

from rich.style import Style

from cnn_tui.tui.render.chart import ChartData, Mark, chart_lines

FAINT, OWN = Style(color="grey37"), Style(color="blue")


def roles_by_column(data: ChartData, width: int = 40) -> dict[int, set[str]]:
    """Column → the roles drawn there (by the style each role got)."""
    names = {FAINT: "inherited", OWN: "line"}
    found: dict[int, set[str]] = {}
    for line in chart_lines(data, width, 10, {"inherited": FAINT, "line": OWN}):
        column = 0
        for segment in line:
            for _ in segment.text:
                if segment.style in names:
                    found.setdefault(column, set()).add(names[segment.style])
                column += 1
    return found


def test_the_parents_part_of_the_line_is_faint_and_the_branch_is_marked() -> None:
    line = tuple((float(x), 2.0 - x / 100) for x in range(0, 101))
    data = ChartData(
        x_range=(0.0, 100.0),
        line=line,
        line_faint_before=50.0,
        top_marks=(Mark(50.0, "┼", "branch"),),
    )
    columns = roles_by_column(data)
    faint = [c for c, roles in columns.items() if "inherited" in roles]
    own = [c for c, roles in columns.items() if "line" in roles]
    assert faint and own and max(faint) < min(own)  # one cut, the parent's part first
    top = "".join(s.text for s in chart_lines(data, 40, 10, {})[0])
    assert "┼" in top
    plain = roles_by_column(ChartData(x_range=(0.0, 100.0), line=line))
    assert all(roles == {"line"} for roles in plain.values())  # not a branch: all its own
