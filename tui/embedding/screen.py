"""Provides ``EmbeddingScreen``: the embedding map (p) over the live dashboard — the test digits in
the dense layer's feature space, projected on its two principal axes, one colour per class,
mistakes marked ×; a cursor that names the nearest digit and shows it; Enter opens that digit in
the inspector's detail view.

The dashboard keeps feeding the run's ``EmbeddingHistory`` (history.py) while this screen is
open: a 2 Hz timer shows a newer map as soon as it arrives (unless ``[`` stepped back to an
earlier one), so you watch the classes pull apart as the network learns. Early in a run, with
most digits wrong, the × marks start off (they would cover every cluster). Layout in
embedding.tcss.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Static

from cnn_tui.core.contract import events as ev
from cnn_tui.core.contract.class_names import class_name
from cnn_tui.tui.dashboard.view_actions import ViewsScreen
from cnn_tui.tui.embedding.detail import open_detail
from cnn_tui.tui.embedding.keys import map_help_table
from cnn_tui.tui.embedding.scatter_view import CLASSES, ScatterView
from cnn_tui.tui.embedding.side_view import MapSide
from cnn_tui.tui.inspector.keys import InspectorScreen
from cnn_tui.tui.inspector.source import LinkSource
from cnn_tui.tui.render.scatter import finite_points, mistake_order
from cnn_tui.tui.screens.help import HelpScreen

REPAINT_HZ = 2
FULL_SIZE = 2000
"""Digits the vectorised engines map (core/training/embedding_map.py); fewer: a note says why."""
SLOW_ENGINES = ("python", "reference")
MOVES = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}
FAST = 5
"""Cells a shifted arrow moves the cursor."""
MARKS_UP_TO = 0.2
"""Above this share of digits wrong (early in a run) the × marks would bury the classes: they
are off, and the legend says so, until x asks for them."""


def _move_bindings() -> list[Binding]:
    out = []
    for key, (dx, dy) in MOVES.items():
        out.append(Binding(key, f"move({dx}, {dy})", "Move", show=False))
        out.append(Binding(f"shift+{key}", f"move({FAST * dx}, {FAST * dy})", "Move", show=False))
    return out


class EmbeddingScreen(InspectorScreen[None]):
    """The run's embedding maps, newest first shown."""

    CSS_PATH = Path(__file__).with_name("embedding.tcss")

    BINDINGS = [
        *_move_bindings(),
        Binding("enter", "inspect", "Inspect", id="embed-inspect"),
        Binding("n", "mistake(1)", "Mistake", key_display="n/N", id="embed-next"),
        Binding("N", "mistake(-1)", "Mistake", show=False, id="embed-previous"),
        Binding("x", "toggle_marks", "× marks", id="embed-marks"),
        Binding("e", "evaluate", "Eval", show=False, id="embed-evaluate"),
        Binding("left_square_bracket", "map(-1)", "Map", key_display="[ ]", id="embed-older"),
        Binding("right_square_bracket", "map(1)", "Map", show=False, id="embed-newer"),
        *(Binding(str(k), f"focus_class({k})", "Class", show=False) for k in range(CLASSES)),
        Binding("escape,p", "back", "Back", id="embed-back"),
        Binding("question_mark", "keys", "Help", key_display="?", id="embed-keys"),
    ]
    """arrows (shift: 5 cells) move the cursor; enter: the named digit in the inspector; n / N:
    the next / previous mistake, most confident first; x: × marks on / off; [ ]: an older /
    newer map; 0–9: one class in focus (again: all); e: evaluate now (as on the dashboard: a map
    follows); ?: these keys (keys.py); escape or p: back."""

    def __init__(self, dashboard: ViewsScreen) -> None:
        super().__init__()
        self.dashboard = dashboard
        self.history = dashboard.embedding
        self.position: int | None = None
        """Which of the history's maps is shown; None: the newest, whichever it is."""
        self.marks_asked: bool | None = None
        """× marks on or off as x last asked; None: on unless most of the map is wrong."""
        self.source = LinkSource(dashboard.send)
        """Asks the trainer for the digits the inspector opens (SampleViewed comes back)."""
        self._painted = -1

    def compose(self) -> ComposeResult:
        state = self.dashboard.state
        yield Static("", id="embed-head", markup=False)
        with Horizontal(id="embed-body"):
            yield ScatterView(state, id="embed-map")
            yield MapSide(state, id="embed-side")
        yield Footer()

    def on_mount(self) -> None:
        side = self.query_one(MapSide)
        side.images = self.dashboard.test_images
        side.can_inspect = self.dashboard.inspector_factory is not None
        self._show()
        self.set_interval(1 / REPAINT_HZ, self._follow)

    @property
    def scatter(self) -> ScatterView:
        return self.query_one(ScatterView)

    @property
    def shown(self) -> ev.EmbeddingComputed | None:
        maps = self.history.maps
        if not maps:
            return None
        if self.position is None or self.position >= len(maps):
            return maps[-1]
        return maps[self.position]

    def _follow(self) -> None:
        if self.history.version != self._painted:
            self._show()

    def _show(self) -> None:
        """Draw the map chosen (a newer one: the digits asked for are stale, forget them)."""
        emb = self.shown
        if self._painted != self.history.version:
            self._painted = self.history.version
            self.source.forget()
        scatter = self.scatter
        scatter.waiting_text = self._waiting()
        if emb is not scatter.map:
            scatter.marks = replace(scatter.marks, mistakes=self._marks_on(emb))
            scatter.show(emb)
        self._paint_head()

    def _marks_on(self, emb: ev.EmbeddingComputed | None) -> bool:
        if self.marks_asked is not None or emb is None or not emb.xs:
            return self.marks_asked is not False
        wrong = sum(1 for t, p in zip(emb.labels, emb.predicted, strict=True) if t != p)
        return wrong <= MARKS_UP_TO * len(emb.xs)

    def _waiting(self) -> str:
        if self.dashboard.ended:
            return "no map: the run ended before its first evaluation"
        return "waiting for the first evaluation: a map follows each one (e evaluates now)"

    def _paint_head(self) -> None:
        emb, maps = self.shown, self.history.maps
        scatter = self.scatter
        if emb is None:
            text = "Embedding map · the test digits in the dense layer's feature space"
            scatter.set_titles("PCA of the dense layer's features", "")
        else:
            count, wrong = (
                len(emb.xs),
                sum(1 for t, p in zip(emb.labels, emb.predicted, strict=True) if t != p),
            )
            text = (
                f"Embedding map · step {emb.step:,} · epoch {emb.epoch} · {count:,} digits, "
                f"{wrong:,} wrong · map {maps.index(emb) + 1}/{len(maps)}"
            )
            if count < FULL_SIZE and self.dashboard.state.engine in SLOW_ENGINES:
                text += f" · the {self.dashboard.state.engine} engine maps only {count:,}"
            if (drawn := finite_points(emb)) < count:
                text += f" · {count - drawn:,} not finite, not drawn"
            pc1, pc2 = (round(100 * v) for v in emb.variance)
            scatter.set_titles(f"↑ PC2 {pc2}%", f"PC1 {pc1}% →")
        self.query_one("#embed-head", Static).update(text)
        self._paint_side()

    def _paint_side(self) -> None:
        side, scatter = self.query_one(MapSide), self.scatter
        side.map, side.named, side.focus_class = scatter.map, scatter.named, scatter.marks.focus
        side.marks_on = scatter.marks.mistakes
        side.repaint()

    def on_scatter_view_moved(self, _message: ScatterView.Moved) -> None:
        self._paint_side()

    # ---- trainer events (the dashboard forwards them while this screen is open) -----------

    def on_trainer_event(self, event: ev.Event) -> None:
        if self.source.nearest is not None:  # the detail view's nearest training digits
            self.source.nearest.on_trainer_event(event)
        if isinstance(event, ev.SampleViewed):
            self.source.accept(event)
        elif isinstance(event, ev.CommandRefused) and event.command == "RequestSample":
            self.notify(event.reason, severity="warning", title="Digit not shown")

    # ---- actions --------------------------------------------------------------------------

    def action_move(self, columns: int, rows: int) -> None:
        self.scatter.move(columns, rows)

    def action_mistake(self, direction: int) -> None:
        """n / N: the next / previous mistake of the map, most confident first."""
        emb, scatter = self.shown, self.scatter
        order = mistake_order(emb) if emb is not None else []
        focus = scatter.marks.focus
        order = [i for i in order if focus is None or emb is not None and emb.labels[i] == focus]
        if not order:
            said = "no map yet" if emb is None else "no mistakes on this map"
            self.notify(said, title="Embedding map")
            return
        at = order.index(scatter.named) if scatter.named in order else -1 if direction > 0 else 0
        scatter.go_to(order[(at + direction) % len(order)])
        if not scatter.marks.mistakes:
            self._set_marks(True)

    def action_evaluate(self) -> None:
        """e: evaluate now, through the dashboard's own command (its map follows)."""
        self.dashboard.action_evaluate()
        if "eval" in self.dashboard.state.pending:
            self.notify("evaluating… its map follows", title="Embedding map", timeout=3)

    def action_toggle_marks(self) -> None:
        self._set_marks(not self.scatter.marks.mistakes)

    def _set_marks(self, on: bool) -> None:
        self.marks_asked = on
        self.scatter.set_mistakes(on)
        self._paint_side()

    def action_map(self, direction: int) -> None:
        """[ / ]: an older / newer map of the run (the newest follows the run again)."""
        maps = self.history.maps
        if len(maps) < 2:
            self.notify("only one map so far: one follows each evaluation", title="Embedding map")
            return
        now = len(maps) - 1 if self.position is None else min(self.position, len(maps) - 1)
        new = max(0, min(len(maps) - 1, now + direction))
        self.position = None if new == len(maps) - 1 else new
        self.scatter.show(self.shown)
        self._paint_head()

    def action_focus_class(self, label: int) -> None:
        """0–9: only that class in colour (pressed again: every class)."""
        scatter = self.scatter
        focus = None if scatter.marks.focus == label else label
        scatter.set_focus_class(focus)
        if focus is not None:
            names = self.dashboard.state.class_names
            self.notify(
                f"class {class_name(names, label)} in focus · {label} again: all", timeout=2
            )
        self._paint_side()

    def action_inspect(self) -> None:
        """Enter: the named digit in the inspector's detail view (its mistakes, if it is one,
        to step through with ← →)."""
        emb, index = self.scatter.map, self.scatter.named
        if emb is None or index is None:
            self.notify("move the cursor onto a digit first (arrows, or n)", title="Inspect")
            return
        if self.dashboard.inspector_factory is None:
            self.notify("no inspector in this app", title="Inspect", severity="warning")
            return
        screen = open_detail(
            emb, index, self.dashboard.state.latest_eval, self.source, self.dashboard.draw_factory
        )
        self.app.push_screen(
            screen.screen, lambda position: self._returned(screen.indices, position)
        )

    def _returned(self, indices: list[int], position: int | None) -> None:
        """Back from the detail view: the cursor on the digit it ended on."""
        if position is not None and 0 <= position < len(indices):
            self.scatter.go_to(indices[position])

    def action_keys(self) -> None:
        """?: the map's keys (keys.py, the README's table too)."""
        self.app.push_screen(HelpScreen(map_help_table(), title="embedding map · keys"))

    def action_back(self) -> None:
        self.dismiss()
