"""The web service for an NHS trust: its standard decides what it uploads and what its dashboard shows.

An NHS trust (Authority.standard = "nhs-wres") uploads the NHS demo trust's return through the service's own
steps and sees its nine indicators in the standard's words; an upload naming the other standard is one
clear problem; the national pages never pool two standards' returns. The dashboard in a real browser has
no axe-core violation.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from tests.web.conftest import client_for, make_user, submit_return, zipped
from tests.web.test_e2e import e2e_browser  # noqa: F401 - the browser fixture
from wres import standards
from wres.demo import NORTHMOOR, write_demo
from wres.demo import Profile as DemoProfile
from wres.document import Document
from wres.web import returns
from wres.web.models import Authority, Role, Submission, Upload

pytestmark = pytest.mark.django_db
NHS = standards.load("nhs-wres")
SC = standards.load("sc-wres")


@pytest.fixture(scope="session")
def nhs_return(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The NHS demo trust's return (smaller than the demo's 4,000 staff, so quick)."""
    d = tmp_path_factory.mktemp("nhs-return")
    write_demo(d, seed=7, staff=1500, standard="nhs-wres")
    return d


@pytest.fixture
def trust(db) -> Authority:  # noqa: ANN001
    return Authority.objects.create(name=NORTHMOOR.name, code=NORTHMOOR.code, region=NORTHMOOR.region, standard="nhs-wres")


@pytest.fixture
def trust_analyst(trust: Authority):  # noqa: ANN201
    return make_user("analyst-trust", Role.ANALYST, trust)


@pytest.fixture
def nhs_submitted(trust: Authority, trust_analyst, nhs_return: Path) -> Submission:  # noqa: ANN001
    return submit_return(trust, trust_analyst, nhs_return)


def test_trust_uploads_its_return_and_sees_nine_indicators(trust, trust_analyst, nhs_return) -> None:
    c = client_for(trust_analyst)
    page = c.get("/submit/").content.decode()
    assert "NHS WRES return" in page and 'standard = "nhs-wres"' in page
    for name in NHS.files:  # the standard's files, not the SC-WRES's
        assert f"<code>{name}.csv</code>" in page
    assert "fitness_to_practise" not in page and "leavers" not in page

    r = c.post("/submit/", {"file": zipped(nhs_return)})
    up = Upload.objects.get(authority=trust)
    assert up.status == Upload.Status.VALID, up.problems
    check = c.get(r.url, follow=True).content.decode()
    assert "NHS Workforce Race Equality Standard" in check and "Indicators with data" in check
    assert "Indicator 1, Indicator 2" in check

    r = c.post(f"/submit/{up.pk}/check/", {"keep_files": "no"}, follow=True)
    sub = Submission.objects.get(authority=trust)
    doc = Document.from_dict(sub.document)
    assert doc.standard_id == "nhs-wres" and sub.counts["standard"] == "nhs-wres"
    html = c.get("/dashboard/").content.decode()
    for m in NHS.metrics:  # every indicator, by the standard's own short name
        assert f'id="metric-{m.id}">{m.short} {m.title}</h3>' in html
    assert "The indicators</h2>" in html and "Each indicator at a glance" in html
    # the standard's group and part labels, never the SC-WRES's
    assert "BME: count" in html and ": clinical staff</caption>" in html and ": non-clinical staff</caption>" in html
    assert "Minority ethnic" not in html and "adult social care" not in html.lower()
    # every verdict and headline sentence as the engine wrote it: the dashboard decides none again
    for r in doc.results:
        if r.service == NHS.breakdown.total.id and r.status != "not_submitted":
            assert r.sentence.replace("'", "&#x27;") in html
            if r.verdict:
                assert r.verdict.replace("'", "&#x27;") in html
    # percentages (indicators 5 to 8) side by side with their difference; representation as shares
    assert "Difference (points)" in html and "95% CI" in html and "BME: share of the workforce" in html


@pytest.mark.postgres("the published document is JSON read back from the database (jsonb reorders keys)")
def test_dashboard_figures_come_from_the_document(trust, nhs_submitted) -> None:
    """A percentages result shows each group's percentage and the difference with its CI, as published."""
    from wres.web import figures

    doc = Document.from_dict(nhs_submitted.document)
    pct = next(r for r in doc.results if r.statistic == "percentages" and r.status == "published")
    cells = figures.cells(pct, NHS)
    focus, ref = pct.groups[NHS.focus.id], pct.groups[NHS.reference.id]
    assert cells[1] == f"{100 * focus.rate:.1f}%" and cells[3] == f"{100 * ref.rate:.1f}%"
    assert cells[4] == f"{100 * pct.difference:+.1f}".replace("-", "−")
    lo, hi = pct.difference_ci95
    assert cells[5] == f"{100 * lo:+.1f} to {100 * hi:+.1f}".replace("-", "−")
    rep = next(r for r in doc.results if r.statistic == "representation" and r.status == "published")
    cells = figures.cells(rep, NHS)
    assert cells[0] == f"{100 * rep.shares[NHS.focus.id]:.1f}%"
    assert cells[3] == f"{100 * rep.workforce_shares[NHS.focus.id]:.1f}%"


def test_plan_offers_the_trusts_indicators(trust_analyst) -> None:
    html = client_for(trust_analyst).get("/plan/new/").content.decode()
    assert "Indicator 3: Entering the formal disciplinary process" in html
    offered = [" ".join(label.split()) for label in re.findall(r'govuk-checkboxes__label[^>]*>([^<]*)<', html)]
    assert offered == [f"Indicator {n}: {NHS.metric(str(n)).title}" for n in range(1, 10)], offered
    assert "Fitness to practise" not in html  # the page names no SC-WRES metric (a CSRF token may hold "M3")
    words = re.sub(r"<[^>]+>", " ", html)  # what a reader sees (the form's field is named metrics)
    assert "Which indicators does the action address?" in words and "the indicators" in words and "metric" not in words.lower()
    errors = client_for(trust_analyst).post("/plan/new/", {"action_id": "N9"}).content.decode()
    assert "Select at least one indicator the action addresses" in errors


def test_a_trusts_plan_page_names_its_indicators_worse_for_bme_staff_that_no_action_addresses(trust, trust_analyst, nhs_submitted) -> None:
    """The check looked for the SC-WRES's "worse for minority ethnic staff": a trust's plan page never listed
    an indicator worse for BME staff that its plan leaves out."""
    from wres.web.models import Action

    worse = sorted({r["metric"] for r in nhs_submitted.document["results"] if r["assessment"] == f"worse_for_{NHS.focus.id}"}, key=int)
    assert worse, "the demo trust has indicators worse for BME staff"
    Action.objects.filter(authority=trust).delete()  # a plan with no action yet
    html = " ".join(client_for(trust_analyst).get("/plan/").content.decode().split())
    for m in worse:  # a relative likelihood is outside the non-adverse range; a difference of percentages is worse
        said = "outside the non-adverse range, to the disadvantage of BME staff" if NHS.metric(m).statistic == "relative_likelihood" else "worse for BME staff"
        assert f"Indicator {m} is {said}, and no action in the plan addresses it" in html, m  # (each for the whole trust only)
    assert "Indicators no action addresses" in html and f"{len(worse)} indicators worse for BME staff have no action" in html
    words = re.sub(r"<[^>]+>", " ", html)
    assert "metric" not in words.lower() and "minority ethnic" not in words
    assert any(NHS.metric(m).statistic == "percentages" for m in worse), worse  # both wordings are seen


def test_an_nhs_return_for_a_council_is_one_clear_problem(users, authorities, nhs_return) -> None:
    up = returns.record(authorities["A"], users["analyst_A"], zipped(nhs_return))
    assert up.status == Upload.Status.INVALID and up.staged == ""
    (problem,) = up.errors()
    assert problem["column"] == "standard"
    assert 'names the NHS WRES (standard = "nhs-wres"), but London Borough of Eastmere reports the SC-WRES' in problem["message"]
    assert 'write standard = "sc-wres" in organisation.toml' in problem["fix"]
    html = client_for(users["analyst_A"]).get(f"/submit/{up.pk}/").content.decode()
    assert "names the NHS WRES" in html and "Traceback" not in html


def test_a_council_return_for_a_trust_says_it_names_no_standard(trust, trust_analyst, demo_returns) -> None:
    """The SC-WRES return names no standard (the default): a trust is told to write its own."""
    up = returns.record(trust, trust_analyst, zipped(demo_returns["A"]))
    assert up.status == Upload.Status.INVALID
    (problem,) = up.errors()
    assert "does not name a standard, so it was read as the SC-WRES" in problem["message"]
    assert f"but {NORTHMOOR.name} reports the NHS WRES" in problem["message"]
    assert 'write standard = "nhs-wres" in organisation.toml' in problem["fix"]


@pytest.mark.postgres("the standards in use are a DISTINCT query")
def test_national_views_never_pool_two_standards(users, submitted, third, nhs_submitted) -> None:
    c = client_for(users["national"])
    tracker = c.get("/national/").content.decode()  # the first standard some authority reports: SC-WRES
    assert "3 of 3 authorities have submitted" in tracker and NORTHMOOR.name not in tracker
    assert '<option value="nhs-wres">NHS WRES</option>' in tracker
    nhs = c.get("/national/?standard=nhs-wres").content.decode()
    assert "1 of 1 trust has submitted" in nhs and NORTHMOOR.name in nhs
    assert all(s.authority.name not in nhs for s in (*submitted.values(), third))
    # the SC-WRES pooled counts: three councils, no trust's indicator
    rows = list(csv.reader(io.StringIO(c.get("/national/counts.csv?period=2024").content.decode())))
    assert {r[0] for r in rows[1:]} <= set(SC.metric_ids)
    pooled = sum(int(r[5]) for r in rows[1:] if r[0] == SC.metrics[2].id and r[1] == SC.breakdown.parts[0].id)
    alone = sum(int(r[5]) for s in (*submitted.values(), third) for r in s.counts["rows"] if r[0] == SC.metrics[2].id and r[1] == SC.breakdown.parts[0].id)
    assert pooled == alone
    # the NHS national report needs three trusts: one is not a nation, whatever the councils submitted
    report = c.get("/national/report/?standard=nhs-wres&period=2024").content.decode()
    assert "Only 1 trust has submitted a return for 2024/25" in report
    assert c.get("/national/counts.csv?standard=nhs-wres&period=2024").status_code == 404
    assert c.get("/national/?standard=no-such").status_code == 400


def test_a_trust_pooled_with_trusts_only(users, nhs_return, nhs_submitted, tmp_path) -> None:
    """Three trusts make an NHS national report, whose figures are the NHS standard's."""
    for i, (name, code) in enumerate((("Southdale NHS Trust", "R8Y"), ("Westbrook NHS Trust", "R7X")), start=1):
        auth = Authority.objects.create(name=name, code=code, region="London", standard="nhs-wres")
        d = tmp_path / code
        d.mkdir()
        write_demo(d, seed=20 + i, staff=900, standard="nhs-wres", profile=DemoProfile(name, code, "London", 0.4, 40.0))
        submit_return(auth, make_user(f"analyst-{code.lower()}", Role.ANALYST, auth), d)
    c = client_for(users["national"])
    report = c.get("/national/report/?standard=nhs-wres&period=2024").content.decode()
    assert "Trusts pooled" in report and "Indicator 9 Board membership" in report
    assert "Minority ethnic" not in report


def test_a_trusts_mapping_pages_offer_its_standards_values(trust) -> None:
    """The import mapping's choices are the trust's standard's: its staff groups, its survey answers, its bands."""
    from wres.web import importing

    assert importing.choices("service", NHS) == [(p.spelling, p.label) for p in NHS.breakdown.parts]
    assert ("Don't know", "Don't know") in importing.choices("answer", NHS, "equal_opportunities")
    assert ("Don't know", "Don't know") not in importing.choices("answer", NHS, "discrimination_colleagues")
    bands = [v for v, _ in importing.choices("band", NHS)]
    assert "Band 8a" in bands and "Board (non-executive)" in bands
    assert importing.mapped_files(NHS) == tuple(NHS.files)  # no fitness_to_practise or leavers to match
    # a kept mapping giving a clinical spelling a value the trust's standard does not have is refused
    text = '[staff.values.clinical]\n"Nursing" = "adults"\n'
    _, problems = importing.parse(text, NHS)
    assert any("not a value of clinical" in p.message for p in problems)
    assert not importing.parse('[staff.values.clinical]\n"Nursing" = "yes"\n', NHS)[1]


def test_a_trusts_own_export_is_matched_to_its_standards_columns_not_to_whichever_its_headings_fit(trust, tmp_path) -> None:
    """An ESR staff export whose headings fit both standards equally (ID, ethnicity, a Directorate that is a
    council's service heading, a band): the mapping pages suggest the trust's standard's columns, and never
    ask which of its directorates are adult or children's social care."""
    from wres.web import importing

    folder = tmp_path / "upload"
    folder.mkdir()
    with (folder / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["Employee Number", "Ethnic Origin", "Directorate", "AfC Band"],
                                 ["E1", "A White - British", "Surgery", "Band 5"], ["E2", "H Asian or Asian British - Indian", "Medicine", "Band 6"]])
    files, problems = importing.staged_files(folder, trust.the_standard)
    assert not problems and [f.stem for f in files] == ["staff"]
    m = importing.draft(files, None, trust.the_standard)
    assert m.files["staff"].columns == {"staff_id": "Employee Number", "ethnicity": "Ethnic Origin", "pay_band": "AfC Band"}
    assert importing.values_to_decide(files[0], m) == {}


ESR_ETHNIC = {"A": "A White - British", "B": "B White - Irish", "C": "CP White - Polish", "H": "H Asian or Asian British - Indian",
              "L": "LH Asian - British", "N": "N Black or Black British - African", "P": "PC Black - Nigerian", "S": "SC Filipino"}
ESR_BAND = {"Band 5": "Band 05", "Band 8a": "Band 8 - Range A", "Band 8b": "Band 8 - Range B", "VSM": "Very Senior Manager",
            "Trainee grade": "Foundation Year 1", "Career grade": "Specialty Doctor"}
ESR_GROUP = {"yes": "Nursing and Midwifery Registered", "no": "Administrative and Clerical"}


def test_a_trusts_esr_export_is_matched_in_the_pages_and_counts_as_its_return(trust, trust_analyst, nhs_return, tmp_path) -> None:
    """The trust's staff list as ESR gives it: its own file name and headings, ethnic origins with ESR's
    subcategory codes, bands as ESR spells them (and a local grade, asked on the values page), a staff group
    for clinical, Y/N board flags. Uploaded, matched on the mapping pages by accepting what they suggest, and
    submitted: its counts are its return's."""
    from tests.web.test_mapping_pages import labelled, selected, walk
    from wres import ethnicity
    from wres.web.models import ImportMapping

    export = tmp_path / "esr"
    shutil.copytree(nhs_return, export)
    with (export / "staff.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    (export / "staff.csv").unlink()
    code = {"white": "A", "minority_ethnic": "H", "unknown": ""}
    with (export / "ESR Staff in Post March 2025.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Assignment Number", "Employee Number", "Ethnic Origin", "AfC Band", "Staff Group", "Voting Board Member", "Executive Director"])
        for i, r in enumerate(rows):
            group = ethnicity.classify(r["ethnicity"])
            # the same person's group, as an ESR code (a subcategory code for some)
            origin = r["ethnicity"] if group == "unknown" else ESR_ETHNIC[(("A", "B", "C") if group == "white" else ("H", "L", "N", "P", "S"))[i % (3 if group == "white" else 5)]]
            band = "Non AfC Grade" if r["pay_band"] == "Band 6" else ESR_BAND.get(r["pay_band"], r["pay_band"])  # a local grade: asked
            w.writerow([f"{r['staff_id']}-1", r["staff_id"], origin, band, ESR_GROUP[r["clinical"]],
                        "Y" if r["board_voting"] == "yes" else "N", "Y" if r["board_executive"] == "yes" else "N"])
    plain = returns.record(trust, trust_analyst, zipped(nhs_return))  # the same return in the contract's spellings
    c = client_for(trust_analyst)
    r = c.post("/submit/", {"file": zipped(export, name="ESR export.zip")})
    up = Upload.objects.filter(authority=trust).order_by("-created_at").first()
    assert up.status == Upload.Status.INVALID and up.staged, up.problems
    def bands(url: str, text: str) -> dict[str, str] | None:  # the values page asks what "Non AfC Grade" is, offering the bands
        if not url.endswith("/staff/values/"):
            return None
        chosen, said = selected(text), labelled(text)
        name = next(n for n, label in said.items() if "Non AfC Grade" in label)
        assert chosen[name] == "" and '<option value="Band 6">' in text
        return {**chosen, name: "Band 6"}

    visited, check = walk(c, c.get(f"/submit/{up.pk}/map/")["Location"], bands)
    assert visited[0] == "files/" and "staff/columns/" in visited and "staff/values/" in visited, visited
    r = c.post(check)
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    kept = ImportMapping.objects.get(authority=trust).text
    assert "service" not in kept and 'clinical = "Staff Group"' in kept, kept
    r = c.post(f"/submit/{up.pk}/check/", {"keep_files": "no", "accept_placeholders": "on"})
    assert r.status_code == 302, r.content.decode()[:3000]
    submitted = Submission.objects.get(authority=trust)
    assert returns.counts_from(submitted.counts).cells == returns.counts_from(plain.counts).cells


def test_no_page_a_trust_sees_speaks_the_other_standards_words(trust, trust_analyst, nhs_submitted) -> None:
    """Every page of a trust's own (its dashboard, submissions, plan, governance, survey, mapping and upload
    pages) in its standard's words: no authority, council, social care, service, minority ethnic staff or
    metric, which the pages were first written in."""
    from html import unescape

    from wres.web.models import Upload

    c = client_for(trust_analyst)
    urls = ["/dashboard/", "/submissions/", f"/submissions/{nhs_submitted.pk}/", "/plan/", "/plan/new/", "/governance/", "/campaigns/",
            "/campaigns/new/", "/mapping/", "/submit/", *(f"/submit/{u.pk}/" for u in Upload.objects.filter(authority=trust))]
    for url in urls:
        r = c.get(url, follow=True)
        html = r.content.decode()
        assert r.status_code == 200 and "<main" in html, url
        words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html[html.index("<main"):html.index("</main>")])).split())
        # the web service itself; a survey question's words; a foundation trust's own Council of Governors
        words = re.sub(r"\b(the|this|web) service\b|service users|Council of Governors", "", words, flags=re.IGNORECASE)
        for other in ("authorit", "council", "social care", "minority ethnic", "SC-WRES", "metric", "service"):
            assert other not in words.lower(), (url, other, words)


@pytest.mark.django_db(transaction=True)
def test_trust_dashboard_in_a_browser(live_server, users, authorities, trust, trust_analyst, nhs_submitted, e2e_browser) -> None:
    """The NHS trust's dashboard with its report built: one h1, unique ids, axe-core 0 violations, no console
    error. (docs/img/nhs-dashboard.png is the demo trust's, from `python -m wres.web demo_data`.)"""
    from tests.web.test_e2e import base_url, open_tour, sign_in
    from wres.web.models import ReportJob
    from wres.web.tasks import build_report

    build_report.call(ReportJob.objects.create(submission=nhs_submitted, requested_by=trust_analyst).pk)
    context, tour = open_tour(e2e_browser, base_url(live_server))
    try:
        tour.go("/dashboard/")  # to the sign-in page, then back to the dashboard
        sign_in(tour, "analyst-trust")
        tour.visit("the NHS trust's dashboard", expect_title=f"{NORTHMOOR.name} 2024/25 – NHS WRES")
        page = tour.page
        assert page.locator("section.wres-metric").count() == len(NHS.metrics)
        assert page.locator("img.wres-chart").count() >= 1  # the RL charts with a figure to draw, from the built report
    finally:
        context.close()
