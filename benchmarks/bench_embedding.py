"""What one embedding map costs (the "embedding" extension, core/training/embedding_map.py):
the dense features, the PCA and the predictions of the mapped test digits, against the test-set
evaluation it follows, both in CPU seconds of this process (one BLAS thread), medians of the
repeats and the median of the per-repeat ratios (map / evaluation of the whole test set).

    python benchmarks/bench_embedding.py --data DIR [--engine numpy] [--size N] [--repeats 7]
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
    parser.add_argument(
        "--size", type=int, default=None, help="test digits mapped (default: the extension's)"
    )
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    from cnn_tui.tui.cli.headless import use_one_blas_thread

    use_one_blas_thread()
    from cnn_tui.core.contract.config import Hyperparameters, RunConfig
    from cnn_tui.core.data.load import load_mnist
    from cnn_tui.core.training.embedding_map import EmbeddingMap
    from cnn_tui.core.training.trainer import Trainer

    train, test = load_mnist(args.data, limit=3200)
    config = RunConfig(hyper=Hyperparameters(), epochs=1, engine=args.engine)
    evaluations: list[object] = []
    trainer = Trainer(
        config, train, test, emit=evaluations.append, batch_interval=0.1, sample_interval=None
    )
    trainer.run()  # one epoch of 100 steps: weights that are not the initial ones
    evaluated = [e for e in evaluations if type(e).__name__ == "Evaluated"][-1]
    mapper = EmbeddingMap(size=args.size)
    maps, evals = [], []
    for _ in range(args.repeats):
        start = time.process_time()
        computed = mapper.compute(trainer, evaluated)  # type: ignore[arg-type]
        maps.append(time.process_time() - start)
        start = time.process_time()
        trainer.engine.predict(test)
        evals.append(time.process_time() - start)
    ratios = [m / e for m, e in zip(maps, evals, strict=True)]
    print(f"{args.engine} engine, {len(computed.xs):,} test digits mapped, {args.repeats} repeats")
    print(f"map:        {statistics.median(maps) * 1000:,.0f} ms CPU (median)")
    print(f"evaluation: {statistics.median(evals) * 1000:,.0f} ms CPU of {len(test):,} images")
    print(f"map / evaluation: {statistics.median(ratios):.2f} (median of ratios)")


if __name__ == "__main__":
    main()
