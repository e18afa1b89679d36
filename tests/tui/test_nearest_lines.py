"""The nearest digits' row as text (tui/inspector/nearest_lines.py): the summary, the captions,
a bounded search said so, a digit the network has right, the dead-features note, and the row
fitted to the width."""

from __future__ import annotations

from cnn_tui.core.contract.nearest_events import NearestFound
from cnn_tui.core.data.dataset import PIXELS
from cnn_tui.tui.inspector.nearest_lines import nearest_lines
from cnn_tui.tui.inspector.nearest_source import NoNeighbours
from cnn_tui.tui.render.halfblock import Line


def text(lines: list[Line]) -> str:
    return "\n".join("".join(s.text for s in line) for line in lines)


def found(labels: tuple[int, ...], *, searched: int = 60000, norm: float = 4.0) -> NearestFound:
    n = len(labels)
    return NearestFound(
        step=1234,
        test_index=9,
        indices=tuple(range(100, 100 + n)),
        labels=labels,
        distances=tuple(1.5 + i for i in range(n)),
        images=(bytes(PIXELS),) * n,
        searched=searched,
        train_size=60000,
        hidden=128,
        query_norm=norm,
        seconds=0.5,
    )


def test_the_row_counts_the_answer_and_the_label_and_captions_each_digit() -> None:
    shown = text(nearest_lines(found((7, 7, 3, 7, 1)), label=3, predicted=7, width=120))
    assert "it said 7: its features are closest to these training digits" in shown
    assert "3 of 5 are 7 · 1 is 3 (true)" in shown
    assert "d 1.5 #100" in shown and "d 5.5 #104" in shown
    assert "among all 60,000 training digits" in shown and "weights of step 1,234" in shown
    assert "every dense1 unit is off" not in shown


def test_a_bounded_search_says_how_far_it_went() -> None:
    shown = text(nearest_lines(found((1,) * 5, searched=1000), label=3, predicted=7, width=120))
    assert "among the first 1,000 of 60,000 training digits" in shown


def test_a_digit_it_has_right_is_not_counted_twice() -> None:
    shown = text(nearest_lines(found((7, 7, 7, 1, 7)), label=7, predicted=7, width=120))
    assert "4 of 5 are 7" in shown and "(true)" not in shown


def test_all_zero_features_are_said_in_words() -> None:
    shown = text(nearest_lines(found((0,) * 5, norm=0.0), label=5, predicted=4, width=120))
    assert "every dense1 unit is off for this digit" in shown
    assert "from the last layer's biases alone" in shown


def test_names_and_images_for_a_named_set() -> None:
    names = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker")
    names += ("Bag", "Ankle boot")
    shown = text(nearest_lines(found((7, 5)), label=5, predicted=7, width=120, names=names))
    assert "it said Sneaker: its features are closest to these training images" in shown
    assert "1 of 2 are Sneaker · 1 is Sandal (true)" in shown


def test_five_fit_in_78_cells_and_fewer_in_less() -> None:
    rows = nearest_lines(found((1,) * 5), label=3, predicted=7, width=78)
    captions = text(rows).splitlines()
    assert any(line.count("#1") == 5 for line in captions)  # #100 … #104
    assert all(len(line) <= 78 for line in captions)
    narrow = text(nearest_lines(found((1,) * 5), label=3, predicted=7, width=40)).splitlines()
    assert any(line.count("#10") == 2 for line in narrow)


def test_computing_keeps_the_row_s_height_and_a_refusal_says_why() -> None:
    waiting = nearest_lines(None, label=3, predicted=7, width=100)
    assert "computing…" in text(waiting)
    assert len(waiting) == len(nearest_lines(found((1,) * 5), label=3, predicted=7, width=100))
    refused = text(nearest_lines(NoNeighbours(9, "read-only"), label=3, predicted=7, width=100))
    assert "nearest training digits: none" in refused and "read-only" in refused
    absent = text(nearest_lines(None, label=3, predicted=7, width=100, offered=False))
    assert "not offered here" in absent
