"""Provides ``ClassAccuracy``: the ten digits' test accuracy as bars with values and the change
since the previous evaluation, and the confusion matrix heat map beside them (or instead of them,
toggled with ``c``, when the panel is too narrow for both). Drawn into cached strips
(``LinePanel``); the bars in the theme's success and error colours.
"""

from __future__ import annotations

import math

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive

from cnn_tui.core.contract.class_names import fit_name, names_width
from cnn_tui.tui.render.bars import confusion_lines, hbar
from cnn_tui.tui.render.halfblock import SegmentLines, beside
from cnn_tui.tui.widgets.line_panel import LinePanel

LABEL_WIDTH = 2  # a digit and a space; named classes take their longest name, up to NAME_LIMIT
NAME_LIMIT = 11  # "Ankle boot" fits; longer names end in "…"
VALUE_WIDTH = 16  # " 97.3% ▲ +1.2"
CONFUSION_WIDTH = 33
MIN_BAR = 6


class ClassAccuracy(LinePanel):
    """Per-class accuracy bars from the latest evaluation, with the confusion heat map."""

    TITLE = "Per-class test accuracy"
    show_confusion: reactive[bool] = reactive(False)
    """When only one view fits: show the confusion matrix instead of the bars."""

    def watch_show_confusion(self) -> None:
        self.repaint()

    def build(self, width: int, height: int) -> RenderableType:
        latest = self.state.latest_eval
        if latest is None:
            return self._waiting(width)
        self.set_titles(
            title=f"{self.TITLE} · {100 * latest.accuracy:.2f}% at step {latest.step:,}"
            if width >= 60
            else f"Per-class · test {100 * latest.accuracy:.2f}%"
        )
        both = width >= self._label_width() + MIN_BAR + VALUE_WIDTH + 2 + CONFUSION_WIDTH
        confusion = confusion_lines(
            latest.confusion,
            self.role("muted"),
            colour_on=self.colour_on,
            header=height > 10,
            names=self.state.class_names,
        )
        if both:
            bar_width = width - CONFUSION_WIDTH - 2
            bars = self._bar_lines(bar_width)
            self.set_titles(subtitle="bars: test accuracy · map: true ↓ predicted →")
            return SegmentLines(beside([bars, confusion], [bar_width, CONFUSION_WIDTH], gap=2))
        if self.show_confusion:
            self.set_titles(subtitle="confusion: true ↓ predicted →  (c: bars)")
            return SegmentLines(confusion)
        self.set_titles(subtitle="c: confusion matrix")
        return SegmentLines(self._bar_lines(width))

    def _waiting(self, width: int) -> Text:
        """Before the first evaluation: what will be here, when, and the key for it now."""
        text = Text(no_wrap=False)
        text.append("No test evaluation yet.", style="bold")
        text.append(" One runs at the end of every epoch; press ")
        text.append("e", style="bold reverse")
        text.append(" to evaluate now.\n\n")
        both = width >= LABEL_WIDTH + MIN_BAR + VALUE_WIDTH + 2 + CONFUSION_WIDTH
        each, kind = ("class", "class") if self.state.class_names else ("digit 0–9", "digit")
        text.append(
            f"Then it shows, for each {each}, the share of its test images classified right "
            f"(bars; the worst {kind} in red; ▲ ▼ the change since the previous evaluation) and "
            f"the confusion matrix: which {kind} was taken for which (true ↓, predicted →)"
            + ("." if both else "; c switches between the two."),
            style="dim",
        )
        return text

    def _label_width(self) -> int:
        """The label column with its space: a digit, or the longest class name (capped)."""
        names = self.state.class_names
        return names_width(names, NAME_LIMIT) + 1 if names else LABEL_WIDTH

    def _bar_lines(self, width: int) -> list[list[Segment]]:
        """A header line, then one line per digit: label, bar, value, change."""
        latest = self.state.latest_eval
        assert latest is not None
        previous = self.state.previous_class_accuracy
        names = self.state.class_names
        label_width = self._label_width()
        bar_width = max(1, width - label_width - VALUE_WIDTH - 1)
        lines: list[list[Segment]] = []
        worst = min((a for a in latest.per_class_accuracy if math.isfinite(a)), default=math.nan)
        for digit, acc in enumerate(latest.per_class_accuracy):
            value = "   —  " if not math.isfinite(acc) else f"{100 * acc:5.1f}%"
            change = ""
            if previous is not None and math.isfinite(acc) and math.isfinite(previous[digit]):
                delta = 100 * (acc - previous[digit])
                arrow = "▲" if delta > 0.05 else "▼" if delta < -0.05 else "="
                change = f" {arrow}{delta:+5.1f}" if arrow != "=" else "   =  "
            style = self.role("bad" if acc == worst else "good") if self.colour_on else None
            # without colour the worst digit's label is shown in reverse instead of red
            label_style = Style(reverse=True) if acc == worst and not self.colour_on else None
            lines.append(
                [
                    Segment(
                        fit_name(names[digit], label_width - 1) if names else f"{digit}",
                        label_style,
                    ),
                    Segment(" "),
                    Segment(hbar(acc, bar_width), style),
                    Segment(f" {value}{change}".ljust(VALUE_WIDTH), None),
                ]
            )
        return lines
