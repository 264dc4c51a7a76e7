"""A report set's PDF is written just after the rest of the set (tasks.build_report, issue 19): people read the
page, its charts and the workbook while the PDF is laid out. The states a reader meets: the PDF being prepared
(the page says so and notices by itself when it is ready; asking for the PDF then gives a page saying it is
not ready yet, never a part of the file), ready, and failed (said in plain words, the rest still on offer,
and anyone who may ask for a report may try again)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import client_for
from tests.web.test_e2e import base_url, e2e_browser, open_tour, sign_in  # noqa: F401 - e2e_browser is a fixture
from wres.render import report_set
from wres.web.models import PdfStatus, ReportJob
from wres.web.tasks import build_report, request_report

PDF_LINK = 'report.pdf" download'


def _seen(users: dict[str, Any], job: ReportJob) -> dict[str, Any]:
    """What a reader of the authority gets now: the status the page polls, the page, and each download."""
    c = client_for(users["network_A"])
    return {
        "status": c.get(f"/reports/{job.pk}/status/").json(),
        "page": c.get(f"/submissions/{job.submission_id}/").content.decode(),
        "pdf": c.get(f"/reports/{job.pk}/report.pdf"),
        "html": c.get(f"/reports/{job.pk}/report.html"),
        "xlsx": c.get(f"/reports/{job.pk}/workbook.xlsx"),
    }


@pytest.mark.django_db
def test_the_set_is_read_while_its_pdf_is_laid_out_and_the_pdf_is_offered_when_written(users, submitted, monkeypatch) -> None:
    real = report_set.write_later
    during: dict[str, Any] = {}

    def laying_out(directory: Path) -> None:
        (directory / ".report.pdf.part").write_bytes(b"%PDF-1.7 half a file")  # as a layout under way leaves it
        job = ReportJob.objects.get()
        during.update(_seen(users, job), job=(job.status, job.pdf), files=sorted(p.name for p in directory.rglob("*")))
        real(directory)

    monkeypatch.setattr(report_set, "write_later", laying_out)
    sub = submitted["A"]
    job = request_report(sub, users["analyst_A"])
    build_report.call(job.pk)

    # the first step: the set published (DONE) without its PDF or the charts' PNGs, which no page shows
    assert during["job"] == (ReportJob.Status.DONE, PdfStatus.PENDING)
    assert "report.pdf" not in during["files"] and not any(f.endswith(".png") for f in during["files"])
    assert {"report.html", "workbook.xlsx", "metrics.json", "index.json"} <= set(during["files"])
    assert during["status"]["status"] == "done-pdf-pending"  # what the page compares: it reloads when it changes
    page = during["page"]
    assert "The PDF is being prepared" in page and PDF_LINK not in page
    assert f'data-report-status-url="/reports/{job.pk}/status/" data-report-status="done-pdf-pending"' in page
    assert 'report.html" download' in page and 'workbook.xlsx" download' in page and 'class="wres-chart"' in page
    assert during["html"].status_code == 200 and during["xlsx"].status_code == 200
    # the PDF asked for now: a page saying so, sent as an error so that a download link never saves it as the file
    pdf = during["pdf"]
    assert pdf.status_code == 409 and pdf["Content-Type"].startswith("text/html")
    assert "The PDF is not ready yet" in pdf.content.decode() and b"%PDF" not in pdf.content

    # the second step: the PDF, whole, and every chart's PNG; no temporary file left
    job.refresh_from_db()
    assert (job.status, job.pdf) == (ReportJob.Status.DONE, PdfStatus.READY)
    after = _seen(users, job)
    assert after["status"]["status"] == "done" and PDF_LINK in after["page"] and "being prepared" not in after["page"]
    assert after["pdf"].status_code == 200 and b"".join(after["pdf"].streaming_content).startswith(b"%PDF")
    assert not list(job.directory.rglob(".*.part"))
    svgs = sorted(p.stem for p in (job.directory / "charts").glob("*.svg"))
    assert svgs and svgs == sorted(p.stem for p in (job.directory / "charts").glob("*.png"))


@pytest.mark.django_db
def test_a_failed_pdf_says_so_keeps_the_rest_and_can_be_tried_again(users, submitted, monkeypatch, django_capture_on_commit_callbacks) -> None:
    def fails(directory: Path) -> None:
        raise OSError(28, "No space left on device", str(directory / "report.pdf"))

    real = report_set.write_later
    monkeypatch.setattr(report_set, "write_later", fails)
    sub = submitted["A"]
    job = request_report(sub, users["analyst_A"])
    with pytest.raises(OSError):  # the task fails, for the operators' record; the page says it in words
        build_report.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.pdf) == (ReportJob.Status.DONE, PdfStatus.FAILED)
    seen = _seen(users, job)
    page = seen["page"]
    assert "The PDF could not be prepared. The rest of the report is ready." in page and PDF_LINK not in page
    assert "No space" not in page and "OSError" not in page and "Traceback" not in page
    assert 'report.html" download' in page and seen["html"].status_code == 200 and seen["xlsx"].status_code == 200
    assert seen["status"]["status"] == "done-pdf-failed"
    assert seen["pdf"].status_code == 409 and "The PDF could not be prepared" in seen["pdf"].content.decode()
    assert "Try again" in page  # a network lead may ask for a report, not rebuild one: a failed PDF is a failure

    monkeypatch.setattr(report_set, "write_later", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(users["network_A"]).post(f"/submissions/{sub.pk}/report/").status_code == 302
    again = sub.reports.first()
    assert again.pk != job.pk and (again.status, again.pdf) == (ReportJob.Status.DONE, PdfStatus.READY)
    assert (again.directory / "report.pdf").read_bytes().startswith(b"%PDF")


def test_write_later_leaves_no_part_of_a_file_when_it_fails(tmp_path: Path) -> None:
    """The PDF laid out but not put in place (here: something already in the way of report.pdf): nothing
    half-written is left, and the PNGs, each renamed whole, are."""
    (tmp_path / "charts").mkdir()
    (tmp_path / "report.html").write_text("<!doctype html><html lang=en><title>t</title><p>A page.</p></html>", encoding="utf-8")
    (tmp_path / "charts" / "c.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>', encoding="utf-8")
    (tmp_path / "report.pdf").mkdir()  # in the way of the rename
    try:
        with pytest.raises(OSError):
            report_set.write_later(tmp_path)
    finally:
        report_set.close()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["c.png", "c.svg", "charts", "report.html", "report.pdf"]
    assert (tmp_path / "charts" / "c.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.django_db
def test_a_job_run_again_after_its_worker_died_laying_out_the_pdf_writes_only_the_pdf(users, submitted) -> None:
    """wres.web.recovery queues a dead worker's task again: if the set was published, only the PDF is written."""
    job = request_report(submitted["A"], users["analyst_A"])
    build_report.call(job.pk)
    job.refresh_from_db()
    (job.directory / "report.pdf").unlink()  # as a worker killed in the second step leaves it
    ReportJob.objects.filter(pk=job.pk).update(pdf=PdfStatus.PENDING)
    page = job.directory / "report.html"
    published = page.stat().st_mtime_ns
    build_report.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.pdf) == (ReportJob.Status.DONE, PdfStatus.READY)
    assert (job.directory / "report.pdf").read_bytes().startswith(b"%PDF") and page.stat().st_mtime_ns == published


@pytest.mark.django_db(transaction=True)
def test_the_page_says_the_pdf_is_being_prepared_and_offers_it_by_itself(live_server, users, submitted, e2e_browser) -> None:
    """In a real browser: the report with its PDF being prepared (axe-core: no WCAG 2.2 A/AA violation), then
    the page noticing by itself (static/wres/init.js polls the status) that the PDF is written."""
    job = request_report(submitted["A"], users["analyst_A"])
    build_report.call(job.pk)
    job.refresh_from_db()
    (job.directory / "report.pdf").unlink()  # the set as the first step publishes it
    ReportJob.objects.filter(pk=job.pk).update(pdf=PdfStatus.PENDING)
    context, tour = open_tour(e2e_browser, base_url(live_server))
    try:
        page = tour.page
        tour.go("/accounts/login/")
        sign_in(tour, "analyst-a")
        tour.go(f"/submissions/{job.submission_id}/")
        tour.visit("dashboard, the PDF being prepared", expect_title=submitted["A"].authority.name)
        status = page.locator("#report-pdf [role=status]")
        assert "The PDF is being prepared" in status.inner_text()
        assert page.get_by_role("link", name=re.compile(r"^Download the HTML report")).is_visible()
        assert page.get_by_role("link", name=re.compile(r"^Download the PDF report")).count() == 0

        build_report.call(job.pk)  # the second step (the set is published: only the PDF is written)
        page.get_by_role("link", name=re.compile(r"^Download the PDF report")).wait_for(timeout=30_000)
        page.wait_for_load_state("load")
        assert f"/reports/{job.pk}/status/" in tour.requests, "the page did not ask for the status"
        tour.visit("dashboard, the PDF ready", expect_title=submitted["A"].authority.name)
    finally:
        context.close()


def test_write_later_puts_no_pdf_in_place_when_a_chart_cannot_be_rasterised(tmp_path: Path) -> None:
    """The PNGs are rasterised in the helper while this process lays out the PDF: a chart that fails there
    fails the step, and the PDF laid out meanwhile is not put in place, nor left under its temporary name."""
    (tmp_path / "charts").mkdir()
    (tmp_path / "report.html").write_text("<!doctype html><html lang=en><title>t</title><p>A page.</p></html>", encoding="utf-8")
    (tmp_path / "charts" / "bad.svg").write_text("<svg this is not", encoding="utf-8")
    try:
        with pytest.raises(Exception):  # noqa: B017 - the rasteriser's own error, raised again here
            report_set.write_later(tmp_path)
    finally:
        report_set.close()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bad.svg", "charts", "report.html"]
