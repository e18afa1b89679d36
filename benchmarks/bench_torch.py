"""Benchmark the torch engine against the NumPy engine on real MNIST and print a Markdown table.

Both engines run in this one process, interleaved: every round times each engine and precision
once (training images/s at the batch size, then inference images/s over the test set), so both
see the same machine load; the table gives the median over the rounds and the torch / numpy ratio
taken round by round (its median), which is what survives a noisy shared host. Training uses
the trainer's batches (data_order, seed 0) from the same default network and seeded weights.

One thread each by default, as the trainer runs (core/training/link.py sets OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS to 1 before NumPy or PyTorch is imported); ``--threads N`` gives both N.
PyTorch runs on CUDA when present (the table says which device), else on the CPU.

    python benchmarks/bench_torch.py --data DIR                 # 7 rounds, float32 and float64
    python benchmarks/bench_torch.py --data DIR --rounds 3 --precisions float32
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data/mnist"))
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timed rounds (median)")
    parser.add_argument("--batches", type=int, default=300, help="training batches per timing")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--precisions", default="float32,float64", help="comma list")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / PyTorch threads (1)")
    return parser.parse_args(argv)


def set_threads(count: int) -> None:
    """Before NumPy or PyTorch is imported: both read these once, at import."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(count)


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    set_threads(args.threads)
    from cnn_tui.core.contract.config import Hyperparameters, RunConfig
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.load import load_mnist
    from cnn_tui.core.engines import make_engine, missing_engine
    from cnn_tui.core.training.data_order import data_order

    problem = missing_engine("torch")
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        train, test = load_mnist(args.data)
    except DataError as error:
        print(f"this benchmark needs the real MNIST (--data DIR): {error}", file=sys.stderr)
        return 3
    import torch

    bs = args.batch_size
    hyper = Hyperparameters(batch_size=bs)
    order = data_order(0, 1, len(train))
    precisions = [p.strip() for p in args.precisions.split(",") if p.strip()]
    rows = [(engine, p) for p in precisions for engine in ("numpy", "torch")]
    engines = {row: make_engine(RunConfig(engine=row[0], precision=row[1])) for row in rows}
    position = dict.fromkeys(rows, 0)
    per_timing = bs * args.batches

    def train_images(row: tuple[str, str], count: int) -> None:
        engine = engines[row]
        for _ in range(count // bs):
            if position[row] + bs > len(order):
                position[row] = 0
            engine.train_batch(train, order[position[row] : position[row] + bs], hyper)
            position[row] += bs
        if row[0] == "torch" and torch.cuda.is_available():
            torch.cuda.synchronize()

    for row in rows:  # warm-up: the dataset on the device, buffers, caches
        train_images(row, bs * 20)
        engines[row].predict(test, 0, 1000)

    train_rates: dict[tuple[str, str], list[float]] = {row: [] for row in rows}
    infer_rates: dict[tuple[str, str], list[float]] = {row: [] for row in rows}
    for _ in range(args.rounds):
        for row in rows:
            seconds = timed(partial(train_images, row, per_timing))
            train_rates[row].append(per_timing / seconds)
            seconds = timed(partial(engines[row].predict, test))
            infer_rates[row].append(len(test) / seconds)

    device = "CUDA " + torch.cuda.get_device_name() if torch.cuda.is_available() else "CPU"
    print(
        f"real MNIST, batch {bs}, {args.rounds} interleaved rounds of {per_timing:,} training "
        f"images and {len(test):,} test images; {args.threads} thread(s); torch "
        f"{torch.__version__} on {device}\n"
    )
    print(
        "| engine | precision | training images/s (median, range) | inference images/s | "
        "torch ÷ numpy, training / inference (median of per-round ratios) |"
    )
    print("|---|---|---|---|---|")
    for row in rows:
        engine, precision = row
        train_med, infer_med = (statistics.median(r[row]) for r in (train_rates, infer_rates))
        ratio = ""
        if engine == "torch":
            base = ("numpy", precision)
            ratios = [
                statistics.median(t / n for t, n in zip(rates[row], rates[base], strict=True))
                for rates in (train_rates, infer_rates)
            ]
            ratio = f"×{ratios[0]:.2f} / ×{ratios[1]:.2f}"
        lo, hi = min(train_rates[row]), max(train_rates[row])
        print(
            f"| {engine} | {precision} | {train_med:,.0f} ({lo:,.0f}–{hi:,.0f}) | "
            f"{infer_med:,.0f} | {ratio} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
