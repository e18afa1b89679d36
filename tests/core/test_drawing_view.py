"""The drawing view's trainer extension (core/training/drawing_view.py): a drawing gets the
prediction of the live trainer's current weights, is viewed again as they change, an empty
drawing stops that, and a malformed one is refused."""

from __future__ import annotations

import queue
from typing import Any

from cnn_tui.core.contract.commands import Command, ViewDrawing
from cnn_tui.core.contract.events import BatchesEnded, CommandRefused, DrawingViewed, Event
from cnn_tui.core.drawing.canvas import Canvas
from cnn_tui.core.drawing.preprocess import mnist_input, to_image
from cnn_tui.core.training.drawing_view import DrawingView
from cnn_tui.core.training.extensions import make_extensions
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import config
from tests.synthetic import blobs


def drawn_one() -> bytes:
    """A vertical stroke, preprocessed as the UI does."""
    canvas = Canvas()
    canvas.stroke(14.0, 4.0, 14.5, 24.0, 2)
    pixels = mnist_input(canvas.pixels)
    assert pixels is not None
    return to_image(pixels)


def run(react: dict[int, Command], extension: DrawingView) -> list[tuple[Event, Any]]:
    """Train one epoch of 12 steps; after step k send ``react[k]``. Each event comes with
    what the trainer's engine makes of the drawing at the moment it was emitted."""
    image = drawn_one()
    commands: queue.Queue[Command] = queue.Queue()
    if 0 in react:
        commands.put(react[0])
    seen: list[tuple[Event, Any]] = []
    holder: list[Trainer] = []

    def emit(event: Event) -> None:
        viewed = holder and isinstance(event, DrawingViewed)
        now = holder[0].engine.inspect(image) if viewed else None
        seen.append((event, now))
        if isinstance(event, BatchesEnded) and event.last_step in react:
            commands.put(react[event.last_step])

    trainer = Trainer(
        config(batch_size=10, lr=0.5),
        blobs(120, seed=1),
        blobs(20, seed=2),
        emit=emit,
        commands=commands,
        batch_interval=0,
        sample_interval=None,
        extensions=[extension],
    )
    holder.append(trainer)
    trainer.run()
    return seen


def test_a_drawing_is_predicted_with_the_weights_of_the_moment_and_follows_them() -> None:
    image = drawn_one()
    seen = run({0: ViewDrawing(image, 1), 5: ViewDrawing(image, 2)}, DrawingView(interval=0))
    views = [(e, now) for e, now in seen if isinstance(e, DrawingViewed)]
    assert views[0][0].step == 0 and views[0][0].drawing == 1  # answered before any batch
    for event, now in views:  # every answer is the engine's view at that very moment
        assert event.probabilities == now.probabilities
        assert event.layers == now.layers
        assert event.predicted == max(range(10), key=event.probabilities.__getitem__)
        assert event.image == image
    steps = [e.step for e, _ in views]
    assert steps == sorted(steps) and steps[-1] == 12  # viewed again after each step
    assert {e.drawing for e, _ in views if e.step > 5} == {2}  # the latest drawing wins
    assert views[0][0].probabilities != views[-1][0].probabilities  # the weights moved


def test_an_empty_drawing_predicts_nothing_and_stops_the_following() -> None:
    image = drawn_one()
    seen = run({0: ViewDrawing(image, 1), 3: ViewDrawing(b"", 2)}, DrawingView(interval=0))
    views = [e for e, _ in seen if isinstance(e, DrawingViewed)]
    empty = [e for e in views if e.drawing == 2]
    assert len(empty) == 1 and empty[0].predicted == -1 and empty[0].probabilities == ()
    assert max(e.step for e in views) == empty[0].step  # nothing after it


def test_the_following_is_at_most_every_interval() -> None:
    times = iter(range(1000))
    view = DrawingView(interval=5, clock=lambda: float(next(times)))
    seen = run({0: ViewDrawing(drawn_one(), 1)}, view)
    # the clock ticks once per question: views at most every 5 ticks over 12 steps
    assert 2 <= len([e for e, _ in seen if isinstance(e, DrawingViewed)]) <= 4


def test_a_malformed_drawing_is_refused_with_the_reason() -> None:
    seen = run({0: ViewDrawing(b"\x00" * 10, 1)}, DrawingView())
    refused = [e for e, _ in seen if isinstance(e, CommandRefused)]
    assert [(r.command, r.reason) for r in refused] == [
        ("ViewDrawing", "a drawing is 784 pixel bytes, not 10")
    ]
    assert not any(isinstance(e, DrawingViewed) for e, _ in seen)


def test_the_extension_is_made_by_its_name() -> None:
    (made,) = make_extensions(["drawing"])
    assert isinstance(made, DrawingView)
