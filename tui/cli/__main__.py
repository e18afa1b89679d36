"""Provides ``python -m cnn_tui.tui.cli``: the same as the ``cnn-tui`` command."""

from __future__ import annotations

import sys

from cnn_tui.tui.cli.main import main

sys.exit(main())
