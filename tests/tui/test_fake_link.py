"""The shared fake link (tui/demo/fake_link.py): a script played in order, commands answered as the
trainer would, training in time with its clock (paused time not made up for), and the demo's
command line refusing bad values."""

from __future__ import annotations

import pytest

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.demo.__main__ import main as demo_main
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import SyntheticTrainer, synthetic_stream


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_plays_its_script_in_order_per_drain_and_records_commands() -> None:
    trainer, events = synthetic_stream(100, chunk=20)
    link = FakeLink(events, trainer=trainer, per_drain=3)
    link.start()
    assert link.alive and link.started
    drained = link.drain() + link.drain(2)
    assert drained == events[:5] and link.backlog == len(events) - 5
    link.send(cmd.Pause())
    assert link.sent_of(cmd.Pause) == [cmd.Pause()]
    link.stop(1.5)
    assert not link.alive and link.stop_calls == [1.5]


def test_answers_like_a_trainer_and_holds_answers_until_released() -> None:
    link = FakeLink(hold=True, snapshot_fails="disk full")
    link.send(cmd.SetHyperparameters(lr=0.02))
    link.send(cmd.SaveSnapshot())
    assert link.drain() == []
    link.release()
    changed, failed = link.drain()
    assert isinstance(changed, ev.HyperparametersChanged) and changed.lr == 0.02
    assert failed == ev.SnapshotFailed(0, "disk full")
    quiet = FakeLink(answer_stop=False)
    quiet.send(cmd.Stop(save=True))
    assert quiet.drain() == [] and quiet.sent == [cmd.Stop(save=True)]


def test_trains_in_time_with_its_clock_and_not_while_paused() -> None:
    clock = Clock()
    trainer = SyntheticTrainer()
    link = FakeLink(
        trainer=trainer, steps_per_s=100, event_interval=0.05, sample_every=0.5, clock=clock
    )
    link.start()
    clock.now += 1.0
    events = link.drain()
    batches = [e for e in events if isinstance(e, ev.BatchesEnded)]
    assert len(batches) == 20 and trainer.step == 100  # 5 steps per 0.05 s
    assert sum(isinstance(e, ev.SampleViewed) for e in events) == 2
    assert 0.95 <= batches[0].images_per_s / (100 * trainer.batch_size) <= 1.05  # ±5 % jitter
    link.send(cmd.Pause())
    clock.now += 10.0
    assert link.drain() == [ev.Paused(step=100)]
    link.send(cmd.Resume())
    clock.now += 0.1
    link.drain()
    assert trainer.step == 110  # the ten paused seconds are not made up for


def test_demo_refuses_bad_values_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--speed", "nan"], ["--speed", "0"], ["--filters", "8,x"], ["--epochs", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            demo_main(argv)
        assert exit_info.value.code == 2
        assert "error:" in capsys.readouterr().err
