"""kill -9 at random moments while snapshots are being saved (faults D11, E7; "data lost: 0").

A forked child saves snapshots of the default network in a loop, telling the parent through a
pipe which step it starts and which it has committed. The parent SIGKILLs it at a random moment,
then checks: every file under a final name loads, the newest holds at least the last committed
step, the previous newest is byte-identical, only temp files are left over, and
``clean_stale_temp`` removes exactly those.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import struct
import time
from dataclasses import replace
from pathlib import Path

import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.run_state import History, RunState
from cnn_tui.core.engines.params import init_params
from cnn_tui.core.snapshot import save as save_module
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.snapshot.names import clean_stale_temp, latest_snapshot, parse_snapshot_name
from cnn_tui.core.snapshot.save import save_snapshot

ITERATIONS = 60
RECORD = struct.Struct("<cq")  # b"S" started / b"C" committed, step


def state_at(base: RunState, step: int) -> RunState:
    """The base state moved to ``step``: history of that length, one weight marking the step."""
    params = dict(base.params)
    params["dense2.bias"] = [float(step)] + base.params["dense2.bias"][1:]
    history = History(
        losses=[1.0] * step, accuracies=[0.5] * step, lrs=[0.01] * step, epochs=[1] * step
    )
    return replace(base, step=step, position=step % base.train_size, params=params, history=history)


def slow_write_all(fd: int, data: bytes) -> None:
    """A slow disk: 64 KiB at a time with a pause, so that more kills land inside the write."""
    for start in range(0, len(data), 1 << 16):
        view = memoryview(data)[start : start + (1 << 16)]
        while view:
            view = view[os.write(fd, view) :]
        time.sleep(0.0005)


def child_saves_forever(folder: Path, base: RunState, first_step: int, pipe: int) -> None:
    save_module._write_all = slow_write_all  # this forked child only
    step = first_step
    while True:
        os.write(pipe, RECORD.pack(b"S", step))
        save_snapshot(state_at(base, step), folder, run_name="kill")
        os.write(pipe, RECORD.pack(b"C", step))
        step += 1


def read_records(pipe: int) -> list[tuple[bytes, int]]:
    data = b""
    while chunk := os.read(pipe, 65536):
        data += chunk
    usable = len(data) - len(data) % RECORD.size
    return [RECORD.unpack_from(data, i) for i in range(0, usable, RECORD.size)]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_kill_9_during_saves_never_loses_or_corrupts_a_snapshot(tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    arch = Architecture()  # the default network: conv8 → dense128 → 10, a 2.8 MB file
    config = RunConfig(arch=arch, hyper=Hyperparameters(), epochs=5, seed=0)
    params = init_params(arch, 0)
    velocity = {name: [0.0] * len(values) for name, values in params.items()}
    base = RunState(config, 1, 0, 0, params, velocity, History(), 60_000, 10_000)
    rng = random.Random(1234)
    newest: Path | None = None
    newest_hash = ""
    next_step = 1
    mid_write = 0  # kills that left a temp file: the kill landed between open and rename
    lost_saves: list[int] = []
    started = time.perf_counter()
    for iteration in range(ITERATIONS):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: save until killed, never return into pytest
            os.close(read_end)
            try:
                child_saves_forever(folder, base, next_step, write_end)
            finally:
                os._exit(1)
        os.close(write_end)
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, iteration
        records = read_records(read_end)
        os.close(read_end)

        committed = [step for kind, step in records if kind == b"C"]
        started_steps = [step for kind, step in records if kind == b"S"]
        names = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
        finals = [n for n in names if parse_snapshot_name(n)]
        temps = [n for n in names if n.startswith(".tmp-") and n.endswith(".npz.part")]
        assert sorted(finals + temps) == names, f"unexpected files: {names}"
        # every file under a final name is complete and valid (not only the newest)
        steps = {}
        for name in finals:
            state = load_snapshot(folder / name, expect=arch)
            assert state.params["dense2.bias"][0] == float(state.step)
            steps[name] = state.step
        # the previous newest is untouched; nothing committed was lost
        if newest is not None:
            assert sha256(newest) == newest_hash, f"iteration {iteration}: old snapshot changed"
        latest = latest_snapshot(folder)
        if committed:
            assert latest is not None and steps[latest.name] >= committed[-1]
        if latest is not None and started_steps:
            lost_saves.append(started_steps[-1] - steps[latest.name])
        mid_write += bool(temps)
        assert clean_stale_temp(folder) == len(temps)
        left = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
        assert not [n for n in left if n.startswith(".tmp-")]  # (no folder: killed before it)
        # keep only the newest for the next round, so the loop stays fast
        for name in finals:
            if latest is not None and name != latest.name:
                (folder / name).unlink()
        if latest is not None:
            newest, newest_hash = latest, sha256(latest)
            next_step = steps[latest.name] + 1
    elapsed = time.perf_counter() - started
    mean_lost = sum(lost_saves) / max(len(lost_saves), 1)
    print(
        f"\nkill -9 loop: {ITERATIONS} kills in {elapsed:.1f} s; {mid_write} landed mid-write "
        f"(temp left, cleaned); 0 broken or lost snapshots; work lost per kill: "
        f"max {max(lost_saves, default=0)} save, mean {mean_lost:.2f}"
    )
    assert mid_write >= 1, "no kill landed during a write: the loop tested nothing"
