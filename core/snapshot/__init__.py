"""Snapshots: the file format, its schema and arrays, and the one-run-per-folder lock."""
