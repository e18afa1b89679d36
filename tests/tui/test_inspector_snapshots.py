"""SVG snapshots of the inspector at 80×24 and 140×45: the browser, the digit detail and the
confusion matrix, over the fixed small network of ``inspector_fixture``; and at 80×24 and 120×36
the same run as a Fashion-MNIST one (the browser, its filter keys, the matrix, the detail)."""

from __future__ import annotations

import dataclasses

import pytest

from cnn_tui.core.data.sets import FASHION_MNIST
from cnn_tui.tui.inspector.app import InspectorApp
from tests.tui.inspector_fixture import neighbours_shown, small_run, train_set

SIZES = [(80, 24), (140, 45)]


def app() -> InspectorApp:
    state, test = small_run()
    return InspectorApp(state, test, None, load_train=train_set)


def wait_then_press(*keys: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await pilot.pause()
        await neighbours_shown(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_browser(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app(), run_before=wait_then_press("right"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app(), run_before=wait_then_press("enter", "right"), terminal_size=size)


def test_confusion(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app(), run_before=wait_then_press("c"), terminal_size=(80, 24))


FASHION_SIZES = [(80, 24), (120, 36)]


def fashion_app() -> InspectorApp:
    """The same run as a Fashion-MNIST one: class names in captions, counts and the matrix."""
    state, test = small_run()
    config = dataclasses.replace(
        state.config, dataset="fashion-mnist", class_names=FASHION_MNIST.class_names
    )
    return InspectorApp(dataclasses.replace(state, config=config), test, None, load_train=train_set)


@pytest.mark.parametrize("size", FASHION_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_browser_with_fashion_names(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(fashion_app(), run_before=wait_then_press("right"), terminal_size=size)


@pytest.mark.parametrize("size", FASHION_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filter_keys_with_fashion_names(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(fashion_app(), run_before=wait_then_press("p"), terminal_size=size)


@pytest.mark.parametrize("size", FASHION_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_confusion_with_fashion_names(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(fashion_app(), run_before=wait_then_press("c"), terminal_size=size)


@pytest.mark.parametrize("size", FASHION_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail_with_fashion_names(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(fashion_app(), run_before=wait_then_press("enter"), terminal_size=size)
