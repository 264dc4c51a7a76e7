"""Disclosure control: nothing under the threshold is published or can be worked out from what is."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run_command
from wres import disclosure, results
from wres.counts import Counts
from wres.organisation import Organisation
from wres.results import Document, Figures

ORG = Organisation(name="Attack Borough", period_start="2024-04-01", period_end="2025-03-31")  # type: ignore[arg-type]
SC = ORG.standard  # the SC-WRES, which ORG names by default
GROUPS = ("minority_ethnic", "white", "unknown")


def naive(doc: Document, threshold: int = 10) -> Document:
    """What a spreadsheet user would do: blank each small count and its rate, nothing else."""
    def blank(f: Figures) -> Figures:
        small = [x is not None and 0 < x < threshold for x in (f.numerator, f.denominator)]
        if not any(small):
            return f
        return Figures(None if small[0] else f.numerator, None if small[1] else f.denominator, None)

    out = []
    for r in doc.results:
        new = replace(r, groups={g: blank(f) for g, f in r.groups.items()}, total=blank(r.total))
        if new != r:
            new = replace(new, relative_likelihood=None, ci95=None, assessment=None, declaration_rate=None, suppressed=True)
        out.append(new)
    return replace(doc, results=out, suppression={"applied": True, "threshold": threshold}, marking=None)


def tables(doc: Document) -> dict[str, list[dict[str, Any]]]:
    return {"doc": [r.to_dict() for r in doc.results]}


def published_counts(doc: Document) -> list[int]:
    return [f[k] for r in tables(doc)["doc"] for g in (*GROUPS, "total") if (f := r.get(g)) for k in ("numerator", "denominator") if f.get(k) is not None]


def m3(adults_me: int) -> Counts:
    """Disciplinary: 5 minority ethnic adults (small), 40 in children's; everything else large."""
    cells = {}
    for service, me, white, unknown in (("adults", adults_me, 30, 12), ("children", 40, 25, 11)):
        cells[("M3", service, "", "minority_ethnic")] = (me, 200)
        cells[("M3", service, "", "white")] = (white, 400)
        cells[("M3", service, "", "unknown")] = (unknown, 50)
    return Counts(cells, bands=[], standard=SC)


def test_naive_primary_suppression_leaks_by_subtraction_and_the_audit_says_so() -> None:
    doc = results.compute(m3(5), ORG)
    weak = naive(doc)
    adults = next(r for r in weak.results if r.metric == "M3" and r.service == "adults")
    assert adults.groups["minority_ethnic"].numerator is None  # blanked …
    report = disclosure.audit(tables(weak), 10, standard=SC)
    # … but all (45) − children (40) = 5, and total − white − unknown gives it too
    leak = next(x for x in report.leaks if x.cell[1:] == ("M3", "adults", "", "minority_ethnic", "numerator"))
    assert leak.low == pytest.approx(5) and leak.high == pytest.approx(5)


def test_protection_prevents_the_same_attack() -> None:
    doc = disclosure.protect(results.compute(m3(5), ORG), 10)
    assert disclosure.audit(tables(doc), 10, standard=SC).leaks == []
    assert all(not 0 < x < 10 for x in published_counts(doc))
    lost = doc.suppression["counts_suppressed"]
    assert lost["primary"] == 1 and lost["secondary"] >= 2  # the small cell, and enough around it
    # smallest adequate cells, not whole tables: a few of the 24 counts of this table, and never a white one
    # (the cycle is closed through the smaller minority ethnic and unknown cells)
    assert lost["secondary"] <= 5
    for r in doc.results:
        if r.metric == "M3":
            assert r.groups["white"].numerator is not None and r.groups["white"].denominator is not None


def test_nothing_small_nothing_hidden() -> None:
    doc = disclosure.protect(results.compute(m3(25), ORG), 10)
    assert doc.suppression["counts_suppressed"] == {"primary": 0, "secondary": 0}
    assert all(not r.suppressed for r in doc.results if r.reason != "not submitted")


def test_zero_is_published() -> None:
    doc = disclosure.protect(results.compute(m3(0), ORG), 10)
    adults = next(r for r in doc.results if r.metric == "M3" and r.service == "adults")
    assert adults.groups["minority_ethnic"].numerator == 0


def test_audit_command_flags_the_naive_document(tmp_path: Path, cli: Any) -> None:
    weak = tmp_path / "naive.json"
    weak.write_text(json.dumps(naive(results.compute(m3(5), ORG)).to_dict()))
    run = cli("audit", weak)
    assert run.code == 1
    assert "M3 adults minority ethnic numerator is 5" in run.stdout
    safe = tmp_path / "safe.json"
    safe.write_text(json.dumps(disclosure.protect(results.compute(m3(5), ORG), 10).to_dict()))
    run = cli("audit", safe)
    assert run.code == 0 and "No leak" in run.stdout


def test_audit_reads_published_rates_as_relations_too() -> None:
    """A rate left beside a hidden numerator gives it away: numerator = rate × denominator."""
    doc = results.compute(m3(5), ORG)
    weak = naive(doc)
    for r in weak.results:
        if r.metric == "M3" and r.service == "adults":
            r.groups["minority_ethnic"] = Figures(None, 200, 5 / 200)  # the rate survived the blanking
    assert any(x.cell[1:3] == ("M3", "adults") for x in disclosure.audit(tables(weak), 10, standard=SC).leaks)


@pytest.mark.parametrize("bad", ["{not json", '{"schema_version": 2, "results": []}', "[]"])
def test_audit_bad_input(tmp_path: Path, cli: Any, bad: str) -> None:
    p = tmp_path / "doc.json"
    p.write_text(bad)
    run = cli("audit", p)
    assert run.code == 1 and "doc.json" in run.stderr and "Traceback" not in run.stderr


def _edited(edit: Any) -> dict[str, Any]:
    doc = disclosure.protect(results.compute(m3(25), ORG), 10).to_dict()
    edit(next(r for r in doc["results"] if r["metric"] == "M3" and r["service"] == "adults"))
    return doc


@pytest.mark.parametrize(("edit", "said"), [
    (lambda r: r["minority_ethnic"].update(denominator="fifty"), 'M3 adults: minority_ethnic denominator is "fifty", not a count'),
    (lambda r: r["minority_ethnic"].update(numerator=-5), "M3 adults: minority_ethnic numerator is -5, not a count (a whole number, 0 or more)"),
    (lambda r: r["white"].update(numerator=3.7), "M3 adults: white numerator is 3.7, not a count"),
    (lambda r: r["total"].update(numerator=True), "M3 adults: total numerator is true, not a count"),
    (lambda r: r.update(minority_ethnic=[1, 2]), "M3 adults: minority_ethnic is [1, 2], not its figures"),
    (lambda r: r["white"].update(rate="x"), 'M3 adults: white rate is "x", not a number'),
    (lambda r: r.update(difference=[1]), "M3 adults: difference is [1], not a number"),
    (lambda r: r.update(shares={"white": "a"}), 'M3 adults: shares is {"white": "a"}, not numbers by group'),
    (lambda r: r.update(band=7), "M3 adults: its band 7 is not text"),
    (lambda r: r.update(metric="M99"), "M99 adults: the SC-WRES has no metric 'M99'"),
])
def test_audit_refuses_a_document_not_as_wres_writes_it(tmp_path: Path, cli: Any, edit: Any, said: str) -> None:
    """A count that is text, negative, fractional or true; figures, rates or shares of the wrong kind; a metric
    the standard lacks: the audit would read another number (a leak of 3.7, true as 1), stop, or prove nothing.
    Each is said, naming the result and the field, and nothing is audited."""
    p = tmp_path / "doc.json"
    p.write_text(json.dumps(_edited(edit)))
    run = cli("audit", p)
    text = " ".join(run.stderr.split())
    assert run.code == 1 and f"doc.json: is not a metrics document as wres writes it: {said}" in text, text
    assert "No leak" not in run.stdout and "leak" not in run.stdout


def test_audit_of_json_nested_thousands_deep_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "doc.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    run = run_command("audit", p)
    assert run.code == 1 and "doc.json: is not a metrics document (its JSON is nested thousands of levels deep)" in " ".join(run.stderr.split())
    assert "internal error" not in run.stderr


# --- properties ---------------------------------------------------------------------------------------

SERVICES = ("adults", "children")


@st.composite
def counts_tables(draw: st.DrawFn) -> Counts:
    """A consistent table set: headcounts split into pay bands, senior managers and disciplinary within them."""
    small = st.integers(0, 14)
    cells: dict[tuple[str, str, str, str], tuple[int, int]] = {}
    bands = ["low", "mid", "top"]
    for service in SERVICES:
        for group in GROUPS:
            split = [draw(small) for _ in bands]
            head = sum(split)
            for band, n in zip(bands, split):
                cells[("M1", service, band, group)] = (n, head)
            cells[("M9", service, "", group)] = (draw(st.integers(0, head)), head)
            cells[("M3", service, "", group)] = (draw(st.integers(0, head)), head)
            shortlisted = draw(st.integers(0, 40))
            cells[("M2", service, "", group)] = (draw(st.integers(0, shortlisted)), shortlisted)
    return Counts(cells, bands=bands, standard=SC)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts_tables(), st.sampled_from([5, 10]))
def test_protected_documents_never_leak(counts: Counts, threshold: int) -> None:
    internal = results.compute(counts, ORG)
    doc = disclosure.protect(internal, threshold)
    # 1. no count from 1 to threshold − 1 is published
    assert all(not 0 < x < threshold for x in published_counts(doc))
    # 2. the linear-programming audit pins no hidden count below the threshold
    assert disclosure.audit(tables(doc), threshold, standard=SC).leaks == []
    # 3. what is published is true, and what is lost is reported
    truth = {(r.metric, r.service, r.band): r for r in internal.results}
    hidden = 0
    for r in doc.results:
        t = truth[(r.metric, r.service, r.band)]
        for g in (*GROUPS, "total"):
            for k in ("numerator", "denominator"):
                shown = getattr(r.groups.get(g, r.total), k)
                assert shown is None or shown == getattr(t.groups.get(g, t.total), k)
                hidden += shown is None and r.reason != "not submitted"
        if r.relative_likelihood is not None:
            assert r.relative_likelihood == t.relative_likelihood
    lost = doc.suppression["counts_suppressed"]
    assert (lost["primary"] > 0) == (hidden > 0) or lost["secondary"] > 0


def test_linked_tables_region_totals_cannot_be_subtracted_from_the_nation() -> None:
    """Two regions and their sum: a small regional count must not be national − the other region."""
    north = results.compute(m3(5), ORG)
    south = results.compute(m3(30), ORG)
    nation = results.compute(m3(5) + m3(30), ORG)
    sums = [("national", ["region:north", "region:south"])]
    # each region protected on its own (as separate publications would be) is not enough …
    alone = {"national": disclosure.protect(nation, 10), "region:north": disclosure.protect(north, 10), "region:south": disclosure.protect(south, 10)}
    joint = disclosure.protect_tables({"national": nation, "region:north": north, "region:south": south}, 10, sums)
    as_tables = lambda docs: {k: [r.to_dict() for r in d.results] for k, d in docs.items()}  # noqa: E731
    assert disclosure.audit(as_tables(alone), 10, sums, standard=SC).leaks != []
    # … protecting them together is
    assert disclosure.audit(as_tables(joint), 10, sums, standard=SC).leaks == []


def test_audit_reads_a_published_senior_manager_share_as_a_relation() -> None:
    """M9's share of senior managers left beside a hidden count gives it away: a = share × (a + c)."""
    cells = {}
    for service, me, white in (("adults", 5, 40), ("children", 30, 45)):
        cells[("M9", service, "", "minority_ethnic")] = (me, 200)
        cells[("M9", service, "", "white")] = (white, 400)
        cells[("M9", service, "", "unknown")] = (12, 50)
    safe = tables(disclosure.protect(results.compute(Counts(cells, bands=[], standard=SC), ORG), 10))
    assert disclosure.audit(safe, 10, standard=SC).leaks == []
    adults = next(r for r in safe["doc"] if r["metric"] == "M9" and r["service"] == "adults")
    assert adults["minority_ethnic"]["numerator"] is None and adults["representation"]["senior_managers"] is None
    adults["representation"]["senior_managers"] = 5 / 45  # the share a careless edit leaves in
    leaks = disclosure.audit(safe, 10, standard=SC).leaks
    assert any(x.cell[1:] == ("M9", "adults", "", "minority_ethnic", "numerator") for x in leaks)


def _withheld(doc: Document, metrics: set[str]) -> dict[tuple[str, str, str | None], list[Any]]:
    """Each result's figures as published (None: withheld), for the metrics asked for."""
    return {(r.metric, r.service, r.band): [r.relative_likelihood, r.status, *(getattr(r.groups.get(g, r.total), k) for g in (*GROUPS, "total") for k in ("numerator", "denominator"))]
            for r in doc.results if r.metric in metrics}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts_tables(), st.sampled_from([5, 10]))
def test_a_tables_pattern_depends_on_its_own_counts_only(counts: Counts, threshold: int) -> None:
    """Appointment (M2) shares no count with the headcount metrics (M1, M3, M9). Published alone, beside them, or
    after them, each withholds the same cells: two documents of one table (a survey campaign's results and the
    return it feeds) must not withhold different cells of it, or one could be differenced against the other."""
    internal = results.compute(counts, ORG)
    together = disclosure.protect(internal, threshold)
    apart = {"M2"}, {"M1", "M3", "M9"}
    for metrics in apart:
        alone = disclosure.protect(replace(internal, results=[r for r in internal.results if r.metric in metrics]), threshold)
        assert _withheld(alone, metrics) == _withheld(together, metrics)
    reordered = disclosure.protect(replace(internal, results=sorted(internal.results, key=lambda r: r.metric != "M2")), threshold)
    assert _withheld(reordered, {"M1", "M2", "M3", "M9"}) == _withheld(together, {"M1", "M2", "M3", "M9"})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts_tables(), st.sampled_from([5, 10]))
def test_every_secondary_count_is_needed(counts: Counts, threshold: int) -> None:
    """No count is withheld for nothing: publishing any one secondary count again would let a reader pin a small one."""
    ts = disclosure.build(tables(results.compute(counts, ORG)), standard=SC)
    primary, secondary = disclosure.suppress(ts, threshold)
    hidden = primary | secondary
    for v in secondary:
        fewer = hidden - {v}
        small = sorted(u for u in fewer if (ts.values[u] or 0) < threshold)
        assert disclosure.pinned(ts, fewer, small, threshold), f"count {v} ({ts.values[v]}) was withheld for nothing"



@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts_tables(), st.sampled_from([5, 10]))
def test_a_component_too_dear_for_step_3_keeps_step_2s_pattern_and_it_is_safe(counts: Counts, threshold: int) -> None:
    """Step 3 (publishing secondary counts again) is skipped past STEP3_WORK: the pattern is then a superset of
    the full one, and the audit finds no leak in it either."""
    ts = disclosure.build(tables(results.compute(counts, ORG)), standard=SC)
    primary, secondary = disclosure.suppress(ts, threshold)
    work = disclosure.STEP3_WORK
    try:
        disclosure.STEP3_WORK = -1  # every component too dear
        primary_2, secondary_2 = disclosure.suppress(ts, threshold)
    finally:
        disclosure.STEP3_WORK = work
    assert primary_2 == primary and secondary <= secondary_2
    hidden = primary_2 | secondary_2
    assert not disclosure.pinned(ts, hidden, sorted(u for u in hidden if (ts.values[u] or 0) < threshold), threshold)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts_tables(), st.sampled_from([5, 10]), st.randoms(use_true_random=False))
def test_step_3s_proofs_decide_a_try_as_a_programme_per_count_would(counts: Counts, threshold: int, rnd: Any) -> None:
    """_Witnesses reuses solutions across tries: for each secondary count published (in a random order, each
    try kept or undone at random), it says a small count can be pinned exactly when pinned() says so."""
    ts = disclosure.build(tables(results.compute(counts, ORG)), standard=SC)
    primary, secondary = disclosure.suppress(ts, threshold)
    for part in disclosure._components(ts):
        hidden = (primary | secondary) & part.members
        tries = sorted(secondary & part.members)
        if not tries:
            continue
        prog = disclosure._Programme(part, set(part.members))
        for v in part.members - hidden:
            prog.publish(v, True)
        seen = disclosure._Witnesses(prog, threshold)
        rnd.shuffle(tries)
        for v in tries:
            fewer = hidden - {v}
            check = {u for u in fewer if (ts.values[u] or 0) < threshold}
            prog.publish(v, True)
            said = seen.pins(v, check, set())
            assert said == bool(disclosure.pinned(part, fewer, sorted(check), threshold)), f"count {v}"
            if not said and rnd.random() < 0.5:
                hidden = fewer
                seen.shown(v)
            else:
                prog.publish(v, False)
