"""The action catalogue: complete per metric, well formed, and suggest() picks exactly the metrics outside the range."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from wres.standards import action_catalogue as ac
from wres.standards.action_catalogue import METRIC_IDS

WORSE, WITHIN, BETTER = "worse_for_minority_ethnic", "within_range", "better_for_minority_ethnic"


@dataclass
class R:
    """The attributes suggest() reads, as wres.results.Result has them."""

    metric: str
    service: str
    band: str | None
    assessment: str | None
    relative_likelihood: float | None


def test_catalogue_is_large_enough() -> None:
    assert len(ac.CATALOGUE) >= 35


@pytest.mark.parametrize("metric_id", METRIC_IDS)
def test_every_metric_has_at_least_three_entries(metric_id: str) -> None:
    entries = ac.for_metric(metric_id)
    assert len(entries) >= 3
    assert all(e.metric == metric_id for e in entries)


def test_every_entry_names_a_valid_metric() -> None:
    assert {e.metric for e in ac.CATALOGUE} == set(METRIC_IDS)


def test_no_field_is_empty_and_every_entry_has_a_source() -> None:
    for e in ac.CATALOGUE:
        for f in dataclasses.fields(e):
            value = getattr(e, f.name)
            assert isinstance(value, str) and value.strip(), (e, f.name)
        assert all(part.strip() for part in e.source.split(";")), e


def test_actions_are_single_sentences_without_links() -> None:
    for e in ac.CATALOGUE:
        assert e.action[0].isupper() and e.action.endswith("."), e.action
        assert e.action.count(". ") == 0, e.action
        for text in (e.action, e.why, e.success_measure, e.source):
            assert "http" not in text and "www." not in text


def test_no_action_is_listed_twice_for_one_metric() -> None:
    pairs = [(e.metric, e.action) for e in ac.CATALOGUE]
    assert len(pairs) == len(set(pairs))


def test_m7a_and_m7b_share_some_actions() -> None:
    a = {e.action for e in ac.for_metric("M7a")}
    b = {e.action for e in ac.for_metric("M7b")}
    assert a & b and a - b and b - a


def test_entries_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ac.CATALOGUE[0].action = "changed"  # type: ignore[misc]


def test_for_metric_refuses_an_unknown_id() -> None:
    with pytest.raises(KeyError):
        ac.for_metric("M10")
    with pytest.raises(KeyError):
        ac.for_metric("M7")


def _everything(assessment: str | None, rl: float | None = 1.0) -> list[R]:
    out = []
    for m in METRIC_IDS:
        for service in ("adults", "children", "all"):
            if m == "M1":
                for band in ("under 30k", "30k to 70k", "70k and over"):
                    out.append(R(m, service, band, assessment if band == "70k and over" else None, rl))
            else:
                out.append(R(m, service, None, assessment, rl))
    return out


@pytest.mark.parametrize("assessment", [WITHIN, BETTER, None])
def test_nothing_worse_suggests_nothing(assessment: str | None) -> None:
    assert ac.suggest(_everything(assessment)) == []
    assert ac.suggest([]) == []


def test_suggest_returns_only_worse_metrics_once_each_in_order() -> None:
    results = [
        R("M9", "all", None, WORSE, 0.55),
        R("M3", "children", None, WORSE, 1.8),
        R("M2", "all", None, WORSE, 0.52),
        R("M2", "adults", None, WORSE, 0.47),
        R("M2", "children", None, WITHIN, 0.9),
        R("M5", "all", None, BETTER, 1.4),
        R("M6", "all", None, WITHIN, 1.1),
        R("M1", "all", "under 30k", None, 1.3),
        R("M1", "all", "70k and over", WORSE, 0.6),
        R("M7b", "adults", None, WORSE, 2.1),
        R("M3", "all", None, WITHIN, 1.2),
        R("M9", "children", None, None, None),
    ]
    out = ac.suggest(results)
    assert [m for m, _, _ in out] == ["M1", "M2", "M3", "M7b", "M9"]
    for metric_id, _, entries in out:
        assert entries == ac.for_metric(metric_id)
    lines = {m: line for m, line, _ in out}
    assert lines["M2"] == "M2 is below the non-adverse range in adult social care (0.47) and both services (0.52)"
    assert lines["M3"] == "M3 is above the non-adverse range in children's social care (1.80)"
    assert lines["M1"] == "M1 (70k and over) is below the non-adverse range in both services (0.60)"
    assert lines["M7b"] == "M7b is above the non-adverse range in adult social care (2.10)"
    assert lines["M9"] == "M9 is below the non-adverse range in both services (0.55)"


def test_suggest_names_all_three_services_in_order() -> None:
    results = [R("M8", s, None, WORSE, rl) for s, rl in (("all", 1.31), ("children", 1.4), ("adults", 1.26))]
    [(metric_id, line, _)] = ac.suggest(results)
    assert metric_id == "M8"
    assert line == ("M8 is above the non-adverse range in adult social care (1.26), children's social care (1.40) "
                    "and both services (1.31)")


def test_suggest_on_the_demo_return(tmp_path: Path) -> None:
    from wres import demo, pipeline

    demo.write_demo(tmp_path, seed=1)
    results = pipeline.document(tmp_path, internal=True).results
    out = ac.suggest(results)
    worse = [m for m in METRIC_IDS if any(r.metric == m and r.assessment == WORSE for r in results)]
    assert [m for m, _, _ in out] == worse
    assert "M2" in worse  # the demo is built with appointment from shortlisting at about half the white rate
    for metric_id, line, entries in out:
        assert line.startswith(f"{metric_id} ") and " the non-adverse range in " in line
        assert entries and all(e.metric == metric_id for e in entries)


def test_suggest_shows_more_places_where_two_would_sit_on_the_edge() -> None:
    [(_, line, _)] = ac.suggest([R("M6", "adults", None, WORSE, 1.2512)])
    assert line == "M6 is above the non-adverse range in adult social care (1.2512)"


# --- the demo action plan (wres.demo) ---------------------------------------------------------------------

STATUSES = ("not started", "on track", "at risk", "off track", "complete")


def _demo_plan(tmp_path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]], Path]:
    import csv

    from wres import demo

    tmp_path.mkdir(exist_ok=True)
    demo.write_demo(tmp_path, seed=1)
    with (tmp_path / "actions.csv").open(encoding="utf-8", newline="") as f:
        header_a = next(csv.reader(f))
    with (tmp_path / "action_updates.csv").open(encoding="utf-8", newline="") as f:
        header_u = next(csv.reader(f))
    assert header_a == ["action_id", "metrics", "action", "owner", "due", "status", "success_measure", "note"]
    assert header_u == ["action_id", "date", "status", "note", "by"]
    with (tmp_path / "actions.csv").open(encoding="utf-8", newline="") as f:
        actions = list(csv.DictReader(f))
    with (tmp_path / "action_updates.csv").open(encoding="utf-8", newline="") as f:
        updates = list(csv.DictReader(f))
    return actions, updates, tmp_path


def test_demo_plan_is_well_formed_and_drawn_from_the_catalogue(tmp_path: Path) -> None:
    import datetime as dt

    actions, updates, _ = _demo_plan(tmp_path)
    assert 8 <= len(actions) <= 10
    assert len({a["action_id"] for a in actions}) == len(actions)
    catalogue = {(e.metric, e.action) for e in ac.CATALOGUE}
    covered = set()
    for a in actions:
        metrics = a["metrics"].split(";")
        assert set(metrics) <= set(METRIC_IDS)
        covered |= set(metrics)
        assert any((m, a["action"]) in catalogue for m in metrics), a["action"]
        assert a["owner"] and a["success_measure"] and a["status"] in STATUSES
        assert dt.date(2024, 9, 30) <= dt.date.fromisoformat(a["due"]) <= dt.date(2025, 12, 31)
    assert {"M1", "M2", "M3", "M7a", "M7b", "M8", "M9"} <= covered
    assert any(";" in a["metrics"] for a in actions)
    assert sum(a["status"] == "not started" for a in actions) > len(actions) / 2
    ids = {a["action_id"] for a in actions}
    for u in updates:
        assert u["action_id"] in ids and u["status"] in STATUSES and u["note"] and u["by"]
        day = dt.date.fromisoformat(u["date"])
        assert dt.date(2024, 4, 1) <= day <= dt.date(2025, 3, 31) and day.day >= 20  # near the month end
    months = {(u["action_id"], u["date"][:7]) for u in updates}
    assert len(months) == len(updates)  # at most one update per action per month


def test_demo_plan_is_messy_like_a_real_one(tmp_path: Path) -> None:
    actions, updates, _ = _demo_plan(tmp_path)
    by_action: dict[str, list[dict[str, str]]] = {}
    for u in sorted(updates, key=lambda u: u["date"]):
        by_action.setdefault(u["action_id"], []).append(u)
    due = {a["action_id"]: a["due"] for a in actions}
    last = {k: v[-1] for k, v in by_action.items()}
    # stale: an action with no update in February or March 2025
    assert [k for k, v in last.items() if v["date"] < "2025-02-01"] == ["A08"]
    # overdue: past its due date at 2025-03-31 and not complete
    assert [k for k, v in last.items() if due[k] < "2025-03-31" and v["status"] != "complete"] == ["A03"]
    # complete early: first 'complete' update dated before the due date's month
    early = [k for k, v in by_action.items() if any(u["status"] == "complete" and u["date"][:7] < due[k][:7] for u in v)]
    assert "A02" in early
    # at risk, then back on track
    statuses = [u["status"] for u in by_action["A04"]]
    assert "at risk" in statuses and statuses[statuses.index("at risk"):].count("on track") > 0
    # every action starts from 'not started' or 'on track' and a complete action stays complete
    for v in by_action.values():
        s = [u["status"] for u in v]
        assert s[0] in ("not started", "on track")
        if "complete" in s:
            assert set(s[s.index("complete"):]) == {"complete"}


def test_demo_plan_has_no_validation_problems_and_is_deterministic(tmp_path: Path) -> None:
    from wres import demo, pipeline

    _, _, root = _demo_plan(tmp_path / "a")
    assert [p for p in pipeline.check(root) if p.file in ("actions.csv", "action_updates.csv")] == []
    (tmp_path / "b").mkdir()
    demo.write_demo(tmp_path / "b", seed=1)
    for name in ("actions.csv", "action_updates.csv"):
        assert (root / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_national_demo_writes_no_plans(tmp_path: Path) -> None:
    from wres import demo

    demo.write_authorities(tmp_path, 2, staff=30)
    assert not list(tmp_path.glob("*/actions.csv")) and not list(tmp_path.glob("*/action_updates.csv"))
