"""Provides the dashboard's key table, the one list that the footer (``BINDINGS``), the ``?`` help
screen, the command palette and README.md's key table all come from (tests/tui/test_key_table.py
holds the README to it), and the panel descriptions the help screen and the README share.

A row is what a reader sees: the keys as shown and what they do. Behind it are the Textual
bindings (``Bound``) that make the keys work: the dashboard screen's actions, a label for the
footer, and a title when the action belongs in the command palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

from cnn_tui.tui.dashboard.panel_notes import PANELS as PANELS  # the panel table, beside this one


@dataclass(frozen=True, slots=True)
class Bound:
    """One binding: Textual key name(s) to an action of the dashboard screen."""

    key: str  # Textual key names, comma-separated: "plus,equals_sign"
    action: str  # e.g. "lr_up", "smoothing(-1)", "app.quit"
    label: str  # the footer's label
    id: str  # the binding id (a user keymap refers to it)
    show: bool = True  # in the footer
    display: str | None = None  # how the footer writes the key ("+" for "plus,equals_sign")
    palette: str = ""  # the command palette's title; "" keeps it out of the palette
    priority: bool = False  # an app-wide binding, checked before any screen's (ctrl+c)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the key table: the keys as a reader types them, and what they do."""

    keys: tuple[str, ...]
    does: str
    bindings: tuple[Bound, ...] = ()


KEY_TABLE: tuple[Row, ...] = (
    Row(
        ("space",),
        "pause / resume training (the status says “pausing…” until the trainer has paused)",
        (
            # one key, two labels: the footer shows the one space will do (check_action)
            Bound("space", "toggle_pause('pause')", "Pause", "pause", palette="Pause training"),
            Bound("space", "toggle_pause('resume')", "Resume", "resume", palette="Resume training"),
        ),
    ),
    Row(
        ("n",),
        "step one batch while paused",
        (Bound("n", "step", "Step", "step", palette="Step one batch"),),
    ),
    Row(
        ("+", "-"),
        "learning rate ×2 / ÷2",
        (
            Bound(
                "plus,equals_sign",
                "lr_up",
                "lr×2",
                "lr-up",
                display="+",
                palette="Learning rate ×2",
            ),
            Bound("minus", "lr_down", "lr÷2", "lr-down", display="-", palette="Learning rate ÷2"),
        ),
    ),
    Row(
        ("l",),
        "type an exact learning rate (checked as you type; a bad value is refused, "
        "with the reason)",
        (Bound("l", "set_lr", "lr…", "lr", palette="Set learning rate…"),),
    ),
    Row(
        ("b",),
        "type a batch size",
        (Bound("b", "set_batch_size", "Batch…", "batch", show=False, palette="Set batch size…"),),
    ),
    Row(
        ("M",),
        "type a momentum (0 – 0.999)",
        (Bound("M", "set_momentum", "Momentum…", "momentum", show=False, palette="Set momentum…"),),
    ),
    Row(
        ("W",),
        "type a weight decay (0 – 1; 0 is off)",
        (
            Bound(
                "W",
                "set_weight_decay",
                "Decay…",
                "weight-decay",
                show=False,
                palette="Set weight decay…",
            ),
        ),
    ),
    Row(
        ("e",),
        "evaluate on the test set now",
        (Bound("e", "evaluate", "Eval", "evaluate", palette="Evaluate now"),),
    ),
    Row(
        ("r",),
        "show a new input sample now",
        (
            Bound(
                "r",
                "request_sample",
                "New sample",
                "sample",
                show=False,
                palette="New input sample",
            ),
        ),
    ),
    Row(
        ("s",),
        "save a snapshot (the answer — path or reason — is shown)",
        (Bound("s", "save_snapshot", "Snap", "snapshot", palette="Save snapshot"),),
    ),
    Row(
        ("S",),
        "save a screenshot (SVG) in the current directory (the path — or why not — is shown)",
        (Bound("S", "app.screenshot", "Shot", "screenshot", show=False, palette="Screenshot"),),
    ),
    Row(
        ("m",),
        "open the misclassified digits of the latest evaluation (the inspector, below)",
        (
            Bound(
                "m",
                "open_mistakes",
                "Mistakes",
                "mistakes",
                show=False,
                palette="Misclassified digits",
            ),
        ),
    ),
    Row(
        ("d",),
        "draw a digit: the prediction, probabilities and feature maps of the live weights, "
        "as you draw ([its keys](#draw-a-digit))",
        (Bound("d", "draw", "Draw", "draw", show=False, palette="Draw a digit"),),
    ),
    Row(
        ("h",),
        "layer health: each layer's weight and gradient RMS, update/weight ratio, dead units "
        "and activations with sparklines, histograms, hints with the key that applies their fix "
        "([below](#layer-health))",
        (Bound("h", "health", "Health", "health", show=False, palette="Layer health"),),
    ),
    Row(
        ("t",),
        "timeline of the run's snapshots: branch a new run from one with other hyperparameters, "
        "or start a run with another architecture ([its keys](#the-timeline-branching))",
        (Bound("t", "timeline", "Timeline", "timeline", show=False, palette="Timeline…"),),
    ),
    Row(
        ("g",),
        "loss chart: toggle log scale",
        (
            Bound(
                "g", "toggle_log", "Log y", "log-scale", show=False, palette="Loss chart: log scale"
            ),
        ),
    ),
    Row(
        ("[", "]"),
        "loss chart: less / more smoothing (EMA strength shown in its title)",
        (
            Bound(
                "left_square_bracket",
                "smoothing(-1)",
                "Smooth−",
                "smooth-less",
                show=False,
                display="[",
                palette="Loss chart: less smoothing",
            ),
            Bound(
                "right_square_bracket",
                "smoothing(1)",
                "Smooth+",
                "smooth-more",
                show=False,
                display="]",
                palette="Loss chart: more smoothing",
            ),
        ),
    ),
    Row(
        ("c",),
        "per-class panel: bars ↔ confusion matrix (when only one fits)",
        (
            Bound(
                "c",
                "toggle_confusion",
                "Confusion",
                "confusion",
                show=False,
                palette="Per-class: bars ↔ confusion",
            ),
        ),
    ),
    Row(
        ("v",),
        "small terminal: cycle the lower panel (classes → accuracy → feature maps)",
        (Bound("v", "cycle_view", "View", "view", show=False, palette="Cycle the lower panel"),),
    ),
    Row(
        ("z",),
        "zoom the focused panel to the whole screen (again, or escape, to restore)",
        (Bound("z", "zoom", "Zoom", "zoom", show=False, palette="Zoom the focused panel"),),
    ),
    Row(("tab", "click"), "focus a panel"),  # Textual's own focus keys and the mouse
    Row(
        ("?",),
        "this help",
        (Bound("question_mark", "help", "Help", "help", display="?", palette="Help"),),
    ),
    Row(("ctrl+p",), "command palette (every action above by name)"),  # Textual's own binding
    Row(
        ("q", "ctrl+c"),
        "quit: stops the trainer at the next batch, saves a snapshot, exits",
        (
            Bound("q", "app.quit", "Quit", "quit"),
            # ctrl+c: ahead of the screen's copy binding; exits 130 like an interrupted run
            Bound("ctrl+c", "app.interrupt", "Quit", "quit-ctrl-c", show=False, priority=True),
        ),
    ),
)


def _binding(bound: Bound) -> Binding:
    return Binding(
        bound.key,
        bound.action,
        bound.label,
        show=bound.show,
        key_display=bound.display,
        priority=bound.priority,
        id=bound.id,
    )


def bindings(*, priority: bool) -> list[BindingType]:
    """The bindings of the table: the app's (``priority=True``) or the dashboard screen's."""
    return [_binding(b) for row in KEY_TABLE for b in row.bindings if b.priority == priority]


def palette_entries() -> list[tuple[str, str, str]]:
    """(title, help, action) for every binding that belongs in the command palette."""
    return [
        (b.palette, f"{row.does} ({b.display or b.key})", b.action)
        for row in KEY_TABLE
        for b in row.bindings
        if b.palette
    ]


def help_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for the help screen."""
    return [("  ".join(row.keys), row.does) for row in KEY_TABLE]


def markdown_rows() -> list[str]:
    """The README's key table, line by line (header included)."""
    lines = ["| key | does |", "| --- | --- |"]
    lines += [f"| {' '.join(f'`{k}`' for k in row.keys)} | {row.does} |" for row in KEY_TABLE]
    return lines
