"""The authority dashboard: each metric's sentence, charts and trend once the report is built in the
background, report downloads (audited), and the report's status while it is being built."""

from __future__ import annotations

import json

import pytest

from tests.web.conftest import client_for
from wres.web.models import AuditEvent, ReportJob
from wres.web.tasks import build_report, request_report

pytestmark = pytest.mark.django_db


def test_dashboard_shows_every_published_sentence(users, submitted) -> None:
    sub = submitted["A"]
    html = client_for(users["viewer_A"]).get("/dashboard/").content.decode()
    assert f"{sub.authority.name}: 2024/25" in html
    for r in sub.document["results"]:
        if r["service"] == "all":
            assert r["sentence"].replace("'", "&#x27;") in html
    assert "Prepare the report" in html  # no report yet: any member may ask for one


def test_report_built_in_background_then_charts_and_downloads(users, submitted, django_capture_on_commit_callbacks) -> None:
    sub = submitted["A"]
    c = client_for(users["network_A"])
    job = request_report(sub, users["analyst_A"])  # queued: not yet run (its commit has not happened)
    html = c.get("/dashboard/").content.decode()
    assert "Waiting to start" in html and f'data-report-status-url="/reports/{job.pk}/status/"' in html
    assert c.get(f"/reports/{job.pk}/status/").json()["status"] == "queued"
    assert c.get(f"/reports/{job.pk}/report.pdf").status_code == 404  # not ready: nothing to download
    build_report.call(job.pk)
    assert c.get(f"/reports/{job.pk}/status/").json()["status"] == "done"
    html = c.get("/dashboard/").content.decode()
    # every chart with something to draw (a chart of only withheld results is not drawn: tasks.build_report)
    index = json.loads((job.directory / "charts" / "index.json").read_text(encoding="utf-8"))
    drawn = [c for c in index if c["name"].startswith(("rl-M", "trend-M"))]  # each metric's own charts
    assert len(drawn) >= 3 and html.count('class="wres-chart"') == len(drawn) and 'src="/reports/' in html
    r = c.get(f"/reports/{job.pk}/report.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    assert f"sc-wres-{sub.authority.code}-2024-v1-report.pdf" in r["Content-Disposition"]
    assert AuditEvent.objects.filter(action="report downloaded", detail__file="report.pdf").count() == 1
    svg = c.get(f"/reports/{job.pk}/charts/{drawn[0]['name']}.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    for bad in ("metrics.json", "charts/../report.pdf", "../../secret.key", "charts/index.json"):
        assert c.get(f"/reports/{job.pk}/{bad}").status_code == 404


def test_failed_report_says_so_and_can_be_tried_again(users, submitted, django_capture_on_commit_callbacks) -> None:
    sub = submitted["A"]
    job = ReportJob.objects.create(submission=sub, status=ReportJob.Status.FAILED, error="boom")
    c = client_for(users["analyst_A"])
    html = c.get("/dashboard/").content.decode()
    assert "could not be prepared" in html and "boom" not in html  # no internals on the page
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(f"/submissions/{sub.pk}/report/").status_code == 302
    assert sub.reports.first().status == ReportJob.Status.DONE
    assert job.pk != sub.reports.first().pk


def test_no_submission_yet(users) -> None:
    html = client_for(users["analyst_A"]).get("/dashboard/").content.decode()
    assert "No return submitted yet" in html and 'href="/submit/"' in html
    assert 'href="/submit/"' not in client_for(users["viewer_A"]).get("/dashboard/").content.decode()


def test_trend_has_m1_by_its_top_band(users, authorities, demo_returns, tmp_path) -> None:
    """M1 is in the trend across years, by the band the report assesses (the top one), named once in its row."""
    import re

    from tests.web.conftest import submit_return
    from wres.demo import EASTMERE, shifted, write_demo
    from wres.organisation import Organisation

    big = tmp_path / "big"  # large enough for the top band's figures to be published, not withheld
    big.mkdir()
    write_demo(big, seed=5, staff=2500, profile=EASTMERE, action_plan=False)
    earlier = submit_return(authorities["A"], users["analyst_A"], shifted(demo_returns["A"], tmp_path / "earlier", 1))
    latest = submit_return(authorities["A"], users["analyst_A"], big)
    html = client_for(users["viewer_A"]).get("/dashboard/").content.decode()
    table = html.split('id="trend"', 1)[1].split("</table>", 1)[0]
    row = re.search(r"<th scope=\"row\" class=\"govuk-table__header\">M1 Pay bands(.*?)</tr>", table, re.DOTALL)
    assert row, "M1 is missing from the trend"
    # the top band: the last of the pay bands as the organisation lists them (lowest first)
    top = Organisation.model_validate(latest.organisation).bands[-1].label
    assert f"assessed band: {top}" in row.group(1)
    cells = re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">(.*?)</td>', row.group(1))
    expected = []
    for sub in (earlier, latest):
        (r,) = [x for x in sub.document["results"] if x["metric"] == "M1" and x["service"] == "all" and x["band"] == top]
        expected.append(f"{r['relative_likelihood']:.2f}" if r["relative_likelihood"] is not None else "[c]" if r["suppressed"] else "–")
    assert cells == expected and cells[0] == "[c]" and re.fullmatch(r"\d+\.\d\d", cells[1]), cells
    assert "A figure by band is shown for the band the standard assesses" in html


def test_dashboard_shows_the_evidence_beside_each_verdict(users, submitted) -> None:
    """Issue 17: the summary and every metric's table give the evidence beside the verdict, and a result with
    not enough evidence either way says what its numbers could show (the words of render.evidence)."""
    import html as html_lib

    from wres.document import Document
    from wres.render import evidence
    from wres.standards import load

    sub = submitted["A"]
    page = html_lib.unescape(client_for(users["viewer_A"]).get("/dashboard/").content.decode())
    summary = page.split('id="summary"', 1)[1].split("</table>", 1)[0]
    assert ">Evidence</th>" in summary
    doc = Document.from_dict(sub.document)
    std = load(doc.standard_id)
    shown = [r for r in doc.results if r.service == std.breakdown.total.id and r.evidence]
    assert shown, "the demo has results with evidence"
    for r in shown:
        assert evidence.words(r) in page, (r.metric, r.evidence)
        if r.evidence == "inconclusive":
            assert evidence.advice(std, r) in page, r.metric
    assert any(r.evidence == "inconclusive" and r.detectable_rl for r in shown)
    rows = summary.split("<tbody", 1)[1].split("<tr ")[1:]
    assert rows and all('class="govuk-table__cell wres-evidence"' in row for row in rows)


def test_trend_shows_the_change_from_last_year(users, authorities, demo_returns, tmp_path) -> None:
    """With an earlier submission, the trend has each metric's change from last year (ratio; p for events)."""
    import html as html_lib
    import re

    from tests.web.conftest import submit_return
    from wres.demo import shifted, write_demo
    from wres.document import Document
    from wres.render import evidence
    from wres.results import with_change

    other = tmp_path / "other"  # a different year's people: the figures change
    other.mkdir()
    write_demo(other, seed=7, staff=425, action_plan=False)
    earlier = submit_return(authorities["A"], users["analyst_A"], shifted(other, tmp_path / "earlier", 1))
    latest = submit_return(authorities["A"], users["analyst_A"], demo_returns["A"])
    page = client_for(users["viewer_A"]).get("/dashboard/").content.decode()
    table = page.split('id="trend"', 1)[1].split("</table>", 1)[0]
    assert "Change from last year" in table
    changed = with_change(Document.from_dict(latest.document), Document.from_dict(earlier.document))
    cells = [html_lib.unescape(c) for c in re.findall(r'<td class="govuk-table__cell wres-change">(.*?)</td>', table)]
    texts = [evidence.change_text(r) for r in changed.results  # the trend gives a banded metric by its assessed band: here the others
             if r.service == "all" and r.band is None and r.change and r.change.get("ratio") is not None]
    assert texts and all(t in cells for t in texts if t), (texts, cells)
    assert any("(p " in c for c in cells), cells
