"""The UI tests' shared fixture: ``snap_compare`` with still cursors.

A focused ``Input`` blinks its cursor on a 0.5 s wall-clock timer, so which phase a screenshot
catches depends on how fast the machine got through ``run_before`` (seen: a loaded CI machine
caught the cursor off). This wraps pytest-textual-snapshot's fixture: once ``run_before`` has
driven the app, every input on the screen stack stops blinking with its cursor drawn. The app
itself still blinks for users.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

RunBefore = Callable[[Pilot[Any]], Awaitable[None] | None]


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    def compare(app: object, *args: object, run_before: RunBefore | None = None, **kw: Any) -> bool:
        async def still_cursors(pilot: Pilot[Any]) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if result is not None:
                    await result
            for screen in pilot.app.screen_stack:
                for field in screen.query(Input):
                    field.cursor_blink = False  # pauses the timer, the cursor shown
            await pilot.pause()

        return snap_compare(app, *args, run_before=still_cursors, **kw)

    return compare
