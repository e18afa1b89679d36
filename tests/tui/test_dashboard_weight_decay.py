"""Weight decay mid-run (issue 13, item 5): ``W`` asks for it like lr, batch size and momentum,
with the command line's rule; the trainer acknowledges and logs the change, the status shows the
value in force, and a snapshot keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract.config import ConfigError, Hyperparameters, RunConfig, parse_weight_decay
from cnn_tui.core.contract.events import Change, HyperparametersChanged, SnapshotSaved
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.training.metrics import event_records
from cnn_tui.tui.cli.main import main
from cnn_tui.tui.screens.value_prompt import ValuePrompt
from tests.core.trainer_runs import SMALL, collect
from tests.synthetic import blobs
from tests.tui.dashboard_pilot import SIZE, make, settle, status


async def test_typed_weight_decay_is_sent_and_shown_after_ack() -> None:
    app, link = make(hold=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "decay 0" in status(app)
        await pilot.press("W")
        prompt = app.screen
        assert isinstance(prompt, ValuePrompt) and prompt.prompt_title == "Weight decay"
        assert prompt.rule == "a number in 0–1 (0: off)"
        await pilot.press("ctrl+a", *"0.0005", "enter")
        await settle(pilot)
        assert link.sent == [cmd.SetHyperparameters(weight_decay=0.0005)]
        assert "decay → 0.0005…" in status(app) and "decay 0 " in status(app) + " "
        link.release()
        await settle(pilot)
        assert "decay 0.0005" in status(app) and "→" not in status(app)
        assert app.state.markers[-1].text == "decay 0→0.0005"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("2", "outside 0–1"), ("nan", "finite"), ("-0.1", "outside"), ("x", "not a number")],
)
async def test_refused_weight_decay_keeps_the_prompt_and_sends_nothing(
    typed: str, reason: str
) -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W")
        app.screen.query_one("#prompt-input").value = ""  # type: ignore[attr-defined]
        await pilot.press(*typed, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ValuePrompt)
        error = str(app.screen.query_one("#prompt-error").render())
        assert reason in error and "weight decay" in error
        await pilot.press("escape")
        await settle(pilot)
        assert link.sent == [] and "decay 0" in status(app)


@pytest.mark.parametrize("typed", ["2", "nan", "1e400", "abc"])
def test_the_prompt_refuses_what_the_command_line_refuses(typed: str, capsys) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_weight_decay(typed)
    with pytest.raises(SystemExit):
        main(["train", "--headless", f"--weight-decay={typed}"])
    assert str(refused.value) in capsys.readouterr().err
    assert parse_weight_decay(" 0.001 ") == 0.001 and parse_weight_decay("0") == 0.0


def test_the_trainer_acknowledges_logs_and_saves_a_new_weight_decay(tmp_path: Path) -> None:
    config = RunConfig(arch=SMALL, hyper=Hyperparameters(batch_size=10), epochs=1, seed=1)
    trainer, events = collect(
        dict(config=config, train=blobs(30, seed=1), test=blobs(10, seed=2)),
        commands=[cmd.SetHyperparameters(weight_decay=0.01), cmd.SaveSnapshot()],
        snapshot_dir=tmp_path,
    )
    [ack] = [e for e in events if isinstance(e, HyperparametersChanged)]
    assert ack.weight_decay == 0.01 and ack.changed == ("weight_decay",)
    assert Change(0, "weight_decay", 0.0, 0.01) in trainer.history.changes
    [line] = event_records(ack)
    assert line["weight_decay"] == 0.01 and line["changed"] == ["weight_decay"]
    saved = [e.path for e in events if isinstance(e, SnapshotSaved)]
    assert load_snapshot(Path(saved[0])).config.hyper.weight_decay == 0.01
