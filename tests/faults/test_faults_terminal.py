"""Faults F4–F6: the terminal and environment — a C locale, stdout to a file, stdin or stderr
not a terminal.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.faults.helpers import (
    TEST_IMAGES,
    TRACEBACK,
    assert_clear,
    base_env,
    cli,
    headless,
    make_data,
)


def _c_locale() -> dict[str, str]:
    return base_env(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONIOENCODING="")


@pytest.mark.parametrize("args", [["--help"], ["train", "--help"], ["--version"]])
def test_f4_c_locale_help(args):
    result = cli(*args, env=_c_locale())
    assert result.returncode == 0, result.stderr.decode()
    assert TRACEBACK.encode() not in result.stderr


def test_f4_c_locale_headless_summary(tiny):
    result = cli(*headless(tiny, "--no-snapshots"), env=_c_locale())
    assert TRACEBACK.encode() not in result.stderr, result.stderr.decode()
    assert result.returncode == 0
    assert b"finished at epoch 1" in result.stdout


def test_f4_c_locale_data_error(tmp_path):
    data = make_data(tmp_path / "donn\xe9es", **{TEST_IMAGES: b""})
    result = cli(*headless(data), env=_c_locale())
    err = result.stderr.decode("ascii", "backslashreplace")
    assert_clear(result.returncode, err, 3, r"file is empty")


def test_f5_stdout_to_a_file_is_plain(tiny, tmp_path):
    with open(tmp_path / "out.txt", "wb") as out:
        result = cli(*headless(tiny, "--no-snapshots"), stdout=out, capture_output=False)
    assert result.returncode == 0
    text = (tmp_path / "out.txt").read_bytes()
    assert text.startswith(b"finished at epoch 1") and b"\x1b" not in text


@pytest.mark.parametrize("how", ["devnull", "pipe"])
def test_f6_stdin_not_a_terminal(tiny, how):
    kw = {"stdin": subprocess.DEVNULL} if how == "devnull" else {"input": b"x\n", "stdin": None}
    result = cli("--data", str(tiny), **kw)
    assert_clear(result.returncode, result.stderr.decode(), 6, r"interactive terminal.*--headless")


def test_f6_inspect_without_terminal(tiny, snapshot):
    result = cli("inspect", str(snapshot), "--data", str(tiny))
    assert_clear(result.returncode, result.stderr.decode(), 6, r"interactive terminal")


def test_f6_stderr_not_a_terminal(tiny):
    import pty

    main_fd, child_fd = pty.openpty()
    try:
        result = cli(
            "--data",
            str(tiny),
            stdin=child_fd,
            stdout=child_fd,
            capture_output=False,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(main_fd)
        os.close(child_fd)
    assert_clear(result.returncode, result.stderr.decode(), 6, r"standard error is not one")
