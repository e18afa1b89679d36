"""Every engine refuses a ``predict`` range that leaves the data set, with the same message
(core/engines/interface.py's ``predict_stop``), and reads ``stop=None`` as "to the end"."""

from __future__ import annotations

import pytest

from cnn_tui.core.contract.config import Architecture, RunConfig
from cnn_tui.core.engines import make_engine
from tests.synthetic import blobs

ENGINES = ["reference", "python", "numpy"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("start", "stop"), [(-1, 2), (3, 2), (0, 7)])
def test_a_range_outside_the_set_is_refused(engine: str, start: int, stop: int) -> None:
    data = blobs(6, seed=1)
    net = make_engine(RunConfig(arch=Architecture(filters=1, hidden=2), engine=engine))
    with pytest.raises(ValueError, match=rf"range {start}:{stop} is outside .* \(0:6\)"):
        net.predict(data, start, stop)


@pytest.mark.parametrize("engine", ENGINES)
def test_no_stop_means_the_rest_of_the_set(engine: str) -> None:
    data = blobs(6, seed=1)
    net = make_engine(RunConfig(arch=Architecture(filters=1, hidden=2), engine=engine))
    assert len(net.predict(data, 2).predicted) == 4
    assert len(net.predict(data, 6).predicted) == 0
