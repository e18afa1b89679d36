"""B3 of docs/faults.md: a stalled network ends the download once, after ``timeout`` seconds in
all (not once per mirror, nor once per address of a mirror): a file's mirrors share the budget.

Every server here is on 127.0.0.1. The budget's split is checked from the allowances the
failure message names (deterministic); the elapsed times are only checked against the
multiple of the budget the old behaviour took, with a wide margin.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cnn_tui.core.data import fetch as fetch_module
from cnn_tui.core.data.download import DownloadError
from cnn_tui.core.data.fetch import StallBudget, seconds_text
from tests.core.download_server import SERVED, FaultServer, fetch, leftovers


def allowances(message: str) -> list[float]:
    """The seconds each mirror was allowed, from "no data for X s" in a failure message."""
    return [float(x) for x in re.findall(r"no data for ([\d.]+) s \(timed out\)", message)]


def test_b3_two_stalled_mirrors_share_one_deadline(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    budget = 2.0
    start = time.monotonic()
    with pytest.raises(DownloadError) as info:
        fetch(
            tmp_path,
            fault_server.mirror("slowheaders"),
            fault_server.mirror("slow"),
            timeout=budget,
        )
    elapsed = time.monotonic() - start
    message = str(info.value)
    waits = allowances(message)
    assert len(waits) == 2, message  # both mirrors tried, both timed out
    assert waits[0] == pytest.approx(budget / 2, abs=0.01)  # the first gets half
    assert sum(waits) <= budget + 0.01  # the second gets what is left, not a budget of its own
    assert leftovers(tmp_path) == []
    assert elapsed < 1.5 * budget  # one budget in all; the old behaviour took two


def test_b3_a_stalled_mirror_hands_over_to_the_next(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    paths = fetch(tmp_path, fault_server.mirror("slowheaders"), fault_server.mirror("good"))
    assert [p.read_bytes() for p in paths] == list(SERVED.values())
    assert fault_server.hits["slowheaders"] == 1  # then the good mirror goes first


def test_data_arriving_restarts_the_count() -> None:
    budget = StallBudget(10.0)
    budget.last_data -= 8.0  # eight seconds of silence so far
    assert budget.share(2) == pytest.approx(1.0, abs=0.05)
    budget.data_arrived()
    assert budget.share(2) == pytest.approx(5.0, abs=0.05)
    budget.last_data -= 11.0
    assert budget.share(1) <= 0  # spent: the remaining mirrors are not tried


def test_allowances_are_shown_plainly() -> None:
    assert [seconds_text(s) for s in (30, 15, 14.97, 7.5, 0.25, 0.4999)] == [
        "30",
        "15",
        "15",
        "7.5",
        "0.25",
        "0.5",
    ]


@pytest.fixture
def stalled_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose accept queue is full: a new connect hangs (its SYN is dropped)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port))  # takes the one queued place
    try:
        yield port
    finally:
        filler.close()
        server.close()


def many_addresses(
    monkeypatch: pytest.MonkeyPatch, port: int, count: int = 4
) -> list[tuple[str, int]]:
    """Make the name lookup of any host give ``count`` addresses, all the stalled one."""
    looked_up: list[tuple[str, int]] = []
    entry = (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))

    def getaddrinfo(host: str, port_: int, *args: object) -> list[object]:
        looked_up.append((host, port_))
        return [entry] * count

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", getaddrinfo)
    return looked_up


def test_b3_connect_has_one_deadline_for_all_addresses(
    stalled_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up = many_addresses(monkeypatch, stalled_port)
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        fetch_module._connect_within(("mirror.invalid", stalled_port), 0.5)
    assert looked_up == [("mirror.invalid", stalled_port)]
    assert time.monotonic() - start < 1.5  # one deadline; four addresses in turn took 2 s


def test_b3_a_stalled_connect_ends_the_download_once(
    stalled_port: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    many_addresses(monkeypatch, stalled_port)
    mirrors = (f"http://a.invalid:{stalled_port}/", f"http://b.invalid:{stalled_port}/")
    start = time.monotonic()
    with pytest.raises(DownloadError, match=r"could not download train-images") as info:
        fetch(tmp_path, *mirrors, timeout=1.0)
    waits = allowances(str(info.value))
    assert len(waits) == 2 and sum(waits) <= 1.01
    assert leftovers(tmp_path) == []
    assert time.monotonic() - start < 2.0  # two mirrors × four addresses × 1 s took 8 s


def test_b3_a_hanging_name_lookup_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hanging_getaddrinfo(*args: object) -> list[object]:
        release.wait(10)  # a resolver that does not answer (getaddrinfo has no timeout)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", hanging_getaddrinfo)
    try:
        with pytest.raises(TimeoutError, match="name lookup timed out"):
            fetch_module._connect_within(("mirror.invalid", 80), 0.3)
    finally:
        release.set()  # lets the lookup thread end
