"""Benchmark both engines on the default architecture and print a Markdown table.

For each engine (each in its own subprocess, so peak memory is its own): training images/s at
batch 32 (median of --repeats runs per round; --rounds repeats the NumPy workers interleaved and
pools their runs), inference images/s (median), the time of one epoch of full
MNIST (measured for the NumPy engine, extrapolated from a few hundred images for the pure-Python
one, or from the training median with --quick) and peak memory (ru_maxrss) of a process that
loaded full MNIST and trained on it. One BLAS thread, as the trainer uses.

    python benchmarks/bench_engines.py                       # numpy and python, real MNIST
    python benchmarks/bench_engines.py --quick --engines numpy
    python benchmarks/bench_engines.py --engines numpy,numpy:float64 --coretype inherit,unset
    python benchmarks/bench_engines.py --rounds 3       # NumPy rows interleaved 3× (noisy host)

--coretype runs the NumPy rows once per OpenBLAS setting: "inherit" keeps this environment's
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, "unset" removes both for that run only, any other value
sets OPENBLAS_CORETYPE to it. Without MNIST (--data, else $CNN_TUI_DATA, else ./data) the
benchmark runs on random images of the same size, and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
CORETYPE_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
TRAIN_SIZE, TEST_SIZE = 60_000, 10_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="numpy,python", help="comma list: numpy[:float64]")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per round (median)")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved worker runs per row")
    parser.add_argument("--quick", action="store_true", help="fewer images, no measured epoch")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--python-images", type=int, default=192, help="per pure-Python run")
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data"))
    parser.add_argument("--coretype", default="inherit", help="comma list: inherit, unset, NAME")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: run one engine, print JSON
    return parser.parse_args(argv)


# --- the worker: one engine in its own process ---------------------------------------------------


def load_data(folder: str) -> tuple[object, object, str]:
    """(train, test, source): full MNIST if it is there, else random images of the same size."""
    from cnn_tui.core.data.dataset import PIXELS, Dataset
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.load import load_mnist

    try:
        train, test = load_mnist(folder)
        return train, test, "MNIST"
    except DataError:
        import random

        rng = random.Random(0)
        make = lambda n, name: Dataset(  # noqa: E731
            rng.randbytes(n * PIXELS), bytes(rng.randrange(10) for _ in range(n)), name
        )
        return make(TRAIN_SIZE, "train"), make(TEST_SIZE, "test"), "random images"


def blas_kernel() -> str:
    """OpenBLAS's kernel, as threadpoolctl sees it ("?" without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "?"
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join(f"{i.get('architecture')}×{i.get('num_threads')}" for i in infos) or "none"


def run_worker(spec: str, args: argparse.Namespace) -> dict[str, object]:
    import resource

    from cnn_tui.core.contract.config import Hyperparameters, RunConfig
    from cnn_tui.core.engines import make_engine
    from cnn_tui.core.training.data_order import data_order

    name, _, precision = spec.partition(":")
    precision = precision or "float32"
    train, test, source = load_data(args.data)
    engine = make_engine(RunConfig(engine=name, precision=precision))
    hyper = Hyperparameters(batch_size=args.batch_size)
    bs = args.batch_size
    order = data_order(0, 1, len(train))  # type: ignore[arg-type]
    pure = name == "python"
    if pure:
        per_run = max(bs, args.python_images // (4 if args.quick else 1))
        infer_count = per_run
    else:
        per_run = bs * (60 if args.quick else 300)
        infer_count = TEST_SIZE
    position = 0

    cpu_seconds: list[float] = []  # CPU time of each timed training run (see the table's note)

    def train_images(count: int) -> float:
        nonlocal position
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(count // bs):
            if position + bs > len(order):
                position = 0
            engine.train_batch(train, order[position : position + bs], hyper)  # type: ignore[arg-type]
            position += bs
        cpu_seconds.append(time.process_time() - start_cpu)
        return time.perf_counter() - start

    train_images(bs * (1 if pure else 20))  # warm-up: buffers, caches
    train_rates = [per_run / train_images(per_run) for _ in range(args.repeats)]
    train_cpu_rates = [per_run / max(t, 1e-9) for t in cpu_seconds[1:]]
    infer_rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        engine.predict(test, 0, infer_count)  # type: ignore[arg-type]
        infer_rates.append(infer_count / (time.perf_counter() - start))
    train_median = statistics.median(train_rates)
    if pure or args.quick:
        epoch_seconds, epoch_how = len(order) / train_median, "extrapolated"
    else:
        position = 0
        epoch_seconds, epoch_how = train_images(len(order)), "measured"
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "engine": name,
        "precision": "float64" if pure else precision,
        "source": source,
        "kernel": "-" if pure else blas_kernel(),
        "coretype": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "train": train_rates,
        "train_cpu": train_cpu_rates,
        "infer": infer_rates,
        "epoch_seconds": epoch_seconds,
        "epoch_how": epoch_how,
        "peak_mb": peak_kb / 1024,
        "train_images": per_run,
        "infer_images": infer_count,
    }


# --- the parent: one subprocess per row, then the table -------------------------------------------


def worker_env(coretype: str) -> dict[str, str]:
    env = dict(os.environ)
    for variable in THREAD_VARIABLES:
        env[variable] = "1"
    if coretype == "unset":
        for variable in CORETYPE_VARIABLES:
            env.pop(variable, None)
    elif coretype != "inherit":
        env["OPENBLAS_CORETYPE"] = coretype
    return env


def merge(parts: list[dict[str, object]]) -> dict[str, object]:
    """One row from a spec's rounds: all timed runs pooled; epoch and memory from round 1."""
    row = dict(parts[0])
    for key in ("train", "train_cpu", "infer"):
        row[key] = [rate for part in parts for rate in part[key]]  # type: ignore[attr-defined]
    return row


def spread(rates: list[float]) -> str:
    return f"{statistics.median(rates):,.0f} ({min(rates):,.0f}–{max(rates):,.0f})"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        print(json.dumps(run_worker(args.worker, args)))
        return 0
    results: dict[tuple[str, str], list[dict[str, object]]] = {}
    coretypes = [c.strip() for c in args.coretype.split(",") if c.strip()]
    runs = [
        (spec, coretype)
        for spec in [s.strip() for s in args.engines.split(",") if s.strip()]
        for coretype in (coretypes if spec.startswith("numpy") else ["inherit"])
    ]
    for round_ in range(args.rounds):  # interleaved, so a busy spell hits every row alike
        for spec, coretype in runs:
            if spec.startswith("python") and round_ > 0:
                continue  # one round of the slow engine is enough
            command = [sys.executable, os.path.abspath(__file__), "--worker", spec]
            command += ["--repeats", str(args.repeats), "--batch-size", str(args.batch_size)]
            command += ["--python-images", str(args.python_images), "--data", args.data]
            command += ["--quick"] if args.quick or round_ > 0 else []
            print(f"round {round_ + 1}: {spec} (OPENBLAS_CORETYPE: {coretype}) …", file=sys.stderr)
            done = subprocess.run(
                command, env=worker_env(coretype), capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["no output"])[-1]
                print(f"{spec}: the benchmark failed: {last}", file=sys.stderr)
                continue
            results.setdefault((spec, coretype), []).append(
                json.loads(done.stdout.strip().splitlines()[-1])
            )
    rows = [merge(parts) for parts in results.values()]
    if not rows:
        return 1
    print(
        f"\nbatch {args.batch_size}, default architecture (conv8 → dense128 → 10), one BLAS "
        f"thread, data: {rows[0]['source']}, median (min–max) of all timed runs "
        f"({args.repeats} per round, {args.rounds} round(s), the pure-Python engine 1 round)\n"
    )
    print(
        "| engine | precision | OPENBLAS_CORETYPE | BLAS kernel | train images/s "
        "| train images per CPU-s | inference images/s | epoch (60k) | peak RSS |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['engine']} | {r['precision']} | {r['coretype']} | {r['kernel']} "
            f"| {spread(r['train'])} | {spread(r['train_cpu'])} | {spread(r['infer'])} "
            f"| {r['epoch_seconds']:,.1f} s ({r['epoch_how']}) | {r['peak_mb']:,.0f} MB |"
        )
    sizes = [f"{r['engine']} train {r['train_images']}, infer {r['infer_images']}" for r in rows]
    print("\nimages per timed run (round 1): " + "; ".join(sizes))
    print(
        "images per CPU-s: the same training runs over process CPU time, less sensitive than "
        "wall time to other programs taking turns on the 2 cores (not to shared caches)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
