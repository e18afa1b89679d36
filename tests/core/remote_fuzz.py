"""A seeded fuzzer of the attach protocol, for tests/test_attach_fuzz.py: hostile clients that
send garbage, huge lines, wrong versions, wrong tokens, half lines, mutated lines, commands
without the token, or hang up and stall — each one case, run on a plain socket, with what the
server must answer (a clear refusal, a welcome, or nothing when the client left first)."""

from __future__ import annotations

import json
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cnn_tui.core.remote.protocol import MAX_LINE

READ_ONLY = "read-only: this viewer has no token (attach with the run's token to steer)"
TOO_LONG = f"a line longer than {MAX_LINE:,} bytes"
BAD_HELLO = '"hello" must be {"token": string or null}'


@dataclass
class Case:
    """One hostile client: what it did, and what it heard back (every line, parsed)."""

    kind: str
    sent: bytes = b""
    heard: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""  # empty when the server answered as it must

    def expect(self, ok: bool, why: str) -> None:
        if not ok and not self.problem:
            self.problem = f"{self.kind}: {why}; sent {self.sent[:80]!r}…, heard {self.heard[:3]}"


def hello(token: Any = None, version: Any = 1) -> bytes:
    return json.dumps({"v": version, "hello": {"token": token}}).encode() + b"\n"


def command(body: dict[str, Any]) -> bytes:
    return json.dumps({"v": 1, "command": body}).encode() + b"\n"


class Client:
    """A plain socket to the run; ``lines`` reads what the server says until it closes."""

    def __init__(self, path: Path, rcvbuf: int | None = None) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(str(path))  # blocking: it waits for room in a full backlog
        self.sock.settimeout(5.0)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        """Send what the server takes; it may hang up first (that is its right)."""
        try:
            for i in range(0, len(data), 16384):
                self.sock.sendall(data[i : i + 16384])
        except OSError:
            pass

    def lines(self, count: int | None = None, *, until_closed: bool = True) -> list[dict[str, Any]]:
        """The next ``count`` lines (all of them, to the end, when None)."""
        out: list[dict[str, Any]] = []
        while count is None or len(out) < count:
            while b"\n" not in self.buffer:
                try:
                    chunk = self.sock.recv(65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    return out
                self.buffer += chunk
            raw, _, self.buffer = self.buffer.partition(b"\n")
            out.append(json.loads(raw))
        return out

    def close(self) -> None:
        self.sock.close()


def _garbage(rng: random.Random) -> bytes:
    body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
    first = rng.choice(b"abcxyz0123[]\x00\x7f\xff\"'")  # never "{": not a JSON object
    return bytes([first]) + body.replace(b"\n", b" ") + b"\n"


def run_case(kind: str, path: Path, token: str, rng: random.Random, stalled: list[Client]) -> Case:
    """Play one hostile client of ``kind``; the returned case says what went wrong, if anything."""
    case = Case(kind)
    client: Client | None = None
    try:
        client = Client(path, rcvbuf=4096 if kind == "stall" else None)
        CASES[kind](case, client, token, rng)
    except Exception as error:  # no run to connect to, a timeout, a line that is not JSON
        case.expect(False, f"{type(error).__name__}: {error}")
    finally:
        if client is not None and kind == "stall":
            stalled.append(client)  # left open, never read: closed at the end of the fuzz
        elif client is not None:
            client.close()
    return case


def _refused(case: Case, client: Client, data: bytes, reason: str | None) -> None:
    """Send ``data``: the answer must be one refusal (``reason``, or any), then the end."""
    case.sent = data
    client.send(data)
    case.heard = client.lines()
    refusals = [line.get("refused") for line in case.heard]
    case.expect(len(refusals) == 1 and isinstance(refusals[0], str), "not one refusal")
    case.expect(reason is None or refusals == [reason], f"expected {reason!r}")
    case.expect(all(line.get("v") == 1 for line in case.heard), "a line without v 1")


def garbage(case: Case, client: Client, token: str, rng: random.Random) -> None:
    data = (
        _garbage(rng)
        if rng.random() < 0.7
        else rng.choice(
            [b"[" * 100_000 + b"\n", b"\xff\xfe{}\n", b"null\n", b'"hello"\n', b"{}\n", b"{\n"]
        )
    )
    _refused(case, client, data, None)


def huge(case: Case, client: Client, token: str, rng: random.Random) -> None:
    size = rng.randrange(MAX_LINE + 1, 4 * MAX_LINE)
    filler = rng.choice([b"x", b'{"v": 1, "hello": {"token": "', b"\x00", b" "])
    data = (filler * (size // len(filler) + 1))[:size] + (b"\n" if rng.random() < 0.5 else b"")
    _refused(case, client, data, TOO_LONG)


def version(case: Case, client: Client, token: str, rng: random.Random) -> None:
    wrong = rng.choice([0, 2, -1, "1", 1.5, 1.0, True, None, [1], {}, 10**30, "v1"])
    _refused(case, client, hello(rng.choice([None, token]), wrong), None)
    case.expect("protocol version" in str(case.heard[:1]), "no version refusal")


def wrong_token(case: Case, client: Client, token: str, rng: random.Random) -> None:
    bad = rng.choice(
        [
            token[:-1],
            token + "0",
            token.upper(),
            token[::-1],
            "",
            "é" * 40,
            "x" * rng.randrange(1, 60_000),
            token[: rng.randrange(len(token))] + "!" + token[rng.randrange(len(token)) :],
        ]
    )
    if bad == token:
        bad += "?"
    if rng.random() < 0.3:  # not even a string
        _refused(case, client, hello(rng.choice([1, [token], {"t": token}, True, 0.5])), BAD_HELLO)
    else:
        _refused(case, client, hello(bad), "wrong token")


def half_line(case: Case, client: Client, token: str, rng: random.Random) -> None:
    """A hello cut short, then a hang-up (nothing to answer) — or sent in pieces (welcomed)."""
    line = hello(None)
    case.sent = line
    if rng.random() < 0.5:
        client.send(line[: rng.randrange(1, len(line) - 1)])
        return
    cuts = sorted(rng.sample(range(1, len(line)), 3))
    for start, end in zip([0, *cuts], [*cuts, len(line)], strict=True):
        client.send(line[start:end])
        time.sleep(0.002)
    case.heard = client.lines(1)
    case.expect(case.heard[:1] and "welcome" in case.heard[0], "pieces not welcomed")
    case.expect(case.heard[:1] and case.heard[0]["welcome"]["steer"] is False, "steers")


def hang_up(case: Case, client: Client, token: str, rng: random.Random) -> None:
    """Leave at once, or after a hello without reading the history, or mid-line."""
    choice = rng.randrange(3)
    if choice == 1:
        client.send(hello(None))
    elif choice == 2:
        client.send(b'{"v": 1, "hel')


def stall(case: Case, client: Client, token: str, rng: random.Random) -> None:
    """A viewer that says hello and then never reads again (left open by run_case)."""
    client.send(hello(None))


def read_only(case: Case, client: Client, token: str, rng: random.Random) -> None:
    """No token: each command is refused with the reason, and the viewer stays; then garbage."""
    client.send(hello(None))
    welcome = client.lines(1)
    case.expect(bool(welcome) and welcome[0].get("welcome", {}).get("steer") is False, "welcome")
    history = welcome[0]["welcome"]["history"] if welcome and "welcome" in welcome[0] else 0
    client.lines(history)
    asked = rng.sample(
        [
            {"_type": "Stop", "save": False},
            {"_type": "Pause"},
            {"_type": "SetHyperparameters", "lr": 10.0},
            {"_type": "Step", "batches": 5},
            {"_type": "SaveSnapshot"},
        ],
        2,
    )
    case.sent = b"".join(command(body) for body in asked)
    client.send(case.sent)
    refused: list[str] = []
    while len(refused) < 2:
        [line] = client.lines(1) or [{}]
        if not line:
            break
        event = line.get("event", {})
        if event.get("_type") == "CommandRefused":
            refused.append(event["reason"])
    case.expect(refused == [READ_ONLY] * 2, f"read-only refusals, got {refused}")
    bad = rng.choice([command({"_type": "Nope"}), command({"_type": "Step", "batches": "all"})])
    client.send(bad)
    tail = [line for line in client.lines() if "refused" in line]
    case.expect(len(tail) == 1 and tail[0]["refused"].startswith("bad command: "), "bad command")


def mutated(case: Case, client: Client, token: str, rng: random.Random) -> None:
    """A good line with a few bytes flipped, dropped or added: refused, or (still good) welcomed
    read-only — never steering."""
    data = bytearray(hello(None))
    for _ in range(rng.randrange(1, 4)):
        at = rng.randrange(len(data) - 1)
        match rng.randrange(3):
            case 0:
                data[at] = rng.randrange(256)
            case 1:
                del data[at]
            case _:
                data.insert(at, rng.randrange(256))
    data = bytearray(data.replace(b"\n", b"")) + b"\n"
    case.sent = bytes(data)
    client.send(case.sent)
    case.heard = client.lines(1)
    first = case.heard[0] if case.heard else {}
    case.expect("refused" in first or first.get("welcome", {}).get("steer") is False, "answer")


CASES: dict[str, Callable[[Case, Client, str, random.Random], None]] = {
    "garbage": garbage,
    "huge": huge,
    "version": version,
    "wrong_token": wrong_token,
    "half_line": half_line,
    "hang_up": hang_up,
    "stall": stall,
    "read_only": read_only,
    "mutated": mutated,
}
