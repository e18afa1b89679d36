"""Provides a stand-alone demo: the dashboard over ``FakeLink`` (``tui/demo/fake_link.py``) with a
``SyntheticTrainer`` training in real time behind it (no network, no data, no second process).

    python -m cnn_tui.tui.demo [--speed STEPS_PER_S] [--filters 8[,16]] [--paused] [--seed N]

Handy for trying the dashboard, tmux/screenshot checks and snapshot apps. Raising the learning
rate to 1 or more (press + a few times) makes the synthetic run diverge.
"""

from __future__ import annotations

import argparse
import math

from cnn_tui.tui.demo.embedding import demo_image
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import SyntheticTrainer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m cnn_tui.tui.demo", description=__doc__)
    parser.add_argument("--speed", type=float, default=60.0, help="synthetic steps per second")
    parser.add_argument("--filters", default="8", help="filters per conv layer, e.g. 8 or 8,16")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--paused", action="store_true", help="start paused")
    args = parser.parse_args(argv)
    try:
        filters = tuple(int(f) for f in args.filters.split(","))
    except ValueError:
        parser.error(f"--filters {args.filters!r} is not a list of whole numbers")
    if not (math.isfinite(args.speed) and args.speed > 0):
        parser.error(f"--speed {args.speed:g} is not a number of steps per second above 0")
    if args.epochs < 1:
        parser.error(f"--epochs {args.epochs} is not a whole number of 1 or more")
    from cnn_tui.tui.dashboard.app import DashboardApp  # Textual only once the arguments are fine

    trainer = SyntheticTrainer(
        seed=args.seed, filters=filters, epochs=args.epochs, paused=args.paused
    )
    link = FakeLink([trainer.started(), trainer.sample()], trainer=trainer, steps_per_s=args.speed)
    app = DashboardApp(link, title="cnn-tui demo")
    app.dashboard.test_images = demo_image  # p: the map's digits, drawn (demo/embedding.py)
    app.run()


if __name__ == "__main__":
    main()
