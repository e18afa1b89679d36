"""Faults C1–C10: values on the command line — each refused with exit 2 and the value's own
message, or normalised and echoed back.
"""

from __future__ import annotations

import re
import resource

import pytest

from tests.faults.helpers import (
    TRACEBACK,
    assert_clear,
    cli,
    headless,
    make_data,
    run_main,
)


@pytest.mark.parametrize("value", ["abc", "", " ", "1,5", "0x10"])
def test_c1_lr_not_a_number(tiny, capsys, value):
    code, err = run_main(headless(tiny, f"--lr={value}"), capsys)
    assert code == 2 and TRACEBACK not in err
    assert re.search(r"--lr: learning rate .* is not a number", err), err


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--headless", "--data", ""],
        ["train", "--headless", "--snapshot-dir", " "],
        ["train", "--headless", "--metrics", ""],
        ["train", "--headless", "--resume", ""],
        ["download", "--data", ""],
        ["inspect", ""],
    ],
    ids=["data", "snapshot-dir", "metrics", "resume", "download-data", "inspect"],
)
def test_c1_an_empty_path_is_refused_not_read_as_the_current_folder(capsys, argv):
    code, err = run_main(argv, capsys)
    assert_clear(code, err, 2, r"an empty path")


def test_c1_bad_flag_message_is_short(tiny, capsys):
    """docs/faults.md: one or two lines (≤ 3) — not argparse's 9-line usage block first."""
    code, err = run_main(headless(tiny, "--lr=abc"), capsys)
    assert_clear(code, err, 2, r"learning rate 'abc' is not a number")


@pytest.mark.parametrize("value", ["-1", "0", "1e-400", "1e9", "11"])
def test_c2_c3_c4_lr_out_of_range(tiny, capsys, value):
    code, err = run_main(headless(tiny, f"--lr={value}"), capsys)
    assert code == 2 and TRACEBACK not in err
    assert "is outside 1e-06–10" in err, err


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400"])
def test_c5_lr_not_finite(tiny, capsys, value):
    code, err = run_main(headless(tiny, f"--lr={value}"), capsys)
    assert code == 2 and TRACEBACK not in err
    assert "must be a finite number" in err, err


@pytest.mark.parametrize(
    "flag, value, reason",
    [
        ("--lr", "-inf", "must be a finite number"),
        ("--lr", "-1e-3", "is outside 1e-06–10"),
        ("--momentum", "-0.5", "momentum"),
        ("--epochs", "-2", "is outside 1–1000"),
    ],
)
def test_c2_negative_values_after_a_space_get_their_own_message(tiny, capsys, flag, value, reason):
    """``--lr -inf`` (a space, not "="): the value's own check answers, not argparse's
    "expected one argument"."""
    code, err = run_main(headless(tiny, flag, value), capsys)
    assert code == 2 and TRACEBACK not in err
    assert reason in err and "expected one argument" not in err, err


@pytest.mark.parametrize(
    "value, shown", [("１", "lr 1,"), (" 0.5 ", "lr 0.5,"), ("5e-2", "lr 0.05,")]
)
def test_c6_lr_normalised_and_echoed(tiny, capsys, value, shown):
    code, err = run_main(headless(tiny, "--no-snapshots", f"--lr={value}"), capsys)
    assert code == 0, err
    assert shown in err


def test_c6_underscore_digits_parse_then_range_check(tiny, capsys):
    code, err = run_main(headless(tiny, "--lr=1_000"), capsys)
    assert code == 2 and "1000 is outside" in err, err


@pytest.mark.parametrize(
    "value, reason",
    [
        ("0", "outside"),
        ("-5", "outside"),
        ("1.5", "not a whole number"),
        ("1e3", "not a whole number"),
        ("64.0", "not a whole number"),
        ("abc", "not a whole number"),
        ("1000000000", "outside"),
    ],
)
def test_c7_batch_size_refused(tiny, capsys, value, reason):
    code, err = run_main(headless(tiny, f"--batch-size={value}"), capsys)
    assert code == 2 and TRACEBACK not in err
    assert "batch size" in err and reason in err, err


def test_c8_batch_larger_than_dataset(tiny, capsys):
    code, err = run_main(headless(tiny, "--batch-size", "65"), capsys)
    assert_clear(code, err, 2, r"batch size 65 is larger than the 64 training images")


@pytest.mark.slow
def test_c8_batch_too_big_for_memory_is_a_clear_refusal(tmp_path):
    """A legal flag combination that cannot fit in memory: refused up front (exit 2), not a
    'training failed … MemoryError' crash (exit 1) after loading everything."""
    data = make_data(tmp_path, train=8000, test=16)

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2_000_000_000, 2_000_000_000))

    result = cli(
        *headless(data, "--no-snapshots", "--batch-size", "8000"),
        *("--filters", "64", "--filters2", "64", "--hidden", "4096"),
        preexec_fn=limit_memory,
        timeout=120,
    )
    err = result.stderr.decode()
    assert TRACEBACK not in err
    assert result.returncode == 2, err


@pytest.mark.parametrize(
    "flag, value, reason",
    [
        ("--epochs", "0", "outside 1–1000"),
        ("--epochs", "-1", "outside 1–1000"),
        ("--momentum", "1", "outside 0–0.999"),
        ("--momentum", "nan", "finite"),
        ("--weight-decay", "-1", "outside 0–1"),
        ("--seed", "1.5", "not a whole number"),
        ("--seed", "4294967296", "outside"),
        ("--filters", "65", "outside 1–64"),
        ("--hidden", "100000000", "outside 1–4096"),
        ("--limit", "0", "outside"),
        ("--engine", "tensorflow", "invalid choice"),
    ],
)
def test_c10_other_flags_refused(tiny, capsys, flag, value, reason):
    code, err = run_main(headless(tiny, f"{flag}={value}"), capsys)
    assert code == 2 and TRACEBACK not in err
    assert reason in err, err


@pytest.mark.parametrize("value", ["0", "nan", "1e400"])
def test_c10_download_timeout_refused(tmp_path, capsys, value):
    code, err = run_main(["download", "--data", str(tmp_path), "--timeout", value], capsys)
    assert code == 2 and "timeout" in err and TRACEBACK not in err, err
