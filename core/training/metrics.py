"""Provides ``MetricsWriter``: events → the JSON Lines metrics file (README, "Headless runs").

One ``batch`` line per optimizer step (``BatchesEnded`` carries every step, so nothing is lost
to coalescing), one ``eval`` line per evaluation, one ``end`` line; state changes are written too
(``paused``, ``resumed``, ``hyperparameters``, ``diverged``, ``snapshot``, ``notice``), with
``--health`` one ``health`` line per window and one ``histograms`` line per refresh, and a
learning-rate sweep as ``lr_find_start``, one ``lr_find`` line per sweep batch and
``lr_find_end`` — extra lines and fields are allowed by the contract. Non-finite numbers are
written as null: the file stays strict JSON.
"""

from __future__ import annotations

import math
from typing import IO, Any

from cnn_tui.core.contract.events import (
    BatchesEnded,
    Diverged,
    Evaluated,
    Event,
    Finished,
    HealthMeasured,
    HistogramsMeasured,
    HyperparametersChanged,
    Notice,
    Paused,
    Resumed,
    SnapshotSaved,
    TrainingStarted,
)
from cnn_tui.core.contract.lr_find_events import LrFindEnded, LrFindProgressed, LrFindStarted
from cnn_tui.core.remote.codec import json_line


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def event_records(event: Event) -> list[dict[str, Any]]:
    """The metrics-file lines for one event (none for events the file does not record)."""
    match event:
        case BatchesEnded():
            return [
                {
                    "event": "batch",
                    "epoch": event.epoch,
                    "step": event.first_step + i,
                    "loss": _finite(loss),
                    "accuracy": accuracy,
                    "lr": event.lr,
                    "momentum": event.momentum,
                    "batch_size": event.batch_size,
                    "images_per_s": round(event.images_per_s, 1),
                }
                for i, (loss, accuracy) in enumerate(
                    zip(event.losses, event.accuracies, strict=True)
                )
            ]
        case Evaluated():
            return [
                {
                    "event": "eval",
                    "epoch": event.epoch,
                    "step": event.step,
                    "split": event.split,
                    "loss": _finite(event.loss),
                    "accuracy": event.accuracy,
                    "per_class_accuracy": [_finite(a) for a in event.per_class_accuracy],
                    "confusion": [list(row) for row in event.confusion],
                    "size": event.size,
                    "mistakes": len(event.mistakes),
                }
            ]
        case TrainingStarted():
            # another data set is named (MNIST's records stay exactly as they were)
            named = (
                {"dataset": event.dataset, "class_names": list(event.class_names)}
                if event.dataset != "mnist" or event.class_names
                else {}
            )
            return [
                {
                    "event": "start",
                    "engine": event.engine,
                    "architecture": event.architecture,
                    "epoch": event.epoch,
                    "step": event.step,
                    "epochs": event.epochs,
                    "lr": event.lr,
                    "momentum": event.momentum,
                    "weight_decay": event.weight_decay,
                    "batch_size": event.batch_size,
                    "seed": event.seed,
                    "train_size": event.train_size,
                    "test_size": event.test_size,
                    "resumed_from": event.resumed_from,
                    **named,
                }
            ]
        case Paused():
            return [{"event": "paused", "step": event.step, "reason": event.reason}]
        case Resumed():
            return [{"event": "resumed", "step": event.step}]
        case HyperparametersChanged():
            return [
                {
                    "event": "hyperparameters",
                    "step": event.step,
                    "lr": event.lr,
                    "momentum": event.momentum,
                    "batch_size": event.batch_size,
                    "weight_decay": event.weight_decay,
                    "changed": list(event.changed),
                }
            ]
        case Diverged():
            return [
                {
                    "event": "diverged",
                    "step": event.step,
                    "restored_step": event.restored_step,
                    "message": event.message,
                }
            ]
        case SnapshotSaved():
            return [{"event": "snapshot", "step": event.step, "path": event.path}]
        case Notice():
            return [
                {
                    "event": "notice",
                    "step": event.step,
                    "title": event.title,
                    "message": event.message,
                }
            ]
        case HealthMeasured():
            return [health_record(event)]
        case HistogramsMeasured():
            return [
                {
                    "event": "histograms",
                    "step": event.step,
                    "initial_step": event.initial_step,
                    "histograms": [
                        {
                            "layer": h.layer,
                            "kind": h.kind,
                            "limit": _finite(h.limit),
                            "counts": list(h.counts),
                            "initial": list(h.initial),
                        }
                        for h in event.histograms
                    ],
                }
            ]
        case LrFindStarted():
            return [
                {
                    "event": "lr_find_start",
                    "step": event.step,
                    "start": event.start,
                    "end": event.end,
                    "batches": event.batches,
                }
            ]
        case LrFindProgressed():
            return [
                {
                    "event": "lr_find",
                    "step": event.step,
                    "batch": event.first + i,
                    "lr": lr,
                    "loss": _finite(loss),
                    "smoothed": _finite(smoothed),
                }
                for i, (lr, loss, smoothed) in enumerate(
                    zip(event.lrs, event.losses, event.smoothed, strict=True)
                )
            ]
        case LrFindEnded():
            return [
                {
                    "event": "lr_find_end",
                    "step": event.step,
                    "outcome": event.outcome,
                    "suggested": event.suggested or None,
                    "message": event.message,
                    "points": len(event.lrs),
                    "stop_reason": event.stop_reason,
                }
            ]
        case Finished():
            return [
                {
                    "event": "end",
                    "epoch": event.epoch,
                    "step": event.step,
                    "reason": event.reason,
                    "message": event.message,
                }
            ]
    return []


def health_record(event: HealthMeasured) -> dict[str, Any]:
    """A ``health`` line: the window and every layer's numbers (NaN — no ReLU — as null)."""
    layers = {
        h.layer: {
            "weight_rms": _finite(h.weight_rms),
            "gradient_rms": _finite(h.gradient_rms),
            "update_ratio": _finite(h.update_ratio),
            "dead_share": _finite(h.dead_share),
            "dead_channels": [_finite(d) for d in h.dead_channels],
            "activation_mean": _finite(h.activation_mean),
            "activation_std": _finite(h.activation_std),
        }
        for h in event.layers
    }
    return {
        "event": "health",
        "step": event.step,
        "first_step": event.first_step,
        "observed": event.observed,
        "images": event.images,
        "layers": layers,
    }


class MetricsWriter:
    """Writes events to an open text file, one JSON object per line, flushed per event."""

    def __init__(self, file: IO[str]) -> None:
        self.file = file

    def write(self, event: Event) -> None:
        records = event_records(event)
        if records:
            self.file.write("".join(json_line(r) for r in records))
            self.file.flush()
