"""Run folders: one folder per run with its record (run.json), its metrics and its snapshots."""
