"""Provides ``BucketSeries``: a per-step metric history of bounded size, decimated as it grows.

A two-hour run on the NumPy engine is millions of optimizer steps; the dashboard draws at most a
few hundred points. The series keeps at most ``capacity`` buckets of ``width`` consecutive steps
each (sum and count, so a bucket's mean is exact); when it is full, neighbouring buckets are merged
in pairs and the width doubles. Memory is fixed, appends are O(1) amortised, and reading ``n``
points is O(capacity).
"""

from __future__ import annotations

import math
from array import array


class BucketSeries:
    """Per-step values (step k, value v), kept as means over buckets of ``width`` steps."""

    def __init__(self, capacity: int = 2048) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number ≥ 2")
        self.capacity = capacity
        self.width = 1  # steps per bucket (a power of two)
        self._first = array("q")  # first step of each bucket
        self._sum = array("d")
        self._count = array("q")
        self.last_step = 0
        self.last_value = math.nan

    def __len__(self) -> int:
        return len(self._first)

    def append(self, step: int, value: float) -> None:
        """Add one step's value; non-finite values are skipped (a diverged batch has none)."""
        if not math.isfinite(value):
            return
        self.last_step, self.last_value = step, value
        if self._first and self._count[-1] < self.width and step - self._first[-1] < self.width:
            self._sum[-1] += value
            self._count[-1] += 1
            return
        if len(self._first) == self.capacity:
            self._halve()
        self._first.append(step)
        self._sum.append(value)
        self._count.append(1)

    def _halve(self) -> None:
        """Merge buckets 2i and 2i+1; the width doubles. Capacity is even, so pairs are full."""
        first, sums, counts = self._first, self._sum, self._count
        self._first = array("q", first[0::2])
        self._sum = array("d", (sums[i] + sums[i + 1] for i in range(0, len(sums), 2)))
        self._count = array("q", (counts[i] + counts[i + 1] for i in range(0, len(counts), 2)))
        self.width *= 2

    def clear(self) -> None:
        self.__init__(self.capacity)  # type: ignore[misc]

    def points(self, max_points: int) -> tuple[list[float], list[float], list[int]]:
        """At most ``max_points`` (x, mean, steps-in-point), grouping neighbouring buckets.

        x is the mean step of the group (weighted by count), so decimation never shifts a curve.
        """
        n = len(self._first)
        if n == 0 or max_points <= 0:
            return [], [], []
        group = max(1, math.ceil(n / max_points))
        xs: list[float] = []
        ys: list[float] = []
        ns: list[int] = []
        for start in range(0, n, group):
            total = 0.0
            count = 0
            x_weighted = 0.0
            for i in range(start, min(n, start + group)):
                c = self._count[i]
                total += self._sum[i]
                count += c
                # a bucket's steps run first..first+c−1; their mean is first + (c − 1) / 2
                x_weighted += (self._first[i] + (c - 1) / 2) * c
            xs.append(x_weighted / count)
            ys.append(total / count)
            ns.append(count)
        return xs, ys, ns


def ema(values: list[float], counts: list[int], strength: float) -> list[float]:
    """Exponential moving average over grouped points.

    Per step the EMA is e ← s·e + (1 − s)·v. A point that stands for n steps of mean v moves the
    average as n steps would: e ← sⁿ·e + (1 − sⁿ)·v. ``strength`` 0 returns the values unchanged.
    The start is debiased (as Adam does): e / (1 − s^t) with t the steps seen so far.
    """
    out: list[float] = []
    e = 0.0
    seen = 0
    for v, n in zip(values, counts, strict=True):
        decay = strength**n
        e = decay * e + (1.0 - decay) * v
        seen += n
        bias = 1.0 - strength**seen
        out.append(e / bias if bias > 0 else v)
    return out
