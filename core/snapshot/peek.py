"""Provides ``peek_snapshot``: what a snapshot says about itself — run, epoch, step, test accuracy
and loss of its weights — read from its ``meta.json`` member alone, without loading the weights.

The timeline lists every snapshot of a run this way: a zip's central directory and one small
JSON member per file, through the same checks ``load_snapshot`` runs on that member
(``meta_decode.py``). The weights are only loaded (and fully checked) when one is picked.
A problem is a ``SnapshotError`` of one line.
"""

from __future__ import annotations

import math
import stat
import zipfile
from pathlib import Path

from cnn_tui.core.contract.timeline import SnapshotEntry
from cnn_tui.core.snapshot.arrays import META_MEMBER
from cnn_tui.core.snapshot.errors import CORRUPT_FIX, SnapshotError, os_problem
from cnn_tui.core.snapshot.load import MAX_SNAPSHOT_BYTES
from cnn_tui.core.snapshot.meta_decode import decode_meta, parse_meta
from cnn_tui.core.snapshot.schema import SchemaError

MAX_META_BYTES = 64 * 1024 * 1024
"""meta.json of a long run with many evaluations stays far below this; more is refused."""


def peek_snapshot(path: Path) -> SnapshotEntry:
    """The snapshot's run position and the test result of its weights (None when they were
    never evaluated, or a divergence at that step brought back older weights)."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SnapshotError(path, "is not a regular file", "pass a snapshot .npz file")
        if info.st_size > MAX_SNAPSHOT_BYTES:
            raise SnapshotError(path, "is over the snapshot size limit", "not a snapshot")
        with zipfile.ZipFile(path) as archive:
            member = archive.getinfo(META_MEMBER)
            if member.file_size > MAX_META_BYTES:
                raise SchemaError("meta.json is too large")
            text = archive.read(member).decode("utf-8")
        meta = parse_meta(text)
        config, parsed = decode_meta(meta)
    except SnapshotError:
        raise
    except KeyError:
        raise SnapshotError(path, "not a cnn-tui snapshot (no meta.json)", CORRUPT_FIX) from None
    except SchemaError as error:
        raise SnapshotError(path, f"invalid snapshot: {error}", CORRUPT_FIX) from None
    except OSError as error:
        raise SnapshotError(path, f"cannot read snapshot: {os_problem(error)}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        detail = " ".join(str(error).split())[:80] or type(error).__name__
        raise SnapshotError(path, f"snapshot is corrupt ({detail})", CORRUPT_FIX) from None
    step = parsed["step"]
    accuracy, loss = _tested(step, parsed["evaluations"], parsed["changes"])
    epoch = _named_epoch(parsed["epoch"], parsed["position"], step)
    hyper = config.hyper
    return SnapshotEntry(
        str(path),
        path.name,
        epoch,
        step,
        accuracy,
        loss,
        lr=hyper.lr,
        batch_size=hyper.batch_size,
        momentum=hyper.momentum,
        weight_decay=hyper.weight_decay,
        epochs=config.epochs,
        epochs_done=parsed["epoch"] - 1,
        architecture=config.arch.describe(),
        run=meta["run_name"],
    )


def _named_epoch(epoch: int, position: int, step: int) -> int:
    """The epoch the snapshot's last step belongs to, as its name says (save.py): an epoch's
    end is saved as the start of the next one (position 0), yet named after itself."""
    return epoch - (position == 0 and step > 0)


def _tested(step: int, evaluations: list, changes: list) -> tuple[float | None, float | None]:
    """(accuracy, loss) of the latest evaluation at ``step``, as retention.py judges weights."""
    if any(c.step == step and c.kind == "diverged" for c in changes):
        return None, None
    for record in reversed(evaluations):
        if record.step == step and math.isfinite(record.accuracy):
            return record.accuracy, record.loss
    return None, None
