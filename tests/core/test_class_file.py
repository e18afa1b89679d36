"""``classes.txt``: read when present, the set's names when absent, refused in one line when
it breaks a rule (wrong count, empty line, too long, control character, not UTF-8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_tui.core.contract.class_names import class_name, fit_name, names_width
from cnn_tui.core.data.class_file import NAME_MAX, read_class_names
from cnn_tui.core.data.errors import DataError

TEN = [f"class {i}" for i in range(10)]


def test_names_are_read_line_by_line(tmp_path: Path) -> None:
    (tmp_path / "classes.txt").write_text("\r\n".join(["  cat "] + TEN[1:]) + "\r\n")
    assert read_class_names(tmp_path, ("x",) * 10) == ("cat", *TEN[1:])


def test_no_file_means_the_sets_own_names(tmp_path: Path) -> None:
    assert read_class_names(tmp_path, ("a",) * 10) == ("a",) * 10


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("\n".join(TEN[:9]) + "\n", "has 9 lines, needs 10"),
        ("\n".join(TEN + ["extra"]), "has 11 lines, needs 10"),
        ("\n".join(TEN[:4] + [""] + TEN[5:]), "line 5 is empty — give label 4 a name"),
        (
            "\n".join(["x" * (NAME_MAX + 1)] + TEN[1:]),
            f"line 1 is 25 characters long, at most {NAME_MAX}",
        ),
        ("\n".join(TEN[:2] + ["a\tb"] + TEN[3:]), "line 3 holds a control character"),
        ("", "has 1 lines, needs 10"),
    ],
)
def test_a_bad_file_is_refused_in_one_line(tmp_path: Path, content: str, says: str) -> None:
    (tmp_path / "classes.txt").write_text(content)
    with pytest.raises(DataError) as caught:
        read_class_names(tmp_path, ())
    assert says in str(caught.value)
    assert "classes.txt" in str(caught.value) and "\n" not in str(caught.value)


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    (tmp_path / "classes.txt").write_bytes(b"\xff\xfe" + b"\n".join(b"a" for _ in range(10)))
    with pytest.raises(DataError, match="not UTF-8"):
        read_class_names(tmp_path, ())


def test_labels_become_names_and_long_names_are_shortened() -> None:
    assert class_name((), 7) == "7"  # MNIST: the digit itself
    assert class_name(("a", "Sneaker"), 1) == "Sneaker"
    assert fit_name("Ankle boot", 6) == "Ankle…"
    assert fit_name("Bag", 6) == "Bag   "
    assert fit_name("Bag", 0) == ""
    assert names_width(("Bag", "Ankle boot"), 8) == 8
    assert names_width(("o", "ki"), 8) == 2
