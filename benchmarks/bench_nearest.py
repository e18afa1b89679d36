"""What the nearest training digits cost (core/nearest/index.py): the first search after an
evaluation (the dense features of every searched training digit, then the search) and a cached
search (the query's features and the search alone), in wall-clock seconds with one BLAS thread,
medians over the repeats. The weights are those of a short run (100 steps), not the initial ones.

    python benchmarks/bench_nearest.py --data DIR [--engine numpy] [--repeats 5] [--queries 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data/mnist"))
    parser.add_argument("--engine", default="numpy")
    parser.add_argument("--repeats", type=int, default=5, help="first searches timed")
    parser.add_argument("--queries", type=int, default=50, help="cached searches per repeat")
    args = parser.parse_args()

    from cnn_tui.tui.cli.headless import use_one_blas_thread

    use_one_blas_thread()
    from cnn_tui.core.contract.config import Hyperparameters, RunConfig
    from cnn_tui.core.data.load import load_mnist
    from cnn_tui.core.engines import make_engine
    from cnn_tui.core.nearest.index import NearestIndex

    train, test = load_mnist(args.data)
    config = RunConfig(hyper=Hyperparameters(lr=0.05), engine=args.engine)
    engine = make_engine(config)
    for step in range(100):  # weights that have learned something
        engine.train_batch(train, range(32 * step, 32 * step + 32), config.hyper)
    firsts, cached = [], []
    for repeat in range(args.repeats):
        index = NearestIndex(make_engine(config, engine.get_params()), train, step=100)
        start = time.perf_counter()
        found = index.answer(test, repeat)
        firsts.append(time.perf_counter() - start)
        for q in range(args.queries):
            start = time.perf_counter()
            index.answer(test, (repeat * args.queries + q) % len(test))
            cached.append(time.perf_counter() - start)
    features = index.features()
    print(
        f"{args.engine} engine, {found.searched:,} of {found.train_size:,} training digits "
        f"searched, {found.hidden} features each ({features.nbytes / 1e6:.0f} MB, "
        f"{features.dtype})"
    )
    print(
        f"first search (features + search): {statistics.median(firsts):.2f} s median of "
        f"{args.repeats} ({min(firsts):.2f}–{max(firsts):.2f})"
    )
    print(
        f"cached search: {statistics.median(cached) * 1000:.1f} ms median of {len(cached)} "
        f"({min(cached) * 1000:.1f}–{max(cached) * 1000:.1f})"
    )


if __name__ == "__main__":
    main()
