"""Provides ``NearestFound``: the training digits nearest to one test digit (core → UI).

Past tense, frozen, ints/floats/str/bytes/tuples only, like every event (events.py lists it in
``Event``). The answer to ``FindNearest`` (commands.py), sent by the "nearest" trainer extension;
``cnn-tui inspect`` makes the same event in-process (core/nearest/index.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NearestFound:
    """The ``len(indices)`` training digits whose dense-layer features are closest (Euclidean)
    to those of test digit ``test_index``, nearest first, all under the weights of ``step``."""

    step: int  # the weights the features are from (the query's and the training digits')
    test_index: int
    indices: tuple[int, ...]  # positions in the training set
    labels: tuple[int, ...]  # their true classes
    distances: tuple[float, ...]  # ‖h(train) − h(test)‖₂, in feature units
    images: tuple[bytes, ...]  # 784 uint8 pixels each, row-major
    searched: int  # the first ``searched`` training digits were searched
    train_size: int  # of this many (equal with the numpy and torch engines)
    hidden: int  # features per digit (the dense layer's units)
    query_norm: float  # ‖h(test)‖₂: 0 when every dense unit is off for the test digit
    seconds: float  # time taken: the training features (if computed for this answer) + search
