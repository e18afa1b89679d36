"""Provides the array types of the reference engine (nested lists of floats) and their reshaping.

A shape is written outermost first, as in NumPy: a ``Maps`` of shape (C, H, W) is a list of C
channels, each a list of H rows of W floats; ``maps[c][i][j]`` is row i, column j of channel c.
"""

from __future__ import annotations

Vector = list[float]  # (n,)
Matrix = list[list[float]]  # (rows, columns): a dense layer's weights, (out, in)
Maps = list[list[list[float]]]  # (C, H, W): feature maps, channels first
Kernels = list[list[list[list[float]]]]  # (C_out, C_in, 3, 3): a conv layer's weights


def to_matrix(flat: Vector, rows: int, columns: int) -> Matrix:
    """(rows·columns,) row-major → (rows, columns)."""
    return [flat[r * columns : (r + 1) * columns] for r in range(rows)]


def to_maps(flat: Vector, channels: int, height: int, width: int) -> Maps:
    """(C·H·W,) in CHW order → (C, H, W)."""
    return [
        to_matrix(flat[c * height * width : (c + 1) * height * width], height, width)
        for c in range(channels)
    ]


def to_kernels(flat: Vector, out_channels: int, in_channels: int) -> Kernels:
    """(C_out·C_in·9,) row-major → (C_out, C_in, 3, 3)."""
    size = in_channels * 9
    return [
        to_maps(flat[o * size : (o + 1) * size], in_channels, 3, 3) for o in range(out_channels)
    ]


def flat_matrix(m: Matrix) -> Vector:
    """(rows, columns) → (rows·columns,) row-major."""
    return [v for row in m for v in row]


def flat_maps(maps: Maps) -> Vector:
    """(C, H, W) → (C·H·W,) in CHW order."""
    return [v for channel in maps for row in channel for v in row]


def flat_kernels(kernels: Kernels) -> Vector:
    """(C_out, C_in, 3, 3) → (C_out·C_in·9,) row-major."""
    return [v for kernel in kernels for v in flat_maps(kernel)]


def zeros_maps(channels: int, height: int, width: int) -> Maps:
    """A (C, H, W) of zeros."""
    return [[[0.0] * width for _ in range(height)] for _ in range(channels)]


def add(a: Vector, b: Vector) -> Vector:
    """a + b, element by element: (n,) + (n,) → (n,)."""
    return [x + y for x, y in zip(a, b, strict=True)]
