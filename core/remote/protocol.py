"""Provides the attach protocol, version 1: JSON lines over a Unix socket or TCP (docs/protocol.md).

A viewer opens with ``{"v": 1, "hello": {"token": T}}`` (``T`` null for a read-only viewer). The
server answers ``{"v": 1, "welcome": {"steer": bool, "run": name, "history": N}}``, then sends
the run's history (the next N lines) and every event after it, each as ``{"v": 1, "event": E}``
(E in the codec's form). A steering viewer sends ``{"v": 1, "command": C}``. Whatever ends a
connection is said first: ``{"v": 1, "refused": why}`` (the viewer sent something wrong) or
``{"v": 1, "closed": why}`` (too far behind, or the run ended).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cnn_tui.core.contract.commands import Command
from cnn_tui.core.remote.codec import CodecError, decode_command, json_line

VERSION = 1
"""The protocol's version; a line with any other ``"v"`` is refused."""

MAX_LINE = 64 * 1024
"""The longest line a viewer may send (a command is well under 200 bytes)."""


class ProtocolError(ValueError):
    """A line a viewer must not send; the message is the refusal it gets."""


@dataclass(frozen=True, slots=True)
class Hello:
    """A viewer's first line: its token, or None for read-only."""

    token: str | None


def message(kind: str, body: Any) -> bytes:
    """One protocol line: ``{"v": 1, kind: body}``."""
    return json_line({"v": VERSION, kind: body}).encode("utf-8")


def parse_line(raw: bytes, *, greeted: bool) -> Hello | Command:
    """A viewer's line read: ``Hello`` first, commands after; ``ProtocolError`` says what is
    wrong with anything else."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ProtocolError("not a JSON line") from error
    if not isinstance(data, dict):
        raise ProtocolError("a line must be a JSON object")
    if data.get("v") != VERSION or type(data.get("v")) is not int:
        raise ProtocolError(f"protocol version {_short(data.get('v'))} is not {VERSION}")
    kinds = set(data) - {"v"}
    if len(kinds) != 1:
        raise ProtocolError('a line holds "v" and one of "hello", "command"')
    kind = kinds.pop()
    if not greeted:
        if kind != "hello":
            raise ProtocolError('the first line must be a "hello"')
        body = data["hello"]
        if not isinstance(body, dict) or set(body) - {"token"}:
            raise ProtocolError('"hello" must be {"token": string or null}')
        token = body.get("token")
        if token is not None and not isinstance(token, str):
            raise ProtocolError('"hello" must be {"token": string or null}')
        return Hello(token)
    if kind != "command":
        raise ProtocolError(f'expected a "command", got {_short(kind)}')
    try:
        return decode_command(data["command"])
    except CodecError as error:
        raise ProtocolError(f"bad command: {error}") from error


def _short(value: Any) -> str:
    try:
        return json.dumps(value)[:40]
    except (TypeError, ValueError):
        return "?"
