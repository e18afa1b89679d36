"""What layer health costs the NumPy engine: training throughput with the "health" extension on
against off, in one process, runs alternating (off, on, on, off, off, on, …) so that the
machine's drift hits both alike and neither always goes first; medians of the repeats and the
median of the per-pair ratios.

Each run is a ``Trainer`` (as headless uses it, one BLAS thread) from the same seeded weights over
the same first ``--steps`` × batch images of the training set, plus an evaluation of 100 test
images at its end (timed in both, the same work). Timed in CPU seconds of this process (one BLAS
thread, so that is the training's own time): on a shared 2-core machine a neighbour's load then
shifts both sides less. The target: with health on, throughput drops by at most 3 %.

    python benchmarks/bench_health.py --data DIR [--steps 1500] [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data/mnist"))
    parser.add_argument("--steps", type=int, default=1500, help="steps per run")
    parser.add_argument("--repeats", type=int, default=7, help="pairs of runs (off, on)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--engine", default="numpy")
    args = parser.parse_args()

    from cnn_tui.tui.cli.headless import use_one_blas_thread

    use_one_blas_thread()
    from cnn_tui.core.contract.config import Hyperparameters, RunConfig
    from cnn_tui.core.data.load import load_mnist
    from cnn_tui.core.training.extensions import make_extensions
    from cnn_tui.core.training.trainer import Trainer

    images = args.steps * args.batch_size
    train, test = load_mnist(args.data, limit=images, test_limit=100)
    config = RunConfig(
        hyper=Hyperparameters(batch_size=args.batch_size), epochs=1, engine=args.engine
    )
    counts: dict[bool, list[int]] = {False: [0], True: [0]}

    def run(health: bool) -> float:
        """Images per CPU second of one run."""

        def emit(event: object) -> None:
            counts[health][0] += type(event).__name__ in ("HealthMeasured", "HistogramsMeasured")

        trainer = Trainer(
            config,
            train,
            test,
            emit=emit,
            batch_interval=0.1,
            sample_interval=None,
            extensions=make_extensions(("health",) if health else ()),
        )
        start = time.process_time()  # this process's CPU time: a busy neighbour adds no wait
        trainer.run()
        return images / (time.process_time() - start)

    run(False)  # warm-up: buffers, caches
    off, on = [], []
    for i in range(args.repeats):  # ABBA: off-on, then on-off, so neither always goes first
        if i % 2:
            on.append(run(True))
            off.append(run(False))
        else:
            off.append(run(False))
            on.append(run(True))
    ratios = [b / a for a, b in zip(off, on, strict=True)]
    print(
        f"{args.engine} engine, batch {args.batch_size}, {args.steps} steps per run, "
        f"{args.repeats} pairs"
    )
    print(
        f"health off: {statistics.median(off):,.0f} images per CPU s (median; "
        f"{min(off):,.0f}–{max(off):,.0f})"
    )
    print(
        f"health on:  {statistics.median(on):,.0f} images per CPU s (median; "
        f"{min(on):,.0f}–{max(on):,.0f})"
    )
    print(
        f"on / off: {statistics.median(ratios):.3f} (median of the pairs' ratios; "
        f"{min(ratios):.3f}–{max(ratios):.3f}), ratio of medians "
        f"{statistics.median(on) / statistics.median(off):.3f}"
    )
    print(
        f"health events per run with health on: {counts[True][0] // args.repeats}; "
        f"off: {counts[False][0]}"
    )


if __name__ == "__main__":
    main()
