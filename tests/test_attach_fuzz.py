"""The fuzz test of issue 12 part 3: while hostile clients hammer a REAL served run (``cnn-tui
train --headless --serve`` in a child process) with garbage, huge lines, wrong versions, wrong
tokens, half lines, mutated lines, commands without the token, hang-ups and stalled readers —
four of them at once, a few hundred cases from a fixed seed — the run goes on unharmed: its steps
keep advancing, a well-behaved viewer keeps receiving events during and after, nothing a hostile
client sent reaches the trainer, each one got the answer the protocol promises
(docs/protocol.md), and the run still ends cleanly (SIGTERM: exit 143, no traceback)."""

from __future__ import annotations

import random
import signal
import threading
import time
from pathlib import Path

from cnn_tui.core.contract import events as ev
from tests.core.remote_clients import Viewer
from tests.core.remote_fuzz import CASES, Case, Client, run_case
from tests.tui.served_run import finished_reason, served_run, wait_for

SEED = 20261207
WORKERS = 4
CASES_EACH = 80


class Watcher:
    """A well-behaved viewer reading every event in a thread, noting when each step arrived."""

    def __init__(self, path: Path) -> None:
        self.viewer = Viewer(path)
        self.viewer.hello()
        self.steps: list[tuple[float, int]] = []  # (when, the last step of a BatchesEnded)
        self.events: list[ev.Event] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            while True:
                [event] = self.viewer.events(1)
                self.events.append(event)
                if isinstance(event, ev.BatchesEnded):
                    self.steps.append((time.monotonic(), event.last_step))
        except (AssertionError, OSError, ValueError):
            pass  # the run ended (or the test closed it)

    def last_step(self, before: float = float("inf")) -> int:
        return max((step for when, step in self.steps if when <= before), default=0)


def _worker(path: Path, token: str, seed: int, found: list[Case], stalled: list[Client]) -> None:
    rng = random.Random(seed)
    for _ in range(CASES_EACH):
        found.append(run_case(rng.choice(sorted(CASES)), path, token, rng, stalled))


def test_hostile_clients_leave_the_run_unharmed(tmp_path: Path) -> None:
    with served_run(tmp_path, pause=False, extra=("--epochs", "1000")) as run:
        watcher = Watcher(run.socket)
        wait_for(lambda: watcher.last_step() > 0, "the watcher's first steps")
        cases: list[Case] = []
        stalled: list[Client] = []
        start = time.monotonic()
        workers = [
            threading.Thread(target=_worker, args=(run.socket, run.token, SEED + i, cases, stalled))
            for i in range(WORKERS)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        end = time.monotonic()
        for client in stalled:
            client.close()
        # every hostile client got the answer the protocol promises, and the run went on
        assert [c.problem for c in cases if c.problem] == []
        assert len(cases) == WORKERS * CASES_EACH and {c.kind for c in cases} == set(CASES)
        assert run.process.poll() is None
        during = watcher.last_step(end) - watcher.last_step(start)
        assert during > 0, "no step while the fuzz ran"
        wait_for(lambda: watcher.last_step() > watcher.last_step(end), "a step after the fuzz")
        # nothing they sent reached the trainer: no pause, change, stop or refusal broadcast
        steered = (ev.Paused, ev.HyperparametersChanged, ev.CommandRefused, ev.Finished)
        assert [e for e in watcher.events if isinstance(e, steered)] == []
        late = Viewer(run.socket)  # and a viewer that comes now is welcomed as ever
        assert late.hello()["welcome"]["steer"] is False
        late.close()
        run.process.send_signal(signal.SIGTERM)
        code, err = finished_reason(run.process)
        assert code == 143 and "Traceback" not in err, err
        watcher.thread.join(10)
        assert isinstance(watcher.events[-1], ev.Finished)
