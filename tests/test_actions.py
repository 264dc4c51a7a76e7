"""The action plan: derived status and RAG, overdue and stale flags, month-end views, coverage, round trip."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import person, write_csv, write_return
from tests.test_metrics_hand import hand_return
from wres import actions, pipeline, report, standards
from wres.actions import Action, Plan, Update


def plan(*updates: tuple[str, str, str], due: str = "2025-03-31", status: str = "not started") -> Plan:
    return Plan([Action("A1", ("M3",), "Review decisions", "Head of HR", date.fromisoformat(due), status)],
                [Update(a, date.fromisoformat(d), s) for a, d, s in updates])


@pytest.mark.parametrize(
    ("status", "rag"),
    [("not started", "not started"), ("on track", "green"), ("at risk", "amber"), ("off track", "red"), ("complete", "complete")],
)
def test_rag_follows_the_latest_status(status: str, rag: str) -> None:
    (state,) = plan(("A1", "2024-06-30", status)).as_of(date(2024, 6, 30))
    assert (state.status, state.rag, state.overdue) == (status, rag, False)


def test_the_latest_update_on_or_before_the_day_wins() -> None:
    p = plan(("A1", "2024-05-31", "on track"), ("A1", "2024-06-28", "at risk"), ("A1", "2024-07-31", "complete"))
    assert [p.as_of(d)[0].status for d in (date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 30), date(2024, 7, 31))] == [
        "not started", "on track", "at risk", "complete"]


def test_overdue_is_red_whatever_the_status_unless_complete() -> None:
    p = plan(("A1", "2025-03-28", "on track"), due="2025-03-15")
    (state,) = p.as_of(date(2025, 3, 31))
    assert state.overdue and state.rag == "red" and "overdue" in state.flags
    done = plan(("A1", "2025-03-28", "complete"), due="2025-03-15").as_of(date(2025, 3, 31))[0]
    assert not done.overdue and done.rag == "complete"
    # not yet due on the due date itself
    assert not plan(("A1", "2025-03-01", "on track"), due="2025-03-31").as_of(date(2025, 3, 31))[0].overdue


def test_a_missing_monthly_update_is_flagged() -> None:
    p = plan(("A1", "2024-05-31", "on track"))
    assert not p.as_of(date(2024, 5, 31))[0].stale
    june = p.as_of(date(2024, 6, 30))[0]
    assert june.stale and "no update this month" in june.flags and june.status == "on track"
    assert plan().as_of(date(2024, 4, 30))[0].stale  # never updated
    assert not plan(("A1", "2024-05-31", "complete")).as_of(date(2024, 9, 30))[0].stale  # complete needs no update


def test_month_end() -> None:
    assert actions.month_end("2025-06") == date(2025, 6, 30)
    assert actions.month_end("2024-02") == date(2024, 2, 29)
    for spelt in ("June 2025", "jun 2025", "Sept 2025", "06/2025", "2025-6", " June  2025 "):
        assert actions.month_end(spelt).year == 2025 and actions.month_end(spelt).day == 30, spelt
    for bad in ("2025-13", "June", "Juno 2025", "13/2025", "2025/06", ""):
        with pytest.raises(ValueError):
            actions.month_end(bad)


def test_a_month_under_way_is_judged_today_not_at_its_end() -> None:
    """Due on the 20th is not overdue on the 10th; an update dated after today has not happened yet."""
    today = date(2026, 11, 10)
    assert actions.judgement(None, month="2026-11", today=today) == actions.Judgement(today, "November 2026 so far")
    assert actions.judgement(None, month="2026-10", today=today) == actions.Judgement(date(2026, 10, 31), "the end of October 2026")
    assert actions.judgement(None, month="2027-02", today=today).day == today  # a month not yet begun: as it stands
    p = plan(("A1", "2026-11-05", "on track"), ("A1", "2026-11-25", "complete"), due="2026-11-20")
    (state,) = p.as_of(actions.judgement(p, month="2026-11", today=today).day)
    assert (state.status, state.overdue, state.rag) == ("on track", False, "green")
    (state,) = p.as_of(actions.judgement(p, month="2026-11", today=date(2026, 11, 22)).day)
    assert (state.status, state.overdue, state.rag) == ("on track", True, "red")


@pytest.mark.parametrize(
    ("updates", "period_end", "today", "day", "why"),
    [
        # the report's snapshot: the reporting period's end ...
        ([("A1", "2025-03-12", "on track")], "2025-03-31", date(2026, 12, 1), date(2025, 3, 31), "the end of the reporting period"),
        # ... updates that stopped before it do not move it back (what was overdue at the year end still shows)
        ([("A1", "2024-06-28", "on track")], "2025-03-31", date(2026, 12, 1), date(2025, 3, 31), "the end of the reporting period"),
        ([], "2025-03-31", date(2026, 12, 1), date(2025, 3, 31), "the end of the reporting period"),
        # ... or the month of the latest update when the plan was updated after the year end
        ([("A1", "2025-08-04", "on track")], "2025-03-31", date(2026, 12, 1), date(2025, 8, 31), "the end of the month of the plan's latest update"),
        # never later than today: a report made during the year, or in the month of the latest update
        ([("A1", "2024-10-04", "on track")], "2025-03-31", date(2024, 10, 20), date(2024, 10, 20), "today"),
        ([("A1", "2025-05-02", "on track")], "2025-03-31", date(2025, 5, 10), date(2025, 5, 10), "today"),
    ],
)
def test_the_snapshot_day(updates: list[tuple[str, str, str]], period_end: str, today: date, day: date, why: str) -> None:
    judged = actions.judgement(plan(*updates), period_end, today=today)
    assert (judged.day, judged.why) == (day, why)
    assert judged.words == f"Judged on {day.day} {day:%B %Y} ({why})"


def test_live_is_today_and_a_month_overrides_everything() -> None:
    p, today = plan(("A1", "2025-03-12", "on track")), date(2026, 12, 1)
    assert actions.judgement(p, "2025-03-31", today=today, live=True) == actions.Judgement(today, "today")
    assert actions.judgement(p, "2025-03-31", month="2024-09", today=today, live=True).day == date(2024, 9, 30)
    with pytest.raises(ValueError, match="YYYY-MM"):
        actions.judgement(p, "2025-03-31", month="2025-13")


# --- from files ----------------------------------------------------------------------------------------------

ACTIONS = [
    {"action_id": "A1", "metrics": "M2", "action": "Diverse interview panels", "owner": "Head of HR", "due": "2025-01-31", "status": "not started"},
    {"action_id": "A2", "metrics": "m3; M9", "action": "Independent review of disciplinary decisions", "owner": "Principal Social Worker",
     "due": "2024-12-31", "status": "Not Started"},
]
UPDATES = [
    {"action_id": "A1", "date": "2024-05-31", "status": "on track", "note": "Panels trained", "by": "HR"},
    {"action_id": "A2", "date": "2024-05-30", "status": "at risk", "note": "No reviewer yet", "by": "PSW"},
    {"action_id": "A1", "date": "2024-06-28", "status": "complete", "note": "All panels diverse", "by": "HR"},
]


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    root = hand_return(tmp_path / "r")
    write_csv(root / "actions.csv", ACTIONS)
    write_csv(root / "action_updates.csv", UPDATES)
    return root


def test_plan_text_holding_a_control_character_is_an_error_naming_it(planned: Path, cli: Any) -> None:
    """An action pasted from Word may bring its line break (a vertical tab); a hostile one an escape code. The
    report cannot show them (the workbook would print _x000B_) and the terminal would obey them: an error naming
    the cell, its text shown with the codes written out; nothing is written. The column named "by" too."""
    write_csv(planned / "actions.csv", [{**ACTIONS[0], "action": "Diverse panels\x0bfrom April"}, ACTIONS[1]])
    write_csv(planned / "action_updates.csv", [UPDATES[0], {**UPDATES[1], "by": "PSW\x1b[2J"}, UPDATES[2]])
    errors = {(p.file, p.column, p.message, p.rows) for p in pipeline.check(planned) if p.severity == "error"}
    assert errors == {("actions.csv", "action", '"Diverse panels\\x0bfrom April" holds a control character, which the report cannot show', (2,)),
                      ("action_updates.csv", "by", '"PSW\\x1b[2J" holds a control character, which the report cannot show', (3,))}
    run = cli("actions", planned)
    assert run.code == 1 and "\x1b" not in run.stdout + run.stderr


def test_plan_is_read_and_normalised(planned: Path) -> None:
    p = pipeline.load(planned).plan
    assert p is not None
    assert [a.metrics for a in p.actions] == [("M2",), ("M3", "M9")]
    assert p.actions[1].status == "not started" and p.actions[1].due == date(2024, 12, 31)
    assert p.latest_update == date(2024, 6, 28)


def test_a_plan_as_councils_type_it_is_read_as_the_contracts(planned: Path) -> None:
    """A plan kept as RAG ("Green"), with metrics written out, joined by slashes or "and", or "All": each
    spelling names one status or metric, so it is read as that; the same plan as the contract spells it
    reads the same."""
    typed = [{**ACTIONS[0], "metrics": "Metric 2", "status": "Green"}, {**ACTIONS[1], "metrics": "M3/M9", "status": "Not yet started"}]
    updates = [{**UPDATES[0], "status": "Amber"}, {**UPDATES[1], "status": "Red"}, {**UPDATES[2], "status": "Completed"}]
    write_csv(planned / "actions.csv", typed)
    write_csv(planned / "action_updates.csv", updates)
    p = pipeline.load(planned).plan
    assert p is not None
    assert [(a.metrics, a.status) for a in p.actions] == [(("M2",), "on track"), (("M3", "M9"), "not started")]
    assert {(u.action_id, u.date.isoformat()): u.status for u in p.updates} == {
        ("A1", "2024-05-31"): "at risk", ("A2", "2024-05-30"): "off track", ("A1", "2024-06-28"): "complete"}
    EVERY = standards.load().metric_ids  # noqa: N806
    for spelled, ids in (("M2 and m9", ("M2", "M9")), ("M7a & M7b", ("M7a", "M7b")), ("All", EVERY),
                         ("All metrics", EVERY), ("metric 7a; M1", ("M7a", "M1"))):
        write_csv(planned / "actions.csv", [{**ACTIONS[0], "metrics": spelled}, ACTIONS[1]])
        assert pipeline.load(planned).plan.actions[0].metrics == tuple(ids), spelled  # type: ignore[union-attr]


def test_uncovered_metrics_are_warned(planned: Path) -> None:
    doc = pipeline.document(planned, internal=True)
    worse = {r.metric for r in doc.results if r.assessment == "worse_for_minority_ethnic"}
    assert {"M2", "M3", "M9"} <= worse  # the hand return (tests/test_metrics_hand.py)
    warned = actions.uncovered(pipeline.load(planned).plan, doc.results, doc.get_standard())
    named = {w.split()[0] for w in warned}
    assert named == worse - {"M2", "M3", "M9"} and named, "M4, M6, M7b, M8 … are uncovered"
    assert all("no action in the plan addresses it" in w for w in warned)
    assert ("M4 is outside the non-adverse range, to the disadvantage of minority ethnic staff (adult social care; both services together), "
            "and no action in the plan addresses it") in warned  # where, in the standard's words (not "adults; all")
    assert "M1 is outside the non-adverse range, to the disadvantage of minority ethnic staff (adult social care, 70k and over; " in warned[0]
    assert {w.split()[0] for w in actions.uncovered(None, doc.results, doc.get_standard())} == worse


def test_actions_command_as_the_steering_group_reads_it(planned: Path, cli: Any) -> None:
    run = cli("actions", planned)
    assert run.code == 0, run.stderr
    out = " ".join(run.stdout.split())
    # judged as the report judges it: at the year end (A2 was due on 31 December 2024 and never completed)
    assert "Judged on 31 March 2025 (the end of the reporting period)" in out
    assert "RAG: Red 1 · Amber 0 · Green 0 · Not started 0 · Complete 1" in out
    assert "M3 Formal disciplinary process" in out and "M9 Senior manager roles" in out
    assert "No update in March 2025: A2 (Principal Social Worker)" in out and "Overdue: A2" in out
    assert "M8 is outside the non-adverse range" in out
    assert "31 December 2024" in out and "28 June 2024: All panels diverse" in out and "2024-" not in out  # one date style
    june = " ".join(cli("actions", planned, "--month", "2024-06").stdout.split())
    assert "Judged on 30 June 2024 (the end of June 2024)" in june and "RAG: Red 0 · Amber 1 · Green 0 · Not started 0 · Complete 1" in june
    may = " ".join(cli("actions", planned, "--month", "2024-05").stdout.split())
    assert "Judged on 31 May 2024 (the end of May 2024)" in may and "Green 1" in may
    january = " ".join(cli("actions", planned, "--month", "2025-01").stdout.split())
    assert "Overdue: A2 (Principal Social Worker)" in january and "Red 1" in january
    bad = cli("actions", planned, "--month", "2025-13")
    assert bad.code == 2 and "YYYY-MM" in bad.stderr


def test_actions_without_a_plan(tmp_path: Path, cli: Any) -> None:
    run = cli("actions", hand_return(tmp_path / "r"))
    assert run.code == 0 and "has no action plan" in run.stdout and "M3 is outside" in " ".join(run.stdout.split())


def test_plan_shown_even_when_the_rest_of_the_return_is_broken(planned: Path, cli: Any) -> None:
    staff = planned / "staff.csv"
    staff.write_text(staff.read_text().replace(",adults,", ",martians,", 1))
    run = cli("actions", planned)
    assert run.code == 0 and "A1" in run.stdout and "cannot be checked" in " ".join(run.stderr.split())


def test_suggestions_need_the_metrics_so_a_broken_return_is_refused_not_reassured(planned: Path, cli: Any) -> None:
    """With the metrics not computed, "no metric is outside the non-adverse range" would be a false comfort:
    `actions suggest` says the problems instead (the plan view above still shows the plan)."""
    staff = planned / "staff.csv"
    staff.write_text(staff.read_text().replace(",adults,", ",martians,", 1))
    run = cli("actions", "suggest", planned)
    said = " ".join(run.stderr.split())
    assert run.code == 1 and '"martians" is not a service' in said and "Nothing was written" in said, said
    assert "No metric is outside" not in run.stdout


def test_a_file_given_for_the_return_is_said_to_be_none(planned: Path, cli: Any) -> None:
    """staff.csv given as the return: its folder's organisation.toml was read and the plan reported missing."""
    for args in (("actions", planned / "staff.csv"), ("actions", "suggest", planned / "staff.csv")):
        run = cli(*args)
        said = " ".join(run.stderr.split())
        assert run.code == 1 and "staff.csv: is not a return" in said and "has no action plan" not in run.stdout, (args, said)


@pytest.mark.parametrize(
    ("file", "row", "change", "column", "words"),
    [
        ("actions", 2, {"metrics": "M2;M10"}, "metrics", '"M2;M10" names a metric that does not exist'),
        ("actions", 3, {"due": "end of March"}, "due", '"end of March" is not a date'),
        ("actions", 2, {"status": "pending"}, "status", '"pending" is not a status'),
        ("actions", 3, {"action_id": "A1"}, "action_id", 'action_id "A1" appears more than once'),
        ("actions", 2, {"owner": None}, "owner", "owner is blank"),
        ("action_updates", 3, {"action_id": "A9"}, "action_id", 'update for action "A9", which is not in actions.csv'),
        ("action_updates", 4, {"date": "31/02/2025"}, "date", '"31/02/2025" is not a date'),
        ("action_updates", 2, {"status": "done-ish"}, "status", '"done-ish" is not a status'),
        # as plans are typed: what is said of an action under way, a month for a due date
        ("actions", 2, {"status": "In progress"}, "status", '"In progress" is not a status: an action under way is on track, at risk or off track'),
        ("action_updates", 3, {"status": "Delayed"}, "status", '"Delayed" is not a status: an action behind its plan is at risk or off track'),
        ("actions", 3, {"due": "March 2025"}, "due", '"March 2025" is a month, not a date'),
        ("actions", 3, {"due": "Q4 2024/25"}, "due", '"Q4 2024/25" is a quarter, not a date'),
        ("actions", 2, {"metrics": "M2 / Metric 10"}, "metrics", '"M2 / Metric 10" names a metric that does not exist'),
    ],
)
def test_bad_action_plan_inputs(planned: Path, cli: Any, file: str, row: int, change: dict[str, Any], column: str, words: str) -> None:
    rows = [dict(r) for r in (ACTIONS if file == "actions" else UPDATES)]
    rows[row - 2].update(change)
    write_csv(planned / f"{file}.csv", rows, list((ACTIONS if file == "actions" else UPDATES)[0]))
    for args in (("validate", planned), ("actions", planned), ("metrics", planned)):
        run = cli(*args)
        text = " ".join((run.stdout + run.stderr).split())
        assert run.code == 1, args
        rows_named = "rows 2, 3" if "more than once" in words else f"row {row}"  # a duplicate names both rows
        assert f"{file}.csv, {rows_named}, column {column}: {words}" in text, (args, text)
        assert "how to fix:" in text


def test_a_due_date_as_plans_write_one_is_said_with_the_day_to_write() -> None:
    """A quarter of the financial year ends on a known day; a due date that is none ("Ongoing", "TBC") asks for
    the next review; a date of another file keeps the general words."""
    from wres import date_spellings

    assert date_spellings.explain("Q4 2024/25", "day-first", "actions")[1] == "write the day, e.g. 31/03/2025 for the end of Q4 2024/25"
    assert date_spellings.explain("Q1 2024-25", "day-first", "actions")[1] == "write the day, e.g. 30/06/2024 for the end of Q1 2024/25"
    assert date_spellings.explain("Q4 2024/26", "day-first", "actions")[0] == '"Q4 2024/26" is not a date'  # no such year
    assert "next review" in date_spellings.explain("Ongoing", "day-first", "actions")[1]
    assert "next review" in date_spellings.explain("TBC", "day-first", "actions")[1]
    assert "next review" not in date_spellings.explain("Ongoing", "day-first", "leavers")[1]


def test_update_without_actions_file_is_an_error(tmp_path: Path, cli: Any) -> None:
    root = write_return(tmp_path / "r", {"staff": [person("1")], "action_updates": UPDATES})
    run = cli("validate", root)
    assert run.code == 1 and 'update for action "A1", which is not in actions.csv' in " ".join(run.stdout.split())


def test_workbook_plan_sheets_round_trip(planned: Path, tmp_path: Path) -> None:
    """The workbook's actions and action_updates sheets are the plan: edited in Excel, read back by wres."""
    from wres.render import xlsx

    built = report.build(planned)
    book = tmp_path / "book" / "workbook.xlsx"
    book.parent.mkdir()
    xlsx.write(built, book)
    again = tmp_path / "again"
    shutil.copytree(planned, again)
    (again / "actions.csv").unlink()
    (again / "action_updates.csv").unlink()
    # an authority keeps the plan in the workbook: give wres the workbook's two sheets back as the plan
    from openpyxl import load_workbook

    wb = load_workbook(book)
    for name in ("actions", "action_updates"):
        rows = [[c for c in r] for r in wb[name].iter_rows(values_only=True)]
        header = [h for h in rows[0] if h and "(derived" not in h]
        write_csv(again / f"{name}.csv", [dict(zip(header, r[: len(header)])) for r in rows[1:]], header)
    assert pipeline.load(again).plan == built.plan
    states = {s.action.id: s for s in built.plan.as_of(built.plan_judgement().day)}  # type: ignore[union-attr]
    derived = {r[0]: r for r in wb["actions"].iter_rows(min_row=2, values_only=True)}
    assert derived["A2"][8:11] == (states["A2"].status, states["A2"].rag, ", ".join(states["A2"].flags))


def test_report_shows_the_plan(planned: Path, tmp_path: Path) -> None:
    from wres.render import html

    built = report.build(planned)
    page = html.render(built, {name: html.Figure("", "", "", [], [], 1, 1) for name in _chart_names(built)})
    assert "Actions for M3 Formal disciplinary process" in page and "Independent review of disciplinary decisions" in page
    assert "Judged on 31 March 2025 (the end of the reporting period). RAG: Red 1, Amber 0" in " ".join(page.split())
    assert "No update in March 2025:</strong> A2" in page and "<td>31 December 2024</td>" in page


def test_wres_actions_and_the_report_judge_on_the_same_day(tmp_path: Path, cli: Any) -> None:
    """The demo's plan (realistic: stale, overdue and early-complete actions): `wres actions` and the report
    name the same day and give identical RAG counts; the workbook's derived RAG agrees."""
    import re

    from openpyxl import load_workbook

    from wres.demo import write_demo
    from wres.render import html, xlsx

    root = tmp_path / "demo"
    root.mkdir()
    write_demo(root, seed=1, staff=200)
    built = report.build(root)
    page = " ".join(re.sub(r"<[^>]+>", " ", html.render(built, {n: html.Figure("", "", "", [], [], 1, 1) for n in _chart_names(built)})).split())
    terminal = " ".join(cli("actions", root).stdout.split())
    said = built.plan_judgement().words  # type: ignore[union-attr]
    assert said.startswith("Judged on 31 March 2025") and said in page and said in terminal

    def tally(text: str) -> list[tuple[str, str]]:
        return re.findall(r"(Red|Amber|Green|Not started|Complete) (\d+)", text.split("RAG:", 1)[1])[:5]

    assert tally(page) == tally(terminal) and sum(int(n) for _, n in tally(page)) == 10
    book = tmp_path / "workbook.xlsx"
    xlsx.write(built, book)
    rags = [r[9] for r in load_workbook(book)["actions"].iter_rows(min_row=2, values_only=True)]
    assert [(k, str(rags.count(k.lower()))) for k, _ in tally(page)] == tally(page)


def _chart_names(built: report.Report) -> list[str]:
    from wres.render import charts

    return [c.name for c in charts.all_charts(built)]


def test_governance_is_read_checked_and_told(tmp_path: Path, cli: Any) -> None:
    from wres.render.html import governance_text

    root = hand_return(tmp_path / "r")
    # without [governance]: a published report says only that it is not said, the internal one where to say it
    assert governance_text(report.build(root)) == "This return does not say how the action plan is agreed and monitored."
    assert "([governance])" in governance_text(report.build(root, internal=True))
    text = (root / "organisation.toml").read_text() + (
        '\n[governance]\nagreed_by = "the WRES Steering Group"\napproved_by = "the Corporate Leadership Team"\n'
        'approved_on = 2024-06-04\nreviewed_with = "lead Members"\nmonitoring = "monthly by the WRES Steering Group"\n'
        'co_produced_with = "the staff network"\nco_production_signed_off_by = "its chair"\nco_production_signed_off_on = 2024-05-14\n')
    (root / "organisation.toml").write_text(text)
    assert governance_text(report.build(root)) == (
        "The action plan has been agreed through the WRES Steering Group and approved by the Corporate Leadership Team "
        "on 4 June 2024 and will be reviewed with lead Members. Progress is monitored monthly by the WRES Steering Group. "
        "It was co-produced with the staff network, and signed off by its chair on 14 May 2024.")
    (root / "organisation.toml").write_text(text.replace("approved_on = 2024-06-04", 'approved_on = "June"'))
    run = cli("validate", root)
    assert run.code == 1 and "organisation.toml: governance.approved_on is not a date" in " ".join(run.stdout.split())


@pytest.fixture(scope="module")
def trust_without_action_on_2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The NHS demo trust (indicators 2, 7 and 8 worse for BME staff), its action on indicator 2 taken out."""
    from wres.demo import write_demo

    root = tmp_path_factory.mktemp("trust") / "r"
    root.mkdir()
    write_demo(root, seed=1, staff=1500, standard="nhs-wres")
    for name in ("actions.csv", "action_updates.csv"):
        lines = (root / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (root / name).write_text("".join(line for line in lines if not line.startswith("N01,")), encoding="utf-8")
    return root


def test_an_nhs_indicator_worse_for_bme_staff_and_unaddressed_is_said(trust_without_action_on_2: Path, cli: Any) -> None:
    """The check looked for the SC-WRES's "worse for minority ethnic staff" whatever the standard: a trust's
    indicator worse for BME staff with no action was never said, on the command line or in the report."""
    said = " ".join(cli("actions", trust_without_action_on_2).stdout.split())
    assert "Indicator 2 is outside the non-adverse range, to the disadvantage of BME staff" in said, said
    assert "Indicator 7 is" not in said  # the plan addresses it
    from wres.render.html import _plan  # the report's action plan section, as its page and PDF print it

    words = _plan(report.build(trust_without_action_on_2))["uncovered"]  # type: ignore[index]
    assert [w.split(" is ")[0] for w in words] == ["Indicator 2"], words


def test_an_nhs_difference_of_percentages_is_said_as_worse_not_outside_a_range(trust_without_action_on_2: Path, tmp_path: Path,
                                                                               cli: Any) -> None:
    """Indicators 5 to 8 are differences of percentages, which have no non-adverse range: an unaddressed one
    is said in the standard's words for it."""
    trust = tmp_path / "trust"
    shutil.copytree(trust_without_action_on_2, trust)
    for name in ("actions.csv", "action_updates.csv"):  # the actions on indicators 1, 5, 6, 7 and 8 out too
        lines = (trust / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (trust / name).write_text("".join(line for line in lines if not line.startswith(("N04,", "N05,", "N06,"))), encoding="utf-8")
    said = " ".join(cli("actions", trust).stdout.split())
    assert "Indicator 7 is worse for BME staff, and no action in the plan addresses it" in said, said  # (the whole trust's only)
    assert "Indicator 2 is outside the non-adverse range, to the disadvantage of BME staff, and no action" in said


def test_suggestions_for_a_standard_the_catalogue_does_not_cover_say_so(trust_without_action_on_2: Path, cli: Any) -> None:
    """The catalogue's ideas are the SC-WRES's: for a trust it said "No metric is outside the non-adverse
    range", with three indicators worse for BME staff. It says it has none, and what the plan leaves out."""
    run = cli("actions", "suggest", trust_without_action_on_2)
    said = " ".join(run.stdout.split())
    assert run.code == 0 and "The catalogue of evidence-informed actions is written for the SC-WRES's metrics: it has none for the NHS WRES yet." in said
    assert "No metric is outside" not in said and "Indicator 2 is outside the non-adverse range" in said, said
