"""Provides ``opening_events``: what a run says before its first batch.

``TrainingStarted`` (the architecture, the data, the hyperparameters in force and where the run
starts), then for a resumed run its whole ``HistoryRestored`` (saying whether the trainer evaluates
the resumed network next), and ``Paused`` if it starts paused.
"""

from __future__ import annotations

from cnn_tui.core.contract.config import Hyperparameters, RunConfig
from cnn_tui.core.contract.events import Event, HistoryRestored, Paused, TrainingStarted
from cnn_tui.core.contract.run_state import History


def opening_events(
    config: RunConfig,
    hyper: Hyperparameters,
    history: History,
    *,
    epoch: int,
    step: int,
    position: int = 0,
    steps_per_epoch: int,
    train_size: int,
    test_size: int,
    resumed_from: str | None,
    paused: bool,
    reevaluating: bool = False,
) -> list[Event]:
    """The events that open a run at (``epoch``, ``step``), in order."""
    events: list[Event] = [
        TrainingStarted(
            engine=config.engine,
            architecture=config.arch.describe(),
            filters=config.arch.conv_layers,
            hidden=config.arch.hidden,
            epochs=config.epochs,
            epoch=epoch,
            step=step,
            position=position,
            steps_per_epoch=steps_per_epoch,
            train_size=train_size,
            test_size=test_size,
            lr=hyper.lr,
            momentum=hyper.momentum,
            weight_decay=hyper.weight_decay,
            batch_size=hyper.batch_size,
            seed=config.seed,
            resumed_from=resumed_from,
            paused=paused,
            dataset=config.dataset,
            class_names=config.class_names,
        )
    ]
    if step:
        events.append(
            HistoryRestored(
                losses=tuple(history.losses),
                accuracies=tuple(history.accuracies),
                lrs=tuple(history.lrs),
                epochs=tuple(history.epochs),
                evaluations=tuple(history.evaluations),
                changes=tuple(history.changes),
                reevaluating=reevaluating,
            )
        )
    if paused:
        events.append(Paused(step, "requested"))
    return events
