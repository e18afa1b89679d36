"""``cnn-tui attach`` before the dashboard opens: where each kind of target resolves to (a run
folder, a socket, a run's name, HOST:PORT, tcp:HOST:PORT), the token found or not, and every way
of not getting in refused in one line with exit code 7 (no traceback, no dashboard)."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from pathlib import Path

import pytest

from cnn_tui.tui.attach.connect import ConnectError, connect, read_token, resolve
from cnn_tui.tui.cli.main import main
from cnn_tui.tui.cli.serving import start_serving
from tests.core.remote_clients import serve
from tests.tui.served_run import served_run


def test_targets_resolve_to_a_socket_or_an_address(tmp_path: Path) -> None:
    folder = tmp_path / "20261207-120000_run"
    folder.mkdir()
    (folder / "serve.sock").touch()
    assert resolve(str(folder), tmp_path) == (folder / "serve.sock", folder)
    assert resolve(str(folder / "serve.sock"), tmp_path) == (folder / "serve.sock", folder)
    assert resolve("localhost:8123", tmp_path) == (("localhost", 8123), None)
    assert resolve("tcp:127.0.0.1:8123", tmp_path) == (("127.0.0.1", 8123), None)
    assert resolve("[::1]:8123", tmp_path) == (("::1", 8123), None)


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("some/where/else", "some/where/else: no such run folder, socket or HOST:PORT"),
        ("tcp:nowhere", "tcp:nowhere: no such run folder, socket or HOST:PORT"),
        ("localhost:99999", "localhost:99999: the port must be 1–65535"),
    ],
)
def test_a_target_that_is_nothing_is_one_line(tmp_path: Path, target: str, says: str) -> None:
    with pytest.raises(ConnectError) as raised:
        resolve(target, tmp_path)
    assert str(raised.value) == says


def test_the_token_comes_from_the_flag_or_the_folder(tmp_path: Path) -> None:
    assert read_token(None, tmp_path) is None  # none there: read-only
    (tmp_path / "token").write_text("abc\n")
    assert read_token(None, tmp_path) == "abc"
    (tmp_path / "mine").write_text("xyz\n")
    assert read_token(tmp_path / "mine", tmp_path) == "xyz"
    with pytest.raises(ConnectError, match="cannot read the token .*gone: No such file"):
        read_token(tmp_path / "gone", tmp_path)


def attach(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["attach", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return code, err.strip()


def test_nothing_serving_is_exit_7_in_one_line(tmp_path: Path, capsys) -> None:
    code, err = attach(capsys, "nobody", "--snapshot-dir", str(tmp_path))
    assert code == 7 and err.startswith("cnn-tui: cannot attach: nobody: ")
    folder = tmp_path / "20261207-120000_old"
    folder.mkdir()  # a run folder whose run is not serving (or has ended)
    code, err = attach(capsys, str(folder))
    assert code == 7 and "no socket there (is the run still going, started with --serve?)" in err
    (folder / "token").write_text("abc\n")  # a token and no socket: a run served on a port
    code, err = attach(capsys, str(folder))
    assert code == 7 and "it serves on a TCP port: attach to HOST:PORT (its output says)" in err
    assert f"--token {folder / 'token'}" in err
    (folder / "token").unlink()
    (folder / "serve.sock").touch()  # a socket file left behind: nothing listens
    code, err = attach(capsys, str(folder))
    assert code == 7 and f"cannot reach {folder / 'serve.sock'}: " in err
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # a port nobody listens on
    code, err = attach(capsys, f"127.0.0.1:{port}")
    assert code == 7 and f"cannot reach 127.0.0.1:{port}: Connection refused" in err


def test_something_else_listening_or_a_wrong_token_is_refused(tmp_path: Path, capsys) -> None:
    other = socket.create_server(("127.0.0.1", 0))
    port = other.getsockname()[1]

    def answer_nonsense() -> None:
        conn, _ = other.accept()
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
        conn.close()

    thread = threading.Thread(target=answer_nonsense)
    thread.start()
    code, err = attach(capsys, f"tcp:127.0.0.1:{port}")
    thread.join()
    other.close()
    assert code == 7 and f"127.0.0.1:{port} did not answer as a cnn-tui run" in err
    server, _, _ = serve(tmp_path)
    try:
        (tmp_path / "wrong").write_text("not-the-token\n")
        code, err = attach(capsys, str(tmp_path), "--token", str(tmp_path / "wrong"))
        assert err == f"cnn-tui: cannot attach: {tmp_path / 'serve.sock'} refused: wrong token"
        assert code == 7
        link = connect(str(tmp_path), tmp_path)  # the folder's own token is the right one
        assert link.steer and link.run_name == "t"
        link.stop()
    finally:
        server.close()


def test_a_live_run_by_name_without_a_terminal_says_so(tmp_path: Path, capsys) -> None:
    with served_run(tmp_path, pause=True) as run:
        code, err = attach(capsys, "served", "--snapshot-dir", str(run.snaps))
        assert code == 6 and "the dashboard needs an interactive terminal" in err
        assert run.process.poll() is None  # the viewer that could not open left it alone


@pytest.mark.parametrize("serve_at", ["unix", "tcp:127.0.0.1:0"])
def test_a_served_run_says_where_and_the_command_that_attaches(
    tmp_path: Path, serve_at: str
) -> None:
    lines: list[str] = []
    short = Path(tempfile.mkdtemp(prefix="att-"))  # a Unix socket's path stays under ~100 bytes
    served = start_serving(serve_at, short / "20261207-120000_run", "run", lines.append)
    try:
        where, command = lines[0].removeprefix("serving on ").split(" · watch it: ")
        assert where == served.address.describe() and lines[1].startswith("the token in ")
        program, verb, target, *flags = command.split()
        assert (program, verb) == ("cnn-tui", "attach")
        token = Path(flags[1]) if flags else None
        assert flags in ([], ["--token", str(served.token_path)])
        link = connect(target, tmp_path, token_file=token)  # the command works as printed
        assert link.steer is True
        link.stop()
    finally:
        served.close()
        shutil.rmtree(short)
