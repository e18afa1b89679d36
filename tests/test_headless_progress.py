"""The headless progress line (``tui/cli/progress.py``) and the duration formats it shares with the
dashboard (``tui/formatting.py``): plain lines off a terminal, one line rewritten in place on
one, notices on lines of their own, and a closed stream that silences it without an error."""

from __future__ import annotations

import io

import pytest

from cnn_tui.core.contract.events import BatchesEnded
from cnn_tui.tui.cli.progress import HeadlessProgress
from cnn_tui.tui.formatting import duration_clock, duration_compact


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def batches(step: int, position: int, train_size: int = 1000) -> BatchesEnded:
    """One reported step at ``position`` of an epoch of ``train_size`` images, 500 images/s."""
    return BatchesEnded(
        epoch=1,
        first_step=step,
        losses=(0.5,),
        accuracies=(0.75,),
        lr=0.01,
        momentum=0.0,
        batch_size=10,
        images_per_s=500.0,
        position=position,
        train_size=train_size,
    )


@pytest.mark.parametrize(
    ("seconds", "clock", "compact"),
    [
        (0.4, "0:00", "0s"),
        (59.6, "1:00", "59s"),
        (192, "3:12", "3m12s"),
        (3723, "1:02:03", "1h02m"),
        (None, "?", "–"),
        (float("inf"), "?", "–"),
    ],
)
def test_duration_formats(seconds, clock, compact) -> None:
    assert duration_clock(seconds) == clock
    assert duration_compact(seconds) == compact


def test_off_a_terminal_each_update_is_a_plain_line() -> None:
    stream = io.StringIO()
    progress = HeadlessProgress(stream, interval=0.0)  # every update draws
    progress.epochs = 2
    progress.batches(batches(step=10, position=250))
    progress.say("snapshot saved: a [bracketed] name")
    progress.batches(batches(step=20, position=500))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3 and "\x1b" not in stream.getvalue() and "\r" not in stream.getvalue()
    first = lines[0]
    assert first.startswith("epoch 1/2 ") and " 25%" in first and "step 10" in first
    assert "loss 0.5000" in first and "acc  75.0%" in first and "500 img/s" in first
    # 1.75 epochs of 1000 images left at 500 images/s
    assert first.endswith("ETA 0:04")
    assert lines[1] == "snapshot saved: a [bracketed] name"  # no Rich markup read into it
    assert "step 20" in lines[2] and " 50%" in lines[2]


def test_off_a_terminal_updates_wait_for_the_interval() -> None:
    stream = io.StringIO()
    progress = HeadlessProgress(stream, interval=3600.0)
    progress.batches(batches(step=1, position=10))
    assert stream.getvalue() == ""
    progress.finish()  # the last state is always shown
    assert stream.getvalue().splitlines()[0].startswith("epoch 1/1 ")


def test_on_a_terminal_one_line_is_rewritten_and_notices_go_above_it() -> None:
    stream = Terminal()
    progress = HeadlessProgress(stream)
    progress.batches(batches(step=1, position=100))
    progress.draw()
    progress.say("warning: not learning — try a lower --lr")
    progress.batches(batches(step=2, position=200))
    progress.draw()
    progress.finish()
    text = stream.getvalue()
    assert "\r" in text and "\x1b[2K" in text  # the line is erased and drawn again
    notice = text.index("warning: not learning")
    assert text.index("step 1") < notice < text.rindex("step 2")
    assert text.rstrip("\n").endswith("\x1b[?25h")  # the cursor is given back at the end
    progress.draw()  # after the end nothing is drawn again
    assert stream.getvalue() == text


def test_a_closed_stream_silences_the_progress_not_the_run() -> None:
    stream = io.StringIO()
    progress = HeadlessProgress(stream, interval=0.0)
    stream.close()
    progress.say("training …")
    progress.batches(batches(step=1, position=10))
    progress.finish()
    assert progress.silenced
