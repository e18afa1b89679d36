"""Provides ``PANELS``: what each dashboard panel shows, for the help screen and README.md's panel
table (tests/tui/test_key_table.py holds the README to it); keys.py re-exports it."""

from __future__ import annotations

PANELS: tuple[tuple[str, str], ...] = (
    (
        "Status",
        "engine, epoch, step in epoch / steps per epoch, images/s, ETA, lr, batch size, "
        "momentum, weight decay — all as the trainer acknowledged them — and the state: running, "
        "paused, finished, diverged (with what to do), plus anything still pending, and a "
        '"not learning" warning when the run sits at chance level',
    ),
    (
        "Loss",
        "per-batch loss (faint ·) under its EMA (a braille line, strength and latest value in "
        "the title), test loss per evaluation (●), epoch boundaries (┊), hyperparameter "
        "changes (▼), pauses (‖), resumes (▶), divergence (✕) and, in a branched run, the "
        "branch point (┼, the title names the parent; the parent's part of the line faint); "
        "decimated to the width",
    ),
    (
        "Accuracy",
        "running training accuracy (EMA of batch accuracy) and test accuracy per "
        "evaluation (●), in %",
    ),
    (
        "Per-class",
        "test accuracy of each digit from the latest evaluation, with the change "
        "since the previous one (▲ ▼), the worst class in red (reversed without colour); "
        "the confusion matrix (true ↓, predicted →, errors only) beside it or toggled with c",
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
