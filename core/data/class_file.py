"""Provides ``read_class_names``: the class names of a data folder — its ``classes.txt`` when it
has one, else those of the data set it was chosen for.

``classes.txt`` is UTF-8 text, one name per line, line i naming label i: exactly ten lines, none
empty, none longer than ``NAME_MAX`` characters, no control characters (a final newline is fine).
Anything else is refused with one line naming the file, the line and the rule.
"""

from __future__ import annotations

from pathlib import Path

from cnn_tui.core.data.errors import DataError, show_path
from cnn_tui.core.data.sets import CLASS_COUNT

CLASS_FILE = "classes.txt"
NAME_MAX = 24
"""Longest class name accepted: views shorten what does not fit their column (``…``)."""
FILE_MAX = 4096  # ten names of 24 characters fit many times over; more is not a class list


def read_class_names(folder: Path, default: tuple[str, ...]) -> tuple[str, ...]:
    """The names in ``folder/classes.txt``, checked; ``default`` when the folder has none.

    Raises:
        DataError: the file cannot be read or breaks a rule (one line: which file, line, rule).
    """
    path = folder / CLASS_FILE
    if not path.exists():
        return default
    where = show_path(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(FILE_MAX + 1)
    except OSError as exc:
        raise DataError(f"{where}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > FILE_MAX:
        raise DataError(f"{where} is larger than {FILE_MAX} bytes — it should hold ten names")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{where} is not UTF-8 text — save it as UTF-8") from None
    lines = text.removesuffix("\n").split("\n")
    names = tuple(line.removesuffix("\r").strip() for line in lines)
    if len(names) != CLASS_COUNT:
        raise DataError(
            f"{where} has {len(names)} lines, needs {CLASS_COUNT} (one name per label 0–9)"
        )
    for number, name in enumerate(names, start=1):
        if not name:
            raise DataError(f"{where} line {number} is empty — give label {number - 1} a name")
        if len(name) > NAME_MAX:
            raise DataError(
                f"{where} line {number} is {len(name)} characters long, at most {NAME_MAX} allowed"
            )
        if not name.isprintable():
            raise DataError(f"{where} line {number} holds a control character — remove it")
    return names
