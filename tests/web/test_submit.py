"""Submitting a return through the service: problems named and linked, nothing kept from a bad upload,
check your answers, versioned atomic submissions that keep counts and (by default) no record-level files."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.conftest import client_for, zipped
from wres import pipeline
from wres.web.models import AuditEvent, ReportJob, Submission, Upload

pytestmark = pytest.mark.django_db


def _broken(folder: Path, tmp_path: Path) -> Path:
    """The demo return with a bad service in staff.csv row 3 and an appointed-but-not-shortlisted applicant."""
    out = tmp_path / "broken"
    out.mkdir()
    for f in folder.iterdir():
        (out / f.name).write_bytes(f.read_bytes())
    with (out / "staff.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[2][rows[0].index("service")] = "hospital"  # row 3 as a spreadsheet numbers it
    with (out / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return out


def test_upload_with_problems_shows_error_summary_and_keeps_nothing(users, demo_returns, tmp_path) -> None:
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": zipped(_broken(demo_returns["A"], tmp_path))}, follow=True)
    html = r.content.decode()
    assert r.status_code == 200
    assert "There is a problem" in html and 'class="govuk-error-summary"' in html
    # every link in the summary goes to a problem on the page that names file, row, column and the fix
    links = re.findall(r'<a href="#(problem-\d+)">([^<]+)</a>', html)
    assert links
    for anchor, text in links:
        assert f'id="{anchor}"' in html
    assert any("staff.csv" in text and "row 3" in text and "column service" in text for _, text in links)
    assert "How to fix it" in html
    up = Upload.objects.get()
    assert up.status == Upload.Status.INVALID and not up.staged
    assert not any((settings.UPLOAD_DIR / str(up.authority_id)).glob("*/*")), "nothing record-level is kept from a bad upload"
    assert Submission.objects.count() == 0


def test_check_answers_then_submit_keeps_counts_not_records(users, demo_returns, django_capture_on_commit_callbacks) -> None:
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": zipped(demo_returns["A"])})
    up = Upload.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/submit/{up.id}/"
    r = c.get(f"/submit/{up.id}/", follow=True)
    html = r.content.decode()
    assert "Check your answers before submitting the return" in html
    assert "2024-04-01 to 2025-03-31" in html and "Keep the uploaded record-level files" in html
    staged = Path(up.staged)
    assert staged.is_dir()
    with django_capture_on_commit_callbacks(execute=True):  # the report job starts once the submission is committed
        r = c.post(f"/submit/{up.id}/check/", {})
    sub = Submission.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/submissions/{sub.pk}/"
    assert sub.version == 1 and not sub.kept_files
    assert not staged.exists(), "record-level files are deleted once the counts are kept"
    # the counts kept are the pipeline's own, and the published document is disclosure-controlled
    assert sub.loaded_counts() == pipeline.load(demo_returns["A"]).counts
    assert sub.document["suppression"]["applied"] is True
    job = ReportJob.objects.get(submission=sub)
    assert job.status == ReportJob.Status.DONE, job.error
    assert {"report.html", "report.pdf", "workbook.xlsx"} <= {p.name for p in job.directory.iterdir()}
    assert AuditEvent.objects.filter(action="return submitted").count() == 1


def test_second_submission_is_next_version_and_can_keep_files(users, demo_returns) -> None:
    c = client_for(users["analyst_A"])
    for keep in (False, True):
        c.post("/submit/", {"file": zipped(demo_returns["A"])})
        up = Upload.objects.filter(status=Upload.Status.VALID).get()
        c.post(f"/submit/{up.id}/check/", {"keep_files": "on"} if keep else {})
    v1, v2 = Submission.objects.order_by("version")
    assert (v1.version, v2.version) == (1, 2)
    assert not v1.kept_files and any(Path(v2.kept_files).rglob("staff.csv"))
    assert list(Submission.latest(v1.authority)) == [v2]


@pytest.mark.parametrize("name, content, message", [
    ("return.csv", b"a,b\n", "must be an Excel workbook (.xlsx) or a zip"),
    ("return.zip", b"not a zip at all", "is not a zip file that can be opened"),
    ("return.xlsx", b"not a workbook", "could not be opened as an Excel workbook"),
])
def test_bad_files_get_a_clear_message(users, name, content, message) -> None:
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert message in r.content.decode()
    assert Submission.objects.count() == 0


def test_zip_with_paths_cannot_escape_staging(users, demo_returns, tmp_path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in demo_returns["A"].iterdir():
            zf.write(f, f"../../evil/{f.name}")
    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": SimpleUploadedFile("r.zip", buf.getvalue())})
    up = Upload.objects.get()
    assert up.status == Upload.Status.VALID  # the known files, by base name only
    assert not (settings.UPLOAD_DIR.parent / "evil").exists()


def test_another_authoritys_return_is_refused(users, demo_returns) -> None:
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": zipped(demo_returns["B"])}, follow=True)
    assert "you are signed in for London Borough of Eastmere" in r.content.decode()
    assert Submission.objects.count() == 0
