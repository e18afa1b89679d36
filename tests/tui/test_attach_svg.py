"""SVG snapshots of the dashboard in viewer mode (``cnn-tui attach``): the scripted run seen
through a link that says it is a viewer — read-only (the warning banner) at 80×24 and 120×36,
and with the token (the steering banner, ``X`` in the footer) at 80×24. A real served run is not
deterministic (timings, images/s), so the stream is scripted; tests/tui/test_attach_viewer.py
drives the real one."""

from __future__ import annotations

import pytest

from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from tests.tui.scripted_run import scripted_run


class ViewerLink(FakeLink):
    """The scripted run as an attached viewer sees it (the attributes ``RemoteLink`` has)."""

    viewer = True
    run_name = "mnist-c8"
    where = "snapshots/20261207-120000_mnist-c8/serve.sock"

    def __init__(self, *, steer: bool) -> None:
        trainer, events = scripted_run()
        super().__init__(events, trainer=trainer)
        self.steer = steer


async def settle(pilot) -> None:  # noqa: ANN001
    await pilot.pause(0.15)
    pilot.app.dashboard.repaint_all()
    await pilot.pause(0.05)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_read_only_viewer(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    app = DashboardApp(ViewerLink(steer=False), title="cnn-tui · mnist-c8")
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_steering_viewer(snap_compare) -> None:  # noqa: ANN001
    app = DashboardApp(ViewerLink(steer=True), title="cnn-tui · mnist-c8")
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
