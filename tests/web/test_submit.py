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
    # "hospital" is a spelling an import mapping could give a meaning to: the files stay for those pages only
    assert up.status == Upload.Status.INVALID and up.staged and "Match your columns" in html
    # problems no mapping can fix (a salary that is not a number): nothing record-level is kept, and the
    # upload before it is discarded
    (tmp_path / "again").mkdir()
    out = _broken(demo_returns["A"], tmp_path / "again")
    with (out / "staff.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[2][rows[0].index("service")] = "adults"
    rows[2][rows[0].index("annual_salary")] = "about thirty thousand"
    with (out / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    html = c.post("/submit/", {"file": zipped(out)}, follow=True).content.decode()
    assert "There is a problem" in html and "Match your columns" not in html and "have not been kept" in html
    assert all(u.status == Upload.Status.INVALID and not u.staged for u in Upload.objects.all())
    assert not any((settings.UPLOAD_DIR / str(up.authority_id)).glob("*/*")), "nothing record-level is kept from a bad upload"
    assert Submission.objects.count() == 0


@pytest.mark.postgres("the counts are JSON read back from the database (jsonb reorders keys)")
def test_check_answers_then_submit_keeps_counts_not_records(users, demo_returns, django_capture_on_commit_callbacks) -> None:
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": zipped(demo_returns["A"])})
    up = Upload.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/submit/{up.id}/"
    r = c.get(f"/submit/{up.id}/", follow=True)
    html = r.content.decode()
    assert "Check your answers before submitting the return" in html
    assert "1 April 2024 to 31 March 2025" in html and "Keep the uploaded record-level files" in html
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


@pytest.mark.postgres("version numbers under a row lock and a unique constraint")
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
    ("return.ods", b"PK\x03\x04", "is an OpenDocument spreadsheet (.ods), which cannot be read: open it in LibreOffice Calc"),
    ("return.zip", b"not a zip at all", "is not a zip file that can be opened"),
    ("return.xlsx", b"not a workbook", "is not an Excel workbook (.xlsx): it may be damaged"),  # read.py says what it is
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


def _plan_files(folder: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    read = lambda name: list(csv.DictReader((folder / name).open(encoding="utf-8", newline="")))  # noqa: E731
    return read("actions.csv"), read("action_updates.csv")


def test_the_returns_action_plan_is_added_only_when_asked(users, demo_returns, authorities) -> None:
    from wres.web.models import Action, ActionUpdate

    actions, updates = _plan_files(demo_returns["A"])
    assert actions and updates, "the demo return holds a plan"
    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": zipped(demo_returns["A"])})
    up = Upload.objects.get()
    html = c.get(f"/submit/{up.id}/check/").content.decode()
    assert f"{len(actions)} actions and {len(updates)} monthly updates" in html
    assert f"Adds {len(actions)} new actions and {len(updates)} monthly updates." in html
    # not ticked: the plan here is untouched
    c.post(f"/submit/{up.id}/check/", {})
    assert not Action.objects.exists()

    c.post("/submit/", {"file": zipped(demo_returns["A"])})
    up = Upload.objects.filter(status=Upload.Status.VALID).get()
    r = c.post(f"/submit/{up.id}/check/", {"add_plan": "on"}, follow=True)
    assert f"Action plan: {len(actions)} actions and {len(updates)} updates added" in r.content.decode()
    got = {a.action_id: a for a in Action.objects.filter(authority=authorities["A"])}
    assert set(got) == {a["action_id"] for a in actions}
    first = actions[0]
    a = got[first["action_id"]]
    assert (a.action, a.owner, a.due.isoformat()) == (first["action"], first["owner"], first["due"])
    assert a.metric_list() == [m.strip() for m in first["metrics"].replace(",", ";").split(";")]
    assert ActionUpdate.objects.filter(action__authority=authorities["A"]).count() == len(updates)
    assert not Action.objects.filter(authority=authorities["B"]).exists()
    assert AuditEvent.objects.filter(action="plan added from return").count() == 1


def test_adding_a_plan_again_keeps_what_the_plan_here_says(users, demo_returns, authorities, tmp_path) -> None:
    from wres.web.models import Action, ActionUpdate

    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": zipped(demo_returns["A"])})
    c.post(f"/submit/{Upload.objects.get().id}/check/", {"add_plan": "on"})
    actions, updates = _plan_files(demo_returns["A"])
    edited = Action.objects.get(authority=authorities["A"], action_id=actions[0]["action_id"])
    edited.owner = "Changed in the service"
    edited.save()
    # next month's return: the same plan with one more update
    later = tmp_path / "later"
    later.mkdir()
    for f in demo_returns["A"].iterdir():
        (later / f.name).write_bytes(f.read_bytes())
    with (later / "action_updates.csv").open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow([actions[0]["action_id"], "2025-03-28", "on track", "Reviewed at March steering group", "HR"])
    c.post("/submit/", {"file": zipped(later)})
    up = Upload.objects.order_by("-created_at").first()
    assert up.status == Upload.Status.VALID, [p["message"] for p in up.problems]
    html = c.get(f"/submit/{up.id}/check/").content.decode()
    assert "Adds 0 new actions and 1 monthly update." in html and "already in the plan" in html
    c.post(f"/submit/{up.id}/check/", {"add_plan": "on"})
    assert Action.objects.filter(authority=authorities["A"]).count() == len(actions)
    assert Action.objects.get(pk=edited.pk).owner == "Changed in the service"
    assert ActionUpdate.objects.filter(action__authority=authorities["A"]).count() == len(updates) + 1
    # a third time: nothing new, so no choice is offered
    c.post("/submit/", {"file": zipped(later)})
    up = Upload.objects.filter(status=Upload.Status.VALID).get()
    html = c.get(f"/submit/{up.id}/check/").content.decode()
    assert "all already in the" in html and 'name="add_plan"' not in html


def test_a_plan_value_too_long_for_the_service_is_a_warning_not_a_failure(users, demo_returns, tmp_path) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    for f in demo_returns["A"].iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    actions, _ = _plan_files(folder)
    actions[0]["owner"] = "x" * 201
    with (folder / "actions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(actions[0]))
        w.writeheader()
        w.writerows(actions)
    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": zipped(folder)})
    up = Upload.objects.get()
    assert up.status == Upload.Status.VALID and up.plan is None
    html = c.get(f"/submit/{up.id}/check/").content.decode()
    assert "longer than 200 characters" in html and 'name="add_plan"' not in html


def test_placeholders_left_in_need_a_deliberate_yes_before_submitting(users, demo_returns, tmp_path, django_capture_on_commit_callbacks) -> None:
    """The template's "Name, …" text would be printed in the published report: the service asks first."""
    folder = tmp_path / "placeholder"
    folder.mkdir()
    for f in demo_returns["A"].iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    toml = folder / "organisation.toml"
    toml.write_text(re.sub(r"programme_lead = .*", 'programme_lead = "Name, role"', toml.read_text()), encoding="utf-8")
    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": zipped(folder)})
    up = Upload.objects.get()
    html = c.get(f"/submit/{up.id}/check/").content.decode()
    assert "programme_lead still holds the template&#x27;s placeholder" in html  # a warning on the page
    assert 'name="accept_placeholders"' in html and 'The published report will print programme_lead as "Name, role".' in html
    r = c.post(f"/submit/{up.id}/check/", {})
    html = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in html and "confirm you want the report published with it" in html
    assert Submission.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/submit/{up.id}/check/", {"accept_placeholders": "on"})
    assert r.status_code == 302
    job = ReportJob.objects.get(submission=Submission.objects.get())
    assert job.status == ReportJob.Status.DONE, job.error


def test_a_workbooks_problems_name_the_file_sent_its_sheet_and_cell(users, tmp_path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    org = wb.active
    org.title = "organisation"
    for row in (("setting", "value"), ("name", "London Borough of Eastmere"), ("code", "E09000099"),
                ("period_start", "2024-04-01"), ("period_end", "2023-03-31")):
        org.append(row)
    staff = wb.create_sheet("staff")
    staff.append(("staff_id", "ethnicity", "service", "senior_manager", "registered_professional", "annual_salary"))
    staff.append(("S1", "White", "adults", "perhaps", "no", 30000))
    buf = io.BytesIO()
    wb.save(buf)
    c = client_for(users["analyst_A"])
    html = c.post("/submit/", {"file": SimpleUploadedFile("Eastmere WRES 2025.xlsx", buf.getvalue())}, follow=True).content.decode()
    assert "Eastmere WRES 2025.xlsx, sheet organisation, cell B5" in html and "period_end must be after period_start" in html
    assert "Eastmere WRES 2025.xlsx, sheet staff, row 2, column senior_manager (D)" in html
    assert "return.xlsx" not in html


def test_a_return_saved_by_excel_as_windows_1252_is_checked_and_said_so(users, demo_returns, tmp_path) -> None:
    """Excel's "CSV (Comma delimited)": a £ in the salaries is not UTF-8. The upload is valid, its counts those of
    the same return in UTF-8, and the check page says how the file was read."""
    folder = tmp_path / "windows"
    folder.mkdir()
    for f in demo_returns["A"].iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    with (folder / "staff.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    at = rows[0].index("annual_salary")
    for row in rows[1:]:
        row[at] = f"£{int(row[at]):,}" if row[at] else ""
    with (folder / "staff.csv").open("w", encoding="cp1252", newline="") as f:
        csv.writer(f).writerows(rows)
    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": zipped(folder)})
    up = Upload.objects.get()
    assert up.status == Upload.Status.VALID
    assert pipeline.load(folder).counts == pipeline.load(demo_returns["A"]).counts
    html = " ".join(c.get(f"/submit/{up.id}/check/").content.decode().split())
    assert "is not UTF-8 but Windows-1252 text" in html and "staff.csv" in html


def test_a_text_file_named_as_a_returns_file_in_a_zip_is_said_with_what_to_do(users, demo_returns, tmp_path) -> None:
    """Excel saves its text files as .txt: a zip's staff.txt is said as the command line says it (rename it
    staff.csv), not dropped as no part of a return."""
    folder = tmp_path / "ret"
    folder.mkdir()
    for f in demo_returns["A"].iterdir():
        (folder / (f"{f.stem}.txt" if f.name == "staff.csv" else f.name)).write_bytes(f.read_bytes())
    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": zipped(folder)})
    up = Upload.objects.get()
    assert up.status == Upload.Status.INVALID
    said = [(p["file"], p["message"]) for p in up.problems if p["severity"] == "error"]
    assert ("staff.txt", "is a text file named as the return's staff file, but only .csv files are read") in said
    assert not any("was ignored" in p["message"] for p in up.problems)


def test_a_survey_given_as_its_figures_beside_the_records_is_checked_and_counted(users, demo_returns, tmp_path) -> None:
    """The staff survey's results (counts.csv of its metrics only, numerators as the survey company's
    percentages) uploaded with the record files: valid, and counted as the same return with its answers."""
    from wres import counts as counts_mod

    folder = tmp_path / "survey-figures"
    folder.mkdir()
    for f in demo_returns["A"].iterdir():
        if f.name != "survey.csv":
            (folder / f.name).write_bytes(f.read_bytes())
    answers = pipeline.load(demo_returns["A"]).counts
    rows = [f"{m},{s},{b},{g},{100 * n / d:.1f}%,{d}" for (m, s, b, g), (n, d) in answers.cells.items() if m in ("M6", "M7a", "M7b") and d]
    (folder / "counts.csv").write_text("\n".join([",".join(counts_mod.COLUMNS), *rows]) + "\n", encoding="utf-8")
    client_for(users["analyst_A"]).post("/submit/", {"file": zipped(folder)})
    up = Upload.objects.get()
    assert up.status == Upload.Status.VALID, up.problems
    assert sorted(map(tuple, up.counts["rows"])) == sorted(map(tuple, (list(r) for r in answers.rows())))
