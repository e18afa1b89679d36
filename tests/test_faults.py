"""Hostile-user checks of the real ``cnn-tui`` command line, one test per faults.md case.

Each test is named after its ID in ``/work/shared/docs/faults.md`` section 2 (A data files, B
download, C values, D snapshots, E signals, F terminal/environment, G numerics). A case passes
when the command gives the documented exit code and one short line naming what was wrong — no
traceback — and, where a fault hits the save path, nothing already saved is lost.

Data and snapshot errors run ``main(argv)`` in-process (the same code path, without paying for an
interpreter per case); signals, locales, terminals, disk limits and the network run the installed
``cnn-tui`` in a subprocess. Everything is offline: the "network" is a proxy on 127.0.0.1 that is
closed or never answers. Tests that expose an open bug assert the correct behaviour and fail
until it is fixed (listed in the faults report).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import re
import resource
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cnn_tui.tui.cli.main import main

CLI = Path(sys.executable).with_name("cnn-tui")
STEMS = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
TRACEBACK = "Traceback (most recent call last)"


# ---------------------------------------------------------------------------------------------
# Building blocks


def image_header(count: int, rows: int = 28, cols: int = 28, dtype: int = 0x08, ndim: int = 3):
    return bytes([0, 0, dtype, ndim]) + struct.pack(">3I", count, rows, cols)


def images_raw(count: int, seed: int = 0) -> bytes:
    """``count`` 28×28 images of pseudo-random bytes (fast for thousands of images)."""
    block = bytes((i * 131 + seed * 17) % 251 for i in range(28 * 28 * 10))
    reps, rest = divmod(count, 10)
    return image_header(count) + block * reps + block[: rest * 28 * 28]


def labels_raw(count: int) -> bytes:
    return bytes([0, 0, 8, 1]) + struct.pack(">I", count) + bytes(i % 10 for i in range(count))


def make_data(folder: Path, train: int = 64, test: int = 32, **replace: bytes | None) -> Path:
    """A four-file MNIST-shaped folder (raw IDX); ``replace`` swaps a file by stem (None: omit,
    a key ending in ``_gz`` writes ``<stem>.gz``)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        STEMS[0]: images_raw(train, 1),
        STEMS[1]: labels_raw(train),
        STEMS[2]: images_raw(test, 2),
        STEMS[3]: labels_raw(test),
    }
    for key, data in replace.items():
        stem = key.removesuffix("_gz").replace("_", "-")
        files.pop(stem)
        if data is not None:
            name = stem + (".gz" if key.endswith("_gz") else "")
            (folder / name).write_bytes(data)
    for stem, data in files.items():
        (folder / stem).write_bytes(data)
    return folder


TEST_IMAGES = "t10k_images_idx3_ubyte"
TEST_LABELS = "t10k_labels_idx1_ubyte"


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``main(argv)`` in-process: (exit code, stderr)."""
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse errors
        code = stop.code if isinstance(stop.code, int) else 1
    return code, capsys.readouterr().err


def assert_clear(code: int, err: str, expected: int, pattern: str) -> None:
    """The documented exit code, no traceback, at most 3 lines, the message matches."""
    assert TRACEBACK not in err, err
    assert code == expected, (code, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 3, f"{len(lines)} lines:\n{err}"
    assert re.search(pattern, err, re.IGNORECASE), err


_SNAPSHOT_FOLDERS = tempfile.TemporaryDirectory(prefix="cnn-tui-test-snapshots-")
"""Holds a fresh snapshot folder per headless run; removed when the test process ends."""


def headless(data: Path, *extra: str) -> list[str]:
    """A headless run; snapshots go to a fresh folder unless ``extra`` says otherwise (one run
    per folder: parallel tests must not share ./snapshots)."""
    snapshots = tempfile.mkdtemp(dir=_SNAPSHOT_FOLDERS.name)
    return ["train", "--headless", "--data", str(data), "--epochs", "1",
            "--snapshot-dir", snapshots, *extra]  # fmt: skip


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60, **kw):
    """Run the installed ``cnn-tui`` with stdin closed; stdout and stderr captured as bytes."""
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("capture_output", True)
    return subprocess.run([str(CLI), *args], env=env, timeout=timeout, **kw)


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(extra)
    return env


def sigint_default() -> None:
    """Children of a non-interactive shell may inherit SIGINT ignored; a user's never does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_data(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory, tiny: Path) -> Path:
    """A real snapshot of a 2-epoch run on the tiny set (written by the real command)."""
    folder = tmp_path_factory.mktemp("snaps")
    result = cli(*headless(tiny, "--epochs", "2", "--snapshot-dir", str(folder)))
    assert result.returncode == 0, result.stderr
    return sorted(folder.glob("*.npz"))[-1]


def resume(snap: Path | str, data: Path, *extra: str) -> list[str]:
    return headless(data, "--epochs", "3", "--no-snapshots", "--resume", str(snap), *extra)


# ---------------------------------------------------------------------------------------------
# A. Data folder and IDX / gzip files


def test_a1_data_dir_missing(tmp_path, capsys):
    code, err = run_main(headless(tmp_path / "nope"), capsys)
    assert_clear(code, err, 3, r"nope not found.*cnn-tui download")


def test_a2_data_dir_is_a_file(tmp_path, capsys):
    (tmp_path / "f").write_bytes(b"x")
    code, err = run_main(headless(tmp_path / "f"), capsys)
    assert_clear(code, err, 3, r"is a file, not a directory")
    assert (tmp_path / "f").read_bytes() == b"x"


def test_a3_file_unreadable(tmp_path, capsys, monkeypatch):
    data = make_data(tmp_path)
    import cnn_tui.core.data.idx as data_module

    real_open = os.open

    def refuse(path, *args, **kwargs):  # root ignores chmod 000, so refuse by hand
        if str(path).endswith(STEMS[0]):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(data_module.os, "open", refuse)
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"train-images-idx3-ubyte: permission denied")


def test_a4_one_file_missing(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: None})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"lacks t10k-images-idx3-ubyte.*download")


@pytest.mark.parametrize(
    "payload, pattern",
    [
        (labels_raw(32), r"magic 0x00000801 \(labels\), expected 0x00000803"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), r"not an IDX image file.*89 50 4e 47"),
    ],
    ids=["labels_in_images_slot", "png"],
)
def test_a5_wrong_magic(tmp_path, capsys, payload, pattern):
    data = make_data(tmp_path, **{TEST_IMAGES: payload})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, pattern)


def test_a6_html_saved_as_data(tmp_path, capsys):
    page = b"<!DOCTYPE html><html><body>403 Forbidden</body></html>"
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": page})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"looks like an HTML page.*download")


@pytest.mark.parametrize("dtype", [0x0D, 0x0C, 0x07])
def test_a7_wrong_dtype(tmp_path, capsys, dtype):
    data = make_data(tmp_path, **{TEST_IMAGES: image_header(32, dtype=dtype) + bytes(32 * 784)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, rf"unsupported IDX dtype 0x{dtype:02X}")


@pytest.mark.parametrize("ndim", [2, 4])
def test_a8_wrong_ndim(tmp_path, capsys, ndim):
    data = make_data(tmp_path, **{TEST_IMAGES: image_header(32, ndim=ndim) + bytes(32 * 784)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, rf"magic 0x0000080{ndim}")


def test_a9_truncated(tmp_path, capsys):
    whole = images_raw(32)
    data = make_data(tmp_path, **{TEST_IMAGES: whole[: len(whole) // 2]})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"truncated: header implies 25,104 bytes")


def test_a10_trailing_bytes(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: images_raw(32) + b"junk"})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"4 extra bytes")


@pytest.mark.parametrize(
    "header, pattern",
    [
        (image_header(2**32 - 1), r"4,294,967,295 images"),
        (image_header(10, 65535, 65535), r"expected 28×28 images, got 65535×65535"),
    ],
    ids=["n_2to32", "65535x65535"],
)
def test_a11_huge_header(tmp_path, capsys, header, pattern):
    data = make_data(tmp_path, **{TEST_IMAGES: header})
    start = time.perf_counter()
    code, err = run_main(headless(data), capsys)
    assert time.perf_counter() - start < 1.0
    assert_clear(code, err, 3, pattern)


def test_a12_zero_images(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: image_header(0)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"dataset is empty")


def test_a13_wrong_image_size(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: image_header(4, 32, 32) + bytes(4 * 1024)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"expected 28×28 images, got 32×32")


def test_a14_counts_differ(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_LABELS: labels_raw(31)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"32 images but .* 31 labels")


def test_a15_label_out_of_range(tmp_path, capsys):
    labels = bytearray(labels_raw(32))
    labels[8 + 17] = 255
    data = make_data(tmp_path, **{TEST_LABELS: bytes(labels)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"label 255 at index 17 is outside 0–9")


def test_a16_raw_idx_named_gz_is_read(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": images_raw(32, 2)})
    code, err = run_main(headless(data, "--no-snapshots"), capsys)
    assert code == 0, err


def test_a16_neither_gzip_nor_idx(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": b"hello, this is plain text" * 4})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"not gzip and not IDX")


def test_a17_gzip_without_suffix_is_read(tmp_path, capsys):
    data = make_data(tmp_path, **{TEST_IMAGES: gzip.compress(images_raw(32, 2))})
    code, err = run_main(headless(data, "--no-snapshots"), capsys)
    assert code == 0, err


def test_a18_truncated_gzip(tmp_path, capsys):
    packed = gzip.compress(images_raw(32, 2))
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": packed[: len(packed) // 2]})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"compressed file is incomplete")


@pytest.mark.parametrize("damage", ["crc", "trailing_garbage", "deflate"])
def test_a19_corrupt_gzip(tmp_path, capsys, damage):
    packed = bytearray(gzip.compress(images_raw(32, 2)))
    if damage == "crc":
        packed[-6] ^= 0xFF
    elif damage == "trailing_garbage":
        packed += b"garbage!"
    else:
        for i in range(12, 40):
            packed[i] ^= 0x55
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": bytes(packed)})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"compressed file is (corrupt|incomplete)")


def test_a20_gzip_bomb(tmp_path, capsys):
    bomb = gzip.compress(image_header(32) + bytes(100_000_000), 9)  # ~100 KB on disk
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": bomb})
    start = time.perf_counter()
    code, err = run_main(headless(data), capsys)
    assert time.perf_counter() - start < 2.0
    assert_clear(code, err, 3, r"decompresses to more than")


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gz"])
def test_a21_empty_file(tmp_path, capsys, gz):
    key = TEST_IMAGES + ("_gz" if gz else "")
    data = make_data(tmp_path, **{key: gzip.compress(b"") if gz else b""})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"empty")


@pytest.mark.parametrize("kind", ["directory", "fifo", "symlink_loop", "dev_zero"])
def test_a22_not_a_regular_file(tmp_path, capsys, kind):
    data = make_data(tmp_path, **{TEST_IMAGES: None})
    target = data / STEMS[2]
    if kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)  # an open().read() would block forever
    elif kind == "symlink_loop":
        os.symlink(target, target)
    else:
        os.symlink("/dev/zero", target)
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"not a regular file")


@pytest.mark.parametrize(
    "name",
    [b"sp ace d\xc3\xb6nn\xc3\xa9es", b"bad \xff\xfe bytes"],
    ids=["non_ascii", "undecodable"],
)
def test_a24_odd_paths_with_snapshots_and_metrics(tmp_path, name):
    """Data, snapshot folder and metrics file all under an odd name: trains, saves, exit 0."""
    root = os.path.join(os.fsencode(tmp_path), name)
    os.mkdir(root)
    data = make_data(Path(os.fsdecode(os.path.join(root, b"data"))))
    snaps = os.fsdecode(os.path.join(root, b"snaps"))
    metrics = os.fsdecode(os.path.join(root, b"m \xc3\xa9.jsonl"))
    result = cli(*headless(data, "--snapshot-dir", snaps, "--metrics", metrics))
    err = result.stderr.decode("utf-8", "backslashreplace")
    assert result.returncode == 0, err
    assert TRACEBACK not in err
    assert len(list(Path(snaps).glob("*.npz"))) == 1
    lines = Path(metrics).read_text("utf-8", "backslashreplace").splitlines()
    assert json.loads(lines[-1])["event"] == "end"


# ---------------------------------------------------------------------------------------------
# B. Download (offline: the proxy is closed, or accepts and never answers)


@pytest.fixture
def silent_proxy() -> Iterator[str]:
    """A TCP server on 127.0.0.1 that accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def proxied(url: str) -> dict[str, str]:
    return base_env(https_proxy=url, HTTPS_PROXY=url, no_proxy="", NO_PROXY="")


def test_b1_no_network_one_line_exit_5(tmp_path):
    start = time.perf_counter()
    result = cli("download", "--data", str(tmp_path / "d"), env=proxied(closed_port()))
    err = result.stderr.decode()
    assert time.perf_counter() - start < 10
    assert_clear(result.returncode, err, 5, r"could not download .*tried .*ossci.*storage")
    assert not list((tmp_path / "d").glob("*"))  # no partial files


def test_b3_stalled_server_times_out(tmp_path, silent_proxy):
    start = time.perf_counter()
    result = cli("download", "--data", str(tmp_path), "--timeout", "0.5", env=proxied(silent_proxy))
    assert time.perf_counter() - start < 10
    assert_clear(result.returncode, result.stderr.decode(), 5, r"timed out")
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.slow
def test_b3_default_timeout_gives_up_within_a_minute(tmp_path, silent_proxy):
    """With the default 30 s and two mirrors, a stalled network costs 30 s in all (15 s each)."""
    start = time.perf_counter()
    result = cli("download", "--data", str(tmp_path), env=proxied(silent_proxy), timeout=120)
    elapsed = time.perf_counter() - start
    pattern = r"no data for 15 s \(timed out\).*no data for 15 s \(timed out\)"
    assert_clear(result.returncode, result.stderr.decode(), 5, pattern)
    assert elapsed < 45, elapsed  # one deadline: two 30 s timeouts in a row took 60 s


def _start_download(folder: Path, proxy: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [str(CLI), "download", "--data", str(folder)],
        env=proxied(proxy),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=sigint_default,
    )
    deadline = time.monotonic() + 10
    while not list(folder.glob("*.part")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(folder.glob("*.part")), "download never started"
    return proc


def test_b8_ctrl_c_during_download(tmp_path, silent_proxy):
    proc = _start_download(tmp_path, silent_proxy)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert_clear(proc.returncode, err.decode(), 130, r"interrupted")
    assert not list(tmp_path.glob("*.part"))


def test_b8_sigterm_during_download_leaves_no_part(tmp_path, silent_proxy):
    proc = _start_download(tmp_path, silent_proxy)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    assert proc.returncode in (143, -signal.SIGTERM)
    assert not list(tmp_path.glob("*.part")), list(tmp_path.iterdir())


@pytest.mark.slow
def test_b9_stale_part_removed_at_next_start(tmp_path, silent_proxy):
    proc = _start_download(tmp_path, silent_proxy)
    proc.kill()
    proc.communicate(timeout=10)
    assert list(tmp_path.glob("*.part"))  # kill -9 leaves only the .part
    cli("download", "--data", str(tmp_path), env=proxied(closed_port()))
    assert not list(tmp_path.glob("*.part"))


def test_b_download_into_a_file(tmp_path):
    (tmp_path / "f").write_bytes(b"keep")
    result = cli("download", "--data", str(tmp_path / "f"), env=proxied(closed_port()))
    assert_clear(result.returncode, result.stderr.decode(), 5, r"is a file, not a directory")
    assert (tmp_path / "f").read_bytes() == b"keep"


def test_b11_corrupt_cached_gz_refused_by_train(tmp_path, capsys):
    packed = gzip.compress(images_raw(32, 2))
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": packed[:100]})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"incomplete.*download it again")


# ---------------------------------------------------------------------------------------------
# C. Values on the command line


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
    """faults.md: one or two lines (≤ 3) — not argparse's 9-line usage block first."""
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


def test_g_a_run_stuck_at_chance_says_so_once(tiny, capsys):
    """lr 10 with momentum 0.99 does not diverge into NaN: it sits at chance. Headless says so
    (once), and the run still ends normally (exit 0: it did what was asked)."""
    argv = headless(tiny, "--no-snapshots", "--epochs", "5", "--batch-size", "1")
    code, err = run_main([*argv, "--lr", "10", "--momentum", "0.99"], capsys)
    assert code == 0, err
    assert err.count("warning: not learning") == 1, err
    assert "try a lower --lr" in err


def test_g_a_slow_but_learning_run_is_not_called_stuck(tiny, capsys):
    """lr 1e-4: the loss stays above 2.25 for hundreds of batches but keeps falling — no
    warning (and never the advice to lower an already tiny learning rate)."""
    argv = headless(tiny, "--no-snapshots", "--epochs", "5", "--batch-size", "1")
    code, err = run_main([*argv, "--lr", "0.0001"], capsys)
    assert code == 0, err
    assert "not learning" not in err or "try a higher --lr" in err, err


def test_d14_two_runs_cannot_share_a_snapshot_folder(tiny, tmp_path, capsys):
    """The second run is refused (exit 4) naming the first one's PID; the lock goes with the run,
    so a later run in the same folder starts."""
    from cnn_tui.core.snapshot.folder_lock import FolderLock

    runs = tmp_path / "runs"
    runs.mkdir()
    first = FolderLock(runs)
    assert first.acquire() is None
    code, err = run_main(headless(tiny, "--snapshot-dir", str(runs)), capsys)
    assert_clear(code, err, 4, rf"in use by another cnn-tui run \(PID {os.getpid()}\)")
    assert not list(runs.glob("*.npz"))
    first.release()
    for _ in range(2):  # each run releases the folder when it ends
        code, err = run_main(headless(tiny, "--snapshot-dir", str(runs)), capsys)
        assert code == 0, err
    assert len(list(runs.glob("*.npz"))) == 2


def test_e8_a_bug_in_training_exits_1_with_the_log_in_the_run_folder(
    tiny, tmp_path, capsys, monkeypatch
):
    """An exception inside training: one line naming the log (exit 1); the trace goes to the run
    folder's cnn-tui.log, which is started over past 1 MB; with no run folder, a file of its own."""
    from cnn_tui.core.training.trainer import Trainer
    from cnn_tui.tui.cli import crash_log as headless_module

    def broken(self):  # noqa: ANN001, ANN202
        raise RuntimeError("a bug in the training step")

    monkeypatch.setattr(Trainer, "run", broken)
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "cnn-tui.log").write_text("x" * (headless_module.CRASH_LOG_LIMIT + 1))
    code, err = run_main(headless(tiny, "--snapshot-dir", str(runs)), capsys)
    assert_clear(code, err, 1, r"training failed: a bug in the training step .*cnn-tui\.log")
    log = runs / "cnn-tui.log"
    assert "RuntimeError: a bug in the training step" in log.read_text()
    assert log.stat().st_size < headless_module.CRASH_LOG_LIMIT
    assert (runs / "cnn-tui.log.1").stat().st_size > headless_module.CRASH_LOG_LIMIT
    code, err = run_main(headless(tiny, "--no-snapshots"), capsys)
    own = Path(re.search(r"details in (\S+\.log)", err).group(1))
    assert code == 1 and own.name.startswith("cnn-tui-")
    assert "RuntimeError" in own.read_text()
    own.unlink()


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
        ("--engine", "torch", "invalid choice"),
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


# ---------------------------------------------------------------------------------------------
# D. Snapshots (--resume)


def _members(snap: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(snap) as z:
        return {name: z.read(name) for name in z.namelist()}


def _zip(members: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _edit_meta(snap: Path, path: Path, edit) -> Path:  # noqa: ANN001
    members = _members(snap)
    meta = json.loads(members["meta.json"])
    edit(meta)
    members["meta.json"] = json.dumps(meta).encode()
    return _zip(members, path)


def test_d1_snapshot_missing_or_a_folder(tmp_path, tiny, capsys):
    code, err = run_main(resume(tmp_path / "nope.npz", tiny), capsys)
    assert_clear(code, err, 4, r"snapshot not found")
    code, err = run_main(resume(tmp_path, tiny), capsys)
    assert_clear(code, err, 4, r"is a folder, not a snapshot")
    os.mkfifo(tmp_path / "fifo.npz")
    code, err = run_main(resume(tmp_path / "fifo.npz", tiny), capsys)
    assert_clear(code, err, 4, r"not a regular file")


@pytest.mark.parametrize("cut", ["half", "tail"])
def test_d2_truncated_snapshot(tmp_path, tiny, snapshot, capsys, cut):
    raw = snapshot.read_bytes()
    bad = tmp_path / "cut.npz"
    bad.write_bytes(raw[: len(raw) // 2] if cut == "half" else raw[:-10])
    code, err = run_main(resume(bad, tiny), capsys)
    assert_clear(code, err, 4, r"corrupt or truncated")
    assert snapshot.read_bytes() == raw


def test_d2_hash_mismatch(tmp_path, tiny, snapshot, capsys):
    members = _members(snapshot)
    member = "params.dense1.weight.npy"
    data = bytearray(members[member])
    data[-1] ^= 0x01
    members[member] = bytes(data)
    code, err = run_main(resume(_zip(members, tmp_path / "h.npz"), tiny), capsys)
    assert_clear(code, err, 4, r"fails its SHA-256 check")


@pytest.mark.parametrize(
    "content, pattern",
    [
        (b"", r"empty"),
        (os.urandom(4096), r"not a zip"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), r"PNG"),
        (b'{"format": "cnn-tui snapshot"}', r"JSON"),
        (b"\x93NUMPY\x01\x00", r"\.npy"),
    ],
    ids=["zero_bytes", "random", "png", "json", "npy"],
)
def test_d3_not_a_snapshot(tmp_path, tiny, capsys, content, pattern):
    (tmp_path / "x.npz").write_bytes(content)
    code, err = run_main(resume(tmp_path / "x.npz", tiny), capsys)
    assert_clear(code, err, 4, pattern)


def test_d3_other_zip(tmp_path, tiny, capsys):
    bad = _zip({"model.weights.h5": b"x", "config.json": b"{}"}, tmp_path / "k.npz")
    code, err = run_main(resume(bad, tiny), capsys)
    assert_clear(code, err, 4, r"unexpected member")


class _Evil:
    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __reduce__(self):  # noqa: ANN204
        return (os.system, (f"touch {self.canary}",))


def test_d4_pickle_never_executed(tmp_path, tiny, snapshot, capsys):
    canary = tmp_path / "PWNED"
    (tmp_path / "evil.npz").write_bytes(pickle.dumps(_Evil(canary)))
    code, err = run_main(resume(tmp_path / "evil.npz", tiny), capsys)
    assert_clear(code, err, 4, r"pickle")
    # and a pickled object array hidden inside an otherwise valid snapshot
    import numpy as np

    members = _members(snapshot)
    buffer = io.BytesIO()
    np.save(buffer, np.array([_Evil(canary)], dtype=object), allow_pickle=True)
    members["params.conv1.weight.npy"] = buffer.getvalue()
    code, err = run_main(resume(_zip(members, tmp_path / "evil2.npz"), tiny), capsys)
    assert_clear(code, err, 4, r"Python objects")
    assert not canary.exists()


def test_d5_other_architecture(tmp_path, tiny, snapshot, capsys):
    code, err = run_main(resume(snapshot, tiny, "--filters", "16"), capsys)
    assert_clear(code, err, 4, r"snapshot is conv8 .*flags ask for conv16")
    edited = _edit_meta(
        snapshot, tmp_path / "a.npz", lambda m: m["config"]["architecture"].update(filters=16)
    )
    code, err = run_main(resume(edited, tiny), capsys)
    assert_clear(code, err, 4, r"has shape \(8, 1, 3, 3\), expected \(16, 1, 3, 3\)")


@pytest.mark.parametrize("version, pattern", [(99, r"newer cnn-tui"), (0, r"format 0 is unknown")])
def test_d6_format_version(tmp_path, tiny, snapshot, capsys, version, pattern):
    edited = _edit_meta(snapshot, tmp_path / "v.npz", lambda m: m.update(format_version=version))
    code, err = run_main(resume(edited, tiny), capsys)
    assert_clear(code, err, 4, pattern)


def test_d8_nan_weight_with_matching_hash(tmp_path, tiny, snapshot, capsys):
    import hashlib

    import numpy as np

    members = _members(snapshot)
    name = "params.dense1.weight"
    array = np.load(io.BytesIO(members[name + ".npy"]), allow_pickle=False).copy()
    array.flat[5] = np.nan
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    members[name + ".npy"] = buffer.getvalue()
    meta = json.loads(members["meta.json"])
    meta["arrays"][name]["sha256"] = hashlib.sha256(array.tobytes()).hexdigest()
    members["meta.json"] = json.dumps(meta).encode()
    code, err = run_main(resume(_zip(members, tmp_path / "n.npz"), tiny), capsys)
    assert_clear(code, err, 4, r"NaN or infinite")


@pytest.mark.parametrize(
    "edit, pattern",
    [
        (lambda m: m["evaluations"][0].update(accuracy="high"), r"accuracy must be"),
        (lambda m: m["evaluations"][0].update(loss=None), r"loss must be"),
        (lambda m: m["progress"].update(step=-5), r"progress.step"),
        (lambda m: m["progress"].update(position=10**9), r"progress.position"),
        (lambda m: m["config"]["hyperparameters"].update(lr=1e9), r"learning rate"),
        (lambda m: m["config"]["hyperparameters"].update(batch_size=True), r"batch size"),
        (lambda m: m["config"].update(engine="../../evil"), r"engine"),
        (lambda m: m["changes"].append({"step": -1}), r"changes\[0\]"),
    ],
    ids=["eval_type", "eval_null", "neg_step", "huge_position", "lr", "bool", "engine", "change"],
)
def test_d9_bad_metadata(tmp_path, tiny, snapshot, capsys, edit, pattern):
    edited = _edit_meta(snapshot, tmp_path / "m.npz", edit)
    code, err = run_main(resume(edited, tiny), capsys)
    assert_clear(code, err, 4, pattern)


@pytest.mark.parametrize(
    "text, pattern",
    [
        (b"[" * 200_000 + b"]" * 200_000, r"not valid JSON"),
        (b"\xff\xfe garbage", r"corrupt"),
        (b'{"a": NaN}', r"NaN"),
        (b'{"a": 1' + b"0" * 5000 + b"}", r"not valid JSON"),
        (b'{"a": 1, "a": 2}', r"repeats a key"),
    ],
    ids=["deep_nesting", "not_utf8", "nan_literal", "huge_int", "duplicate_key"],
)
def test_d9_hostile_meta_json(tmp_path, tiny, snapshot, capsys, text, pattern):
    members = _members(snapshot)
    members["meta.json"] = text
    code, err = run_main(resume(_zip(members, tmp_path / "j.npz"), tiny), capsys)
    assert_clear(code, err, 4, pattern)


def test_d10_disk_full_during_snapshot(tmp_path, tiny, snapshot):
    """RLIMIT_FSIZE below one snapshot: 'not saved', training finishes, nothing partial, the
    snapshot already in the folder is untouched."""
    folder = tmp_path / "snaps"
    folder.mkdir()
    keep = folder / snapshot.name
    keep.write_bytes(snapshot.read_bytes())
    before = keep.read_bytes()

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    result = cli(*headless(tiny, "--snapshot-dir", str(folder)), preexec_fn=small_files)
    err = result.stderr.decode()
    assert result.returncode == 0 and TRACEBACK not in err, err
    assert "snapshot failed" in err and "file too large" in err
    assert sorted(p.name for p in folder.iterdir() if p.name != ".lock") == [keep.name]
    assert keep.read_bytes() == before


def test_d10_disk_full_on_metrics_file(tmp_path, tiny):
    """The metrics file hits the size limit mid-run: one clear line, no traceback, and the run
    does not die with exit 1 (a metrics problem must not lose the training)."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (3_000, 3_000))

    data = make_data(tmp_path / "d", train=640)
    metrics = tmp_path / "m.jsonl"
    result = cli(
        *headless(data, "--no-snapshots", "--batch-size", "8", "--metrics", str(metrics)),
        preexec_fn=small_files,
    )
    err = result.stderr.decode()
    assert TRACEBACK not in err, err
    assert result.returncode != 1, err
    assert re.search(r"metrics", err), err


def test_d10_metrics_to_dev_full(tiny):
    result = cli(*headless(tiny, "--no-snapshots", "--metrics", "/dev/full"))
    err = result.stderr.decode()
    assert TRACEBACK not in err, err
    assert result.returncode in (0, 2), err


@pytest.mark.parametrize("where", ["directory", "missing_parent"])
def test_d_metrics_path_unusable(tmp_path, tiny, capsys, where):
    path = tmp_path if where == "directory" else tmp_path / "no" / "m.jsonl"
    code, err = run_main(headless(tiny, "--no-snapshots", "--metrics", str(path)), capsys)
    assert_clear(code, err, 2, r"cannot write metrics file")


def test_d13_snapshot_dir_unusable(tmp_path, tiny, capsys):
    (tmp_path / "f").write_bytes(b"x")
    code, err = run_main(headless(tiny, "--snapshot-dir", str(tmp_path / "f")), capsys)
    assert_clear(code, err, 4, r"cannot use snapshot folder")


def test_d13_snapshot_dir_not_writable(tiny):
    """/sys/kernel is a folder nobody (not even root) can create files in."""
    if not os.path.isdir("/sys/kernel"):
        pytest.skip("no /sys/kernel here")
    result = cli(*headless(tiny, "--snapshot-dir", "/sys/kernel"))
    err = result.stderr.decode()
    assert result.returncode == 0 and TRACEBACK not in err, err
    assert "snapshot failed" in err


def test_d15_huge_sparse_file(tmp_path, tiny, capsys):
    huge = tmp_path / "huge.npz"
    with open(huge, "wb") as f:
        f.truncate(10 * 2**30)
    code, err = run_main(resume(huge, tiny), capsys)
    assert_clear(code, err, 4, r"over the 256 MB limit")


def test_d15_many_members(tmp_path, tiny, capsys):
    with zipfile.ZipFile(tmp_path / "many.npz", "w") as z:
        for i in range(5000):
            z.writestr(f"m{i}.npy", b"")
    code, err = run_main(resume(tmp_path / "many.npz", tiny), capsys)
    assert_clear(code, err, 4, r"5000 members")


def test_d16_paths_in_metadata_are_not_used(tmp_path, tiny, snapshot, capsys):
    def edit(meta: dict) -> None:
        meta["arrays"]["../../x"] = meta["arrays"]["params.conv1.bias"]

    code, err = run_main(resume(_edit_meta(snapshot, tmp_path / "p.npz", edit), tiny), capsys)
    assert_clear(code, err, 4, r"unexpected array '\.\./\.\./x'")


def test_d_resume_with_other_data_slice(tiny, snapshot, capsys):
    code, err = run_main(resume(snapshot, tiny, "--limit", "32"), capsys)
    assert code in (2, 4) and TRACEBACK not in err
    assert "same --limit" in err, err


# ---------------------------------------------------------------------------------------------
# E. Signals during a headless run


@pytest.fixture(scope="module")
def long_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough images that a 3-epoch run lasts several seconds."""
    return make_data(tmp_path_factory.mktemp("long"), train=20_000, test=64)


def _start_training(data: Path, snaps: Path, metrics: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [str(CLI), *headless(data, "--epochs", "3", "--snapshot-dir", str(snaps))]
        + ["--metrics", str(metrics)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_default,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()  # the "training …" line: the trainer is running
    assert line.startswith("training"), line
    time.sleep(0.3)
    return proc


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()  # never leave a hung child behind
        proc.communicate()
        pytest.fail("cnn-tui hung after the signal(s)")
    return proc.returncode, err


def _assert_resumable(snap: Path, data: Path) -> None:
    """The snapshot passes every check the loader makes (hashes, shapes, finiteness)."""
    from cnn_tui.core.snapshot.load import load_snapshot

    assert load_snapshot(snap).step > 0


@pytest.mark.parametrize(
    "sig, code",
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 143)],
    ids=["e3_sigint", "e4_sigterm", "e5_sighup"],
)
def test_e3_e4_e5_signal_stops_saves_exits(tmp_path, long_data, sig, code):
    proc = _start_training(long_data, tmp_path / "s", tmp_path / "m.jsonl")
    proc.send_signal(sig)
    rc, err = _finish(proc)
    assert TRACEBACK not in err
    assert rc == code, (rc, err)
    snaps = sorted((tmp_path / "s").glob("*.npz"))
    assert snaps, "no snapshot saved on the way out"
    assert not [p for p in (tmp_path / "s").iterdir() if p.suffix != ".npz" and p.name != ".lock"]
    last = json.loads((tmp_path / "m.jsonl").read_text().splitlines()[-1])
    assert last["event"] == "end" and last["reason"] == "stopped"
    _assert_resumable(snaps[-1], long_data)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.2, 0.4, 0.6, 0.8, 1.0])
def test_e3_sigint_while_loading(tmp_path, long_data, delay):
    """Ctrl+C during start-up (imports, data loading, network set-up): exit 130, one line, no
    traceback. Several delays, so that at least some land before the trainer runs."""
    proc = subprocess.Popen(
        [str(CLI), *headless(long_data, "--snapshot-dir", str(tmp_path))],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_default,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    rc, err = _finish(proc)
    assert TRACEBACK not in err, err
    assert rc == 130, (rc, err)


def test_e6_five_sigterms_in_100ms(tmp_path, long_data):
    proc = _start_training(long_data, tmp_path / "s", tmp_path / "m.jsonl")
    for _ in range(5):
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.02)
    rc, err = _finish(proc)
    assert rc == 143 and TRACEBACK not in err, (rc, err)
    snaps = sorted((tmp_path / "s").glob("*.npz"))
    assert snaps and not list((tmp_path / "s").glob(".tmp-*"))
    _assert_resumable(snaps[-1], long_data)


@pytest.mark.slow
def test_e6_double_ctrl_c_quits_without_partial_files(tmp_path, long_data):
    """Documented: a second Ctrl+C quits at once without saving — but never leaves a partial."""
    proc = _start_training(long_data, tmp_path / "s", tmp_path / "m.jsonl")
    proc.send_signal(signal.SIGINT)
    time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    rc, err = _finish(proc)
    assert rc == 130 and TRACEBACK not in err, (rc, err)
    for path in (tmp_path / "s").glob("*.npz"):
        _assert_resumable(path, long_data)


# ---------------------------------------------------------------------------------------------
# F. Terminal and environment


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
        result = cli("--data", str(tiny), stdin=child_fd, stdout=child_fd, capture_output=False,
                     stderr=subprocess.PIPE)  # fmt: skip
    finally:
        os.close(main_fd)
        os.close(child_fd)
    assert_clear(result.returncode, result.stderr.decode(), 6, r"standard error is not one")


# ---------------------------------------------------------------------------------------------
# G. Numerics


@pytest.mark.slow
def test_g1_divergence_is_never_saved(tmp_path):
    """lr 10 with momentum 0.99 on a tiny set: whatever happens, every snapshot written holds
    finite weights (the loader refuses non-finite ones) and the exit code is documented."""
    data = make_data(tmp_path / "d", train=640, test=32)
    folder = tmp_path / "s"
    result = cli(
        *headless(data, "--epochs", "2", "--lr", "10", "--momentum", "0.99"),
        "--snapshot-dir",
        str(folder),
    )
    err = result.stderr.decode()
    assert TRACEBACK not in err
    assert result.returncode in (0, 1), err  # 1 = "a diverged headless run" (README)
    if result.returncode == 1:
        assert "diverged" in err
    for snap in folder.glob("*.npz"):
        _assert_resumable_any(snap, data)


def _assert_resumable_any(snap: Path, data: Path) -> None:
    _assert_resumable(snap, data)
