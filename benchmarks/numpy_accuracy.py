"""Train the NumPy engine on real MNIST and print test accuracy after every epoch.

Uses the trainer's own data order (``data_order(seed, epoch, size)``), so the numbers are what the
app reaches with the same settings. One BLAS thread, as the trainer uses.

    python benchmarks/numpy_accuracy.py --data DIR --epochs 5
    python benchmarks/numpy_accuracy.py --epochs 5 --momentum 0.9 --filters 16 --filters2 32
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy is imported
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig  # noqa: E402
from cnn_tui.core.data.load import load_mnist  # noqa: E402
from cnn_tui.core.engines import make_engine  # noqa: E402
from cnn_tui.core.training.data_order import data_order  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data"))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--momentum", type=float, default=0.0)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--filters", type=int, default=8)
    parser.add_argument("--filters2", type=int, default=0)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--precision", choices=("float32", "float64"), default="float32")
    args = parser.parse_args()

    config = RunConfig(
        arch=Architecture(args.filters, args.filters2, args.hidden),
        hyper=Hyperparameters(args.lr, args.momentum, args.weight_decay, args.batch_size),
        epochs=args.epochs,
        seed=args.seed,
        precision=args.precision,
    )
    train, test = load_mnist(args.data)
    engine = make_engine(config)
    labels = np.frombuffer(test.labels, np.uint8)
    print(f"{config.arch.describe()}  {config.hyper}  seed {config.seed}  {config.precision}")
    for epoch in range(1, config.epochs + 1):
        order = data_order(config.seed, epoch, len(train))
        start = time.perf_counter()
        losses = []
        size = config.hyper.batch_size
        for lo in range(0, len(order), size):
            losses.append(engine.train_batch(train, order[lo : lo + size], config.hyper).loss)
        seconds = time.perf_counter() - start
        predictions = engine.predict(test)
        accuracy = float(np.mean(np.array(predictions.predicted) == labels))
        print(
            f"epoch {epoch}: train loss {np.mean(losses):.4f}  test loss {predictions.loss:.4f}  "
            f"test accuracy {accuracy:.2%}  "
            f"({seconds:.1f} s, {len(order) / seconds:,.0f} images/s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
