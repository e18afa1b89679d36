"""Training speed of the pure-Python engine on real MNIST, fresh and after training.

Trains the default network (conv 8 → dense 128 → 10, batch 32, lr 0.01) and prints images/s per
chunk of batches: the median and the mean over the measured run. The engine's shortcuts depend on
the weights (after about an epoch the conv biases turn positive and the blank background stops
giving zeros), so besides "fresh" weights it measures:

* "trained": weights the NumPy engine trained for --numpy-epochs epochs on the same data (seconds),
  handed to the Python engine (``get_params`` → ``PythonEngine(arch, params)``). This is the
  state a long pure-Python run spends nearly all its time in.
* ``--epoch``: one whole epoch (60,000 images) from fresh weights, the true average.
* ``--against DIR``: this checkout against another one (e.g. a ``git worktree`` of an older
  commit), in alternating subprocess runs, so that both see the same machine: these machines'
  speed drifts by up to 1.5× within minutes, so only ratios taken this way compare versions.

    python benchmarks/bench_python_engine.py                   # 40 batches fresh, 40 trained
    python benchmarks/bench_python_engine.py --epoch           # one whole epoch (60,000 images)
    python benchmarks/bench_python_engine.py --no-gc-freeze    # measure what gc.freeze() buys
    git worktree add ../old HEAD~5
    python benchmarks/bench_python_engine.py --against ../old --rounds 4
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
import types


def use_checkout(root: str) -> None:
    """Import ``cnn_tui.core`` from the checkout at ``root`` instead of the installed package."""
    package = types.ModuleType("cnn_tui")
    package.__path__ = []
    sys.modules["cnn_tui"] = package
    core = os.path.join(root, "core")
    spec = importlib.util.spec_from_file_location(
        "cnn_tui.core", os.path.join(core, "__init__.py"), submodule_search_locations=[core]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["cnn_tui.core"] = module
    spec.loader.exec_module(module)


if "--worker-root" in sys.argv:  # a run of --against: this process times the checkout given
    use_checkout(sys.argv[sys.argv.index("--worker-root") + 1])

# the checkout's modules (after use_checkout): not at the top of the file on purpose
from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig  # noqa: E402
from cnn_tui.core.data.dataset import Dataset  # noqa: E402

try:  # the data modules of this layout
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.load import load_mnist
except ImportError:  # an older checkout (--against): one module held both
    from cnn_tui.core.data.mnist import DataError, load_mnist
from cnn_tui.core.engines.params import FlatParams, init_params  # noqa: E402
from cnn_tui.core.engines.python import PythonEngine  # noqa: E402

BATCH = 32


def run(
    engine: PythonEngine,
    data: Dataset,
    first: int,
    batches: int,
    chunk: int,
    progress: bool = False,
) -> list[float]:
    """Train ``batches`` batches of 32 from batch index ``first``; images/s of each chunk
    (printed as they come with ``progress``)."""
    hyper = Hyperparameters()
    rates = []
    count = len(data) // BATCH
    for start in range(0, batches, chunk):
        t0 = time.perf_counter()
        size = min(chunk, batches - start)
        for b in range(first + start, first + start + size):
            i = (b % count) * BATCH
            engine.train_batch(data, range(i, i + BATCH), hyper)
        rates.append(BATCH * size / (time.perf_counter() - t0))
        if progress:
            print(f"  batches {start + size:>5}: {rates[-1]:7.1f} img/s", flush=True)
    return rates


def numpy_trained(arch: Architecture, data: Dataset, epochs: int) -> FlatParams:
    """Parameters after ``epochs`` epochs of the NumPy engine (float64, same batches and lr)."""
    from cnn_tui.core.engines import make_engine

    engine = make_engine(RunConfig(arch=arch, engine="numpy", precision="float64", seed=0))
    hyper = Hyperparameters()
    for _ in range(epochs):
        for i in range(0, len(data) - BATCH + 1, BATCH):
            engine.train_batch(data, range(i, i + BATCH), hyper)
    return engine.get_params()


def report(phase: str, rates: list[float], images: int, seconds: float) -> None:
    print(f"{phase:<10} {images:>7} {statistics.median(rates):>13.1f} {images / seconds:>11.1f}")


def against(args: argparse.Namespace, data: Dataset, arch: Architecture) -> int:
    """Alternate worker runs of this checkout and of ``args.against``; print medians, ratio."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots = {"this": here, "other": os.path.abspath(args.against)}
    with tempfile.TemporaryDirectory() as tmp:
        params_file = os.path.join(tmp, "trained.pickle")
        with open(params_file, "wb") as out:
            pickle.dump(numpy_trained(arch, data, args.numpy_epochs), out)
        for phase in ("fresh", "trained"):
            rates: dict[str, list[float]] = {name: [] for name in roots}
            for round_ in range(args.rounds):
                for name, root in roots.items():
                    command = [
                        sys.executable,
                        __file__,
                        "--data",
                        args.data,
                        "--batches",
                        str(args.batches),
                        "--worker-root",
                        root,
                        "--worker-phase",
                        phase,
                        "--worker-params",
                        params_file,
                        "--worker-first",
                        str(round_ * args.batches),
                    ]
                    out = subprocess.run(command, capture_output=True, text=True, check=True)
                    rates[name].append(float(out.stdout.split()[-1]))
            this, other = (statistics.median(rates[name]) for name in roots)
            print(
                f"{phase:<8} this {this:6.1f} img/s  other {other:6.1f} img/s  "
                f"ratio {this / other:.2f}  (medians of {args.rounds} alternating runs)"
            )
    return 0


def worker(args: argparse.Namespace, data: Dataset, arch: Architecture) -> int:
    """One timed run for --against: print images/s."""
    if args.worker_phase == "fresh":
        params = init_params(arch, seed=0)
    else:
        with open(args.worker_params, "rb") as source:
            params = pickle.load(source)
    engine = PythonEngine(arch, params)
    engine.train_batch(data, range(BATCH), Hyperparameters())  # warm-up
    t0 = time.perf_counter()
    run(engine, data, args.worker_first, args.batches, args.batches)
    print(args.batches * BATCH / (time.perf_counter() - t0))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data"))
    parser.add_argument("--batches", type=int, default=40, help="timed batches per phase")
    parser.add_argument("--chunk", type=int, default=10, help="batches per timing chunk")
    parser.add_argument("--numpy-epochs", type=int, default=1, help="NumPy training for 'trained'")
    parser.add_argument("--epoch", action="store_true", help="time one whole epoch, fresh")
    parser.add_argument("--no-gc-freeze", action="store_true", help="leave the collector alone")
    parser.add_argument("--against", metavar="DIR", help="compare with the checkout in DIR")
    parser.add_argument("--rounds", type=int, default=4, help="alternating runs with --against")
    parser.add_argument("--worker-root", help=argparse.SUPPRESS)
    parser.add_argument("--worker-phase", help=argparse.SUPPRESS)
    parser.add_argument("--worker-params", help=argparse.SUPPRESS)
    parser.add_argument("--worker-first", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        data, _ = load_mnist(args.data, test_limit=1)
    except (DataError, OSError) as error:
        print(f"cannot read MNIST from {args.data}: {error}", file=sys.stderr)
        return 3
    if not args.no_gc_freeze:
        gc.freeze()  # the dataset and tables never die: keep full collections from walking them
    arch = Architecture()
    if args.worker_root:
        return worker(args, data, arch)
    if args.against:
        return against(args, data, arch)
    print(f"python {sys.version.split()[0]}  {arch.describe()}  batch {BATCH}")
    print(f"{'phase':<10} {'images':>7} {'median img/s':>13} {'mean img/s':>11}")
    if args.epoch:
        engine = PythonEngine(arch, init_params(arch, seed=0))
        batches = len(data) // BATCH
        t0 = time.perf_counter()
        rates = run(engine, data, 0, batches, args.chunk * 10, progress=True)
        report("epoch", rates, batches * BATCH, time.perf_counter() - t0)
        return 0
    phases = {
        "fresh": init_params(arch, seed=0),
        "trained": numpy_trained(arch, data, args.numpy_epochs),
    }
    for phase, params in phases.items():
        engine = PythonEngine(arch, params)
        t0 = time.perf_counter()
        rates = run(engine, data, 0, args.batches, args.chunk)
        report(phase, rates, args.batches * BATCH, time.perf_counter() - t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
