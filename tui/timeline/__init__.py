"""The dashboard's timeline (``t``): the run's snapshots on its loss curve; branch a new run from
one with other hyperparameters, or start a run with another architecture.

    screen.py   TimelineScreen: the strip, the table of snapshots, the keys
    strip.py    SnapshotStrip: the loss curve with the snapshots marked
    form.py     CheckedForm: several typed values, each checked as typed
    forms.py    the branch form and the architecture form, and their requests
"""

from cnn_tui.tui.timeline.screen import TimelineScreen

__all__ = ["TimelineScreen"]
