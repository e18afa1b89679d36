"""Provides ``OverlayScreen``: the dashboard's overlay key ``o`` — other runs of the snapshot
folder drawn faint behind the live run on the loss and accuracy charts. ``o`` lists them
(overlay_runs.py) in the picker (overlay_picker.py); the chosen runs are read once and handed
down to the two charts (their ``overlays``); a run that cannot be read is a one-line notice and
the others are still drawn. ``DashboardScreen`` (screen.py) builds on this.
"""

from __future__ import annotations

from pathlib import Path

from cnn_tui.core.runs.folder import ListedRun
from cnn_tui.tui.dashboard.overlay_picker import OverlayPicker
from cnn_tui.tui.dashboard.overlay_runs import OverlaySource, load_overlays, overlay_candidates
from cnn_tui.tui.dashboard.steering import SteeringScreen
from cnn_tui.tui.widgets.charts import ChartPanel
from cnn_tui.tui.widgets.panel import Panel
from cnn_tui.tui.widgets.run_lines import RunLine

TITLE = "Overlay"


class OverlayScreen(SteeringScreen):
    """The steering screen plus the overlay of other runs (key ``o``)."""

    panels: dict[str, Panel]
    overlay_source: OverlaySource | None = None
    """Where ``o`` looks for other runs (set by the launcher); None: nowhere to look."""
    overlay_folders: tuple[Path, ...] = ()
    """The folders of the runs drawn now (checked when the picker opens again)."""

    def action_overlay(self) -> None:
        """o: pick other runs to draw behind the live one (or clear them)."""
        source = self.overlay_source
        if source is None:
            self.notify("no other runs to overlay: this run has no snapshot folder", title=TITLE)
            return
        runs, notice = overlay_candidates(source)
        if notice:
            self.notify(notice, title=TITLE)
            return
        self.app.push_screen(OverlayPicker(runs, self.overlay_folders), self._overlay_chosen)

    def _overlay_chosen(self, picked: tuple[ListedRun, ...] | None) -> None:
        if picked is None:  # escape: as it was
            return
        loaded, notices = load_overlays(picked)
        for notice in notices:
            self.notify(notice, title=TITLE, severity="warning")
        self.overlay_folders = tuple(folder for folder, _ in loaded)
        lines = tuple(line for _, line in loaded)
        self.show_overlays(lines)
        if lines:
            said = ", ".join(f"{line.tag} {line.glyph} {line.label}" for line in lines)
            self.notify(f"overlaid: {said}", title=TITLE, timeout=3)
        elif not picked:
            self.notify("overlay cleared", title=TITLE, timeout=2)

    def show_overlays(self, lines: tuple[RunLine, ...]) -> None:
        """Hand the runs down to the loss and accuracy charts (they repaint)."""
        for name in ("loss", "accuracy"):
            chart = self.panels.get(name)
            if isinstance(chart, ChartPanel):
                chart.overlays = lines
