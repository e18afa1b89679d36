"""Snapshots: the file format, its schema and arrays, and the one-run-per-folder lock.

A snapshot is a NumPy ``.npz`` (a zip of ``.npy`` members) plus a ``meta.json`` member: format
and app version, engine, precision, architecture, hyperparameters, epochs, seed, progress (epoch,
position in the epoch's shuffled order, step — the data order is a pure function of (seed,
epoch), so that is the whole RNG state), data sizes, evaluations, the change log and the dtype,
shape and SHA-256 of every array. The arrays are the weights and momentum buffers in the layout of
``params.param_shapes`` and the per-step metric history. Either engine loads what the other
saved: the state is plain Python floats.

    names.py         file names, listing, stale temp files        (no NumPy)
    errors.py        SnapshotError: one line, "file: problem; fix" (no NumPy)
    save.py          RunState → one file, atomically
    load.py          one file → RunState, everything checked first
    schema.py        meta.json's constants and the consistency rule save and load share
    meta_encode.py   RunState → meta.json;  meta_decode.py: meta.json → checked fields
    arrays.py        RunState ↔ the .npy members
    folder_lock.py   one training run per snapshot folder
    retention.py     which of a run's snapshots --keep deletes      (no NumPy)

Whether a snapshot fits the data it resumes on: ``core/training/data_checks.py`` (size_mismatch).
Where the run's snapshots are saved and pruned: ``core/training/snapshot_saving.py``.
"""
