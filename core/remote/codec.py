"""Provides the generic JSON form of events and commands, and the decoder that rebuilds them.

Events and commands are frozen dataclasses of ints, floats, str, bytes, bools, None and tuples
(core/contract/), so one encoding fits all of them: a dataclass becomes an object with its class
name under ``"_type"``; a tuple a list — but a tuple of ``PACKED_FROM`` floats or more (a
feature map: thousands) ``{"_floats": base64}`` of their IEEE doubles, little-endian, exact and
about ten times faster to write and to read than the numbers as text (a served run's sample view
cost its server 12 ms a time written out); bytes ``{"_bytes": base64}``; a non-finite float
``{"_float": "nan" | "inf" | "-inf"}`` (the line stays strict JSON, as in the metrics file).

The decoder trusts nothing: the type name must be one it knows, every field is checked against
the dataclass's annotations (``tuple[float, ...]``, ``str | None``, nested dataclasses), and
anything else raises ``CodecError`` with one line naming what was wrong. That is what lets a
server take commands from a socket without a stray value ever reaching the trainer.
"""

from __future__ import annotations

import array
import base64
import binascii
import dataclasses
import json
import math
import sys
import types
import typing
from typing import Any

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev

EVENT_TYPES: dict[str, type] = {cls.__name__: cls for cls in typing.get_args(ev.Event)}
"""Every event class, by name."""

COMMAND_TYPES: dict[str, type] = {cls.__name__: cls for cls in typing.get_args(cmd.Command)}
"""Every command class, by name."""

_NESTED: dict[str, type] = {
    cls.__name__: cls
    for cls in (ev.Change, ev.EvalRecord, ev.Mistake, ev.ConvView)
    + (ev.LayerHealth, ev.LayerHistogram)  # inside the layer-health events
}
_ALL = {**EVENT_TYPES, **COMMAND_TYPES, **_NESTED}
_HINTS: dict[type, dict[str, Any]] = {}

PACKED_FROM = 32
"""A tuple of at least this many floats is sent packed (``{"_floats": base64}``); a shorter one
(ten probabilities, a few losses) stays a readable list."""


class CodecError(ValueError):
    """A value that is not the JSON form of a known event or command; the message says why."""


def to_json(value: Any) -> Any:
    """``value`` (an event, a command or one of their fields) as plain JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"_type": type(value).__name__, **fields}
    if isinstance(value, float) and not math.isfinite(value):
        return {"_float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, tuple | list):
        if len(value) >= PACKED_FROM and set(map(type, value)) == {float}:
            return {"_floats": base64.b64encode(_doubles(value).tobytes()).decode("ascii")}
        return [to_json(item) for item in value]
    if isinstance(value, bytes):
        return {"_bytes": base64.b64encode(value).decode("ascii")}
    return value


def json_line(data: Any) -> str:
    """One strict JSON line (no NaN, UTF-8 kept as is), newline included: the metrics file's
    lines and the protocol's."""
    return json.dumps(data, allow_nan=False, ensure_ascii=False) + "\n"


def decode_event(data: Any) -> ev.Event:
    """The event whose JSON form is ``data``; ``CodecError`` if it is not one."""
    return typing.cast(ev.Event, _decode_top(data, EVENT_TYPES, "event"))


def decode_command(data: Any) -> cmd.Command:
    """The command whose JSON form is ``data``; ``CodecError`` if it is not one."""
    return typing.cast(cmd.Command, _decode_top(data, COMMAND_TYPES, "command"))


def _decode_top(data: Any, known: dict[str, type], what: str) -> Any:
    if not isinstance(data, dict) or not isinstance(data.get("_type"), str):
        raise CodecError(f'a {what} must be an object with a "_type"')
    cls = known.get(data["_type"])
    if cls is None:
        raise CodecError(f"unknown {what} type {data['_type'][:40]!r}")
    return _decode_dataclass(data, cls)


def _decode_dataclass(data: Any, cls: type) -> Any:
    name = cls.__name__
    if not isinstance(data, dict) or data.get("_type") != name:
        raise CodecError(f"expected a {name}")
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls, vars(ev) | vars(cmd))
    fields = {f.name: f for f in dataclasses.fields(cls)}
    extra = set(data) - set(fields) - {"_type"}
    if extra:
        raise CodecError(f"{name} has no field {sorted(extra)[0][:40]!r}")
    values: dict[str, Any] = {}
    for field_name, field in fields.items():
        if field_name not in data:
            no_default = dataclasses.MISSING
            if field.default is no_default and field.default_factory is no_default:
                raise CodecError(f"{name} is missing {field_name!r}")
            continue
        values[field_name] = _decode_value(
            data[field_name], hints[field_name], f"{name}.{field_name}"
        )
    return cls(**values)


def _decode_value(value: Any, hint: Any, where: str) -> Any:  # noqa: PLR0911 - one case a type
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        for option in typing.get_args(hint):
            try:
                return _decode_value(value, option, where)
            except CodecError:
                continue
        raise CodecError(f"{where}: {_shown(value)} is not a {_hint_name(hint)}")
    if origin is tuple:
        args = typing.get_args(hint)
        if args == (float, Ellipsis) and isinstance(value, dict):  # many floats, packed
            return _decode_packed(value, where)
        if not isinstance(value, list):
            raise CodecError(f"{where}: expected a list, got {_shown(value)}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode_value(item, args[0], where) for item in value)
        if len(args) != len(value):
            raise CodecError(f"{where}: expected {len(args)} items")
        return tuple(_decode_value(item, a, where) for item, a in zip(value, args, strict=True))
    if hint is type(None):
        if value is not None:
            raise CodecError(f"{where}: expected null, got {_shown(value)}")
        return None
    if hint is bool or hint is str:
        if type(value) is not hint:
            raise CodecError(f"{where}: expected a {hint.__name__}, got {_shown(value)}")
        return value
    if hint is int:
        if type(value) is not int:
            raise CodecError(f"{where}: expected an integer, got {_shown(value)}")
        return value
    if hint is float:
        return _decode_float(value, where)
    if hint is bytes:
        if not isinstance(value, dict) or set(value) != {"_bytes"}:
            raise CodecError(f'{where}: expected {{"_bytes": base64}}')
        try:
            return base64.b64decode(value["_bytes"], validate=True)
        except (binascii.Error, TypeError, ValueError) as error:
            raise CodecError(f"{where}: bad base64") from error
    if isinstance(hint, type) and hint.__name__ in _ALL:
        return _decode_dataclass(value, hint)
    raise CodecError(f"{where}: cannot decode a {_hint_name(hint)}")


def _doubles(values: Any) -> array.array[float]:
    """``values`` as C doubles in little-endian order (the wire's, whatever this machine's)."""
    out = array.array("d", values)
    if sys.byteorder == "big":
        out.byteswap()
    return out


def _decode_packed(value: dict[str, Any], where: str) -> tuple[float, ...]:
    """A ``{"_floats": base64}`` tuple back: whole doubles, valid base64, nothing else."""
    if set(value) != {"_floats"} or not isinstance(value["_floats"], str):
        raise CodecError(f'{where}: expected a list or {{"_floats": base64}}')
    try:
        raw = base64.b64decode(value["_floats"], validate=True)
    except (binascii.Error, ValueError) as error:
        raise CodecError(f"{where}: bad base64") from error
    if len(raw) % 8:
        raise CodecError(f"{where}: {len(raw)} bytes is not a whole number of doubles")
    doubles = array.array("d", raw)
    if sys.byteorder == "big":
        doubles.byteswap()
    return tuple(doubles)


def _decode_float(value: Any, where: str) -> float:
    if type(value) in (int, float):
        return float(value)
    if isinstance(value, dict) and set(value) == {"_float"}:
        special = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}.get(value["_float"])
        if special is not None:
            return special
    raise CodecError(f"{where}: expected a number, got {_shown(value)}")


def _hint_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint)


def _shown(value: Any) -> str:
    """A short view of a bad value for a one-line message."""
    text = json.dumps(value)[:40] if _jsonable(value) else type(value).__name__
    return text


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
