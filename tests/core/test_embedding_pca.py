"""pca_2d against hand-computed projections (core/embedding/pca.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_tui.core.embedding.pca import pca_2d


def test_points_on_a_line_project_to_their_signed_distance_from_the_mean() -> None:
    # (0,0), (1,1), (2,2): mean (1,1), axis (1,1)/√2, coords −√2, 0, √2 and nothing on axis 2
    p = pca_2d(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))
    r = math.sqrt(2)
    assert p.coords[:, 0] == pytest.approx([-r, 0.0, r])
    assert p.coords[:, 1] == pytest.approx([0.0, 0.0, 0.0])
    assert p.axes[0] == pytest.approx([1 / r, 1 / r])
    assert p.axes[1] == pytest.approx([0.0, 0.0])  # no second direction: a zero axis
    assert p.variance == pytest.approx((4 / 3, 0.0))  # (2 + 0 + 2) / 3
    assert p.total_variance == pytest.approx(4 / 3)


def test_a_rotated_rectangle_comes_back_unrotated() -> None:
    # corners (±2, ±1) rotated by 30°: the axes are the rotated x and y, coords the corners
    corners = np.array([[2.0, 1.0], [2.0, -1.0], [-2.0, 1.0], [-2.0, -1.0]])
    c, s = math.cos(math.pi / 6), math.sin(math.pi / 6)
    rotation = np.array([[c, -s], [s, c]])
    p = pca_2d(corners @ rotation.T + [5.0, -3.0])  # and shifted: the mean comes off
    assert p.axes[0] == pytest.approx([c, s])  # rotated x; its largest component positive
    assert p.axes[1] == pytest.approx([-s, c])  # rotated y; -s < c, so c > 0 leads
    assert p.coords == pytest.approx(corners)
    assert p.variance == pytest.approx((4.0, 1.0))


def test_the_previous_axes_keep_the_map_from_flipping() -> None:
    points = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [1.0, 0.0]])
    first = pca_2d(points)
    flipped = -first.axes
    again = pca_2d(points, previous=flipped)
    assert again.axes == pytest.approx(flipped)
    assert again.coords == pytest.approx(-first.coords)


def test_one_point_or_equal_points_sit_at_the_origin() -> None:
    assert pca_2d(np.array([[3.0, 4.0, 5.0]])).coords == pytest.approx(np.zeros((1, 2)))
    p = pca_2d(np.ones((5, 3)))
    assert p.coords == pytest.approx(np.zeros((5, 2)))
    assert p.total_variance == 0.0


def test_a_shape_that_is_not_n_by_d_is_refused() -> None:
    with pytest.raises(ValueError, match="shape"):
        pca_2d(np.zeros((0, 4)))
    with pytest.raises(ValueError, match="shape"):
        pca_2d(np.zeros(4))
