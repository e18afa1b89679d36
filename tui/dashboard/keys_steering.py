"""Provides the key table's rows that steer training: pause and step, the hyperparameters, evaluate,
sample, save, stop an attached run (X). keys.py assembles them with the rows of keys_views.py into
the one table.
"""

from __future__ import annotations

from cnn_tui.tui.dashboard.key_types import Bound, Row

STEERING_ROWS: tuple[Row, ...] = (
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
        ("L",),
        "find a learning rate: sweep a copy of the weights (the run waits), the loss-vs-lr "
        "chart, `a` applies the suggested rate ([below](#learning-rate-finder))",
        (Bound("L", "find_lr", "Find lr…", "find-lr", show=False, palette="Find learning rate…"),),
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
        ("X",),
        "in `cnn-tui attach`, with the token: stop the run itself — press twice (it saves, "
        "and ends for every viewer)",
        (Bound("X", "app.stop_run", "Stop run", "stop-run", palette="Stop the attached run"),),
    ),
    Row(
        ("S",),
        "save a screenshot (SVG) in the current directory (the path — or why not — is shown)",
        (Bound("S", "app.screenshot", "Shot", "screenshot", show=False, palette="Screenshot"),),
    ),
)
