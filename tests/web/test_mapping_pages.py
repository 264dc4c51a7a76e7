"""The import mapping pages: a council's own export, matched once in the upload and read through ever after.

A council's HR export as it is (its own headings, "Children & Families", "Y"/"N", extra columns it never
meant for us) is uploaded with the Django test client, refused, matched on the column and values pages,
saved for the authority and re-checked, then submitted; the same export uploaded again is valid at once;
no other authority or role reaches the mapping; a broken mapping file gets a GOV.UK error message.
"""

from __future__ import annotations

import csv
import shutil
import html
import re
import tomllib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.conftest import client_for, zipped
from wres import mapping
from wres.web.models import AuditEvent, ImportMapping, Submission, Upload

pytestmark = pytest.mark.django_db

# The council's HR system's headings for the staff file, and its spellings.
STAFF_HEADINGS = {"staff_id": "Employee Number", "ethnicity": "Ethnic Origin", "service": "Directorate", "job_role": "Job Title",
                  "senior_manager": "Senior Manager", "registered_professional": "Registered Professional",
                  "annual_salary": "FTE Salary", "gender": "Gender", "start_date": "Continuous Service Date"}
SERVICES = {"adults": "Adult Social Care", "children": "Children & Families"}
YES_NO = {"yes": "Y", "no": "N"}


def council_export(demo: Path, out: Path) -> Path:
    """The demo return as a council's HR system writes it: staff.csv with its own headings, columns in its
    own order, "Children & Families", "Y"/"N", UK dates, £ salaries; leavers.csv with the same directorates."""
    out.mkdir()
    for f in demo.iterdir():
        if f.name in ("staff.csv", "leavers.csv"):
            continue
        (out / f.name).write_bytes(f.read_bytes())
    with (demo / "staff.csv").open(encoding="utf-8") as src:
        rows = list(csv.DictReader(src))
    order = ["Employee Number", "Job Title", "Directorate", "Ethnic Origin", "Gender", "Senior Manager", "Registered Professional",
             "FTE Salary", "Continuous Service Date"]
    with (out / "staff.csv").open("w", encoding="utf-8", newline="") as dst:
        w = csv.DictWriter(dst, order)
        w.writeheader()
        for r in rows:
            y, m, d = r["start_date"].split("-") if r["start_date"] else ("", "", "")
            w.writerow({
                STAFF_HEADINGS[k]: (SERVICES[v] if k == "service" else YES_NO[v] if k in ("senior_manager", "registered_professional")
                                    else f"£{int(v):,}" if k == "annual_salary" and v else f"{d}/{m}/{y}" if k == "start_date" and v else v)
                for k, v in r.items() if k in STAFF_HEADINGS and k != "age_band"
            })
    with (demo / "leavers.csv").open(encoding="utf-8") as src:
        rows = list(csv.DictReader(src))
    with (out / "leavers.csv").open("w", encoding="utf-8", newline="") as dst:
        w = csv.DictWriter(dst, list(rows[0]))
        w.writeheader()
        w.writerows({**r, "service": SERVICES[r["service"]]} for r in rows)
    return out


@pytest.fixture
def export(demo_returns: dict[str, Path], tmp_path: Path) -> Path:
    return council_export(demo_returns["A"], tmp_path / "eastmere-hr-export")


def page(r) -> str:  # noqa: ANN001
    return r.content.decode()


def selected(text: str) -> dict[str, str]:
    """Each select of a page → its selected option's value (as a browser would post the form unchanged)."""
    out = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', text, re.S):
        hit = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        out[name] = html.unescape(hit.group(1)) if hit else ""
    return out


def labelled(text: str) -> dict[str, str]:
    """Each select of a page → the text of its label."""
    return {name: html.unescape(" ".join(label.split())) for name, label in re.findall(r'<label for="id_([^"]+)"[^>]*>(.*?)</label>', text, re.S)}


def walk(c: Client, url: str, answer=lambda url, text: None) -> tuple[list[str], str]:  # noqa: ANN001
    """The mapping pages from `url` to Check your answers, each posted as a browser posts it unchanged (or as
    answer(url, text) says): the pages visited (past /map/) and the check page's URL."""
    visited = []
    while not url.endswith("/map/check/"):
        visited.append(url.split("/map/")[1])
        text = page(c.get(url))
        r = c.post(url, answer(url, text) or selected(text))
        assert r.status_code == 302, page(r)
        url = r["Location"]
    return visited, url


def upload(c: Client, folder: Path) -> str:
    r = c.post("/submit/", {"file": zipped(folder, name="HR export March 2025.zip")})
    assert r.status_code == 302, page(r)
    return r["Location"]


@pytest.mark.postgres("the mapping is saved with update_or_create (a row lock) on a one-per-authority row")
def test_a_council_export_is_matched_once_and_read_through_ever_after(users, authorities, export) -> None:
    a = authorities["A"]
    c = client_for(users["analyst_A"])

    # 1. refused, with the offer to match it
    result = upload(c, export)
    up = Upload.objects.get(authority=a)
    assert up.status == Upload.Status.INVALID and up.staged and Path(up.staged).is_dir()  # kept for the mapping pages
    text = page(c.get(result))
    assert "has no column staff_id" in text and "Match your columns" in text
    # a usual heading is said as the column, and the command line's remedy (wres map) is left to the command line
    assert "the column &quot;employee number&quot; is most likely it: rename that heading staff_id" in text and "wres map" not in text
    assert f"/submit/{up.pk}/map/" in text
    assert "Your files are kept only while you match them" in text

    # 2. the column page of staff.csv: a select per contract column, the export's headings pre-selected
    r = c.get(f"/submit/{up.pk}/map/")
    assert r.status_code == 302 and r["Location"] == f"/submit/{up.pk}/map/staff/columns/"
    text = page(c.get(r["Location"]))
    assert "Match your columns" in text and 'name="csrfmiddlewaretoken"' in text
    chosen = selected(text)
    assert chosen == {"staff_id": "Employee Number", "ethnicity": "Ethnic Origin", "service": "Directorate", "senior_manager": "Senior Manager",
                      "registered_professional": "Registered Professional", "annual_salary": "FTE Salary", "pay_band": "",
                      "start_date": "Continuous Service Date"}
    assert "Job Title" in text  # every heading of the export is a choice
    assert labelled(text)["staff_id"].startswith("staff_id: the person's unique staff number")

    # a required column left out, and one heading given twice, are GOV.UK errors on the page
    bad = {**chosen, "staff_id": "", "ethnicity": "Directorate"}
    text = page(c.post(f"/submit/{up.pk}/map/staff/columns/", bad))
    assert "There is a problem" in text and "Select the heading that holds staff_id" in text
    assert 'Select another heading for service: &quot;Directorate&quot; is already given to ethnicity' in text
    assert 'href="#id_staff_id"' in text

    r = c.post(f"/submit/{up.pk}/map/staff/columns/", chosen)
    assert r.status_code == 302 and r["Location"] == f"/submit/{up.pk}/map/staff/values/"

    # 3. the values page: each spelling the contract does not know, with the suggestion pre-selected
    text = page(c.get(r["Location"]))
    assert "Match your values" in text and "Children &amp; Families" in text
    values = selected(text)
    labels = labelled(text)
    by_spelling = {labels[n]: v for n, v in values.items()}
    assert by_spelling == {"“Children & Families”": "children"}
    assert "Leave it as an error" in text and "Adult Social Care" not in text  # a spelling the contract knows is not asked
    r = c.post(r["Location"], values)
    assert r.status_code == 302 and r["Location"] == f"/submit/{up.pk}/map/leavers/values/"
    text = page(c.get(r["Location"]))
    values = selected(text)
    assert list(values.values()) == ["children"]
    r = c.post(r["Location"], values)
    assert r.status_code == 302 and r["Location"] == f"/submit/{up.pk}/map/check/"

    # 4. check, save: kept for the authority, the staged upload checked again and now valid
    text = page(c.get(r["Location"]))
    assert "Check your import mapping" in text and "Employee Number" in text and "Children &amp; Families" in text
    assert f'href="/submit/{up.pk}/map/staff/columns/"' in text
    r = c.post(f"/submit/{up.pk}/map/check/")
    assert r.status_code == 302 and r["Location"] == f"/submit/{up.pk}/"
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    kept = tomllib.loads(ImportMapping.objects.get(authority=a).text)
    assert kept["staff"]["columns"]["staff_id"] == "Employee Number"
    assert kept["staff"]["values"]["service"] == {"Children & Families": "children"}
    assert kept["leavers"]["values"]["service"] == {"Children & Families": "children"}
    assert {"import mapping saved", "return checked again"} <= set(AuditEvent.objects.filter(authority=a).values_list("action", flat=True))
    r = c.get(f"/submit/{up.pk}/", follow=True)
    assert r.redirect_chain[-1][0] == f"/submit/{up.pk}/check/" and "ready to submit" in page(r)

    # 5. submitted (the counts are those of the contract return: the next test)
    r = c.post(f"/submit/{up.pk}/check/", {"accept_placeholders": "on"})
    assert r.status_code == 302, page(r)
    assert Submission.objects.get(authority=a).counts["rows"]

    # 6. next year's upload of the same export: valid at once, read through the saved mapping
    result = upload(c, export)
    assert result.endswith("/"), result
    second = Upload.objects.filter(authority=a).order_by("-created_at").first()
    assert second.status == Upload.Status.VALID, second.errors()
    assert c.get(result)["Location"] == f"/submit/{second.pk}/check/"


def test_the_mapped_export_counts_as_the_contract_return_does(users, authorities, export, demo_returns) -> None:
    """The export read through its mapping gives exactly the counts of the same return in contract spellings."""
    from wres.web import returns

    a = authorities["A"]
    plain = returns.record(a, users["analyst_A"], zipped(demo_returns["A"]))  # before the mapping, which every later upload is read through
    ImportMapping.objects.create(authority=a, text=(
        '[staff.columns]\nstaff_id = "Employee Number"\nethnicity = "Ethnic Origin"\nservice = "Directorate"\nsenior_manager = "Senior Manager"\n'
        'registered_professional = "Registered Professional"\nannual_salary = "FTE Salary"\nstart_date = "Continuous Service Date"\n'
        '[staff.values.service]\n"Children & Families" = "children"\n[leavers.values.service]\n"Children & Families" = "children"\n'))
    mapped = returns.record(a, users["analyst_A"], zipped(export))
    assert mapped.status == plain.status == Upload.Status.VALID, mapped.errors()
    assert sorted(map(tuple, mapped.counts["rows"])) == sorted(map(tuple, plain.counts["rows"]))


def test_an_export_under_a_reports_title_is_read_from_its_header_row(users, authorities, export, demo_returns) -> None:
    """The HR system's report with a title and a blank row above its headings, read through a mapping that
    says header_row = 3 (wres map writes it), counts as the contract return does; the summary page says so."""
    from wres.web import importing, returns

    a = authorities["A"]
    plain = returns.record(a, users["analyst_A"], zipped(demo_returns["A"]))
    staff = export / "staff.csv"
    staff.write_bytes(b"Establishment report: snapshot as at 31/03/2025\r\n\r\n" + staff.read_bytes())
    text = ('[staff]\nheader_row = 3\n[staff.columns]\nstaff_id = "Employee Number"\nethnicity = "Ethnic Origin"\nservice = "Directorate"\n'
            'senior_manager = "Senior Manager"\nregistered_professional = "Registered Professional"\nannual_salary = "FTE Salary"\n'
            'start_date = "Continuous Service Date"\n[staff.values.service]\n"Children & Families" = "children"\n'
            '[leavers.values.service]\n"Children & Families" = "children"\n')
    ImportMapping.objects.create(authority=a, text=text)
    mapped = returns.record(a, users["analyst_A"], zipped(export))
    assert mapped.status == Upload.Status.VALID, mapped.errors()
    assert sorted(map(tuple, mapped.counts["rows"])) == sorted(map(tuple, plain.counts["rows"]))
    from wres import mapping, standards

    m, problems = mapping.parse(tomllib.loads(text))
    assert not problems
    assert importing.summary(m, standards.load("sc-wres"))[0]["header_row"] == 3
    # without a mapping, the title is said in the web's words: its pages, not a mapping.toml it never shows
    ImportMapping.objects.filter(authority=a).delete()
    said = returns.record(a, users["analyst_A"], zipped(export))
    (title,) = [p for p in said.errors() if "has a title on its first row" in p["message"]]
    assert title["fix"].startswith("match your files on the pages below (they find the headings' row), or delete the rows above")
    assert "mapping.toml" not in title["fix"] and "wres map" not in title["fix"]
    # a file missing: the guide, not the project's templates folder, which a web user has not got
    (export / "staff.csv").unlink()
    (missing,) = [p for p in returns.record(a, users["analyst_A"], zipped(export)).errors() if p["message"] == "is missing"]
    assert "(the data preparation guide lists its columns)" in missing["fix"] and "templates/" not in missing["fix"]


def test_a_spelling_answered_for_one_file_is_offered_for_the_next(users, authorities, export) -> None:
    """"Early Help" in staff.csv and leavers.csv, which no word says the service of: answered on staff.csv's
    values page, leavers.csv's page offers that answer rather than asking it again from nothing."""
    for name, column in (("staff.csv", "Directorate"), ("leavers.csv", "service")):
        with (export / name).open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        rows[0][column] = rows[1][column] = "Early Help"
        with (export / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=authorities["A"])

    def answer(url: str, text: str) -> dict[str, str] | None:
        chosen = selected(text)
        by_spelling = {labelled(text)[n]: n for n in chosen}
        if url.endswith("/staff/values/"):
            assert chosen[by_spelling["“Early Help”"]] == ""  # nothing to go on: asked
            return {**chosen, by_spelling["“Early Help”"]: "children"}
        if url.endswith("/leavers/values/"):
            assert chosen[by_spelling["“Early Help”"]] == "children"  # the answer given for staff.csv, offered
        return None

    visited, _ = walk(c, f"/submit/{up.pk}/map/staff/columns/", answer)
    assert "staff/values/" in visited and "leavers/values/" in visited


def test_a_value_left_as_an_error_stays_a_problem_and_the_pages_can_be_used_again(users, authorities, export) -> None:
    a = authorities["A"]
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=a)
    c.get(f"/submit/{up.pk}/map/")
    c.post(f"/submit/{up.pk}/map/staff/columns/", selected(page(c.get(f"/submit/{up.pk}/map/staff/columns/"))))
    names = selected(page(c.get(f"/submit/{up.pk}/map/staff/values/")))
    c.post(f"/submit/{up.pk}/map/staff/values/", {n: "" for n in names})  # leave it as an error
    c.post(f"/submit/{up.pk}/map/leavers/values/", selected(page(c.get(f"/submit/{up.pk}/map/leavers/values/"))))
    c.post(f"/submit/{up.pk}/map/check/")
    up.refresh_from_db()
    assert up.status == Upload.Status.INVALID and up.staged  # still mappable: the files stay for another go
    text = page(c.get(f"/submit/{up.pk}/"))
    assert '&quot;Children &amp; Families&quot; is not a service' in text and "staff.csv" in text
    assert "has no column" not in text  # the columns are matched now
    assert "Match your columns" in text and "was read through your" in text
    kept = tomllib.loads(ImportMapping.objects.get(authority=a).text)
    assert "values" not in kept["staff"]  # nothing decided for staff's service
    # a new upload discards the staged files of the one before
    upload(c, export)
    up.refresh_from_db()
    assert not up.staged


def test_matching_again_starts_at_the_file_the_problems_name(users, authorities, export) -> None:
    """A spelling left as an error in leavers.csv: "Match your columns" on the problems page goes to leavers.csv's
    pages, not back to staff.csv's first page."""
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=authorities["A"])
    assert c.get(f"/submit/{up.pk}/map/")["Location"].endswith("/map/staff/columns/")  # the first time: the first file
    c.post(f"/submit/{up.pk}/map/staff/columns/", selected(page(c.get(f"/submit/{up.pk}/map/staff/columns/"))))
    c.post(f"/submit/{up.pk}/map/staff/values/", selected(page(c.get(f"/submit/{up.pk}/map/staff/values/"))))
    names = selected(page(c.get(f"/submit/{up.pk}/map/leavers/values/")))
    c.post(f"/submit/{up.pk}/map/leavers/values/", {n: "" for n in names})  # leave it as an error
    c.post(f"/submit/{up.pk}/map/check/")
    up.refresh_from_db()
    assert up.status == Upload.Status.INVALID and any(p["file"] == "leavers.csv" for p in up.errors())
    assert c.get(f"/submit/{up.pk}/map/")["Location"].endswith("/map/leavers/values/")


def test_only_the_authoritys_analyst_reaches_its_mapping(users, authorities, export) -> None:
    a = authorities["A"]
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=a)
    ImportMapping.objects.create(authority=a, text='[staff.columns]\nstaff_id = "Eastmere Secret Heading"\n')
    for who in ("viewer_A", "network_A", "national"):
        other = client_for(users[who])
        for url in ("/mapping/", "/mapping/mapping.toml", "/mapping/upload/", "/mapping/delete/", f"/submit/{up.pk}/map/",
                    f"/submit/{up.pk}/map/staff/columns/", f"/submit/{up.pk}/map/check/"):
            assert other.get(url).status_code == 403, (who, url)
        assert other.post("/mapping/delete/").status_code == 403
    b = client_for(users["analyst_B"])
    for url in (f"/submit/{up.pk}/map/", f"/submit/{up.pk}/map/staff/columns/", f"/submit/{up.pk}/map/staff/values/", f"/submit/{up.pk}/map/check/"):
        assert b.get(url).status_code == 404, url
        assert b.post(url, {"staff_id": "Employee Number"}).status_code == 404, url
    text = page(b.get("/mapping/"))
    assert "Eastmere Secret Heading" not in text and "has no import mapping" in text
    assert b.get("/mapping/mapping.toml").status_code == 302  # B has none: back to its own page
    b.post("/mapping/delete/")
    assert ImportMapping.objects.filter(authority=a).exists()
    assert Client().get("/mapping/")["Location"].startswith("/accounts/login/")


def test_the_mapping_page_downloads_uploads_and_deletes_with_an_audit_trail(users, authorities) -> None:
    a = authorities["A"]
    c = client_for(users["analyst_A"])
    assert "has no import mapping" in page(c.get("/mapping/"))
    good = ('# our HR system\n[staff]\ndate_order = "day-first"\n[staff.columns]\nstaff_id = "Employee Number"\n'
            '[staff.values.service]\n"Children & Families" = "children"\n')
    r = c.post("/mapping/upload/", {"file": SimpleUploadedFile("mapping.toml", good.encode())})
    assert r.status_code == 302 and r["Location"] == "/mapping/"
    text = page(c.get("/mapping/"))
    assert "Employee Number" in text and "Children &amp; Families" in text and "Download mapping.toml" in text
    r = c.get("/mapping/mapping.toml")
    assert r["Content-Disposition"] == 'attachment; filename="mapping.toml"' and r.content.decode() == good  # the file as uploaded, comments and all
    # broken files: a GOV.UK error message, never a traceback, and the kept mapping unchanged
    for content, said in (
        (b'[staff.columns\nstaff_id = "x"', "is not a valid mapping file"),
        (b'[staff.columns]\nstaff_id = "A"\nethnicity = "A"\n', "is given for both staff_id and ethnicity"),
        (b'[staf.columns]\nstaff_id = "A"\n', "[staf] is not a file of the data contract"),
        (b'[staff.values.service]\n"Children & Families" = "kids"\n', 'gives "Children & Families" as "kids", which is not a value of service'),
        ('[staff]\nfile = "x.csv"\n'.encode("utf-16-le"), "must be a text file saved as UTF-8"),  # UTF-16 without its mark
        (b"# nothing\n", "maps no file"),
        (b"x = " + b"[" * 50_000 + b"]" * 50_000, "brackets nested thousands of levels deep"),  # Python's TOML reader recurses
    ):
        r = c.post("/mapping/upload/", {"file": SimpleUploadedFile("mapping.toml", content)})
        text = page(r)
        assert r.status_code == 200 and "There is a problem" in text and "govuk-error-message" in text, content
        assert said in html.unescape(text), (said, text[text.find("govuk-error-message"):][:600])
        assert "Traceback" not in text
    assert ImportMapping.objects.get(authority=a).text == good
    # saved as "ANSI" by an older Notepad (Windows-1252): read as such, and kept as text
    ansi = good.replace("Children & Families", "Children’s Services")
    assert c.post("/mapping/upload/", {"file": SimpleUploadedFile("mapping.toml", ansi.encode("cp1252"))}).status_code == 302
    assert ImportMapping.objects.get(authority=a).text == ansi
    # saved as "Unicode" by Notepad (UTF-16 with its mark): read as such too
    assert c.post("/mapping/upload/", {"file": SimpleUploadedFile("mapping.toml", good.encode("utf-16"))}).status_code == 302
    assert ImportMapping.objects.get(authority=a).text == good
    assert c.get("/mapping/delete/").status_code == 200
    r = c.post("/mapping/delete/")
    assert r.status_code == 302 and not ImportMapping.objects.filter(authority=a).exists()
    actions = list(AuditEvent.objects.filter(authority=a).order_by("at").values_list("action", flat=True))
    assert actions == ["import mapping uploaded", "import mapping downloaded", "import mapping uploaded", "import mapping uploaded",
                       "import mapping deleted"]


def test_pages_of_an_upload_whose_files_are_gone_go_back_to_it(users, authorities, demo_returns) -> None:
    """A valid upload submitted meanwhile, or one discarded, has no files to match: its page says why."""
    a = authorities["A"]
    c = client_for(users["analyst_A"])
    result = upload(c, demo_returns["A"])
    up = Upload.objects.get(authority=a)
    assert up.status == Upload.Status.VALID
    c.post(f"/submit/{up.pk}/check/", {"accept_placeholders": "on"})
    for url in (f"/submit/{up.pk}/map/", f"/submit/{up.pk}/map/staff/columns/", f"/submit/{up.pk}/map/check/"):
        r = c.get(url)
        assert r.status_code == 302 and r["Location"] == f"/submit/{up.pk}/", url
    assert result


def as_workbook(folder: Path, target: Path) -> SimpleUploadedFile:
    """The export as one workbook, as an HR system saves it: a sheet per file (staff as "Staff"), with the
    organisation settings on an organisation sheet (dotted names for its tables)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    for f in sorted(folder.glob("*.csv")):
        with f.open(encoding="utf-8") as src:
            rows = list(csv.reader(src))
        ws = wb.create_sheet("Staff" if f.stem == "staff" else f.stem)
        for row in rows:
            ws.append(row)
    ws = wb.create_sheet("organisation")
    ws.append(["setting", "value"])
    with (folder / "organisation.toml").open("rb") as src:
        org = tomllib.load(src)
    for key, value in org.items():
        for k, v in (value.items() if isinstance(value, dict) else [(None, value)]):
            if not isinstance(v, list):
                ws.append([f"{key}.{k}" if k else key, v])
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return SimpleUploadedFile(target.name, target.read_bytes())


def walk_accepting_suggestions(c: Client, start: str) -> list[str]:
    """Go through the mapping pages posting each one as pre-selected; the pages visited, in order."""
    visited = []
    url = c.get(start)["Location"]
    while "/map/" in url and not url.endswith("/map/check/"):
        visited.append(url)
        r = c.post(url, selected(page(c.get(url))))
        assert r.status_code == 302, page(r)
        url = r["Location"]
    return visited


def test_a_workbook_export_is_matched_through_its_sheets(users, authorities, export, tmp_path) -> None:
    a = authorities["A"]
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": as_workbook(export, tmp_path / "book" / "Eastmere HR export 2025.xlsx")})
    up = Upload.objects.get(authority=a)
    assert up.status == Upload.Status.INVALID, up.problems
    text = page(c.get(r["Location"]))
    assert "Eastmere HR export 2025.xlsx, sheet Staff" in text and "Match your columns" in text
    visited = walk_accepting_suggestions(c, f"/submit/{up.pk}/map/")
    assert [u.split("/map/")[1] for u in visited] == ["staff/columns/", "staff/values/", "leavers/values/"]
    text = page(c.get(f"/submit/{up.pk}/map/staff/columns/"))
    assert "Eastmere HR export 2025.xlsx, sheet Staff" in text  # the page names the sheet the user made
    c.post(f"/submit/{up.pk}/map/check/")
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    assert "file =" not in ImportMapping.objects.get(authority=a).text  # sheets are found by name, not by this year's file name
    # next year's workbook, under next year's name: valid at once
    c.post("/submit/", {"file": as_workbook(export, tmp_path / "book2" / "Eastmere HR export 2026.xlsx")})
    second = Upload.objects.filter(authority=a).order_by("-created_at").first()
    assert second.filename == "Eastmere HR export 2026.xlsx" and second.status == Upload.Status.VALID, second.errors()


def test_a_file_of_the_return_saved_as_its_own_workbook_is_matched_and_read(users, authorities, export, demo_returns) -> None:
    """staff.xlsx in the zip beside the other CSV files (the staff list kept in Excel, its one sheet
    "Employees", its system's headings): the pages match it as the staff file, naming its sheet, and the
    return read through the mapping counts as the contract's does."""
    import openpyxl

    from wres.web import returns

    with (export / "staff.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    (export / "staff.csv").unlink()
    wb = openpyxl.Workbook()
    wb.active.title = "Employees"
    for row in rows:
        wb.active.append(row)
    wb.save(export / "staff.xlsx")
    a = authorities["A"]
    plain = returns.record(a, users["analyst_A"], zipped(demo_returns["A"]))  # the same return in the contract's words, before any mapping
    c = client_for(users["analyst_A"])
    location = upload(c, export)
    up = Upload.objects.filter(authority=a).order_by("-created_at").first()
    text = page(c.get(location))
    assert up.status == Upload.Status.INVALID and "Match your columns" in text, up.problems
    assert "is not one of the return" not in text  # read as the staff file, not said to be left unread
    visited = walk_accepting_suggestions(c, f"/submit/{up.pk}/map/")
    assert visited[0].endswith("/map/staff/columns/")
    assert "staff.xlsx, sheet Employees" in page(c.get(f"/submit/{up.pk}/map/staff/columns/"))
    c.post(f"/submit/{up.pk}/map/check/")
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    again = returns.record(a, users["analyst_A"], zipped(export))  # uploaded again: read through the saved mapping at once
    assert again.status == Upload.Status.VALID, again.errors()
    assert sorted(map(tuple, again.counts["rows"])) == sorted(map(tuple, plain.counts["rows"]))


def test_files_kept_for_the_mapping_pages_go_when_the_upload_is_stale(users, authorities, export, settings) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from wres.web import returns

    a = authorities["A"]
    up = returns.record(a, users["analyst_A"], zipped(export))
    assert up.status == Upload.Status.INVALID and Path(up.staged).is_dir()
    Upload.objects.filter(pk=up.pk).update(created_at=timezone.now() - timedelta(days=settings.STAGED_DAYS + 1))
    assert [u.pk for u in returns.discard_stale(settings.STAGED_DAYS)] == [up.pk]
    up.refresh_from_db()
    assert not up.staged and not any(settings.UPLOAD_DIR.rglob("*.csv"))
    assert client_for(users["analyst_A"]).get(f"/submit/{up.pk}/map/")["Location"] == f"/submit/{up.pk}/"


def test_a_local_ethnicity_code_is_given_its_ons_category_on_the_values_page(users, authorities, export) -> None:
    """Ethnicity codes of the HR system's own ("EWB") are asked about with the ONS 2021 categories, never guessed."""
    with (export / "staff.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    col = rows[0].index("Ethnic Origin")
    coded = [i for i, r in enumerate(rows[1:], start=1) if r[col] == "English, Welsh, Scottish, Northern Irish or British"][:5]
    for i in coded:
        rows[i][col] = "EWB"
    with (export / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    a = authorities["A"]
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=a)
    c.get(f"/submit/{up.pk}/map/")
    c.post(f"/submit/{up.pk}/map/staff/columns/", selected(page(c.get(f"/submit/{up.pk}/map/staff/columns/"))))
    text = page(c.get(f"/submit/{up.pk}/map/staff/values/"))
    chosen = selected(text)
    by_label = {labelled(text)[n]: n for n in chosen}
    ewb = by_label["“EWB”"]
    assert chosen[ewb] == ""  # not guessed: left as an error until someone says what it means
    assert "White: English, Welsh, Scottish, Northern Irish or British" in text and "Asian, Asian British or Asian Welsh: Indian" in text
    c.post(f"/submit/{up.pk}/map/staff/values/", {**chosen, ewb: "English, Welsh, Scottish, Northern Irish or British"})
    c.post(f"/submit/{up.pk}/map/leavers/values/", selected(page(c.get(f"/submit/{up.pk}/map/leavers/values/"))))
    c.post(f"/submit/{up.pk}/map/check/")
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    kept = tomllib.loads(ImportMapping.objects.get(authority=a).text)
    assert kept["staff"]["values"]["ethnicity"] == {"EWB": "English, Welsh, Scottish, Northern Irish or British"}


def test_files_under_the_hr_systems_own_names_are_matched_and_found_next_year(users, authorities, export, tmp_path) -> None:
    """A zip as the HR system names its files ("HR export March 2025.csv"): which file each is, is asked
    once (pre-selected from its headings), and next year's files ("… 2026.csv") are found by the mapping."""
    def renamed(year: int) -> Path:
        out = tmp_path / f"named-{year}"
        out.mkdir()
        for f in export.iterdir():
            name = {"staff.csv": f"HR export March {year}.csv", "leavers.csv": f"Leavers report {year}.csv"}.get(f.name, f.name)
            (out / name).write_bytes(f.read_bytes())
        return out

    a = authorities["A"]
    c = client_for(users["analyst_A"])
    result = upload(c, renamed(2025))
    up = Upload.objects.get(authority=a)
    text = html.unescape(page(c.get(result)))
    assert ">staff.csv: is missing<" in text
    assert "HR export March 2025.csv, Leavers report 2025.csv, which is not named as a file of the return" in text
    assert "Match your columns" in text
    r = c.get(f"/submit/{up.pk}/map/")
    assert r["Location"] == f"/submit/{up.pk}/map/files/"
    text = page(c.get(r["Location"]))
    assert "Match your files" in text
    chosen = selected(text)
    assert {labelled(text)[k]: v for k, v in chosen.items()} == {"“HR export March 2025.csv”": "staff", "“Leavers report 2025.csv”": "leavers"}
    # one file given twice is an error on the page
    bad = page(c.post(r["Location"], {k: "staff" for k in chosen}))
    assert "There is a problem" in bad and "is already staff.csv" in html.unescape(bad)
    visited, url = walk(c, r["Location"], lambda url, text: chosen if url.endswith("/files/") else None)
    assert visited == ["files/", "staff/columns/", "staff/values/", "leavers/values/"]
    assert "Change file" in page(c.get(url))
    c.post(url)
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    assert not any("not named as a file" in p["message"] for p in up.problems)  # read now: the warning is gone
    kept = tomllib.loads(ImportMapping.objects.get(authority=a).text)
    assert kept["staff"]["file"] == "HR export March *.csv" and kept["leavers"]["file"] == "Leavers report *.csv"
    # next year's export, as the HR system names it: valid at once
    upload(c, renamed(2026))
    second = Upload.objects.filter(authority=a).order_by("-created_at").first()
    assert second.status == Upload.Status.VALID, second.errors()
    assert not any("not named as a file" in p["message"] for p in second.problems)


def test_the_columns_page_lets_a_status_column_give_both_yes_no_columns_and_nothing_else() -> None:
    """As in mapping.toml: one heading may be both shortlisted and appointed (an applicant tracking system's
    "Application Status"), never two columns of other kinds."""
    from wres import standards
    from wres.web.mapping_forms import ColumnsForm

    headings = ["Candidate Ref", "Directorate", "Ethnic Origin", "Application Status"]
    base = {"ethnicity": "Ethnic Origin", "service": "Directorate", "applicant_id": "Candidate Ref"}
    shared = ColumnsForm({**base, "shortlisted": "Application Status", "appointed": "Application Status"},
                         stem="recruitment", headings=headings, chosen={}, standard=standards.load("sc-wres"))
    assert shared.is_valid(), shared.errors
    clash = ColumnsForm({**base, "service": "Ethnic Origin", "shortlisted": "Application Status", "appointed": "Application Status"},
                        stem="recruitment", headings=headings, chosen={}, standard=standards.load("sc-wres"))
    assert not clash.is_valid() and 'Select another heading for service: "Ethnic Origin" is already given to ethnicity' in clash.errors["service"]


@pytest.mark.parametrize("stem,staff_id,ok", [("disciplinary", "Employee Number", True), ("disciplinary", "", False),
                                               ("recruitment", "Employee Number", False)])
def test_the_columns_page_leaves_an_event_files_ethnicity_and_service_to_staff(stem: str, staff_id: str, ok: bool) -> None:
    """As validation reads it: an ER casework export with the employee number only needs no ethnicity or
    service heading (each row's is staff.csv's, and the page says so); without a staff_id, or for applicants
    (who are not staff), the page asks for them."""
    from wres import standards
    from wres.web.mapping_forms import FROM_STAFF, ColumnsForm

    given = {"date": "Case Start Date"} | ({"staff_id": staff_id, "applicant_id": staff_id} if staff_id else {})
    if stem == "recruitment":
        given |= {"shortlisted": "Case Start Date", "appointed": "Case Start Date"}  # (not what is looked at)
    form = ColumnsForm(given, stem=stem, headings=["Employee Number", "Case Start Date"], chosen={}, standard=standards.load("sc-wres"))
    assert form.is_valid() is ok, form.errors
    if not ok:
        assert "Select the heading that holds ethnicity (their ethnicity)" in form.errors["ethnicity"]
    assert (form.fields["ethnicity"].help_text == FROM_STAFF) is (stem == "disciplinary")


def test_an_er_export_with_employee_numbers_only_is_matched_and_read(users, authorities, export) -> None:
    """The ER casework export in the zip, in place of disciplinary.csv: employee numbers, case types and dates.
    Matched on the pages as they pre-select it, with no ethnicity or service heading, the upload is valid and
    says each row's are taken from staff.csv."""
    with (export / "disciplinary.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    (export / "disciplinary.csv").unlink()
    with (export / "ER cases 2024-25.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["Employee Number", "Case Type", "Date Opened"], *([r["staff_id"], "Disciplinary", r["date"]] for r in rows)])
    a = authorities["A"]
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=a)

    def files_page(url: str, text: str) -> None:
        if url.endswith("/files/"):
            assert selected(text) == {"file_1": "disciplinary"}, selected(text)

    visited, url = walk(c, c.get(f"/submit/{up.pk}/map/")["Location"], files_page)
    assert "disciplinary/columns/" in visited
    # the check page's card of the export says where its rows' ethnicity and service come from
    card = html.unescape(c.get(url).content.decode()).split("disciplinary.csv: your file", 1)[1].split('class="govuk-summary-card"', 1)[0]
    assert "No heading for ethnicity or service: each row's ethnicity and service are taken from staff.csv by its staff_id." in card
    c.post(url)
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    # and so does the saved mapping's own page
    overview = html.unescape(c.get("/mapping/").content.decode())
    assert "No heading for ethnicity or service: each row's ethnicity and service are taken from staff.csv by its staff_id." in overview
    assert any(p["message"].startswith("has no ethnicity or service column: each row's ethnicity and service are taken from staff.csv")
               for p in up.problems), up.problems


def test_a_learning_systems_export_is_asked_which_rows_are_cpd(users, authorities, export) -> None:
    """training.csv as a learning system exports it, mandatory courses beside CPD: the rows page asks which rows
    are funded non-mandatory training or CPD (as wres map does), the mandatory ones not ticked."""
    from wres import standards
    from wres.web import importing
    from wres.web.mapping_forms import RowsForm

    path = export / "training.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, [*rows[0], "Course Category"])
        w.writeheader()
        w.writerows([{**r, "Course Category": "CPD"} for r in rows] + [{**r, "course": "Fire safety", "Course Category": "Mandatory"} for r in rows])
    std = standards.load("sc-wres")
    files = importing.staged_files(export, std)[0]
    (training,) = [f for f in files if f.stem == "training"]
    q = importing.rows_to_decide(training, importing.draft(files, None, std))
    assert (q.heading, q.others, q.rest, q.such_as) == ("Course Category", ["Mandatory"], ["CPD"], "mandatory courses")
    form = RowsForm(None, heading=q.heading, values=q.rest + q.others, chosen=q.rest, what=q.what)
    assert form.fields["kept"].label == "Which rows are funded non-mandatory training or CPD? Read the rows whose “Course Category” is:"
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=authorities["A"])
    def rows_page(url: str, text: str) -> dict[str, list[str]] | None:
        if not url.endswith("/training/rows/"):
            return None
        assert "may not be funded non-mandatory training or CPD, such as mandatory courses." in html.unescape(text)
        return {"kept": ["CPD"]}

    _, url = walk(c, c.get(f"/submit/{up.pk}/map/")["Location"], rows_page)
    assert "Only the rows whose “Course Category” is “CPD” are read" in html.unescape(page(c.get(url)))


def test_rows_a_suggestion_leaves_out_are_not_asked_about(users, authorities, export) -> None:
    """An ER casework export holds grievances too: the suggestion keeps the disciplinary cases (Case Type), and
    the file is read again through that, so the values page never asks about a grievance's spelling."""
    from wres import standards
    from wres.web import importing

    path = export / "disciplinary.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    grievances = [{**r, "case_id": f"GR{i:05d}", "service": "Corporate HR"} for i, r in enumerate(rows[:4])]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, [*rows[0], "Case Type"])
        w.writeheader()
        w.writerows([{**r, "Case Type": "Disciplinary"} for r in rows] + [{**r, "Case Type": "Grievance"} for r in grievances])
    std = standards.load("sc-wres")
    files = importing.staged_files(export, std)[0]
    m = importing.draft(files, None, std)
    assert m.files["disciplinary"].rows == {"Case Type": ["Disciplinary"]}
    (disciplinary,) = [f for f in files if f.stem == "disciplinary"]
    assert "Corporate HR" not in disciplinary.export.values["service"]
    assert "disciplinary" not in m.files or "Corporate HR" not in m.files["disciplinary"].values.get("service", {})
    assert importing.values_to_decide(disciplinary, m) == {}


def test_sheets_of_an_export_workbook_in_a_zip_are_matched_and_found_next_year(users, authorities, export, tmp_path) -> None:
    """The HR system's export as a workbook of its own naming in the zip, beside the return's other files: its
    sheets ("Employees", "Leavers report") are offered on the files page (pre-selected from their names and
    headings), the mapping finds the workbook by its name and each file by its sheet, and next year's
    workbook ("… 2026.xlsx") is read at once."""
    import openpyxl

    def zipped_with_workbook(year: int) -> Path:
        out = tmp_path / f"book-{year}"
        out.mkdir()
        wb = openpyxl.Workbook()
        wb.active.title = "Notes"  # empty: not offered
        for f in export.iterdir():
            if f.name in ("staff.csv", "leavers.csv"):
                with f.open(encoding="utf-8") as src:
                    ws = wb.create_sheet("Employees" if f.name == "staff.csv" else "Leavers report")
                    for row in csv.reader(src):
                        ws.append(row)
            else:
                (out / f.name).write_bytes(f.read_bytes())
        wb.save(out / f"Eastmere HR export {year}.xlsx")
        return out

    a = authorities["A"]
    c = client_for(users["analyst_A"])
    result = upload(c, zipped_with_workbook(2025))
    up = Upload.objects.get(authority=a)
    assert up.status == Upload.Status.INVALID
    text = html.unescape(page(c.get(result)))
    assert ">staff.csv: is missing<" in text and "Eastmere HR export 2025.xlsx, which is not named as a file of the return" in text
    r = c.get(f"/submit/{up.pk}/map/")
    assert r["Location"] == f"/submit/{up.pk}/map/files/"
    text = page(c.get(r["Location"]))
    chosen = selected(text)
    assert {labelled(text)[k]: v for k, v in chosen.items()} == {"“Eastmere HR export 2025.xlsx, sheet Employees”": "staff",
                                                                   "“Eastmere HR export 2025.xlsx, sheet Leavers report”": "leavers"}
    def named(url: str, text: str) -> dict[str, str] | None:
        assert "Eastmere HR export 2025.xlsx, sheet" in text  # each page names the sheet
        return chosen if url.endswith("/files/") else None

    visited, url = walk(c, r["Location"], named)
    assert visited == ["files/", "staff/columns/", "staff/values/", "leavers/values/"]
    c.post(url)
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    assert not any("not named as a file" in p["message"] for p in up.problems)
    kept = tomllib.loads(ImportMapping.objects.get(authority=a).text)
    assert (kept["staff"]["file"], kept["staff"]["sheet"]) == ("Eastmere HR export *.xlsx", "Employees")
    assert (kept["leavers"]["file"], kept["leavers"]["sheet"]) == ("Eastmere HR export *.xlsx", "Leavers report")
    # the pages again: the files page shows what was chosen
    assert set(selected(page(c.get(f"/submit/{up.pk}/map/files/"))).values()) == {"staff", "leavers"}
    upload(c, zipped_with_workbook(2026))
    second = Upload.objects.filter(authority=a).order_by("-created_at").first()
    assert second.status == Upload.Status.VALID, second.errors()
    assert not any("not named as a file" in p["message"] for p in second.problems)
    assert second.counts == up.counts


def test_an_export_too_large_for_the_pages_is_not_read_there(tmp_path, monkeypatch) -> None:
    """The pages read an export in the web process, without the upload check's limits: a CSV or workbook larger
    than importing.PAGES_BYTES (a workbook unpacked) is not offered nor read there, nor is a workbook that
    cannot be read, so none can tie a page up; the pages say to use `wres map`."""
    import openpyxl

    from wres.web import importing

    wb = openpyxl.Workbook()
    wb.active.title = "Employees"
    wb.active.append(["Employee Number", "Ethnic Origin"])
    wb.save(tmp_path / "HR export.xlsx")
    (tmp_path / "Broken export.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "Leavers report.csv").write_text("Employee Number,Ethnic Origin\n" + "E1,White British\n" * 200, encoding="utf-8")
    assert [o.name for o in importing.unnamed(tmp_path)] == ["Leavers report.csv", "HR export.xlsx, sheet Employees"]
    assert importing.Own(tmp_path / "Leavers report.csv").export()[0][0].headings == ["Employee Number", "Ethnic Origin"]
    monkeypatch.setattr(importing, "PAGES_BYTES", 1_000)
    assert importing.unnamed(tmp_path) == []
    exports, trouble = importing.Own(tmp_path / "Leavers report.csv").export()
    assert exports == [] and "too large for these pages" in trouble[0].message and "wres map" in trouble[0].fix


def test_a_file_too_large_for_the_pages_is_said_when_matching_starts(users, authorities, export, monkeypatch) -> None:
    """The staff export is the return's own file, with its own headings, but too large for the pages: the first
    page says so, and what to do instead (not "holds no file to match", nor nothing)."""
    from wres.web import importing

    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=authorities["A"])
    monkeypatch.setattr(importing, "PAGES_BYTES", 1_000)
    r = c.get(f"/submit/{up.pk}/map/", follow=True)
    text = html.unescape(page(r))
    assert "staff.csv is too large for these pages to read (over 0 MB): match it with `wres map`" in text
    assert "holds no staff, event or survey file" not in text


@pytest.mark.parametrize("posts", [False, True], ids=["people", "posts"])
def test_a_staff_export_with_leavers_and_agency_rows_is_asked_which_rows_are_staff(posts: bool, users, authorities, export) -> None:
    """An HR export of every assignment ("Assignment Status": Terminated, Agency Worker beside Active): the rows
    page asks which rows are people directly employed at the snapshot date, the in-post values ticked and the
    others not (the service does not decide); the mapping keeps the rows chosen, and the check says how many
    were left out. `posts`: an export of posts, someone with two jobs on two rows, whose "Primary Assignment"
    says which is their main post: only those rows are read, and the question is still asked beside it."""
    statuses = ["Active", "Active", "Terminated", "Maternity Leave", "Agency Worker", "Active"]
    with (export / "staff.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = [*rows[0], "Assignment Status"], [[*r, statuses[i % len(statuses)]] for i, r in enumerate(rows[1:])]
    if posts:
        header, body = [*header, "Primary Assignment"], [*([*r, "Y"] for r in body), *([*r, "N"] for r in body[::10])]
    with (export / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *body])
    a = authorities["A"]
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=a)

    def rows_page(url: str, text: str) -> dict[str, list[str]] | None:
        if not url.endswith("/rows/"):
            return None
        assert "Match your rows" in text and "Assignment Status" in text
        boxes = [box for box in re.findall(r"<input[^>]*>", text) if 'name="kept"' in box]
        offered = [html.unescape(re.search(r'value="([^"]*)"', box).group(1)) for box in boxes]
        ticked = [v for v, box in zip(offered, boxes) if re.search(r"\bchecked\b", box)]
        assert sorted(ticked) == ["Active", "Maternity Leave"] and sorted(offered) == sorted(set(statuses))
        assert "There is a problem" in page(c.post(url, {}))  # none ticked: an error on the page
        return {"kept": ticked}

    visited, url = walk(c, c.get(f"/submit/{up.pk}/map/")["Location"], rows_page)
    assert visited == ["staff/columns/", "staff/rows/", "staff/values/", "leavers/values/"]
    checked = html.unescape(page(c.get(url)))
    assert "Only the rows whose “Assignment Status” is “Active” or “Maternity Leave” are read" in checked
    assert ("Only the rows whose “Primary Assignment” is “Y” are read" in checked) is posts
    # changed from the check page: asked again with what was chosen ticked; the main posts are kept as they are
    change = re.search(r'href="([^"]*)">Change rows<span class="govuk-visually-hidden"> of staff', checked).group(1)
    again = page(c.get(change))
    ticked = [html.unescape(v) for v in re.findall(r'<input[^>]*value="([^"]*)"[^>]*checked', again)]
    assert sorted(ticked) == ["Active", "Maternity Leave"]
    assert "Only the rows whose “Assignment Status”" in html.unescape(page(c.get(url)))  # looking changed nothing
    r = c.post(change, {"kept": ["Active"]})
    assert r.status_code == 302, page(r)
    _, url = walk(c, r["Location"]) if "/map/check/" not in r["Location"] else ([], r["Location"])
    checked = html.unescape(page(c.get(url)))
    assert "Only the rows whose “Assignment Status” is “Active” are read" in checked
    assert ("Only the rows whose “Primary Assignment” is “Y” are read" in checked) is posts
    c.post(change, {"kept": ["Active", "Maternity Leave"]})  # and back, for the figures below
    c.post(url)
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    left = sum(1 for r in body if r[len(rows[0])] in ("Terminated", "Agency Worker") or (posts and r[-1] == "N"))
    assert any(p["message"].startswith(f"{left} rows left out") for p in up.problems), up.problems
    assert tomllib.loads(ImportMapping.objects.get(authority=a).text)["staff"]["rows"] == (
        {"Primary Assignment": ["Y"]} if posts else {}) | {"Assignment Status": ["Active", "Maternity Leave"]}


def test_a_file_that_is_none_of_the_returns_is_said_once_in_the_services_words(users, authorities, demo_returns, tmp_path) -> None:
    """A valid return's zip that also holds the ER system's export (a CSV) and a Parquet file: each is said once,
    with what a web user can do, never with the command line's remedy on the server's own folder (before, the
    export was said twice, once with `wres map "…" -o "<the server's staging folder>/mapping.toml"`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "zip"
    shutil.copytree(demo_returns["A"], folder)
    shutil.copy(folder / "disciplinary.csv", folder / "ER cases 2024-25.csv")
    pq.write_table(pa.table({"a": ["1"]}), folder / "extract.parquet")
    a = authorities["A"]
    c = client_for(users["analyst_A"])
    upload(c, folder)
    up = Upload.objects.get(authority=a)
    assert up.status == Upload.Status.VALID, up.errors()
    said = [(p["file"], p["message"]) for p in up.problems if "ER cases" in p["message"] + p["file"] or "extract" in p["message"] + p["file"]]
    assert said == [("the upload", "holds extract.parquet, which is not part of a return and was ignored"),
                    ("the upload", "holds ER cases 2024-25.csv, which is not named as a file of the return, so it was not read")], said
    assert not any("wres map" in p["fix"] or "web-data" in p["fix"] or str(tmp_path) in p["fix"] for p in up.problems), up.problems
    # the check page offers to match it (the fix names the Match your files page), and the link leads there
    text = page(c.get(f"/submit/{up.pk}/check/"))
    assert "Check your answers" in text and f'href="/submit/{up.pk}/map/">match your files</a>' in text
    assert c.get(f"/submit/{up.pk}/map/")["Location"] == f"/submit/{up.pk}/map/files/"


def test_a_council_wide_establishment_list_is_asked_which_rows_are_social_care(users, authorities, export) -> None:
    """The council's establishment list of every member of staff, "Housing" and "Finance" beside adult and
    children's social care: the rows page asks which rows to read, the social care ones ticked and the others
    not (no values page asks "Housing: adults or children?"), and the return is read without them."""
    with (export / "staff.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    extra = [{**rows[i], "Employee Number": f"C{i}", "Directorate": ("Housing", "Finance")[i % 2]} for i in range(6)]
    with (export / "staff.csv").open("w", encoding="utf-8", newline="") as f:  # and a question of leavers beside it
        w = csv.DictWriter(f, [*rows[0], "Assignment Status"])
        w.writeheader()
        w.writerows([{**r, "Assignment Status": "Active"} for r in rows + extra] + [{**rows[0], "Employee Number": "L1", "Assignment Status": "Terminated"}])
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=authorities["A"])

    def ticked(text: str) -> list[str]:
        boxes = [box for box in re.findall(r"<input[^>]*>", text) if 'name="kept"' in box]
        return [html.unescape(re.search(r'value="([^"]*)"', b).group(1)) for b in boxes if re.search(r"\bchecked\b", b)]

    def rows_page(url: str, text: str) -> dict[str, list[str]] | None:
        assert "Housing" not in text or url.endswith("/staff/rows/") or url.endswith("/columns/"), url  # never asked as a spelling
        if not url.endswith("/staff/rows/"):
            return None
        said = html.unescape(text)
        if "“Assignment Status”" in said:
            return {"kept": ["Active"]}
        assert "may not be in adult social care or children's social care, such as other directorates' staff" in said
        assert "Housing" not in ticked(text) and "Finance" not in ticked(text) and ticked(text)
        return {"kept": ticked(text)}

    visited, url = walk(c, c.get(f"/submit/{up.pk}/map/")["Location"], rows_page)
    assert visited.count("staff/rows/") == 2  # one question, then the other
    # each question changed by its own link from the check page; the other's answer is kept
    checked = html.unescape(page(c.get(url)))
    links = dict(re.findall(r'href="([^"]*)">Change rows by “([^”]*)”', checked))
    assert sorted(links.values()) == ["Assignment Status", "Directorate"]
    to_directorate = html.unescape(next(u for u, h in links.items() if h == "Directorate"))
    social_care = ticked(page(c.get(to_directorate)))
    assert social_care and "Housing" not in social_care
    c.post(to_directorate, {"kept": [*social_care, "Housing"]})
    checked = html.unescape(page(c.get(url)))
    assert "Only the rows whose “Assignment Status” is “Active” are read" in checked and "“Housing”" in checked
    c.post(to_directorate, {"kept": social_care})
    c.post(url)
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID, up.errors()
    assert any(p["message"].startswith("7 rows left out") for p in up.problems), up.problems


def test_the_rows_page_asked_to_change_what_was_never_asked_goes_on(users, authorities, export) -> None:
    """?change= on a file with no rows chosen, or naming no question: the page goes on to the next step, never
    an error page (a link typed or kept from another upload)."""
    c = client_for(users["analyst_A"])
    upload(c, export)
    up = Upload.objects.get(authority=authorities["A"])
    c.get(f"/submit/{up.pk}/map/")
    for query in ("?change=Directorate", "?change=", "?change=%00"):
        r = c.get(f"/submit/{up.pk}/map/training/rows/{query}")
        assert r.status_code == 302 and "/map/" in r["Location"], r.status_code
