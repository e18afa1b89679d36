"""Provides the dashboard's key table and panel descriptions, shared by the help screen, the
command palette and KEYS.md (a test keeps them in step with the App's bindings)."""

from __future__ import annotations

KEYS: tuple[tuple[str, str], ...] = (
    ("space", "pause / resume training (the status says “pausing…” until the trainer has paused)"),
    ("n", "step one batch while paused"),
    ("+  -", "learning rate ×2 / ÷2"),
    (
        "l",
        "type an exact learning rate (checked as you type; a bad value is refused, "
        "with the reason)",
    ),
    ("b", "type a batch size"),
    ("M", "type a momentum (0 – 0.999)"),
    ("e", "evaluate on the test set now"),
    ("r", "show a new input sample now"),
    ("s", "save a snapshot (the answer — path or reason — is shown)"),
    ("m", "open the misclassified digits of the latest evaluation"),
    ("g", "loss chart: toggle log scale"),
    ("[  ]", "loss chart: less / more smoothing (EMA strength shown in its title)"),
    ("c", "per-class panel: bars ↔ confusion matrix (when only one fits)"),
    ("v", "small terminal: cycle the lower panel (classes → accuracy → feature maps)"),
    ("z", "zoom the focused panel to the whole screen (again, or escape, to restore)"),
    ("tab / click", "focus a panel"),
    ("?", "this help"),
    ("ctrl+p", "command palette (every action above by name)"),
    ("q  ctrl+c", "quit: stops the trainer at the next batch, saves a snapshot, exits"),
)

PANELS: tuple[tuple[str, str], ...] = (
    (
        "Status",
        "engine, epoch, step in epoch / steps per epoch, images/s, ETA, lr, batch size, "
        "momentum — all as the trainer acknowledged them — and the state: running, "
        "paused, finished, diverged (with what to do), plus anything still pending",
    ),
    (
        "Loss",
        "per-batch loss (faint ·) under its EMA (─, strength in the title), test loss per "
        "evaluation (●), epoch boundaries (┊), hyperparameter changes (▼), pauses (‖) "
        "and divergence (✕); decimated to the chart's width",
    ),
    (
        "Accuracy",
        "running training accuracy (EMA of batch accuracy) and test accuracy per "
        "evaluation (●), in %",
    ),
    (
        "Per-class",
        "test accuracy of each digit from the latest evaluation, with the change "
        "since the previous one (▲ ▼), the worst class in red; the confusion matrix "
        "(true ↓, predicted →, errors only) beside it or toggled with c",
    ),
    (
        "Input",
        "the digit the network is looking at (sampled a few times a second), its label, "
        "the prediction (✓/✗) and the ten probabilities as bars",
    ),
    (
        "Feature maps",
        "every map of each conv layer for that digit, after ReLU and after "
        "pooling, on one shared scale per layer, each with its 3×3 kernel "
        "(blue negative, red positive)",
    ),
)
