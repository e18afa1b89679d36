"""Provides the health screen's three panels, each a ``LinePanel`` (cached Line-API strips, theme
colours by role) drawn from a ``HealthHistory`` (history.py):

* ``LayerTable``: a row per layer — weight RMS, gradient RMS, log₁₀ update/weight (its sparkline
  green inside the healthy band 10⁻⁴…10⁻², warning-coloured outside), dead share, activation
  mean ± std — each number with a sparkline over the run; conv layers add a line of dead share
  per channel.
* ``HistogramPanel``: one layer's weights and gradients, the first distribution faint behind.
* ``HintPanel``: what the numbers suggest (core/health/hints.py), with the key that applies a fix.
"""

from __future__ import annotations

import math
import textwrap

from rich.segment import Segment
from rich.style import Style

from cnn_tui.core.contract.health_events import LayerHealth, LayerHistogram
from cnn_tui.core.health.hints import WINDOWS
from cnn_tui.core.health.window import WINDOW_STEPS
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.health.history import HealthHistory
from cnn_tui.tui.render.halfblock import Line, SegmentLines
from cnn_tui.tui.render.health import BLOCKS, compact, histogram_cells, log_ratio, ratio_cells
from cnn_tui.tui.render.health import sparkline as spark
from cnn_tui.tui.widgets.line_panel import LinePanel

FIX_KEYS = {
    "halve-lr": ("-", "halve the lr"),
    "double-lr": ("+", "double the lr"),
    "weight-decay": ("W", "set a weight decay"),
}
"""A hint's fix → the key the health screen binds to it and what it does."""
NAME, NUMBER, ACT = 7, 8, 12  # cells of the fixed columns


class HealthPanel(LinePanel):
    """A panel drawn from the run's health history (and the dashboard's state)."""

    def __init__(self, state: TrainingState, history: HealthHistory, *, id: str) -> None:
        super().__init__(state, id=id)
        self.history = history

    def text(self, text: str, role: str = "") -> Segment:
        return Segment(text, self.role(role) if role else None)

    def waiting(self) -> SegmentLines:
        return SegmentLines(
            [
                [
                    self.text(
                        f"no health report yet: one comes every {WINDOW_STEPS} steps while "
                        "training (none with --no-health)",
                        "muted",
                    )
                ]
            ]
        )


class LayerTable(HealthPanel):
    TITLE = "Layers · log₁₀ Δw/w green inside 10⁻⁴…10⁻² (healthy ≈ 10⁻³)"

    def build(self, width: int, height: int) -> SegmentLines:
        latest = self.history.latest
        if latest is None:
            return self.waiting()
        self.set_titles(
            subtitle=f"steps {latest.first_step:,}–{latest.step:,} · "
            f"{latest.observed} observed, {latest.images:,} images"
        )
        spark_w = max(0, (width - NAME - 2 * NUMBER - 2 - 6 - 5 - ACT) // 4)
        head = [
            ("layer".ljust(NAME), ""),
            ("weight RMS".ljust(NUMBER + spark_w + 1), ""),
            ("grad RMS".ljust(NUMBER + spark_w + 1), ""),
            ("log₁₀ Δw/w".ljust(6 + spark_w), ""),
            ("dead".rjust(5).ljust(5 + spark_w), ""),
            (" act μ±σ", ""),
        ]
        lines: list[Line] = [[self.text(t, "label") for t, _ in head]]
        for h in latest.layers:
            lines.append(self._row(h, spark_w))
            if h.dead_channels:
                lines.append(self._channels(h, width))
        return SegmentLines(lines[:height])

    def _row(self, h: LayerHealth, w: int) -> Line:
        series = self.history.series
        ratio = log_ratio(h.update_ratio)
        in_band = math.isfinite(ratio) and -4.0 <= ratio <= -2.0
        row = [
            self.text(h.layer.ljust(NAME), "label"),
            self.text(compact(h.weight_rms).ljust(NUMBER)),  # ≤ 7 characters and a space
            self.text(spark(series(h.layer, "weight_rms"), w) + " ", "line"),
            self.text(compact(h.gradient_rms).ljust(NUMBER)),
            self.text(spark(series(h.layer, "gradient_rms"), w) + " ", "line"),
            self.text(
                f"{ratio:5.1f} " if math.isfinite(ratio) else "    — ",
                "good" if in_band else "change",
            ),
        ]
        for glyph, good in ratio_cells(series(h.layer, "update_ratio"), w):
            row.append(self.text(glyph, "good" if good else "change"))
        dead = "" if math.isnan(h.dead_share) else f"{h.dead_share:.0%}"
        row.append(self.text(" " + dead.rjust(4), "bad" if h.dead_share >= 0.2 else ""))
        dead_series = series(h.layer, "dead_share")
        row.append(self.text(spark(dead_series, w, 0.0, 1.0) if dead else " " * w, "bad"))
        act = (
            ""
            if math.isnan(h.activation_mean)
            else (f"{compact(h.activation_mean)}±{compact(h.activation_std)}")
        )
        row.append(self.text(" " + act))
        return row

    def _channels(self, h: LayerHealth, width: int) -> Line:
        room = max(0, width - NAME - 30)
        shares = h.dead_channels
        glyphs = "".join(BLOCKS[min(int(s * 8), 7)] if s > 0 else "·" for s in shares[:room])
        worst = max(range(len(shares)), key=shares.__getitem__)
        line = [self.text(" " * NAME + "dead per channel ", "muted"), self.text(glyphs, "bad")]
        if len(shares) > room:
            line.append(self.text("…", "muted"))
        if shares[worst] > 0:
            line.append(self.text(f"  worst: ch {worst} {shares[worst]:.0%}", "muted"))
        return line


class HistogramPanel(HealthPanel):
    TITLE = "Histograms"
    layer_index = 0
    """Which layer is shown ([ and ] on the screen)."""

    def build(self, width: int, height: int) -> SegmentLines:
        measured = self.history.histograms
        if measured is None:
            return SegmentLines(
                [
                    [
                        self.text(
                            "no histograms yet: they come at the first step and every 500", "muted"
                        )
                    ]
                ]
            )
        layers = list(dict.fromkeys(h.layer for h in measured.histograms))
        layer = layers[self.layer_index % len(layers)]
        self.set_titles(
            f"Histograms · {layer} ([ ] layer)",
            f"step {measured.step:,} · faint: step {measured.initial_step:,}",
        )
        pair = [h for h in measured.histograms if h.layer == layer]
        side = max(1, (width - 3) // 2)
        blocks = [self._one(h, side, height) for h in pair]
        lines: list[Line] = []
        for r in range(height):
            line: list[Segment] = []
            for i, block in enumerate(blocks):
                if i:
                    line.append(self.text("   "))
                line += block[r] if r < len(block) else [self.text(" " * side)]
            lines.append(line)
        return SegmentLines(lines)

    def _one(self, h: LayerHistogram, width: int, height: int) -> list[Line]:
        """Title, bars, axis: ``height`` lines of ``width`` cells."""
        bars = histogram_cells(h.counts, h.initial, width, max(height - 2, 1))
        now, faint = self.role("bar"), self.role("cloud")
        styles = {
            "now": now,
            "behind": faint,
            "": Style(),
            "both": Style(color=now.color, bgcolor=faint.color),
        }
        lines: list[Line] = [
            [self.text(f"{h.kind} (±{compact(h.limit)})".center(width)[:width], "label")]
        ]
        for row in bars:
            lines.append([Segment(g, styles[kind]) for g, kind in row])
        lo, hi = f"−{compact(h.limit)}", compact(h.limit)
        axis = lo + "0".center(max(width - len(lo) - len(hi), 1)) + hi
        lines.append([self.text(axis[:width], "axis")])
        return lines


class HintPanel(HealthPanel):
    TITLE = "Hints"

    def build(self, width: int, height: int) -> SegmentLines:
        found = self.history.hints()
        if not found:
            enough = len(self.history.windows) >= WINDOWS
            note = (
                "nothing looks wrong"
                if enough
                else f"too little data yet: hints need {WINDOWS} health reports "
                f"({WINDOWS * WINDOW_STEPS} steps)"
            )
            return SegmentLines([[self.text(note, "muted")]])
        lines: list[Line] = []
        for hint in found:
            head = [self.text("▲ " + hint.title, "change")]
            if hint.fix in FIX_KEYS:
                key, does = FIX_KEYS[hint.fix]
                head += [self.text(" · press "), self.text(key, "line"), self.text(f" to {does}")]
            lines.append(head)
            why = textwrap.wrap("why: " + hint.why, max(width - 2, 20))
            lines += [[self.text("  " + part, "muted")] for part in why]
        return SegmentLines(lines[:height])
