"""The report shows the evidence (issue 17, statistics.md): the summary groups the published results by their
`evidence` (clearly outside the range, clearly inside, not enough evidence either way, with what the data
could show), a metric's trend has its change from last year, and the workbook's results sheet the new columns.

Every expectation is read from the document the same `wres report` wrote (metrics.json), never restated.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_command
from wres.demo import shifted, write_demo
from wres.document import Document
from wres.render import evidence
from wres.standards import load

HEADINGS = ["Clearly outside the range", "Clearly inside the range", "Not enough evidence either way"]
SERVICE = {"adults": "Adult social care", "children": "Children's social care", "all": "Both services"}


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _rows(table: str) -> list[list[str]]:
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.DOTALL)] for tr in re.findall(r'<tr(?: class="has-advice")?>(.*?)</tr>', body, re.DOTALL)]  # not the advice's print-only row


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("evidence")
    out = []
    for i, seed in enumerate((2, 1)):  # last year, this year: different people, so the figures change
        d = root / f"raw-{seed}"
        d.mkdir()
        write_demo(d, seed=seed, staff=900)
        out.append(shifted(d, root / f"y{i}", 1 - i))
    return out


@pytest.fixture(scope="module")
def one_year(years: list[Path]) -> Path:
    out = years[-1].parent / "one"
    run = run_command("report", years[-1], "-o", out)
    assert run.code == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def two_years(years: list[Path]) -> Path:
    out = years[-1].parent / "two"
    run = run_command("report", years[-1], "-o", out, "--previous", years[0])
    assert run.code == 0, run.stderr
    return out


def _summary_groups(report: Path) -> dict[str, list[list[str]]]:
    page = (report / "report.html").read_text(encoding="utf-8")
    section = page.split('id="summary"', 1)[1].split("</section>", 1)[0]
    groups = {}
    for part in section.split(' id="evidence-')[1:]:
        if part.startswith(("outside-range", "inside-range", "inconclusive")) and "<caption>" in part.split("</table>", 1)[0][:300]:
            table = part.split("</table>", 1)[0]
            groups[_text(re.search(r"<caption>(.*?)</caption>", table, re.DOTALL).group(1))] = _rows(table)
        else:
            heading, rest = _text(part.split(">", 1)[1].split("</p>", 1)[0]).split(":", 1)
            assert rest.strip() == "none this year.", part[:200]
            groups[heading] = []
    return groups


def _headline(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The results the summary lists: published, each metric's assessed band (the last band listed is M1's top)."""
    top = {r["metric"]: r["band"] for r in doc["results"]}
    return [r for r in doc["results"] if r["relative_likelihood"] is not None and r["band"] == top[r["metric"]] and r["status"] == "published"]


@pytest.mark.parametrize("report", ["one_year", "two_years"])
def test_summary_groups_every_result_by_its_evidence(report: str, request: pytest.FixtureRequest) -> None:
    out: Path = request.getfixturevalue(report)
    doc = json.loads((out / "metrics.json").read_text())
    std = load(doc.get("standard_id", "sc-wres"))
    groups = _summary_groups(out)
    assert list(groups) == HEADINGS  # always the three, in this order (an empty one says so)
    expected = _headline(doc)
    assert sum(len(rows) for rows in groups.values()) == len(expected) >= 5
    key = {"outside_range": HEADINGS[0], "inside_range": HEADINGS[1], "inconclusive": HEADINGS[2], None: HEADINGS[2]}
    for r in expected:
        rows = groups[key[r["evidence"]]]
        match = [row for row in rows if row[0].startswith(r["metric"] + " ") and row[1] == SERVICE[r["service"]]]
        assert len(match) == 1, (r["metric"], r["service"], r["evidence"], groups)
        row = match[0]
        assert row[2].startswith(f"{r['relative_likelihood']:.2f}"), row
        assert row[3].startswith(r["verdict"]), row
        if r["evidence"] == "inconclusive":  # the advice: what this return's numbers could show
            advice = evidence.advice(std, Document.from_dict(doc).results[doc["results"].index(r)])
            assert advice and row[3] == f"{r['verdict']} {advice}", row
            det = r["detectable_rl"][std.metric(r["metric"]).direction]
            assert f"{det:.2f}" in advice, advice
            if r["respondents_needed"] is not None:
                assert f"about {r['respondents_needed']:,} responses would be needed to see 1.25" in advice
        else:
            assert row[3] == r["verdict"], row


def test_advice_in_the_words_of_the_issue() -> None:
    """The survey example: the group's words and count, the detectable gap, the respondents for the range edge."""
    from wres.document import Figures, Result

    std = load("sc-wres")
    r = Result("M7a", "all", None, {"minority_ethnic": Figures(12, 55, 12 / 55), "white": Figures(60, 370, 60 / 370), "unknown": Figures(1, 5)},
               0.99, 1.28, (0.72, 2.27), "worse_for_minority_ethnic", False, None, "", orientation=("minority_ethnic", "white"),
               evidence="inconclusive", detectable_rl={"above": 2.3, "below": 0.41}, respondents_needed=140)
    assert evidence.advice(std, r) == ("With 55 minority ethnic respondents, only a gap of 2.30 times or more would show; "
                                       "about 140 responses would be needed to see 1.25.")
    r.groups["minority_ethnic"] = Figures(None, None)  # withheld counts: the advice does not repeat them
    assert evidence.advice(std, r).startswith("With these numbers, only a gap of 2.30 times or more")
    r.detectable_rl = {"above": None, "below": 0.41}
    assert evidence.advice(std, r).startswith("With these numbers, no gap above the range could show")
    r.detectable_rl = None
    assert evidence.advice(std, r) == ""


def test_trend_shows_each_metrics_change(two_years: Path) -> None:
    doc = json.loads((two_years / "metrics.json").read_text())
    page = (two_years / "report.html").read_text(encoding="utf-8")
    trend = page.split('id="trend"', 1)[1].split("</section>", 1)[0]
    tables = {_text(re.search(r"<caption>(.*?)</caption>", t, re.DOTALL).group(1)): _rows(t)
              for t in re.findall(r'<table class="small change">.*?</table>', trend, re.DOTALL)}
    assert tables, "no change table in the trend"
    std = load(doc.get("standard_id", "sc-wres"))
    shown = 0
    for r in _headline(doc):
        c = r.get("change")
        if not c or c.get("ratio") is None:
            continue
        m = std.metric(r["metric"])
        (caption,) = [k for k in tables if k.startswith(f"{m.short} {m.title}: change from 2023/24 to 2024/25")]
        (row,) = [x for x in tables[caption] if x[0].startswith(SERVICE[r["service"]])]
        assert row[1:4] == [f"{c['previous_rl']:.2f}", f"{r['relative_likelihood']:.2f}", f"{c['ratio']:.2f}"], row
        if c.get("p_value") is not None:
            assert row[4] == evidence.p_text(c["p_value"]) and m.kind in ("recruitment", "staff_event", "survey")
        else:
            assert row[4] == "no test" and c["note"] and _text(c["note"]) in _text(trend)
        shown += 1
    assert shown >= 3
    assert "Test of change" in trend


def test_workbook_results_sheet_has_the_evidence_columns(two_years: Path, one_year: Path) -> None:
    import openpyxl

    doc = json.loads((two_years / "metrics.json").read_text())
    ws = openpyxl.load_workbook(two_years / "workbook.xlsx")["Summary"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Metric")
    header = list(rows[head])
    for col in ("Evidence", "Detectable RL above 1", "Detectable RL below 1", "Respondents needed", "What the data could show",
                "Previous year's RL", "Change (ratio)", "Change z", "Change p", "Change note"):
        assert col in header, header
    body = rows[head + 1: head + 1 + len(doc["results"])]
    assert len(body) == len(doc["results"])
    col = {h: header.index(h) for h in header}
    for r, row in zip(doc["results"], body):
        assert row[col["Metric"]] == r["metric"]
        assert (row[col["Evidence"]] or "") == evidence.WORDS.get(r["evidence"] or "", "")
        for side in ("above", "below"):
            value = (r["detectable_rl"] or {}).get(side)
            cell = row[col[f"Detectable RL {side} 1"]]
            assert cell == pytest.approx(value, rel=1e-12) if value is not None else cell in ("[c]", "–"), (r["metric"], side, cell)
        assert row[col["Respondents needed"]] == r["respondents_needed"] if r["respondents_needed"] is not None else True
        ch = r["change"] or {}
        for key, name in (("previous_rl", "Previous year's RL"), ("ratio", "Change (ratio)"), ("z", "Change z"), ("p_value", "Change p")):
            want = ch.get(key)
            assert row[col[name]] == (pytest.approx(want, rel=1e-12, abs=1e-15) if want is not None else "–"), (r["metric"], name)
    assert any(x["change"] and x["change"].get("p_value") is not None for x in doc["results"])
    # one year: no change columns
    ws = openpyxl.load_workbook(one_year / "workbook.xlsx")["Summary"]
    header = next(list(r) for r in ws.iter_rows(values_only=True) if r and r[0] == "Metric")
    assert "Evidence" in header and "Change (ratio)" not in header



def test_a_difference_of_percentages_is_clear_or_not_never_inside() -> None:
    """NHS WRES indicators 5–8: the evidence of a difference is whether its CI excludes 0 (stats.difference_evidence)."""
    from wres.document import Figures, Result

    r = Result("5", "all", None, {"bme": Figures(30, 100, 0.3), "white": Figures(20, 200, 0.1), "unknown": Figures(0, 0)}, 1.0, None, None,
               None, False, None, "", statistic="percentages", difference=0.2, difference_ci95=(0.1, 0.3), evidence="outside_range")
    assert evidence.words(r) == "a clear difference (the 95% CI excludes 0)" and evidence.group_of(r) == "outside_range"
    r.evidence = "inconclusive"
    assert evidence.words(r).startswith("not enough evidence either way")
    r.evidence = None
    assert evidence.words(r) == "" and evidence.group_of(r) == "inconclusive"
