"""The python engine holds each weight in one form: dense1's weights either as float rows or as
a sum of steps in lanes, its velocity either as rows or as the last plain step's packed totals —
never both — and whichever form holds them, what the engine reports is the same numbers."""

from __future__ import annotations

import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters
from cnn_tui.core.engines.params import init_params
from cnn_tui.core.engines.python import PythonEngine
from cnn_tui.core.engines.python.weights import DENSE1
from tests.core.python_engine_checks import TINY_TWO_CONV, make_images

ONE_CONV = Architecture(filters=3, hidden=12)
PLAIN, MOMENTUM = Hyperparameters(lr=0.05), Hyperparameters(lr=0.05, momentum=0.9)


def forms(engine: PythonEngine) -> tuple[bool, bool, bool, bool]:
    """(weights in lanes, weights as rows, velocity packed, velocity as rows)."""
    weights, velocity = engine._weights, engine._velocity
    return (
        weights.lanes is not None,
        DENSE1 in weights.rows,
        velocity.packed_step is not None,
        DENSE1 in velocity.rows,
    )


def test_plain_sgd_keeps_dense1_in_lanes_and_its_velocity_packed_until_read() -> None:
    data = make_images(8, seed=1)
    engine = PythonEngine(ONE_CONV, init_params(ONE_CONV, seed=2))
    assert forms(engine) == (True, False, False, True)  # fresh: lanes, zero velocity rows
    engine.train_batch(data, range(4), PLAIN)
    assert forms(engine) == (True, False, True, False)
    lanes = engine._weights.lanes
    assert lanes is not None
    lanes_rows = lanes.rows()
    flat = engine.get_params()[DENSE1]
    assert flat == [v for row in lanes_rows for v in row]  # read from the lanes, not a copy
    velocity = engine.get_velocity()[DENSE1]  # forms the floats, once
    assert forms(engine) == (True, False, False, True)
    assert engine.get_velocity()[DENSE1] == velocity


def test_a_momentum_step_reads_both_forms_and_puts_the_weights_back_in_lanes() -> None:
    data = make_images(8, seed=3)
    engine, copy = (PythonEngine(ONE_CONV, init_params(ONE_CONV, seed=4)) for _ in range(2))
    for one in (engine, copy):
        one.train_batch(data, range(4), PLAIN)
    plain_velocity = copy.get_velocity()[DENSE1]  # v = g of the plain step, formed in the copy
    before = copy.get_params()[DENSE1]
    twin = PythonEngine(ONE_CONV, copy.get_params())
    twin.set_velocity(copy.get_velocity())  # the same numbers, given as floats
    assert forms(engine)[2]  # the engine's velocity is still the packed step
    engine.train_batch(data, range(4, 8), MOMENTUM)
    twin.train_batch(data, range(4, 8), MOMENTUM)
    assert forms(engine) == (True, False, False, True)
    assert engine.get_params()[DENSE1] != before
    # (the twin rounds its lanes afresh from the floats: within the lanes' ≈ 1e-7 of each other)
    assert engine.get_velocity()[DENSE1] == pytest.approx(
        twin.get_velocity()[DENSE1], rel=1e-5, abs=1e-9
    )
    assert engine.get_params()[DENSE1] == pytest.approx(
        twin.get_params()[DENSE1], rel=1e-7, abs=1e-10
    )
    assert plain_velocity != engine.get_velocity()[DENSE1]


def test_two_conv_layers_keep_dense1_as_float_rows() -> None:
    data = make_images(4, seed=5)
    engine = PythonEngine(TINY_TWO_CONV, init_params(TINY_TWO_CONV, seed=6))
    engine.train_batch(data, range(4), PLAIN)
    assert forms(engine) == (False, True, False, True)


def test_weights_that_no_lane_can_scale_stay_as_float_rows() -> None:
    params = init_params(ONE_CONV, seed=7)
    params[DENSE1] = [v * 1e-300 for v in params[DENSE1]]
    engine = PythonEngine(ONE_CONV, params)
    assert forms(engine)[:2] == (False, True)
    assert engine.get_params()[DENSE1] == params[DENSE1]
