"""Provides ``DigitView``: the image the network is looking at (28×28 in half blocks, or ASCII
shades without colour), its label, the prediction, and the ten probabilities as bars — beside the
digit when the panel is wide enough, under it as a strip of vertical bars when not. Drawn into
cached strips (``LinePanel``); bars and the verdict in the theme's colours.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from cnn_tui.core.contract.class_names import class_name, fit_name, names_width
from cnn_tui.tui.render.bars import hbar, vbars
from cnn_tui.tui.render.halfblock import Line, SegmentLines, beside, grid_lines, normaliser
from cnn_tui.tui.widgets.line_panel import LinePanel

SIDE = 28
NAME_LIMIT = 11  # longest class name shown in full beside a probability ("Ankle boot")
PROB_WIDTH = 22  # "7 ██████████  93.1% ←"


class DigitView(LinePanel):
    """The sampled input digit, label, prediction and probabilities."""

    TITLE = "Input"
    MIN_INTERVAL = 0.5  # samples come ~3/s; ≤ 2 repaints a second read as live

    def build(self, width: int, height: int) -> RenderableType:
        sample = self.state.sample
        if sample is None:
            return Text("waiting for a sample…", style="dim")
        pixels = [b / 255 for b in sample.image]
        digit = grid_lines(pixels, SIDE, "ink", normaliser(0.0, 1.0), colour_on=self.colour_on)
        right = sample.predicted == sample.label
        names = self.state.class_names
        caption: Line = [
            Segment(
                f"label {class_name(names, sample.label)} → predicted "
                f"{class_name(names, sample.predicted)} "
            ),
            Segment("✓ right" if right else "✗ wrong", self.role("right" if right else "wrong")),
        ]
        self.set_titles(subtitle=f"{sample.source} #{sample.index:,} · step {sample.step:,}")
        if width >= SIDE + 2 + PROB_WIDTH:
            probs = self._prob_lines(min(width - SIDE - 2, 34))
            lines = beside([digit, probs], [SIDE, width - SIDE - 2], gap=2)
            return SegmentLines([*lines, caption])
        return SegmentLines([*digit, caption, *self._prob_strip()])

    def _prob_lines(self, width: int) -> list[Line]:
        """One line per digit: digit, bar, percentage; the label marked with ←."""
        sample = self.state.sample
        assert sample is not None
        names = self.state.class_names
        name_width = names_width(names, NAME_LIMIT) if names else 1
        bar_width = max(3, width - 11 - name_width)
        lines: list[Line] = [[Segment("probabilities", self.role("muted"))]]
        bar_style = self.role("bar") if self.colour_on else None
        for d, p in enumerate(sample.probabilities):
            strong = d == sample.predicted
            style = Style(bold=True) if strong else None
            mark = " ←" if d == sample.label else ""
            lines.append(
                [
                    Segment(f"{fit_name(names[d], name_width) if names else d} ", style),
                    Segment(hbar(p, bar_width), bar_style),
                    Segment(f"{100 * p:5.1f}%{mark}", style),
                ]
            )
        return lines

    def _prob_strip(self) -> list[Line]:
        """Ten vertical bars (two rows, 16 levels) over the digits 0–9, the label underlined."""
        sample = self.state.sample
        assert sample is not None
        bar_style = self.role("bar") if self.colour_on else None
        lines: list[Line] = [[Segment(row, bar_style)] for row in vbars(sample.probabilities, 2, 3)]
        labels: Line = []
        names = self.state.class_names
        for d in range(10):
            style = Style(bold=True, underline=d == sample.label, reverse=d == sample.predicted)
            # three cells a class: a name's first two letters (the caption says it in full)
            labels.append(Segment(f"{names[d][:2]:<2} " if names else f" {d} ", style))
        lines.append(labels)
        return lines
