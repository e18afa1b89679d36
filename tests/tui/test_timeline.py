"""The timeline (``t``) with the scripted fake link and a ``FakeRunControl``: the list of
snapshots, the branch form and the switch to the branched run, the architecture form and the
fresh run, and every refusal (bad values, a name taken, a snapshot that fails to load, no
snapshots yet)."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract.timeline import BranchRun, FreshRun
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.fake_runs import fake_entries
from cnn_tui.tui.timeline import TimelineScreen
from cnn_tui.tui.timeline.form import CheckedForm
from cnn_tui.tui.widgets.charts import LossChart
from tests.tui.dashboard_pilot import notes
from tests.tui.timeline_fixture import fake_control, settle, timeline_app, wait_for

SIZE = (120, 36)


async def test_t_lists_the_runs_snapshots_with_their_test_results() -> None:
    app = timeline_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        table = screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[1] for r in rows] == ["600", "1,200", "1,875", "2,600"]
        assert rows[2][2] == "92.00 %" and rows[0][2] == "—"  # evaluated at the epoch's end only
        assert screen.selected is not None and screen.selected.step == 2600  # the newest
        await pilot.press("up")
        assert screen.selected is not None and screen.selected.step == 1875
        assert "step 1,875 · epoch 1 · test 92.00 %" in str(
            screen.query_one("#timeline-detail").render()
        )
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_branch_stops_the_run_and_starts_the_branch_marked_on_its_chart() -> None:
    app = timeline_app()
    old_link = app.link
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "up", "up", "enter")  # the snapshot at step 1,200
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckedForm)
        assert form.field_input("name").value == "run-b1"
        form.field_input("lr").value = "0.05"
        form.field_input("batch_size").value = "64"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.link is not old_link)
        await settle(pilot, 0.3)
        assert isinstance(old_link, FakeLink)
        # saved, as quitting does, keeping the snapshot the branch starts from
        kept = ("snapshots/" + fake_entries([600, 1200])[1].name,)
        assert old_link.sent_of(cmd.Stop) == [cmd.Stop(save=True, keep=kept)]
        assert old_link.stop_calls and not old_link.alive
        assert fake_control(app).run_name == "run-b1"  # the timeline follows the new run
        assert app.screen is app.dashboard and app.state.lineage is not None
        assert (app.state.lineage.parent, app.state.lineage.step) == ("run", 1200)
        assert app.state.lr == 0.05 and app.state.batch_size == 64
        assert app.state.step > 1200  # the branch trains on from the branch point
        chart = app.dashboard.panels["loss"]
        assert isinstance(chart, LossChart)
        chart.repaint()
        assert any("┼" in strip.text for strip in chart._strips)  # the mark on the chart
        assert str(chart.border_title).endswith("┼ run@1,200")  # the short form at 120 columns
        await pilot.resize_terminal(170, 40)
        await settle(pilot)
        chart.repaint()
        assert str(chart.border_title).endswith(" · ┼ branched from run at step 1,200")
        assert "run-b1: branched from run at step 1,200" in notes(app)


async def test_the_branch_request_carries_the_forms_values() -> None:
    app = timeline_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        control = fake_control(app)
        await pilot.press("t", "up", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckedForm)
        for key, value in (
            ("momentum", "0.5"),
            ("weight_decay", "0.001"),
            ("epochs", "3"),
            ("name", "slow"),
        ):
            form.field_input(key).value = value
        await pilot.click("#form-ok")
        await wait_for(pilot, lambda: bool(control.requests))
        assert control.requests == [
            BranchRun("snapshots/" + control.entries[2].name, "slow", 0.01, 32, 0.5, 0.001, 3)
        ]


async def test_bad_values_are_refused_with_the_reason_and_the_run_goes_on() -> None:
    app = timeline_app(taken={"taken"})
    old_link = app.link
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckedForm)
        error = form.query_one("#form-error")
        for key, text, reason in (
            ("lr", "nan", "learning rate"),
            ("lr", "20", "learning rate"),
            ("batch_size", "0", "batch size"),
            ("momentum", "1", "momentum"),
            ("epochs", "1", "epochs"),  # the snapshot has finished epoch 1 already
            ("name", "taken", "already"),
            ("name", "run", "already"),  # the parent's own name
            ("name", "a b", "letters"),
        ):
            field = form.field_input(key)
            before = field.value
            field.value = text
            await pilot.press("enter")
            await settle(pilot, 0.05)
            assert app.screen is form, (key, text)
            assert reason in str(error.render()), (key, text, str(error.render()))
            field.value = before
        await pilot.press("escape")
        await settle(pilot)
        assert fake_control(app).requests == [] and app.link is old_link
        assert isinstance(old_link, FakeLink) and old_link.sent_of(cmd.Stop) == []


async def test_a_snapshot_that_fails_to_load_is_one_line_and_the_run_goes_on() -> None:
    app = timeline_app()
    fake_control(app).broken.add("snapshots/" + fake_control(app).entries[1].name)
    old_link = app.link
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "up", "up", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.link is old_link and old_link.alive
        assert isinstance(old_link, FakeLink) and old_link.sent_of(cmd.Stop) == []
        assert "snapshot is corrupt or truncated" in notes(app)
        assert isinstance(app.screen, TimelineScreen)  # still there, to pick another


async def test_no_snapshots_yet_says_how_to_save_one_and_s_does() -> None:
    app = timeline_app(steps=())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert "press s to save one" in str(screen.query_one("#timeline-empty").render())
        await pilot.press("enter")
        assert isinstance(app.screen, TimelineScreen)  # nothing to branch from
        assert "press s to save one" in notes(app)
        control = fake_control(app)
        control.entries = fake_entries([2600])
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.link, FakeLink) and app.link.sent_of(cmd.SaveSnapshot)
        assert screen.query_one(DataTable).row_count == 1  # SnapshotSaved: the list follows


async def test_a_fresh_run_with_another_architecture() -> None:
    app = timeline_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        control = fake_control(app)
        await pilot.press("t", "a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckedForm)
        assert form.field_input("filters2").disabled  # one conv layer now
        form.field_input("filters").value = "65"
        await pilot.press("enter")
        assert "filters" in str(form.query_one("#form-error").render()) and app.screen is form
        form.field_input("filters").value = "16"
        form.query_one(Checkbox).value = True
        await settle(pilot, 0.05)
        form.field_input("filters2").value = "32"
        form.field_input("hidden").value = "64"
        await pilot.press("enter")
        await wait_for(pilot, lambda: fake_control(app) is not control)
        await settle(pilot, 0.3)
        assert control.requests == [FreshRun("run-a1", 16, 32, 64)]
        assert app.state.architecture == "conv16 → conv32 → dense64 → 10"
        assert app.state.lineage is None and app.state.step > 0
