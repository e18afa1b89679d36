"""Times ``core.data.load.load_mnist`` on the real MNIST folder and prints a table of medians.

Usage: ``python benchmarks/load_mnist.py [DIR] [--repeat N]`` (DIR defaults to ``$CNN_TUI_DATA``).
Also times each step on its own: reading the compressed bytes, gzip decompression, and the
SHA-256 check (``is_mnist``), so the share of decompression in the total is visible.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cnn_tui.core.data.errors import DataError
from cnn_tui.core.data.load import is_mnist, load_mnist
from cnn_tui.core.data.locate import mnist_file_path
from cnn_tui.core.data.mnist_files import MNIST_FILES


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=os.environ.get("CNN_TUI_DATA"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not args.folder:
        print("pass the MNIST folder or set CNN_TUI_DATA", file=sys.stderr)
        return 2
    folder = Path(args.folder)
    try:
        train, test = load_mnist(folder)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 3
    paths = [mnist_file_path(folder, f.stem) for f in MNIST_FILES]
    packed = [p.read_bytes() for p in paths if p is not None]

    rows = [
        ("load_mnist (all checks)", median_seconds(lambda: load_mnist(folder), args.repeat)),
        ("  read files only", median_seconds(lambda: [p.read_bytes() for p in paths], args.repeat)),
        (
            "  gzip.decompress only",
            median_seconds(lambda: [gzip.decompress(b) for b in packed], args.repeat),
        ),
        ("is_mnist (SHA-256)", median_seconds(lambda: is_mnist(train, test), args.repeat)),
    ]
    print(f"MNIST in {folder} ({len(train):,} train, {len(test):,} test), median of {args.repeat}")
    for name, seconds in rows:
        print(f"{name:<28} {seconds * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
