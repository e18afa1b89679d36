"""The attach server: history then live to every viewer, steering only with the token, clear
refusals, 0600 files, loopback TCP, and a stalled viewer coalesced then dropped."""

from __future__ import annotations

import socket
import stat
import threading
from pathlib import Path

import pytest

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.contract.embedding_events import EmbeddingComputed
from cnn_tui.core.remote.endpoint import listen, parse_serve
from cnn_tui.core.remote.outbox import Outbox
from tests.core.remote_clients import Viewer, serve, wait_until


def _batch(step: int) -> ev.BatchesEnded:
    return ev.BatchesEnded(1, step, (2.0,), (0.5,), 0.01, 0.0, 32, 100.0, step * 32, 60000)


def test_two_viewers_see_the_history_then_live_events(tmp_path: Path) -> None:
    server, _, _ = serve(tmp_path)
    try:
        for step in (1, 2, 3):
            server.broadcast(_batch(step))
        server.broadcast(ev.Paused(3))
        a, b = Viewer(tmp_path / "serve.sock"), Viewer(tmp_path / "serve.sock")
        for viewer in (a, b):
            assert viewer.hello() == {"v": 1, "welcome": {"steer": False, "run": "t", "history": 2}}
            merged, paused = viewer.events(2)  # the history: the three batches merged in one
            assert isinstance(merged, ev.BatchesEnded) and merged.losses == (2.0,) * 3
            assert paused == ev.Paused(3)
        server.broadcast(ev.Resumed(3))
        server.broadcast(_batch(4))
        for viewer in (a, b):
            assert viewer.events(2) == [ev.Resumed(3), _batch(4)]
        a.close()  # one viewer leaving changes nothing for the other
        server.broadcast(ev.Finished(4, 1, "finished"))
        assert b.events(1) == [ev.Finished(4, 1, "finished")]
    finally:
        server.close()
    assert b.line() == {"v": 1, "closed": "the run ended"}


def test_nearest_digits_go_live_but_stay_out_of_the_history(tmp_path: Path) -> None:
    server, _, _ = serve(tmp_path)
    found = ev.NearestFound(3, 7, (1,), (2,), (0.5,), (bytes(784),), 100, 100, 16, 1.0, 0.1)
    try:
        early = Viewer(tmp_path / "serve.sock")
        early.hello()
        wait_until(lambda: server.viewers == 1)
        server.broadcast(found)
        server.broadcast(ev.Paused(3))
        assert early.events(2) == [found, ev.Paused(3)]  # live: to every viewer
        late = Viewer(tmp_path / "serve.sock")
        late.hello()
        assert late.events(1) == [ev.Paused(3)]  # an answer to someone's request, not history
    finally:
        server.close()


def _map(step: int) -> EmbeddingComputed:
    return EmbeddingComputed(
        step, 1, (0.0, 1.0), (1.0, 0.0), (3, 5), (3, 4), (0.9, 0.6), (0.4, 0.2), 0.1
    )


def test_a_late_viewer_gets_the_newest_map_and_no_drawings(tmp_path: Path) -> None:
    """Maps are 100–150 kB each: only the newest is replayed; a drawing's view answered someone."""
    server, _, _ = serve(tmp_path)
    try:
        for step in (10, 20, 30):
            server.broadcast(_map(step))
        server.broadcast(ev.DrawingViewed(30, 1, b"", (), -1, ()))
        server.broadcast(ev.Paused(30))
        late = Viewer(tmp_path / "serve.sock")
        assert late.hello()["welcome"]["history"] == 2
        assert late.events(2) == [ev.Paused(30), _map(30)]
    finally:
        server.close()


def test_read_only_without_the_token_steering_with_it(tmp_path: Path) -> None:
    server, commands, token = serve(tmp_path)
    try:
        reader, steerer = Viewer(tmp_path / "serve.sock"), Viewer(tmp_path / "serve.sock")
        reader.hello()
        assert steerer.hello(token)["welcome"]["steer"] is True
        reader.send(b'{"v": 1, "command": {"_type": "Pause"}}\n')
        [refused] = reader.events(1)
        assert isinstance(refused, ev.CommandRefused) and "read-only" in refused.reason
        steerer.send(b'{"v": 1, "command": {"_type": "SetHyperparameters", "lr": 0.5}}\n')
        assert commands.get(timeout=10) == cmd.SetHyperparameters(lr=0.5)
        assert commands.empty()  # the reader's Pause never reached the trainer
    finally:
        server.close()


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (b"garbage\n", "not a JSON line"),
        (b'{"v": 2, "hello": {"token": null}}\n', "protocol version 2 is not 1"),
        (b'{"v": 1, "hello": {"token": "nope"}}\n', "wrong token"),
        (b'{"v": 1, "command": {"_type": "Stop"}}\n', 'the first line must be a "hello"'),
        (b"x" * 70_000, "a line longer than 65,536 bytes"),
    ],
)
def test_bad_lines_get_a_clear_refusal(tmp_path: Path, line: bytes, says: str) -> None:
    server, commands, _ = serve(tmp_path)
    try:
        viewer = Viewer(tmp_path / "serve.sock")
        viewer.send(line)
        assert viewer.line() == {"v": 1, "refused": says}
        assert viewer.line() == {}  # and closed
        assert commands.empty()
    finally:
        server.close()


def test_a_bad_command_from_a_token_holder_is_refused(tmp_path: Path) -> None:
    server, commands, token = serve(tmp_path)
    try:
        viewer = Viewer(tmp_path / "serve.sock")
        viewer.hello(token)
        viewer.send(b'{"v": 1, "command": {"_type": "Step", "batches": "all"}}\n')
        refusal = viewer.line()["refused"]
        assert "Step.batches" in refusal and commands.empty()
    finally:
        server.close()


def test_socket_and_token_are_private(tmp_path: Path) -> None:
    server, _, token = serve(tmp_path)
    try:
        for name in ("serve.sock", "token"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
        assert (tmp_path / "token").read_text().strip() == token
    finally:
        server.close()


def test_tcp_listens_on_loopback_unless_asked(tmp_path: Path) -> None:
    assert parse_serve("tcp:0") == "tcp:127.0.0.1:0"
    sock, address = listen(parse_serve("tcp:0"), tmp_path)
    try:
        assert sock.getsockname()[0] == "127.0.0.1" and address.port > 0
    finally:
        sock.close()
    with pytest.raises(ValueError, match="port"):
        parse_serve("tcp:http")


def test_a_stalled_viewer_is_coalesced_then_dropped(tmp_path: Path) -> None:
    boxes: list[Outbox] = []

    def small_outbox() -> Outbox:
        # only the stalled viewer (the first) gets the small limits: a healthy reader on a
        # loaded machine may lag by a few MB, well within the default
        boxes.append(Outbox(behind_bytes=4_000, drop_bytes=400_000) if not boxes else Outbox())
        return boxes[-1]

    server, _, _ = serve(tmp_path, small_outbox)
    try:
        stalled = Viewer(tmp_path / "serve.sock")
        stalled.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.hello()  # then reads nothing more
        healthy = Viewer(tmp_path / "serve.sock")
        healthy.hello()
        seen: list[ev.Event] = []
        reader = threading.Thread(target=_read_to_the_end, args=(healthy, seen))
        reader.start()
        for step in range(1, 3001):  # never waits, whatever the stalled viewer does
            server.broadcast(_batch(step))
        wait_until(lambda: boxes[0].coalesced > 0)
        for _ in range(20_000):  # events that cannot be merged: it falls too far behind
            server.broadcast(ev.Notice(3000, "n", "x" * 40))
        wait_until(lambda: server.dropped == 1)
        assert server.viewers == 1  # the healthy one stays, and sees every step
        server.broadcast(ev.Finished(3000, 1, "finished"))
        reader.join(10)
        steps = [
            s
            for e in seen
            if isinstance(e, ev.BatchesEnded)
            for s in range(e.first_step, e.last_step + 1)
        ]
        assert steps == list(range(1, 3001))
        assert sum(isinstance(e, ev.Notice) for e in seen) == 20_000
    finally:
        server.close()


def _read_to_the_end(viewer: Viewer, seen: list[ev.Event]) -> None:
    while not seen or not isinstance(seen[-1], ev.Finished):
        seen.extend(viewer.events(1))
