"""The service end to end in a real browser (Debian's headless Chromium, driven by Playwright).

An analyst signs in (after one wrong password), uploads a return with a mistake, reads the GOV.UK error
summary and follows its link to the problem, uploads the corrected return, checks the answers and submits.
The report set is then built by django-tasks' own database worker (its batch mode, run in the test's
thread while the page waits): the dashboard notices by itself, through static/wres/init.js polling, and
shows the charts and the downloads. The analyst downloads the PDF, adds an action to the plan and a
monthly update to it, and looks at the submissions and governance pages; then the national programme
team signs in and sees the tracker and the national report.

On every page: axe-core finds no WCAG 2.2 A/AA violation, nothing is logged to the console as an error
(a Content-Security-Policy violation is one), no request fails and no response is an error. The server is
pytest-django's live_server on http://localhost, so the session and CSRF cookies stay Secure as in
production. `WRES_SCREENSHOTS=1` also writes the main pages to docs/img/web-*.png (full page, 1200 px wide).

Chromium and axe-core missing is a failure with the command that installs them (tests/browser.py).
"""

from __future__ import annotations

import csv
import json
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.browser import (
    ROOT,
    WCAG_TAGS,
    WIDTH,
    axe_source,
    chromium,
    describe,
)
from tests.web.conftest import PASSWORD, SOUTHBY, make_user, submit_return
from wres.standards import load as load_standard
from wres.web.models import Authority, ReportJob, Role, Submission, Upload

SHOTS = os.environ.get("WRES_SCREENSHOTS") == "1"
IMG = ROOT / "docs" / "img"
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TIMEOUT = 15_000  # ms: a page, a click, an element


# ---- the browser's side ------------------------------------------------------------------------------------

@pytest.fixture
def e2e_browser(live_server, users, authorities, monkeypatch) -> Iterator[Any]:
    """Debian's Chromium for this test alone, started after the database fixtures and stopped before them.

    Playwright's sync API keeps an asyncio loop running in this thread, so Django would refuse the test's
    own ORM calls as "async unsafe"; the live server answers from its own thread as ever. (tests.browser's
    session-wide browser would keep the loop running into later database tests.)
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    with chromium() as browser:
        yield browser


@dataclass
class Tour:
    """One browser tab going round the service, with what went wrong on the way and what axe said of each page."""

    page: Any
    base: str
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def go(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def visit(self, name: str, shot: str | None = None, expect_title: str | None = None) -> None:
        """The page as it is now: one h1, unique ids (axe 4.10 no longer counts duplicate ids under WCAG),
        0 axe violations, no console error or failed request so far, and (WRES_SCREENSHOTS=1) a full-page
        screenshot."""
        page = self.page
        page.wait_for_load_state("load")
        if expect_title is not None:
            assert expect_title in page.title(), f"{name}: the page is {page.title()!r} at {page.url}"
        shape = page.evaluate("""() => {
            const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
            return {h1: document.querySelectorAll('h1').length, duplicates: [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))]} }""")
        assert shape == {"h1": 1, "duplicates": []}, f"{name}: one h1 and unique ids wanted, found {shape}"
        violations = run_axe(page)
        assert violations == [], (
            f"axe-core found {len(violations)} WCAG 2.2 A/AA violation(s) on {name} ({page.url}):\n"
            + "\n".join(f"  {v['id']}: {[n['target'] for n in v['nodes']]}" for v in violations)
            + "\n" + describe(violations)
        )
        assert self.problems() == [], f"on the way to {name} ({page.url}):\n" + "\n".join(self.problems())
        self.visited.append(f"{name} ({urlsplit(page.url).path})")
        if shot and SHOTS:
            IMG.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(IMG / f"web-{shot}.png"), full_page=True)

    def problems(self) -> list[str]:
        return [f"console: {c}" for c in self.console] + [f"request: {f}" for f in self.failed]


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations for the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    govern: adding it as a <script> (tests.browser.axe) would be refused by the policy, rightly.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    assert len(result["passes"]) > 10, f"axe-core checked almost nothing on {page.url}: {result['passes']}"
    return result["violations"]


def open_tour(browser: Any, base: str) -> tuple[Any, Tour]:
    context = browser.new_context(viewport={"width": WIDTH, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    tour = Tour(page, base)
    page.on("console", lambda m: tour.console.append(f"{m.text} ({m.location.get('url', '')})") if m.type == "error" else None)
    page.on("pageerror", lambda e: tour.console.append(f"script error: {e}"))
    page.on("request", lambda r: tour.requests.append(urlsplit(r.url).path))
    page.on("requestfailed", lambda r: tour.failed.append(f"{r.method} {r.url}: {r.failure}"))
    page.on("response", lambda r: tour.failed.append(f"{r.request.method} {r.url}: HTTP {r.status}") if r.status >= 400 else None)
    return context, tour


def sign_in(tour: Tour, username: str, password: str = PASSWORD) -> None:
    page = tour.page
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def base_url(live_server: Any) -> str:
    """The live server as http://localhost: a secure context, where Chromium keeps Secure cookies."""
    url = live_server.url.replace("://127.0.0.1:", "://localhost:")
    assert urlsplit(url).hostname == "localhost", url
    return url


# ---- the returns -------------------------------------------------------------------------------------------

def zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
    return out


def broken_copy(folder: Path, out: Path) -> Path:
    """The return with staff.csv row 3 (as a spreadsheet numbers it) in a service that does not exist."""
    out.mkdir()
    for f in folder.iterdir():
        (out / f.name).write_bytes(f.read_bytes())
    with (out / "staff.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[2][rows[0].index("service")] = "hospital"
    with (out / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return out


def run_worker() -> int:
    """django-tasks' database worker, as `python -m wres.web db_worker --batch` runs it: every ready task, then stop.

    It runs in the test's thread, which shares the in-memory test database with the live server's thread.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready().count()
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="e2e-worker", excluded_queue_names=[]).run()
    return ready


def check_by_worker(tour: Tour, then: str) -> None:
    """An upload's progress page ("We are checking your file": axe 0, a status that init.js polls), the
    worker's check, and the page turning into what the check found by itself (no reload here)."""
    page = tour.page
    assert page.get_by_role("heading", level=1).inner_text() == "We are checking your file", "the upload was checked inside the request"
    status = page.locator("[data-report-status]")
    assert status.get_attribute("data-report-status") == "waiting" and "Waiting to start" in status.inner_text()
    tour.visit("checking the upload", shot="checking", expect_title="We are checking your file")
    up = Upload.objects.get(status=Upload.Status.CHECKING)
    assert f"/submit/{up.pk}/" in page.url
    assert run_worker() == 1
    page.wait_for_function("() => document.querySelector('h1').innerText !== 'We are checking your file'", timeout=30_000)
    page.wait_for_load_state("load")
    assert any(f"/submit/{up.pk}/status/" in r for r in tour.requests), f"the page did not ask for the status before {then}"


# ---- the tests ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_static_asset_the_pages_use_is_served(settings) -> None:
    """The stylesheets and scripts the base template names, the modules they import and the images
    the stylesheet asks for: each one is served (200) from /assets/, styles and scripts with the type that
    nosniff requires. (That the browser loads them all under the CSP is checked by the end-to-end test.)"""
    c = Client()
    html = c.get("/accounts/login/").content.decode()
    wanted = set(re.findall(r'<(?:link|script)[^>]+(?:href|src)="(/assets/[^"]+)"', html))
    assert {"/assets/wres/govuk.css", "/assets/wres/web.css", "/assets/wres/js-enabled.js", "/assets/wres/init.js"} <= wanted, wanted
    types = {".css": "text/css", ".js": "text/javascript"}  # with nosniff, a browser refuses a style or script sent as anything else
    seen: set[str] = set()
    while wanted:
        path = wanted.pop()
        seen.add(path)
        r = c.get(path)
        assert r.status_code == 200, f"{path}: HTTP {r.status_code}"
        kind = types.get(Path(path).suffix)
        assert kind is None or r["Content-Type"].startswith(kind), f"{path} is sent as {r['Content-Type']}"
        body = b"".join(r.streaming_content if r.streaming else [r.content])
        if path.endswith(".css"):  # what a stylesheet asks for: fonts and images, relative to /assets/
            for ref in re.findall(rb'url\(["\']?([^"\')]+)["\']?\)', body):
                ref = ref.decode()
                if not ref.startswith("data:"):
                    wanted.add(ref if ref.startswith("/") else str(Path(path).parent / ref))
        if path.endswith(".js"):  # the modules a script imports
            wanted.update(m.decode() for m in re.findall(rb"""import\s*(?:[^'"]*from\s*)?['"](/assets/[^'"]+)['"]""", body))
        wanted -= seen
    assert "/assets/govuk/govuk-frontend.min.js" in seen, "init.js does not import GOV.UK Frontend from /assets/govuk/"
    # GDS Transport is licensed for GOV.UK services only: the styles are built without it (styles/govuk.scss)
    assert not [p for p in seen if p.startswith("/assets/fonts/")], sorted(seen)
    assert b"GDS Transport" not in b"".join(c.get("/assets/wres/govuk.css").streaming_content)


@pytest.mark.django_db(transaction=True)
def test_analyst_submits_a_return_and_keeps_the_plan(live_server, settings, users, authorities, demo_returns, tmp_path, e2e_browser) -> None:
    settings.TASKS = DB_BACKEND  # the report is built by the worker, as in production, not inside the request
    context, tour = open_tour(e2e_browser, base_url(live_server))
    page = tour.page
    broken = zip_folder(broken_copy(demo_returns["A"], tmp_path / "broken"), tmp_path / "eastmere-2024-broken.zip")
    fixed = zip_folder(demo_returns["A"], tmp_path / "eastmere-2024.zip")
    try:
        # 1. Sign in: a wrong password first, then the right one
        tour.go("/dashboard/")
        assert urlsplit(page.url).path == "/accounts/login/", "a page of the service is shown without signing in"
        sign_in(tour, "analyst-a", "not-the-password-at-all")
        summary = page.locator(".govuk-error-summary")
        assert summary.is_visible() and "There is a problem" in summary.inner_text()
        assert "Enter a correct username and password" in summary.inner_text()
        assert page.title().startswith("Error: ")
        tour.visit("sign-in with a wrong password", expect_title="Sign in")
        page.fill("#id_username", "")  # the form keeps the username typed; start again as a user would
        sign_in(tour, "analyst-a")
        assert urlsplit(page.url).path == "/dashboard/", f"after signing in: {page.url}"
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"], cookies["sessionid"]

        # 2. The empty dashboard, then a return with a mistake
        assert page.get_by_role("heading", level=1).inner_text() == "No return submitted yet"
        tour.visit("empty dashboard", expect_title="Dashboard")
        page.get_by_role("button", name="Submit a return").click()  # the start button (a link with role=button)
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path == "/submit/"
        tour.visit("upload", expect_title="Submit a return")
        page.set_input_files("#id_file", str(broken))
        page.get_by_role("button", name="Upload and check").click()
        page.wait_for_load_state("load")
        # the check is the worker's: the request returns at once to a progress page that updates itself
        check_by_worker(tour, "error summary")
        summary = page.locator(".govuk-error-summary")
        assert "There is a problem" in summary.inner_text()
        assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')"), (
            "GOV.UK Frontend moves focus to the error summary when the page loads")
        link = summary.get_by_role("link").filter(has_text=re.compile(r"staff\.csv, row 3, column service"))
        assert link.count() == 1, summary.inner_text()
        tour.visit("error summary", shot="error-summary", expect_title="Error: fix the return")
        target = link.get_attribute("href")
        link.click()
        assert page.evaluate("() => location.hash") == target
        card = page.locator(target)
        assert card.evaluate("el => el.matches(':target')")
        assert "hospital" in card.inner_text() and "How to fix it" in card.inner_text()
        card.scroll_into_view_if_needed()  # (it is already: the link's jump put it in view)
        box, height = card.bounding_box(), page.viewport_size["height"]
        assert box is not None and 0 <= box["y"] < height, f"the problem the summary links to is not in view: {box}"

        # … then the corrected return, from the form on the same page
        page.set_input_files("#id_file", str(fixed))
        page.get_by_role("button", name="Upload and check").click()
        page.wait_for_load_state("load")
        check_by_worker(tour, "check your answers")
        assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before submitting the return"
        assert "1 April 2024 to 31 March 2025" in page.locator("main .govuk-summary-list").first.inner_text()
        assert page.get_by_text("eastmere-2024.zip").is_visible()
        tour.visit("check your answers", shot="check-answers", expect_title="Check your answers")
        page.get_by_role("button", name="Submit the return").click()
        page.wait_for_load_state("load")

        # the dashboard: the success banner, the figures, and the report waiting for the worker
        sub = Submission.objects.get()
        assert urlsplit(page.url).path == f"/submissions/{sub.pk}/"
        banner = page.locator(".govuk-notification-banner--success")
        assert f"Return submitted: {sub.period_label}, version 1" in banner.inner_text()
        assert page.locator("section.wres-metric").count() == len(load_standard("sc-wres").metrics)
        status = page.locator("[data-report-status]")
        assert status.get_attribute("data-report-status") == ReportJob.Status.QUEUED, "the report is built in the request, not by the worker"
        tour.visit("dashboard, report waiting", expect_title=sub.authority.name)
        assert run_worker() == 1
        job = ReportJob.objects.get()
        assert job.status == ReportJob.Status.DONE, job.error
        # the page notices by itself (init.js asks for the status and reloads): no reload here
        pdf_link = page.get_by_role("link", name=re.compile(r"^Download the PDF report"))
        pdf_link.wait_for(timeout=30_000)
        page.wait_for_load_state("load")
        assert f"/reports/{job.pk}/status/" in tour.requests, "the page did not ask for the report's status"
        charts = page.locator("img.wres-chart")
        index = json.loads((job.directory / "charts" / "index.json").read_text(encoding="utf-8"))
        drawn = [c for c in index if c["name"].startswith(("rl-M", "trend-M"))]  # a chart of only withheld results is not drawn
        assert charts.count() == len(drawn) >= 3
        page.wait_for_function("() => [...document.querySelectorAll('img.wres-chart')].every(i => i.complete)")
        sizes = charts.evaluate_all("imgs => imgs.map(i => [i.getAttribute('src'), i.naturalWidth, i.alt.length])")
        assert all(w > 0 and alt > 20 for _, w, alt in sizes), f"a chart did not load or has no text alternative: {sizes}"
        tour.visit("dashboard with the report", shot="dashboard", expect_title=sub.authority.name)

        # 3. The PDF report
        with page.expect_download() as info:
            pdf_link.click()
        download = info.value
        assert download.failure() is None, download.failure()
        assert download.suggested_filename.endswith("report.pdf"), download.suggested_filename
        data = Path(download.path()).read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 50_000, data[:20]

        # 4. The action plan: an action, then a monthly update that changes its status
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Action plan").click()
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", level=1).inner_text() == "Action plan"
        tour.visit("action plan, empty", expect_title="Action plan")
        page.get_by_role("button", name="Add an action").click()
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path == "/plan/new/"
        tour.visit("new action", expect_title="Add an action")
        due = date.today() + timedelta(days=365)
        page.fill("#id_action_id", "E2E-1")
        page.get_by_role("checkbox", name=re.compile(r"^M3\b")).check()
        page.get_by_label("What will be done").fill("Independent review of every disciplinary case before a formal process starts")
        page.fill("#id_owner", "Head of HR casework")
        page.fill("#id_due", due.isoformat())
        page.get_by_role("radio", name="On track").check()
        page.get_by_role("button", name="Add the action").click()
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", level=1).inner_text() == "Action E2E-1"
        assert "Action E2E-1 added to the plan" in page.locator(".govuk-notification-banner--success").inner_text()

        page.get_by_role("link", name="Back to the action plan").click()
        page.wait_for_load_state("load")
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name="E2E-1"))
        assert row.count() == 1
        cells = row.get_by_role("cell").all_inner_texts()
        assert cells[0] == "M3" and cells[1] == "Head of HR casework" and cells[3] == "On track", cells
        assert "Green" in cells[4] and "No update this month" in cells[4], cells
        tour.visit("action plan", shot="action-plan", expect_title="Action plan")

        row.get_by_role("link", name="E2E-1").click()
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", level=1).inner_text() == "Action E2E-1"
        assert page.get_by_text("No updates yet.").is_visible()
        form = page.locator("form", has=page.get_by_role("button", name="Add the update"))
        assert form.locator("#id_date").input_value() == f"{date.today().day} {date.today():%B %Y}"
        form.get_by_role("radio", name="At risk").check()
        form.get_by_label(re.compile("What has happened since the last update")).fill("Two of the five reviewers trained; the rest wait for a date")
        form.get_by_label(re.compile("Update given by")).fill("HR business partner")
        form.get_by_role("button", name="Add the update").click()
        page.wait_for_load_state("load")
        assert "Update added to action E2E-1: at risk" in page.locator(".govuk-notification-banner--success").inner_text()
        updates = page.get_by_role("table", name=re.compile("Updates to action E2E-1"))
        assert "Two of the five reviewers trained" in updates.inner_text() and "At risk" in updates.inner_text()
        headline = page.locator("main p.govuk-body", has_text="Judged on ")
        assert "Amber" in headline.inner_text() and "No update this month" not in headline.inner_text(), headline.inner_text()
        status_row = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=re.compile(r"^Status$")))
        assert status_row.locator("dd").inner_text().startswith("At risk"), status_row.inner_text()
        tour.visit("action with an update", shot="action", expect_title="Action E2E-1")

        page.get_by_role("link", name="Back to the action plan").click()
        page.wait_for_load_state("load")
        cells = page.get_by_role("row").filter(has=page.get_by_role("link", name="E2E-1")).get_by_role("cell").all_inner_texts()
        assert cells[3].startswith("At risk") and "Amber" in cells[4] and "No update" not in cells[4], cells

        # 5. The other pages of the authority
        tour.go("/submissions/")
        assert page.get_by_role("link", name=f"{sub.period_label} version 1").count() == 1
        tour.visit("submissions", expect_title="Submissions")
        tour.go("/governance/")
        tour.visit("governance", expect_title="Governance")
        gone = Upload.objects.create(authority=sub.authority, filename="eastmere-2024-old.zip", status=Upload.Status.DISCARDED)
        tour.go(f"/submit/{gone.pk}/")  # a checked return left unsubmitted, whose files prune deleted
        assert page.get_by_role("heading", level=1).inner_text() == "This upload is no longer available"
        tour.visit("upload no longer available", expect_title="This upload is no longer available")

        # … and the national programme team, once two more authorities have submitted too (the national
        # report needs three)
        submit_return(authorities["B"], users["analyst_B"], demo_returns["B"])
        southby = Authority.objects.create(name=SOUTHBY.name, code=SOUTHBY.code, region=SOUTHBY.region)
        submit_return(southby, make_user("analyst-c", Role.ANALYST, southby), demo_returns["C"])
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path == "/accounts/login/"
        tour.visit("sign in", shot="sign-in", expect_title="Sign in")
        sign_in(tour, "national")
        assert urlsplit(page.url).path == "/national/", page.url
        assert "3 of 3 authorities have submitted" in page.locator("main").inner_text()
        tour.visit("national tracker", shot="national", expect_title="Returns submitted")
        page.get_by_role("link", name=re.compile(r"^National report for")).click()
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", level=1).inner_text().startswith("National report")
        assert page.locator("section.wres-metric").count() == len(load_standard("sc-wres").metrics)
        tour.visit("national report", shot="national-report", expect_title="National report")

        assert tour.problems() == [], "\n".join(tour.problems())
        # the watch on the console is not blind, and the policy holds: an inline script is refused and said so
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = 1'; document.head.append(s) }")
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.inlineRan") is None, "the Content-Security-Policy let an inline script run"
        assert any("Content Security Policy" in c for c in tour.console), tour.console
        # … and axe is not blind either: an image with no text alternative is a violation
        page.evaluate("() => document.querySelector('main').append(Object.assign(document.createElement('img'), {src: 'data:,'}))")
        assert "image-alt" in {v["id"] for v in run_axe(page)}
        print("\naxe-core: 0 violations on " + "; ".join(tour.visited))
    finally:
        context.close()


def test_analyst_matches_a_council_export_and_keeps_the_mapping(live_server, users, authorities, demo_returns, tmp_path, e2e_browser) -> None:
    """A council's HR export as it is: refused, matched on the column and values pages, saved, re-checked and
    ready to submit; then the import mapping page, its delete confirmation and a broken mapping file."""
    from tests.web.test_mapping_pages import council_export

    folder = council_export(demo_returns["A"], tmp_path / "export")
    (folder / "staff.csv").rename(folder / "HR export March 2025.csv")  # as the HR system names it
    export = zip_folder(folder, tmp_path / "HR export March 2025.zip")
    broken = tmp_path / "mapping.toml"
    broken.write_text('[staff.columns]\nstaff_id = "Employee Number"\nethnicity = "Employee Number"\n', encoding="utf-8")
    context, tour = open_tour(e2e_browser, base_url(live_server))
    page = tour.page
    try:
        tour.go("/submit/")
        sign_in(tour, "analyst-a")
        page.set_input_files("#id_file", str(export))
        page.get_by_role("button", name="Upload and check").click()
        page.wait_for_load_state("load")
        tour.visit("problems of a council export", expect_title="Error: fix the return")
        page.get_by_role("button", name="Match your columns").click()
        page.wait_for_load_state("load")
        assert page.get_by_label("“HR export March 2025.csv”").input_value() == "staff"  # guessed from its name and headings
        tour.visit("match your files", expect_title="Match your files")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
        assert page.locator("#id_staff_id").input_value() == "Employee Number"  # pre-selected from the suggestion
        assert page.locator("#id_service").input_value() == "Directorate"
        tour.visit("match your columns", shot="map-columns", expect_title="Match your columns: staff")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
        assert page.get_by_label("“Children & Families”").input_value() == "children"
        tour.visit("match your values", shot="map-values", expect_title="Match your values: staff")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
        page.get_by_role("button", name="Continue").click()  # leavers.csv's directorates
        page.wait_for_load_state("load")
        tour.visit("check your import mapping", shot="map-check", expect_title="Check your import mapping")
        page.get_by_role("button", name="Save and check the return again").click()
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before submitting the return"
        assert "ready to submit" in page.locator(".govuk-notification-banner").inner_text()
        tour.visit("check your answers after mapping", expect_title="Check your answers")

        tour.go("/mapping/")
        assert "Employee Number" in page.locator("main").inner_text()
        tour.visit("your import mapping", shot="mapping", expect_title="Your import mapping")
        page.get_by_role("link", name="Delete the mapping").click()
        page.wait_for_load_state("load")
        tour.visit("delete the import mapping", expect_title="Delete the import mapping")
        tour.go("/mapping/upload/")
        page.set_input_files("#id_file", str(broken))
        page.get_by_role("button", name="Upload the mapping").click()
        page.wait_for_load_state("load")
        assert "is given for both staff_id and ethnicity" in page.locator(".govuk-error-message").inner_text()
        tour.visit("a broken mapping file", expect_title="Error: Upload a mapping file")
        print("\naxe-core: 0 violations on " + "; ".join(tour.visited))
    finally:
        context.close()
