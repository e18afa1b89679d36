"""Provides ``StatusBar``: engine, epoch, step, throughput, ETA, the acknowledged hyperparameters
and the run state (with what is pending, e.g. "running · pausing…"), wrapped to the width by whole
items so nothing is cut mid-word. A refusal or a divergence shows on a second line.
"""

from __future__ import annotations

import math
from time import perf_counter

from rich.text import Text

from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.formatting import duration_compact
from cnn_tui.tui.widgets.panel import Panel

STATE_STYLE = {
    "running": "bold green",
    "paused": "bold yellow",
    "starting": "bold",
    "finished": "bold cyan",
    "stopped": "bold cyan",
    "failed": "bold white on red",
    "diverged": "bold white on red",
}
STATE_GLYPH = {"running": "▶", "paused": "‖", "diverged": "✕", "failed": "✕"}


def status_items(state: TrainingState) -> list[Text]:
    """The status line's items, most important first."""
    s = state
    items = [
        Text.assemble(
            (
                f"{STATE_GLYPH.get(s.run_state, '■')} {s.run_state.upper()}",
                STATE_STYLE.get(s.run_state, "bold"),
            ),
        ),
    ]
    if "run" in s.pending:
        items.append(Text(s.pending["run"], style="bold reverse"))
    items += [
        Text.assemble(("epoch ", "dim"), f"{s.epoch}/{s.epochs}"),
        Text.assemble(("step ", "dim"), f"{s.step_in_epoch:,}/{s.epoch_steps:,}"),
        Text.assemble(("lr ", "dim"), (_num(s.lr), "bold")),
        Text.assemble(("batch ", "dim"), (str(s.batch_size or "?"), "bold")),
        Text.assemble(("momentum ", "dim"), (_num(s.momentum), "bold")),
        Text.assemble(("decay ", "dim"), (_num(s.weight_decay), "bold")),
        Text.assemble(f"{s.images_per_s:,.0f}", (" img/s", "dim")),
        Text.assemble(("ETA ", "dim"), duration_compact(s.eta_seconds)),
        Text.assemble(("engine ", "dim"), s.engine),
    ]
    for kind in ("hyper", "eval", "snapshot"):
        if kind in s.pending:
            items.append(Text(s.pending[kind], style="bold reverse"))
    return items


def _num(value: float) -> str:
    return "?" if not math.isfinite(value) else f"{value:.4g}"


def wrap_items(items: list[Text], width: int, gap: str = "  ") -> list[Text]:
    """Lay items on lines of at most ``width`` cells, never splitting one."""
    lines: list[Text] = [Text()]
    for item in items:
        line = lines[-1]
        need = len(item) + (len(gap) if line.plain else 0)
        if line.plain and line.cell_len + need > width:
            lines.append(Text())
            line = lines[-1]
        if line.plain:
            line.append(gap)
        line.append_text(item)
    return lines


class StatusBar(Panel):
    """The run at a glance, from acknowledged values only."""

    can_focus = False
    MIN_INTERVAL = 0.25  # counters (step, img/s) at ≤ 4 Hz; a key's effect repaints at once
    plain = ""
    """The text last shown (for tests and benchmarks)."""
    _shown = Text()
    _lines = 0

    def repaint(self) -> None:
        """The status sizes itself (height auto): build for up to three lines, and hand the text
        to Textual only if it changed — with a layout pass only if its line count did."""
        if not (self.is_mounted and self.size.width > 0):
            return
        self.painted_at = perf_counter()
        text = self.build(self.size.width, 3)
        if text != self._shown:  # Rich compares the plain text and the spans
            lines = text.plain.count("\n") + 1
            self.update(text, layout=lines != self._lines)
            self._shown, self._lines = text, lines

    def build(self, width: int, height: int) -> Text:
        state = self.state
        lines = wrap_items(status_items(state), width)
        self.set_class(state.run_state in ("diverged", "failed"), "-alarm")
        if state.message and len(lines) < height:
            lines.append(Text(state.message, style="bold"))
        lines = lines[:height]
        text = Text("\n").join(lines)
        self.plain = text.plain
        return text
