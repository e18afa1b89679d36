"""Class names fitted to a column: padded, or cut with an ellipsis right after a letter."""

from __future__ import annotations

import pytest

from cnn_tui.core.contract.class_names import class_name, fit_name


@pytest.mark.parametrize(
    ("name", "width", "fitted"),
    [
        ("Bag", 5, "Bag  "),
        ("Sneaker", 7, "Sneaker"),
        ("Ankle boot", 7, "Ankle… "),  # no space left before the ellipsis
        ("T-shirt/top", 3, "T-…"),
        ("Coat", 1, "…"),
        ("Coat", 0, ""),
    ],
)
def test_fit_name(name: str, width: int, fitted: str) -> None:
    assert fit_name(name, width) == fitted
    assert len(fit_name(name, width)) == max(width, 0)


def test_class_name_falls_back_to_the_digit() -> None:
    assert class_name(("zero", "one"), 1) == "one"
    assert class_name((), 7) == "7"
    assert class_name(("zero",), 4) == "4"
