"""Provides the dense layers' weight gradients over a batch: ∂L/∂W1 and ∂L/∂W2, formed once per
batch from what each image's backward pass kept (``Network.backward`` returns ∂L/∂z1).

∂L/∂W = Σ_images ∂L/∂z ⊗ x is a sum of outer products: ``outer_product_sum`` forms it in packed
fixed-point lanes (≈ 1e-9 relative error; lanes/outer_products.py), or in float64 when ``exact``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress

from cnn_tui.core.engines.python.lanes.outer_products import (
    PackedRows,
    outer_product_sum,
    outer_product_sum_float,
    outer_product_totals,
)

Record = tuple[list[int], list[float], list[float]]
"""What one image leaves for ∂L/∂W1: (indices k with xd_k ≠ 0, those xd_k, ∂L/∂z1)."""
SparseVector = tuple[Sequence[int], Sequence[float]]  # (indices, values); zero elsewhere


def dense1_weight_grad(
    records: list[Record],
    features: int,
    base: list[float],
    grad_bias: list[float],
    exact: bool = False,
) -> list[list[float]]:
    """∂L/∂W1 = Σ_images ∂L/∂z1 ⊗ x, as H rows of F, from the batch's ``records``.

    x = base + xd, so Σ_n g_n ⊗ x_n = Σ_n g_n ⊗ xd_n + (Σ_n g_n) ⊗ base, and Σ_n g_n is the batch's
    ∂L/∂b1 (``grad_bias``): the background is one more term of the same sum, with a dense vector
    (base_c repeated over channel c's windows).
    """
    lefts, rights = _dense1_terms(records, features, base, grad_bias)
    if exact:
        return outer_product_sum_float(lefts, rights, features)
    return outer_product_sum(lefts, rights, features)


def dense1_weight_totals(
    records: list[Record],
    features: int,
    base: list[float],
    grad_bias: list[float],
    unit: float,
) -> PackedRows | None:
    """∂L/∂W1 as packed rows (T_j, m_j), row j = T_j / (unit·2^m_j) (``outer_product_totals``;
    see ``dense1_weight_grad`` for the sum); None if an input is not finite."""
    lefts, rights = _dense1_terms(records, features, base, grad_bias)
    return outer_product_totals(lefts, rights, features, unit)


def _dense1_terms(
    records: list[Record],
    features: int,
    base: list[float],
    grad_bias: list[float],
) -> tuple[list[Sequence[float]], list[SparseVector]]:
    """The (∂L/∂z1, sparse x) pairs whose outer products sum to ∂L/∂W1, background included."""
    lefts: list[Sequence[float]] = [grad_z1 for _, _, grad_z1 in records]
    rights: list[SparseVector] = [(nonzero, values) for nonzero, values, _ in records]
    if any(base):
        per_channel = features // len(base)
        lefts.append(grad_bias)
        rights.append((range(features), [b for b in base for _ in range(per_channel)]))
    return lefts, rights


def dense2_weight_grad(
    grad_logits: list[list[float]], hiddens: list[list[float]], exact: bool = False
) -> list[list[float]]:
    """∂L/∂W2 = Σ_images ∂L/∂logits ⊗ h, as 10 rows of H, in lanes (or floats when ``exact``)."""
    width = len(hiddens[0]) if hiddens else 0
    # h = ReLU(z1) is about half zeros: keep its non-zero entries only
    rights = [(list(compress(range(width), h)), list(compress(h, h))) for h in hiddens]
    if exact:
        return outer_product_sum_float(grad_logits, rights, width)
    return outer_product_sum(grad_logits, rights, width)
