"""Provides ``build_engine``: a saved network in the engine the inspector evaluates it with.

The evaluation itself is the trainer's (``core/training/evaluation.py``: the whole test set in
chunks, so a progress bar can follow). Pure Python, no Textual: the app runs both in a worker
thread.
"""

from __future__ import annotations

from dataclasses import replace

from cnn_tui.core.contract.config import ConfigError
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.engines import Engine, make_engine, missing_engine


class InspectError(Exception):
    """The network could not be built or evaluated; the message is one line."""


def build_engine(state: RunState, engine: str | None) -> Engine:
    """The snapshot's network in engine ``engine`` (None: the engine it was trained with)."""
    try:
        config = replace(state.config, engine=engine) if engine else state.config
        problem = missing_engine(config.engine)
        if problem:
            raise InspectError(f"{problem} (or open it with --engine numpy)")
        return make_engine(config, state.params)
    except ConfigError as error:
        raise InspectError(str(error)) from None
    except ImportError as error:
        name = engine or state.config.engine
        raise InspectError(f"the {name} engine is not available here ({error})") from None
    except ValueError as error:
        raise InspectError(f"the snapshot's weights do not fit its network: {error}") from None
