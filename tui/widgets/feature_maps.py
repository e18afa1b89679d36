"""Provides ``FeatureMapsView``: every map of each conv layer for the sampled digit, after ReLU
and after pooling, each with its 3×3 kernel (see ``render/feature_maps.py`` for the layout), drawn
into cached strips (``LinePanel``).
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from cnn_tui.tui.render.feature_maps import feature_map_lines
from cnn_tui.tui.render.halfblock import SegmentLines
from cnn_tui.tui.widgets.line_panel import LinePanel


class FeatureMapsView(LinePanel):
    """Feature maps and kernels of the sampled digit, scaled to fit the panel."""

    TITLE = "Feature maps"
    MIN_INTERVAL = 0.5  # samples come ~3/s; ≤ 2 repaints a second read as live

    def build(self, width: int, height: int) -> RenderableType:
        self.set_titles(
            subtitle="dark → bright: activation · kernel blue − / red +"
            if self.colour_on
            else "sparse → dense: activation · kernel - / +"
        )
        sample = self.state.sample
        if sample is None:
            return Text("waiting for a sample…", style="dim")
        lines = feature_map_lines(
            sample.layers, width, height, colour_on=self.colour_on, muted=self.role("muted")
        )
        return SegmentLines(lines)
