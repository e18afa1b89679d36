"""Provides the key table's rows that open views and shape the charts: the inspector, drawing,
layer health, the embedding map, the timeline, the overlay of other runs, the loss chart's scale
and smoothing, the lower panel, zoom, help, quit. keys.py assembles them with the rows of
keys_steering.py into the one table.
"""

from __future__ import annotations

from cnn_tui.tui.dashboard.key_types import Bound, Row

VIEW_ROWS: tuple[Row, ...] = (
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
        ("p",),
        "the embedding map: the test digits in the dense layer's feature space (PCA), a colour "
        "per class, mistakes marked ×, refreshed at each evaluation; a cursor names a digit and "
        "opens it in the inspector ([its keys](#the-embedding-map))",
        (Bound("p", "embedding", "Map", "embedding", show=False, palette="Embedding map"),),
    ),
    Row(
        ("t",),
        "timeline of the run's snapshots: branch a new run from one with other hyperparameters, "
        "or start a run with another architecture ([its keys](#the-timeline-branching))",
        (Bound("t", "timeline", "Timeline", "timeline", show=False, palette="Timeline…"),),
    ),
    Row(
        ("o",),
        "overlay other runs on the loss and accuracy charts: pick up to 5 of the snapshot "
        "folder's runs (none checked clears them), drawn faint behind the live run with their "
        "letters and glyphs ([as compare draws them](#cnn-tui-compare-run-run))",
        (Bound("o", "overlay", "Overlay", "overlay", show=False, palette="Overlay other runs…"),),
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
        "quit: stops the trainer at the next batch, saves a snapshot, exits "
        "(in `cnn-tui attach`: only the viewer leaves, the run goes on)",
        (
            Bound("q", "app.quit", "Quit", "quit"),
            # ctrl+c: ahead of the screen's copy binding; exits 130 like an interrupted run
            Bound("ctrl+c", "app.interrupt", "Quit", "quit-ctrl-c", show=False, priority=True),
        ),
    ),
)
