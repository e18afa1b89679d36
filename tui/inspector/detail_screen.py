"""Provides ``DetailScreen``: one mistaken digit, large; its label, prediction and the ten
probabilities as bars; the saliency map (∂ score / ∂ pixel of the predicted class — or of the
true class, ``s`` switches) over the digit; the five training digits nearest to it in the dense
layer's feature space ("it said 7: its features are closest to these", nearest_lines.py, from the
source's ``nearest``: computed off the UI thread, "computing…" meanwhile); every conv layer's
feature maps and kernels. Left/right move to the previous/next mistake of the browser's list
without going back. The embedding map (tui/embedding/) opens it too, on a digit the network may
have right: the head line says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from cnn_tui.core.contract.class_names import class_name, names_width
from cnn_tui.core.contract.events import CommandRefused, Mistake
from cnn_tui.tui.inspector.keys import KEYS_BINDING, InspectorScreen
from cnn_tui.tui.inspector.names import app_class_names
from cnn_tui.tui.inspector.nearest_lines import nearest_lines
from cnn_tui.tui.inspector.nearest_source import NearestAnswer
from cnn_tui.tui.inspector.render import (
    PROB_NAME_LIMIT,
    digit_lines,
    probability_lines,
    saliency_lines,
    saliency_scale,
)
from cnn_tui.tui.inspector.source import DigitDetail, DigitSource
from cnn_tui.tui.render.feature_maps import SIDES, choose_side, layer_lines
from cnn_tui.tui.render.halfblock import Line, SegmentLines
from cnn_tui.tui.screens.opening import push_built
from cnn_tui.tui.screens.screenshot import save_screenshot

DrawFactory = Callable[[int | None], Screen[None]]
"""Builds the drawing screen, starting from test digit i (None: a blank canvas)."""

MAPS_FALLBACK_SIDE = 13
"""Map size used (with scrolling) when no size fits every layer in the visible height."""


class DetailScreen(InspectorScreen[int]):
    """A mistake in detail; dismissed with the position it ended on (for the browser's cursor)."""

    CSS_PATH = "inspector.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back", id="detail-back"),
        Binding("left,p", "step(-1)", "Prev", id="detail-previous"),
        Binding("right,n", "step(1)", "Next", id="detail-next"),
        Binding("s", "toggle_target", "Saliency", id="detail-saliency"),
        Binding("e", "screenshot", "SVG", id="detail-svg"),
        Binding("d", "draw", "Draw", show=False, id="detail-draw"),
        KEYS_BINDING,
    ]
    """←/→ (or p/n): previous/next mistake; s: saliency of the predicted or the true class;
    e: save an SVG screenshot of this view; d: draw, starting from this digit; ?: every key."""

    def __init__(
        self,
        mistakes: Sequence[Mistake],
        position: int,
        source: DigitSource,
        *,
        export_dir: Path | None = None,
        draw: DrawFactory | None = None,
    ) -> None:
        super().__init__()
        self.draw = draw
        self.mistakes = list(mistakes)
        self.position = max(0, min(position, len(self.mistakes) - 1))
        self.source = source
        self.export_dir = export_dir
        self.target_true = False
        """False: saliency of the predicted class; True: of the true class."""
        self.detail: DigitDetail | None = None
        self.neighbours: NearestAnswer | None = None
        """The nearest training digits of the digit shown (None: not known yet)."""
        self._neighbours_of: int | None = None  # the test index they were asked for

    @property
    def mistake(self) -> Mistake:
        return self.mistakes[self.position]

    @property
    def target(self) -> int:
        return self.mistake.label if self.target_true else self.mistake.predicted

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-head", markup=False)
        with Horizontal(id="detail-top"):
            yield Static("", id="detail-digit")
            yield Static("", id="detail-saliency")
            yield Static("", id="detail-probs")
        with VerticalScroll(id="detail-maps"):
            yield Static("", id="detail-nearest")
            yield Static("", id="detail-maps-body")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self._ask)  # after layout: the panes know their sizes

    # --- data ------------------------------------------------------------------------------

    def _ask(self) -> None:
        """Ask the source for the current digit; show "asking…" until it answers."""
        index, target = self.mistake.index, self.target
        self.detail = None
        self._paint_head()
        if self.source.cached(index, target) is None:
            self.query_one("#detail-saliency", Static).update(
                _note(f"computing saliency of class {target}…")
            )
        self.source.request(index, target, self.show_detail)
        if index != self._neighbours_of:
            self._ask_nearest(index)

    def _ask_nearest(self, index: int) -> None:
        """Ask for the digit's nearest training digits ("computing…" until they come)."""
        self._neighbours_of = index
        nearest = self.source.nearest
        self.neighbours = None if nearest is None else nearest.cached(index)
        self._paint_nearest()
        if nearest is not None and self.neighbours is None:
            nearest.request(index, self.show_nearest)

    def show_nearest(self, answer: NearestAnswer) -> None:
        """Take the nearest training digits (ignored if the user has moved on)."""
        if answer.test_index == self.mistake.index:
            self.neighbours = answer
            self._paint_nearest()

    def on_trainer_event(self, event: object) -> None:
        """A digit refused (the run has ended, a read-only viewer): the reason, not "computing…"."""
        if not isinstance(event, CommandRefused) or self.detail is not None:
            return
        if event.command == "RequestSample":
            self.query_one("#detail-saliency", Static).update(_note(f"not shown: {event.reason}"))

    def show_detail(self, detail: DigitDetail) -> None:
        """Take a source's answer (ignored if the user has moved on)."""
        if (detail.index, detail.saliency_target) != (self.mistake.index, self.target):
            return
        self.detail = detail
        self._paint()

    # --- actions ---------------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        position = max(0, min(self.position + delta, len(self.mistakes) - 1))
        if position != self.position:
            self.position = position
            self._ask()

    def action_toggle_target(self) -> None:
        self.target_true = not self.target_true
        self._ask()

    def action_back(self) -> None:
        self.dismiss(self.position)

    def action_draw(self) -> None:
        """d: the drawing screen with this digit on the canvas, to edit it."""
        draw, index = self.draw, self.mistake.index
        if draw is None:
            self.notify("drawing is not offered here", title="Draw")
        else:
            push_built(self, lambda: draw(index), "Cannot draw")

    def action_screenshot(self) -> None:
        save_screenshot(self.app, self.export_dir, f"cnn-tui-digit-{self.mistake.index}.svg")

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._paint)
        self.call_after_refresh(self._paint_nearest)

    # --- drawing ---------------------------------------------------------------------------

    @property
    def colour_on(self) -> bool:
        return not getattr(self.app, "no_color", False)

    def _paint_head(self) -> None:
        m = self.mistake
        p = m.probabilities
        names = app_class_names(self.app)
        true, said = class_name(names, m.label), class_name(names, m.predicted)
        if m.label == m.predicted:  # a digit it has right (opened from the embedding map)
            said_line = f"test #{m.index:,}: true {true}, predicted right {_percent(p[m.label])}"
        else:
            said_line = (
                f"test #{m.index:,}: true {true} → predicted {said} "
                f"{_percent(p[m.predicted])} ({true}: {_percent(p[m.label])})"
            )
        noun = "mistake" if all(x.label != x.predicted for x in self.mistakes) else "digit"
        self.query_one("#detail-head", Static).update(
            f"{said_line} · {noun} {self.position + 1} of {len(self.mistakes)}"
        )

    def _paint(self) -> None:
        detail = self.detail
        if detail is None:
            return
        self._paint_head()
        muted = Style(dim=True)
        colour_on = self.colour_on
        digit = digit_lines(detail.image, 28, colour_on=colour_on)
        verdict = "✓ right now" if detail.predicted == detail.label else "✗"
        names = app_class_names(self.app)
        true, said = class_name(names, detail.label), class_name(names, detail.predicted)
        if names:  # names are longer than digits: two lines under the 28-cell digit
            digit += [[Segment(f"true {true}")], [Segment(f"network says {said} {verdict}")]]
        else:
            digit.append([Segment(f"true {true} · network says {said} {verdict}")])
        self.query_one("#detail-digit", Static).update(SegmentLines(digit))

        which = "true" if self.target_true else "predicted"
        sal = saliency_lines(detail.image, detail.saliency, colour_on=colour_on)
        scale = saliency_scale(detail.saliency)
        sal.append(
            [
                Segment(f"∂score[{class_name(names, detail.saliency_target)}]/∂px ", None),
                Segment(f"({which})", muted),
            ]
        )
        sal.append(
            [Segment("red: more ink → higher" if colour_on else "+ raises, - lowers", muted)]
        )
        if not math.isfinite(scale) or scale == 0:
            sal.append([Segment("(gradient is zero here)", muted)])
        self.query_one("#detail-saliency", Static).update(SegmentLines(sal))

        probs_widget = self.query_one("#detail-probs", Static)
        extra = names_width(names, PROB_NAME_LIMIT) - 1 if names else 0  # a name, not a digit
        width = min(40 + extra, max(20, probs_widget.size.width or 30))  # bars stay readable
        lines: list[Line] = [[Segment("probabilities", muted)]]
        lines += probability_lines(
            detail.probabilities,
            detail.label,
            detail.predicted,
            width,
            colour_on=colour_on,
            names=names,
        )
        if detail.step >= 0:
            lines.append([Segment(f"weights of step {detail.step:,}", muted)])
        probs_widget.update(SegmentLines(lines))
        self._paint_maps()

    def _paint_nearest(self) -> None:
        m = self.mistake
        pane = self.query_one("#detail-maps", VerticalScroll)
        lines = nearest_lines(
            self.neighbours,
            label=m.label,
            predicted=m.predicted,
            width=max(20, pane.scrollable_content_region.width),
            names=app_class_names(self.app),
            colour_on=self.colour_on,
            offered=self.source.nearest is not None,
        )
        self.query_one("#detail-nearest", Static).update(SegmentLines(lines))

    def _paint_maps(self) -> None:
        detail = self.detail
        body = self.query_one("#detail-maps-body", Static)
        if detail is None:
            body.update("")
            return
        box = self.query_one("#detail-maps", VerticalScroll).size
        width = max(10, box.width - 1)
        channels = [v.channels for v in detail.layers]
        side = choose_side(channels, width, max(1, box.height)) or MAPS_FALLBACK_SIDE
        side = side if side in SIDES else MAPS_FALLBACK_SIDE
        lines: list[Line] = []
        for i, view in enumerate(detail.layers):
            lines += layer_lines(view, i, side, width, self.colour_on, Style(dim=True))
        body.update(SegmentLines(lines))


def _percent(p: float) -> str:
    """A probability as the head line shows it; "?" where it is not known (NaN)."""
    return f"{100 * p:.1f}%" if math.isfinite(p) else "?"


def _note(text: str) -> Text:
    """A dim line of text (it wraps in a narrow pane)."""
    return Text(text, style="dim")
