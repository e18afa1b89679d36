"""Training speed of the pure-Python engine on real MNIST, fresh and after some training.

Reads the gzip IDX files itself (gzip + byte slicing), trains the default network (conv 8 →
dense 128 → 10, batch 32, lr 0.01) and prints images/s per chunk of batches: the median and the
mean over the measured run. "trained" first trains --pretrain batches (untimed), because the
engine's shortcuts depend on the weights (positive conv biases make the background non-zero).

    python benchmarks/bench_python_engine.py                 # 40 batches fresh, 40 trained
    python benchmarks/bench_python_engine.py --epoch         # one whole epoch (60,000 images)
"""

from __future__ import annotations

import argparse
import gc
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

from cnn_tui.core.config import Architecture, Hyperparameters
from cnn_tui.core.dataset import Dataset
from cnn_tui.core.engines.python_engine import PythonEngine
from cnn_tui.core.params import init_params


def load(folder: Path) -> Dataset:
    with gzip.open(folder / "train-images-idx3-ubyte.gz") as f:
        images = f.read()[16:]  # 16-byte header
    with gzip.open(folder / "train-labels-idx1-ubyte.gz") as f:
        labels = f.read()[8:]  # 8-byte header
    return Dataset(images, labels, "train")


def run(engine: PythonEngine, data: Dataset, first: int, batches: int, chunk: int) -> list[float]:
    """Train ``batches`` batches of 32 from batch index ``first``; images/s of each chunk."""
    hyper = Hyperparameters()
    rates = []
    count = len(data) // 32
    for start in range(0, batches, chunk):
        t0 = time.perf_counter()
        size = min(chunk, batches - start)
        for b in range(first + start, first + start + size):
            i = (b % count) * 32
            engine.train_batch(data, range(i, i + 32), hyper)
        rates.append(32 * size / (time.perf_counter() - t0))
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data"))
    parser.add_argument("--batches", type=int, default=40, help="timed batches per phase")
    parser.add_argument("--pretrain", type=int, default=300, help="untimed batches first")
    parser.add_argument("--chunk", type=int, default=10, help="batches per timing chunk")
    parser.add_argument("--epoch", action="store_true", help="time one whole epoch, fresh")
    args = parser.parse_args()
    try:
        data = load(Path(args.data))
    except OSError as error:
        print(f"cannot read MNIST from {args.data}: {error}", file=sys.stderr)
        return 3
    gc.freeze()  # the dataset and tables never die: keep full collections from walking them
    arch = Architecture()
    print(f"python {sys.version.split()[0]}  {arch.describe()}  batch 32")
    print(f"{'phase':<10} {'images':>7} {'median img/s':>13} {'mean img/s':>11}")
    engine = PythonEngine(arch, init_params(arch, seed=0))
    if args.epoch:
        batches = len(data) // 32
        t0 = time.perf_counter()
        rates = run(engine, data, 0, batches, args.chunk * 10)
        mean = batches * 32 / (time.perf_counter() - t0)
        print(f"{'epoch':<10} {batches * 32:>7} {statistics.median(rates):>13.1f} {mean:>11.1f}")
        return 0
    for phase in ("fresh", "trained"):
        if phase == "trained":
            run(engine, data, args.batches, args.pretrain, args.pretrain or 1)
        t0 = time.perf_counter()
        rates = run(engine, data, 0, args.batches, args.chunk)
        mean = args.batches * 32 / (time.perf_counter() - t0)
        median = statistics.median(rates)
        print(f"{phase:<10} {args.batches * 32:>7} {median:>13.1f} {mean:>11.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
