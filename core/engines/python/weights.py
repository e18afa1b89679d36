"""Provides ``Weights`` and ``Velocity``: the python engine's parameters and momentum buffers,
each held in exactly one form.

Vectors (conv kernels, flat C_out·C_in·3·3, and every bias) and matrices (the dense weights, as
rows) are plain lists of Python floats (float64). dense1's 173k numbers have a second form each,
used *instead of* the rows, never beside them:

* ``Weights``: while plain SGD trains the one-conv network, dense1.weight is ``lanes``, W0 + the
  exact sum of the steps since, in fixed-point lanes (lanes/lane_weights.py). Its floats are formed
  from it when read (``matrix``), and the next float update puts them back in lanes.
* ``Velocity``: right after such a step, dense1's velocity is v = g, still the step's packed
  totals (``packed_step``); the floats are formed from them when read, once.
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

import math

from cnn_tui.core.engines.params import FlatParams, ParamShapes
from cnn_tui.core.engines.python.lanes.lane_weights import LaneWeights
from cnn_tui.core.engines.python.lanes.outer_products import PackedRows, totals_to_floats
from cnn_tui.core.engines.python.lanes.packed_matrix import PackedMatrix

Vector = list[float]
Rows = list[list[float]]
DENSE1 = "dense1.weight"
MATRICES = (DENSE1, "dense2.weight")  # held as lists of rows; every other parameter is a Vector


class Tensors:
    """Every parameter's numbers by canonical name (params.py): vectors, and matrices as rows."""

    def __init__(self, shapes: ParamShapes, flat: FlatParams, what: str) -> None:
        """From the flat row-major lists of ``flat``; ValueError names a missing or
        wrong-sized ``what`` ("parameter", "velocity")."""
        self.shapes = shapes
        self.vectors: dict[str, Vector] = {}
        self.rows: dict[str, Rows] = {}
        for name, shape in shapes.items():
            values = flat.get(name)
            size = math.prod(shape)
            if values is None or len(values) != size:
                got = "missing" if values is None else f"{len(values)} values"
                raise ValueError(f"{what} {name}: expected {size} values {shape}, got {got}")
            floats = [float(v) for v in values]
            if name in MATRICES:
                width = shape[1]
                self.rows[name] = [floats[r * width : (r + 1) * width] for r in range(shape[0])]
            else:
                self.vectors[name] = floats

    def matrix(self, name: str) -> Rows:
        """The rows of matrix ``name``."""
        return self.rows[name]

    def set_matrix(self, name: str, rows: Rows) -> None:
        self.rows[name] = rows

    def to_flat(self) -> FlatParams:
        """Every parameter as a flat row-major list, in canonical order."""
        return {
            name: [v for row in self.matrix(name) for v in row]
            if name in MATRICES
            else list(self.vectors[name])
            for name in self.shapes
        }


class Weights(Tensors):
    """The parameters; dense1.weight in lanes while ``lanes`` is set (``lanes_allowed``: one conv
    layer — after a second one dense1's input is small and dense, and floats keep it exact)."""

    def __init__(self, shapes: ParamShapes, flat: FlatParams, lanes_allowed: bool) -> None:
        super().__init__(shapes, flat, "parameter")
        self.lanes_allowed = lanes_allowed
        self.lanes: LaneWeights | None = None
        self.set_matrix(DENSE1, self.rows[DENSE1])

    def matrix(self, name: str) -> Rows:
        """The rows of matrix ``name`` (dense1's formed from its lanes, if it is there)."""
        if name == DENSE1 and self.lanes is not None:
            return self.lanes.rows()
        return self.rows[name]

    def set_matrix(self, name: str, rows: Rows) -> None:
        """New rows for matrix ``name``; dense1's go into lanes when they fit a lane's scale."""
        if name == DENSE1 and self.lanes_allowed and LaneWeights.can_hold(rows):
            self.rows.pop(DENSE1, None)
            if self.lanes is None:
                self.lanes = LaneWeights(rows)
            else:
                self.lanes.reset(rows)
            return
        if name == DENSE1:
            self.lanes = None
        self.rows[name] = rows

    def dense1_for_products(self) -> PackedMatrix | Rows:
        """dense1's weights in the form the training network multiplies by: packed while in
        lanes, else the float rows."""
        return self.lanes.matrix if self.lanes is not None else self.rows[DENSE1]


class Velocity(Tensors):
    """The momentum buffers; dense1's is the last plain step's packed totals while
    ``packed_step`` is set."""

    def __init__(self, shapes: ParamShapes, flat: FlatParams) -> None:
        super().__init__(shapes, flat, "velocity")
        self.packed_step: tuple[PackedRows, float] | None = None  # (totals, unit)

    def set_packed_step(self, totals: PackedRows, unit: float) -> None:
        """v = g of a plain SGD step whose gradient is row j = T_j / (unit·2^m_j)."""
        self.rows.pop(DENSE1, None)
        self.packed_step = (totals, unit)

    def matrix(self, name: str) -> Rows:
        """The rows of matrix ``name`` (dense1's formed, once, from a packed step)."""
        if name == DENSE1 and self.packed_step is not None:
            totals, unit = self.packed_step
            width = self.shapes[DENSE1][1]
            self.rows[DENSE1] = totals_to_floats(totals, width, 1 / unit)  # v = T_j/(unit·2^m_j)
            self.packed_step = None
        return self.rows[name]

    def set_matrix(self, name: str, rows: Rows) -> None:
        if name == DENSE1:
            self.packed_step = None
        self.rows[name] = rows
