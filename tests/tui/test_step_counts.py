"""One step count and one epoch count everywhere (issue 13, item 2): the status's "step k/n" is
the run's steps in this epoch — after a batch-size change, on resume — and a finished epoch's
snapshot is named after that epoch."""

from __future__ import annotations

from cnn_tui.core.contract import events as ev
from cnn_tui.tui.cli.main import main
from cnn_tui.tui.dashboard.state import TrainingState
from tests.test_cli import tiny_mnist

TRAIN = 60_000


def started(step: int = 0, epoch: int = 1, position: int = 0) -> ev.TrainingStarted:
    return ev.TrainingStarted(
        engine="numpy",
        architecture="conv8 → dense128 → 10",
        filters=(8,),
        hidden=128,
        epochs=5,
        epoch=epoch,
        step=step,
        steps_per_epoch=1875,
        train_size=TRAIN,
        test_size=10_000,
        lr=0.01,
        momentum=0.0,
        weight_decay=0.0,
        batch_size=32,
        seed=0,
        position=position,
    )


def batches(first: int, count: int, position: int, epoch: int = 1, size: int = 32):
    return ev.BatchesEnded(
        epoch=epoch,
        first_step=first,
        losses=(1.0,) * count,
        accuracies=(0.5,) * count,
        lr=0.01,
        momentum=0.0,
        batch_size=size,
        images_per_s=1000.0,
        position=position,
        train_size=TRAIN,
    )


def restored(epochs: tuple[int, ...]) -> ev.HistoryRestored:
    n = len(epochs)
    return ev.HistoryRestored((1.0,) * n, (0.5,) * n, (0.01,) * n, epochs, (), ())


def test_a_batch_size_change_keeps_the_steps_taken_and_recounts_the_rest() -> None:
    state = TrainingState()
    for event in (started(), batches(1, 2, 64)):
        state.apply(event)
    assert (state.step_in_epoch, state.epoch_steps) == (2, 1875)
    state.apply(ev.HyperparametersChanged(2, 0.01, 0.0, 64, 0.0, ("batch_size",)))
    assert (state.step_in_epoch, state.epoch_steps) == (2, 2 + 937)  # 59,936 images left
    assert "937 steps of 64" in state.message


def test_a_resumed_run_shows_its_step_before_its_first_batch() -> None:
    state = TrainingState()
    state.apply(started(step=500, position=16_000))
    state.apply(restored((1,) * 500))
    assert (state.step_in_epoch, state.epoch_steps) == (500, 1875)


def test_a_run_resumed_at_an_epoch_start_counts_that_epoch_from_zero() -> None:
    state = TrainingState()
    state.apply(started(step=1875, epoch=2))
    state.apply(restored((1,) * 1875))
    assert (state.step_in_epoch, state.epoch_steps) == (0, 1875)
    state.apply(batches(1876, 3, 96, epoch=2))
    assert (state.step, state.step_in_epoch) == (1878, 3)


def test_a_finished_epoch_is_named_after_itself(tmp_path, capsys) -> None:
    data = tiny_mnist(tmp_path / "data")
    snaps = tmp_path / "s"
    flags = ["--data", str(data), "--batch-size", "10", "--snapshot-dir", str(snaps)]
    assert main(["train", "--headless", "--epochs", "1", *flags]) == 0
    [snapshot] = snaps.glob("*/*.npz")
    assert "_e01_s000010" in snapshot.name  # 96 images, batches of 10: ten steps of epoch 1
    assert main(["train", "--headless", "--epochs", "2", "--resume", str(snapshot), *flags]) == 0
    assert "finished at epoch 2, step 20" in capsys.readouterr().out
