"""The national programme team's pages: who has submitted, the pseudonymised and disclosure-controlled
national report and benchmark, and the audited pooled counts; nobody else may see them."""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
from html import escape as html_escape
import re
import time
from datetime import date
from itertools import pairwise

import pytest
from django.conf import settings
from django.test import Client

from tests.web.conftest import client_for, zipped
from wres import disclosure, published
from wres import national as engine
from wres.counts import Counts
from wres.web import returns
from wres.web.models import AuditEvent, Authority, Submission

pytestmark = pytest.mark.django_db

URLS = ("/national/", "/national/report/", "/national/counts.csv")


def _text(response) -> str:
    return html_lib.unescape(response.content.decode())


def _cached_folders() -> list:
    return sorted(p for p in (settings.NATIONAL_DIR / "reports").iterdir() if not p.name.startswith("."))


def test_tracker_shows_who_has_submitted(users, authorities, submitted) -> None:
    Authority.objects.create(name="Westmoor Borough Council", code="E09000999", region="London")
    r = client_for(users["national"]).get("/national/")
    assert r.status_code == 200
    html = _text(r)
    assert "Returns submitted: 2024/25" in html
    assert "2 of 3 authorities have submitted a return for 2024/25." in html
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.DOTALL)
    by_name = {re.search(r'<th scope="row"[^>]*>([^<]+)</th>', row).group(1): row for row in rows[1:]}
    for key in ("A", "B"):
        row = by_name[authorities[key].name]
        assert authorities[key].code in row and authorities[key].region in row
        assert "govuk-tag--green" in row and ">Submitted<" in row
        assert f">{submitted[key].version}<" in row
    row = by_name["Westmoor Borough Council"]
    assert "govuk-tag--grey" in row and ">Not submitted<" in row
    # a GOV.UK table and a GET period chooser listing the periods that exist
    assert '<caption class="govuk-table__caption' in html and 'scope="col"' in html
    assert re.search(r'<form method="get"[^>]*>.*<select class="govuk-select" id="period" name="period">\s*<option value="2024" selected>2024/25</option>\s*</select>', html, re.DOTALL)
    # names and statuses only: no link to any authority's pages, no record-level data
    assert "/submissions/" not in html and "/dashboard/" not in html


@pytest.mark.postgres("the latest version is an Exists subquery")
def test_tracker_counts_the_latest_version(users, authorities, submitted) -> None:
    a = submitted["A"]
    Submission.objects.create(
        authority=a.authority, period_start=a.period_start, period_end=a.period_end, version=2, filename=a.filename,
        organisation=a.organisation, counts=a.counts, document=a.document,
    )
    html = _text(client_for(users["national"]).get("/national/?period=2024"))
    assert "2 of 2 authorities have submitted" in html
    row = next(row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.DOTALL) if authorities["A"].name in row)
    assert 'govuk-table__cell--numeric">2<' in row


def test_period_with_no_submissions_says_so_plainly(users, submitted) -> None:
    c = client_for(users["national"])
    for url in ("/national/?period=2019", "/national/report/?period=2019"):
        r = c.get(url)
        assert r.status_code == 200
        assert "No authority has submitted a return for 2019/20" in _text(r)
        assert "govuk-table" not in r.content.decode()
    assert c.get("/national/counts.csv?period=2019").status_code == 404
    assert c.get("/national/?period=twenty").status_code == 400  # not a year: a page that says what to give


def test_no_submissions_at_all(users) -> None:
    c = client_for(users["national"])
    assert "No authority has submitted a return yet" in _text(c.get("/national/"))
    assert "No authority has submitted a return yet" in _text(c.get("/national/report/"))


def test_two_authorities_are_not_a_nation(users, submitted) -> None:
    """With two, either could take its own counts from the nation's and be left with the other's."""
    c = client_for(users["national"])
    assert "Only 2 authorities have submitted a return for 2024/25" in _text(c.get("/national/report/"))
    assert "National report for" not in _text(c.get("/national/"))
    assert c.get("/national/report/?period=2024&file=national.json").status_code == 404
    assert c.get("/national/counts.csv").status_code == 200  # the national team's own pooled counts


def test_one_authority_is_not_a_nation(users, authorities, demo_returns) -> None:
    up = returns.record(authorities["A"], users["analyst_A"], zipped(demo_returns["A"]))
    returns.submit(up, users["analyst_A"], keep_files=False)
    c = client_for(users["national"])
    r = c.get("/national/report/")
    assert r.status_code == 200
    assert "Only 1 authority has submitted a return for 2024/25" in _text(r)
    assert c.get("/national/counts.csv").status_code == 404


def test_national_report_is_pseudonymised_and_disclosure_controlled(users, authorities, submitted, third) -> None:
    submitted = {**submitted, "C": third}
    authorities = {**authorities, "C": third.authority}
    c = client_for(users["national"])
    started = time.perf_counter()
    r = c.get("/national/report/?period=2024")
    first = time.perf_counter() - started
    assert r.status_code == 200
    html = _text(r)
    assert "National report: 2024/25" in html
    # pooled figures for both services, as sentences
    assert "Minority ethnic staff in adult and children's social care were" in html
    assert "Authorities pooled" in html
    # the benchmark names authorities by pseudonym only
    pseudonyms = set(re.findall(r"LA-[A-Z2-9]{6}", html))
    assert len(pseudonyms) == 3
    assert re.search(r'<th scope="row" class="govuk-table__header">LA-[A-Z2-9]{6}</th>', html)
    for a in authorities.values():
        assert a.name not in html and a.code not in html
        assert max(a.name.split(), key=len) not in html  # Eastmere, Northfield, Southby
    # three authorities, each its own region: no regional breakdown is published
    assert "No regional breakdown is published for 2024/25" in html

    # what was rendered is the cached national output, and it passes the disclosure audit
    (folder,) = _cached_folders()
    doc, problems = published.read(folder)
    assert doc is not None, problems
    threshold = max(disclosure.DEFAULT_THRESHOLD, *(s.loaded_organisation().suppression_threshold for s in submitted.values()))
    assert doc.threshold == threshold
    result = disclosure.audit(doc.tables, threshold, doc.sums, standard=doc.standard)
    assert not result.leaks and result.hidden > 0
    for results in doc.tables.values():
        for row in results:
            for group in ("minority_ethnic", "white", "unknown", "total"):
                for kind in ("numerator", "denominator"):
                    value = (row.get(group) or {}).get(kind)
                    assert value is None or value == 0 or value >= threshold, (row["metric"], row["service"], group, kind, value)
    for name in ("national.json", "benchmark.json", "benchmark.csv", "funnel.csv", "meta.json"):
        text = (folder / name).read_text(encoding="utf-8")
        for a in authorities.values():
            assert a.name not in text and a.code not in text

    # beside each benchmark table, the engine's funnel and heterogeneity sentences from national.json (issue 17)
    national = json.loads((folder / "national.json").read_text(encoding="utf-8"))
    shown = 0
    for m in json.loads((folder / "benchmark.json").read_text(encoding="utf-8"))["metrics"]:
        if m["service"] != "all":
            continue
        for table in ("funnel", "heterogeneity"):
            entry = national[table].get(m["metric"], {}).get(m["service"], {}).get(m["band"] or "-")
            if entry is None:  # no organisation's figure to set in it
                continue
            sentence = entry["sentence"]
            assert html_escape(sentence) in r.content.decode(), (table, m["metric"], m["band"])
            shown += 1
    assert shown > 0

    # every benchmark figure shown comes from an authority whose four counts are all 0 or at least the threshold
    bench = json.loads((folder / "benchmark.json").read_text(encoding="utf-8"))
    assert bench["suppression"]["applied"] is True and bench["named"] is False
    counts = {s.loaded_organisation().code: s.loaded_counts() for s in submitted.values()}
    key = engine.key_from(settings.PSEUDONYM_KEY)
    by_pseudonym = {engine.pseudonym(key, s.loaded_organisation()): counts[s.loaded_organisation().code] for s in submitted.values()}
    assert set(by_pseudonym) == pseudonyms
    for m in bench["metrics"]:
        for a in m["authorities"]:
            cells = [by_pseudonym[a["authority"]].get(m["metric"], m["service"], m["band"] or "", g) for g in ("minority_ethnic", "white")]
            small = any(0 < v < threshold for pair in cells for v in pair)
            if small:
                assert a["suppressed"] and a["relative_likelihood"] is None

    # a second view is the cached one: no new folder, and quick
    started = time.perf_counter()
    assert c.get("/national/report/?period=2024").status_code == 200
    again = time.perf_counter() - started
    assert _cached_folders() == [folder]
    assert again < max(first, 0.5)


def test_new_submission_makes_a_new_national_report(users, authorities, submitted, third) -> None:
    c = client_for(users["national"])
    assert c.get("/national/report/").status_code == 200
    (first,) = _cached_folders()
    a = submitted["A"]
    Submission.objects.create(
        authority=a.authority, period_start=a.period_start, period_end=a.period_end, version=2, filename=a.filename,
        organisation=a.organisation, counts=a.counts, document=a.document,
    )
    assert c.get("/national/report/").status_code == 200
    (second,) = _cached_folders()  # built anew; the earlier set's folder is never asked for again, so it goes
    assert second != first


def test_national_files_download_and_are_audited(users, submitted, third) -> None:
    c = client_for(users["national"])
    r = c.get("/national/report/?period=2024&file=benchmark.csv")
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment") and "sc-wres-national-2024-benchmark.csv" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    assert rows[0][0] == "authority" and all(re.fullmatch(r"LA-[A-Z2-9]{6}", row[0]) for row in rows[1:])
    assert AuditEvent.objects.filter(action="national file downloaded", authority=None).count() == 1
    assert c.get("/national/report/?period=2024&file=../meta.json").status_code == 404
    assert c.get("/national/report/?period=2024&file=meta.json").status_code == 404


@pytest.mark.postgres("counts are JSON read back from the database (jsonb reorders keys)")
def test_pooled_counts_are_the_sum_and_audited(users, submitted, third) -> None:
    c = client_for(users["national"])
    report = _text(c.get("/national/report/?period=2024"))
    assert "not disclosure-controlled" in report and "/national/counts.csv?standard=sc-wres&period=2024" in report
    r = c.get("/national/counts.csv?period=2024")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert r["Content-Disposition"] == 'attachment; filename="sc-wres-national-counts-2024.csv"'
    expected = submitted["A"].loaded_counts() + submitted["B"].loaded_counts() + third.loaded_counts()
    assert r.content.decode() == expected.to_csv()
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    back = Counts.from_rows(rows[1:], expected.bands, expected.standard)
    assert back == expected
    event = AuditEvent.objects.get(action="pooled counts downloaded")
    assert event.authority is None and event.target == "period 2024" and event.username == "national"


def test_pooled_counts_are_formula_safe(users, authorities, submitted) -> None:
    """Pay band labels are an authority's own text: a label a spreadsheet would run is written as text."""
    evil = "=HYPERLINK(\"http://x\")"
    for sub in submitted.values():
        c = sub.loaded_counts()
        first = c.bands[0]
        cells = {(m, s, evil if b == first else b, g): v for (m, s, b, g), v in c.cells.items()}
        sub.counts = {"rows": [list(row) for row in Counts(cells, [evil, *c.bands[1:]], c.standard).rows()], "bands": [evil, *c.bands[1:]]}
        sub.save()
    text = client_for(users["national"]).get("/national/counts.csv?period=2024").content.decode()
    bands = {row[2] for row in csv.reader(io.StringIO(text)) if row[0] == "M1"}
    assert "'" + evil in bands and evil not in bands


def test_only_national_administrators_see_national_pages(users, submitted) -> None:
    """Every authority role gets 403 on every national URL; anonymous users are sent to sign in; the national
    administrator, for their part, never reaches an authority's pages."""
    for who in ("analyst_A", "viewer_A", "network_A", "analyst_B", "viewer_B", "network_B"):
        c = client_for(users[who])
        for url in URLS:
            assert c.get(url + "?period=2024").status_code == 403, (who, url)
    assert not AuditEvent.objects.filter(action="pooled counts downloaded").exists()
    assert not (settings.NATIONAL_DIR / "reports").exists(), "nothing worked out for a refused request"
    for url in URLS:
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next="), url
    c = client_for(users["national"])
    for url in ("/dashboard/", f"/submissions/{submitted['A'].pk}/", "/submissions/", "/submit/", "/plan/"):
        assert c.get(url).status_code == 403, url


def test_pages_are_govuk_and_have_no_inline_script_or_style(users, submitted, third) -> None:
    c = client_for(users["national"])
    for url in ("/national/", "/national/report/"):
        html = c.get(url).content.decode()
        assert 'class="govuk-heading-l"' in html
        assert " style=" not in html and "<style" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline script"
        levels = [int(h) for h in re.findall(r"<h([1-6])", html)]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in pairwise(levels)), levels
        for table in re.findall(r"<table.*?</table>", html, re.DOTALL):
            assert "<caption" in table and 'scope="col"' in table and 'scope="row"' in table
    html = c.get("/national/report/").content.decode()
    assert "govuk-summary-list" in html


def test_period_default_is_latest_submitted(users, authorities, submitted) -> None:
    a = submitted["A"]
    Submission.objects.create(
        authority=a.authority, period_start=date(2023, 4, 1), period_end=date(2024, 3, 31), version=1, filename=a.filename,
        organisation=a.organisation, counts=a.counts, document=a.document,
    )
    html = _text(client_for(users["national"]).get("/national/"))
    assert "Returns submitted: 2024/25" in html
    assert '<option value="2023">2023/24</option>' in html
    html = _text(client_for(users["national"]).get("/national/?period=2023"))
    assert "1 of 2 authorities has submitted a return for 2023/24." in html
