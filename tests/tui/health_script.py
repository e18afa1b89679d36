"""Provides ``health_app``: the scripted run of scripted_run.py with layer-health reports every
100 steps and histograms every 500 (tui/demo/health.py), for the health screen's tests."""

from __future__ import annotations

from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.health import health_report, histograms
from tests.tui.scripted_run import scripted_run

STEPS = 2600


def with_health(events: list[ev.Event], filters: tuple[int, ...] = (8,)) -> list[ev.Event]:
    """``events`` with a health report after each batch event that crosses a multiple of 100
    steps (and histograms after each that crosses a multiple of 500)."""
    out: list[ev.Event] = []
    for event in events:
        out.append(event)
        if isinstance(event, ev.BatchesEnded):
            last, before = event.last_step, event.first_step - 1
            if last // 100 > before // 100:
                out.append(health_report(last, filters, last / STEPS))
            if last // 500 > before // 500 or before == 0:
                out.append(histograms(last, filters, last / STEPS))
    return out


def health_app() -> DashboardApp:
    trainer, events = scripted_run()
    return DashboardApp(FakeLink(with_health(events), trainer=trainer))
