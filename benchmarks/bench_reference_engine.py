"""Training and inference speed of the reference engine (the report formula by formula, in lists).

Default network (conv 8 → dense 128 → 10), batch 32, lr 0.01, fresh weights, on real MNIST (or
random images of the same size when MNIST is not found, which the header says). The reference
does the same work for every image whatever its weights or pixels, so a few batches give its
speed. ``--with-python`` times the pure-Python engine on the same batches, alternating batch by
batch with the reference, so that both see the same machine (these machines drift by up to 1.5×
within minutes) and the ratio is fair.

    python benchmarks/bench_reference_engine.py --batches 10 --data DIR
    python benchmarks/bench_reference_engine.py --batches 10 --with-python --data DIR
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.data.dataset import PIXELS, Dataset
from cnn_tui.core.data.errors import DataError
from cnn_tui.core.data.load import load_mnist
from cnn_tui.core.engines import Engine, make_engine

BATCH = 32


def load(folder: str, count: int) -> tuple[Dataset, Dataset, str]:
    """(train, test, source): MNIST's first ``count`` images of each split, else random ones."""
    try:
        train, test = load_mnist(folder, limit=count, test_limit=count)
        return train, test, "MNIST"
    except (DataError, OSError):
        rng = random.Random(0)
        images = [
            Dataset(rng.randbytes(count * PIXELS), bytes(rng.randrange(10) for _ in range(count)))
            for _ in range(2)
        ]
        return images[0], images[1], "random images"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data"))
    parser.add_argument("--batches", type=int, default=10, help="timed training batches of 32")
    parser.add_argument("--predict", type=int, default=320, help="images timed for inference")
    parser.add_argument("--with-python", action="store_true", help="alternate with --engine python")
    args = parser.parse_args()
    arch = Architecture()
    train, test, source = load(args.data, max(args.batches * BATCH, args.predict))
    names = ["reference"] + (["python"] if args.with_python else [])
    engines: dict[str, Engine] = {n: make_engine(RunConfig(arch=arch, engine=n)) for n in names}
    print(f"python {sys.version.split()[0]}  {arch.describe()}  batch {BATCH}  on {source}")
    hyper = Hyperparameters()
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for b in range(args.batches):
        indices = range(b * BATCH, (b + 1) * BATCH)
        for name, engine in engines.items():
            t0 = time.perf_counter()
            engine.train_batch(train, indices, hyper)
            seconds[name].append(time.perf_counter() - t0)
    print(f"{'engine':<10} {'what':<10} {'images':>7} {'img/s (median batch)':>21} {'img/s':>8}")
    for name in names:
        per_batch = [BATCH / s for s in seconds[name]]
        total = BATCH * args.batches / sum(seconds[name])
        median = statistics.median(per_batch)
        print(
            f"{name:<10} {'training':<10} {BATCH * args.batches:>7} {median:>21.1f} {total:>8.1f}"
        )
    for name, engine in engines.items():
        t0 = time.perf_counter()
        engine.predict(test, 0, args.predict)
        rate = args.predict / (time.perf_counter() - t0)
        print(f"{name:<10} {'inference':<10} {args.predict:>7} {'':>21} {rate:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
