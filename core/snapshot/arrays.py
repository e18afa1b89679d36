"""Provides the snapshot's array members: ``RunState`` ↔ NumPy arrays, the in-memory ``.npz``
writer, and a reader that checks every member's name, size, ``.npy`` header and SHA-256 before
it trusts a byte.

Members (``<key>.npy``, key without the suffix), shapes from ``params.param_shapes(arch)``:

    params.<name>    (shape of the parameter)   <f4 or <f8, as ``param_dtype`` says
    velocity.<name>  (same)                     same dtype as params
    history.losses | history.accuracies | history.lrs   (step,)  <f8
    history.epochs                                      (step,)  <i8

Nothing is allocated from a size a file claims: headers are compared with the expected shape
before NumPy reads the data, and ``np.load`` runs with ``allow_pickle=False`` only.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import zipfile
from typing import Any

import numpy as np
import numpy.lib.format as npy_format

from cnn_tui.core.contract.config import Architecture, RunConfig
from cnn_tui.core.contract.run_state import History, RunState
from cnn_tui.core.engines.params import FlatParams, param_shapes
from cnn_tui.core.snapshot.schema import SchemaError, short

META_MEMBER = "meta.json"
HISTORY_DTYPES = {"losses": "<f8", "accuracies": "<f8", "lrs": "<f8", "epochs": "<i8"}
MAX_MEMBERS = 64
MAX_META_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # all members together, as declared in the zip
_MEMBER_RE = re.compile(r"[a-z]+\.[a-z0-9_.]+\.npy")


def digest(array: np.ndarray) -> str:
    """SHA-256 of the array's raw bytes (C order, its own dtype)."""
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def state_arrays(state: RunState) -> tuple[dict[str, np.ndarray], str]:
    """Every array member of ``state`` and the params' dtype.

    Params and velocity are float32 when the run is float32 and every value survives the cast
    exactly (the NumPy engine's numbers do), else float64 (Python floats are float64): either
    way ``.tolist()`` gives back the very same Python floats.
    """
    shapes = param_shapes(state.config.arch)
    arrays: dict[str, np.ndarray] = {}
    for group, values in (("params", state.params), ("velocity", state.velocity)):
        if list(values) != list(shapes):
            raise SchemaError(f"{group} names {short(list(values))} do not match the layout")
        for name, shape in shapes.items():
            try:
                flat = np.asarray(values[name], dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                raise SchemaError(f"{group} {name} holds something that is not a number") from None
            if flat.shape != (math.prod(shape),):
                raise SchemaError(f"{group} {name} has {flat.size} values, not {math.prod(shape)}")
            arrays[f"{group}.{name}"] = flat.reshape(shape)
    narrow = state.config.precision == "float32" and all(
        np.array_equal(a.astype("<f4").astype("<f8"), a, equal_nan=True) for a in arrays.values()
    )
    param_dtype = "<f4" if narrow else "<f8"
    arrays = {k: np.ascontiguousarray(a, dtype=param_dtype) for k, a in arrays.items()}
    history = state.history
    columns: dict[str, list[float] | list[int]] = {
        "losses": history.losses,
        "accuracies": history.accuracies,
        "lrs": history.lrs,
        "epochs": history.epochs,
    }
    for key, column in columns.items():
        if key == "epochs" and not all(type(e) is int for e in column):
            raise SchemaError("history epochs must be whole numbers")
        try:
            arrays[f"history.{key}"] = np.asarray(column, dtype=HISTORY_DTYPES[key]).reshape(-1)
        except (TypeError, ValueError, OverflowError):
            raise SchemaError(f"history {key} holds something that is not a number") from None
    return arrays, param_dtype


def describe_arrays(arrays: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """Member key → dtype, shape and SHA-256, as written in meta.json."""
    return {
        key: {"dtype": a.dtype.str, "shape": list(a.shape), "sha256": digest(a)}
        for key, a in arrays.items()
    }


def npz_bytes(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> bytes:
    """The whole file, in memory: a stored (uncompressed) zip that ``np.load`` reads as npz."""
    buffer = io.BytesIO()
    stamp = (1980, 1, 1, 0, 0, 0)  # fixed member times: the same state gives the same bytes
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        text = json.dumps(meta, allow_nan=False, ensure_ascii=False, indent=1)
        archive.writestr(zipfile.ZipInfo(META_MEMBER, stamp), text.encode("utf-8"))
        for key, array in arrays.items():
            member = io.BytesIO()
            npy_format.write_array(member, array, allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(f"{key}.npy", stamp), member.getvalue())
    return buffer.getvalue()


def check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Member name → info, after refusing duplicates, odd names, encryption and bomb sizes."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise SchemaError(f"{len(infos)} members; a snapshot has at most {MAX_MEMBERS}")
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name in by_name:
            raise SchemaError(f"member {short(name)} appears twice")
        if name != META_MEMBER and not _MEMBER_RE.fullmatch(name):
            raise SchemaError(f"unexpected member {short(name)}")
        if info.flag_bits & 0x1:
            raise SchemaError(f"member {short(name)} is encrypted")
        by_name[name] = info
    if META_MEMBER not in by_name:
        raise SchemaError("no meta.json member (not a cnn-tui snapshot)")
    if by_name[META_MEMBER].file_size > MAX_META_BYTES:
        raise SchemaError(f"meta.json is larger than {MAX_META_BYTES // 2**20} MB")
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise SchemaError(f"members unpack to more than {MAX_UNPACKED_BYTES // 2**20} MB")
    return by_name


def read_arrays(
    npz: Any, infos: dict[str, zipfile.ZipInfo], arch: Architecture, parsed: dict[str, Any]
) -> dict[str, np.ndarray]:
    """Every array member, each checked against the layout, meta.json and its SHA-256.

    Args:
        npz: the ``NpzFile`` from ``np.load(..., allow_pickle=False)``.
        infos: from ``check_members``.
        arch: the snapshot's architecture (gives the parameter shapes).
        parsed: from ``meta_decode.decode_meta`` (array descriptions, param dtype, step).
    """
    expected: dict[str, tuple[str, tuple[int, ...]]] = {}
    for group in ("params", "velocity"):
        for name, shape in param_shapes(arch).items():
            expected[f"{group}.{name}"] = (parsed["param_dtype"], shape)
    for key, dtype in HISTORY_DTYPES.items():
        expected[f"history.{key}"] = (dtype, (parsed["step"],))  # one entry per step
    listed: dict[str, Any] = parsed["arrays"]
    members = {name.removesuffix(".npy") for name in infos if name != META_MEMBER}
    for key in sorted(members ^ set(expected)) + sorted(set(listed) ^ set(expected)):
        kind = "missing" if key in expected else "unexpected"
        raise SchemaError(f"{kind} array {short(key)} for {arch.describe()}")
    arrays: dict[str, np.ndarray] = {}
    for key, (dtype, shape) in expected.items():
        entry = _entry(listed[key], key)
        info = infos[f"{key}.npy"]
        header_shape, header_dtype, header_end = _peek_header(npz.zip, info, key)
        if header_dtype != dtype:
            raise SchemaError(f"array {key} has dtype {header_dtype}, expected {dtype}")
        if header_shape != shape:
            raise SchemaError(
                f"array {key} has shape {header_shape}, expected {shape} for {arch.describe()}"
            )
        if info.file_size != header_end + math.prod(shape) * np.dtype(dtype).itemsize:
            raise SchemaError(f"array {key} is truncated or padded")
        if entry["dtype"] != dtype or entry["shape"] != list(shape):
            raise SchemaError(f"array {key} does not match its description in meta.json")
        array = npz[key]  # np.load's reader, allow_pickle=False; size already bounded
        if digest(array) != entry["sha256"]:
            raise SchemaError(f"array {key} fails its SHA-256 check (corrupted or edited)")
        arrays[key] = array
    return arrays


def _entry(obj: Any, key: str) -> dict[str, Any]:
    if not isinstance(obj, dict) or sorted(obj) != ["dtype", "sha256", "shape"]:
        raise SchemaError(f"arrays[{key!r}] in meta.json must hold dtype, shape and sha256")
    return obj


def _peek_header(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str
) -> tuple[tuple[int, ...], str, int]:
    """Shape, dtype and length of a member's ``.npy`` header, read before anything else."""
    with archive.open(info) as member:
        version = npy_format.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(member)
        elif version == (2, 0):
            shape, fortran, dtype = npy_format.read_array_header_2_0(member)
        else:
            raise SchemaError(f"array {key} uses .npy version {version}, which is not supported")
        header_end = member.tell()
    if dtype.hasobject or fortran:  # an object array would need pickle: never
        raise SchemaError(f"array {key} holds Python objects or is in Fortran order")
    return tuple(shape), dtype.str, header_end


def build_state(
    config: RunConfig, parsed: dict[str, Any], arrays: dict[str, np.ndarray]
) -> RunState:
    """The ``RunState`` the checked fields and arrays describe (plain Python values)."""

    def flat(group: str) -> FlatParams:
        # float32 → Python float is exact: the engine gets back the very numbers it saved
        return {n: arrays[f"{group}.{n}"].reshape(-1).tolist() for n in param_shapes(config.arch)}

    history = History(
        losses=arrays["history.losses"].tolist(),
        accuracies=arrays["history.accuracies"].tolist(),
        lrs=arrays["history.lrs"].tolist(),
        epochs=arrays["history.epochs"].tolist(),
        evaluations=parsed["evaluations"],
        changes=parsed["changes"],
    )
    return RunState(
        config=config,
        epoch=parsed["epoch"],
        position=parsed["position"],
        step=parsed["step"],
        params=flat("params"),
        velocity=flat("velocity"),
        history=history,
        train_size=parsed["train_size"],
        test_size=parsed["test_size"],
    )
