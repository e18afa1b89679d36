"""While paused or stepped, the sample shows the current weights on the batch about to be
trained (issue 13, item 8): never a stale view from before the pause."""

from __future__ import annotations

from cnn_tui.core.contract.commands import Pause, Step, Stop
from cnn_tui.core.contract.events import BatchesEnded, Paused, SampleViewed
from cnn_tui.core.training.data_order import data_order
from tests.core.trainer_runs import collect, config
from tests.synthetic import blobs


def _after(events: list, paused: Paused) -> list[SampleViewed]:
    later = events[events.index(paused) + 1 :]
    return [e for e in later if isinstance(e, SampleViewed)]


def test_a_pause_mid_run_shows_the_current_weights_on_the_next_batch() -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    seen: list[int] = []

    def react(event: object) -> object:
        if isinstance(event, BatchesEnded) and event.last_step == 3:
            return Pause()
        if isinstance(event, Paused):
            seen.append(event.step)
            return Stop()
        return None

    _, events = collect(dict(config=config(batch_size=8), train=train, test=test), react=react)
    paused = next(e for e in events if isinstance(e, Paused))
    [sample] = _after(events, paused)
    assert sample.step == paused.step == seen[0]
    position = paused.step * 8  # images consumed so far in epoch 1
    assert sample.index == data_order(3, 1, 64)[position]


def test_each_step_while_paused_shows_a_fresh_sample() -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    stepped: list[int] = []

    def react(event: object) -> object:
        if isinstance(event, Paused) and event.reason == "stepped":
            stepped.append(event.step)
            return Step(1) if len(stepped) < 3 else Stop()
        return None

    _, events = collect(
        dict(config=config(batch_size=8), train=train, test=test),
        commands=[Step(1)],
        react=react,
        start_paused=True,
    )
    steps = [e.step for e in events if isinstance(e, SampleViewed)]
    assert stepped == [1, 2, 3]
    assert all(s in steps for s in stepped)
