"""An uploaded return: staged, unpacked safely, checked by the pipeline, and submitted as counts.

The web service never checks or counts anything itself: it hands the staged files to wres.pipeline and
keeps what comes back (problems, counts, the published document). Record-level files live only in the
staging folder and are deleted once the counts are kept, unless the authority chose to keep them.
"""

from __future__ import annotations

import re

import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from wres import actions, pipeline
from wres.problems import InvalidInput, Problem
from wres.read import KNOWN as STEMS
from wres.web import importing
from wres.web.models import (
    Action,
    ActionUpdate,
    AuditEvent,
    Authority,
    Submission,
    Upload,
)

KNOWN = {f"{stem}.{ext}" for stem in STEMS for ext in ("csv", "parquet")} | {"organisation.toml"}
MAX_MEMBERS = 50


@dataclass
class Checked:
    problems: list[Problem]
    loaded: pipeline.Loaded | None
    files: list[dict[str, Any]]


def _problem(message: str, fix: str, file: str = "the upload") -> Problem:
    return Problem(file, message, fix)


def _unpack(archive: Path, into: Path, mapped: Callable[[str], bool] = lambda name: False) -> list[Problem]:
    """Unzip only the return's own files, flattening one enclosing folder; refuse anything risky.

    A CSV file under a name of its own ("HR export March 2025.csv") is kept too, under a safe name: the
    import mapping says which file of the return it is. One the authority's mapping names (`mapped`) is
    read as that; another is said in a warning, and offered on the mapping pages.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        return [_problem("is not a zip file that can be opened", "make the zip again (select the files, then 'Compress' or 'Send to > Compressed folder')")]
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir() and not PurePosixPath(m.filename).name.startswith(".")
                   and "__MACOSX" not in m.filename]
        if len(members) > MAX_MEMBERS:
            return [_problem(f"holds {len(members)} files", "a return has at most a dozen files: zip only the return's CSV files and organisation.toml")]
        if sum(m.file_size for m in members) > settings.MAX_UNPACKED_BYTES:
            return [_problem(f"unpacks to more than {settings.MAX_UNPACKED_BYTES >> 20} MB", "send the aggregated counts.csv instead, or ask the programme team about a larger return")]
        names: dict[str, zipfile.ZipInfo] = {}
        unknown = []
        own: list[str] = []  # CSV files under their own names, kept as they are (made safe)
        for m in members:
            name = PurePosixPath(m.filename).name.lower()
            safe = _safe_name(PurePosixPath(m.filename).name)
            if name in KNOWN:
                if name in names:
                    return [_problem(f"holds two files called {name}", "keep one copy of each file in the zip")]
                names[name] = m
            elif name.endswith(".csv") and safe.lower() not in KNOWN and safe.lower() not in names:
                names[safe.lower()] = m
                own.append(safe)
            else:
                unknown.append(PurePosixPath(m.filename).name)
        if not names:
            return [_problem("holds none of the return's files", "zip staff.csv, the event files, survey.csv and organisation.toml (see the data preparation guide)")]
        into.mkdir(parents=True)
        for name, m in names.items():
            target = next((n for n in own if n.lower() == name), name)
            with zf.open(m) as src, open(into / target, "wb") as dst:  # only a known or made-safe base name: no paths
                shutil.copyfileobj(src, dst, 1 << 20)
    notes = []
    if unknown:
        notes.append(replace(_problem(f"holds {', '.join(sorted(unknown))}, which is not part of a return and was ignored",
                                      "nothing to do, unless it was meant to be one of the return's files (check its name)"), severity="warning"))
    return notes + _unread(own, mapped)


UNREAD = "which is not named as a file of the return, so it was not read"


def _unread(own: list[str], mapped: Callable[[str], bool]) -> list[Problem]:
    """The warning for CSV files under their own names that no import mapping says are a file of the return."""
    unread = sorted(n for n in own if not mapped(n))
    if not unread:
        return []
    return [replace(_problem(f"holds {', '.join(unread)}, {UNREAD}", "name it after the file it holds (staff.csv, leavers.csv, …), "
                             "or choose which file it is on the Match your files page"), severity="warning")]


def _safe_name(name: str) -> str:
    """The uploaded file's own name, with nothing in it a path or a shell could misread."""
    stem = re.sub(r"[^\w .()&,+-]", "_", Path(name).stem).strip(" .") or "return"
    return f"{stem[:100]}{Path(name).suffix.lower()}"


def check(upload_file: UploadedFile, staging: Path, mapping: str | None = None) -> Checked:
    """Stage the file and run the pipeline on it, through the authority's import mapping (mapping.toml
    text) if it has one. Nothing raises: every failure is a Problem."""
    name = Path(upload_file.name or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".zip"):
        return Checked([_problem(f'"{name}" is not an Excel workbook (.xlsx) or a zip of CSV files (.zip)', "upload the return as one .xlsx workbook, or the CSV files in one .zip")], None, [])
    if upload_file.size and upload_file.size > settings.MAX_UPLOAD_BYTES:
        return Checked([_problem(f"is larger than {settings.MAX_UPLOAD_BYTES >> 20} MB", "zip the CSV files (they compress well), or upload the aggregated counts.csv instead")], None, [])
    staging.mkdir(parents=True)
    # kept under the name the user gave it (made safe), which is how every message about it names it
    saved = staging / (_safe_name(name) if suffix == ".xlsx" else "return.zip")
    with open(saved, "wb") as out:
        for chunk in upload_file.chunks():
            out.write(chunk)
    path = saved
    notes: list[Problem] = []
    if suffix == ".zip":
        notes = _unpack(saved, staging / "return", importing.names_a_file(mapping))
        saved.unlink()
        if any(p.severity == "error" for p in notes):
            return Checked(notes, None, [])
        path = staging / "return"
    problems, loaded = _load(path, mapping)
    files = [{"name": p.name, "size": p.stat().st_size} for p in sorted(path.iterdir()) if p.name != importing.FILE] if path.is_dir() else [{"name": name, "size": path.stat().st_size}]
    return Checked(notes + problems, loaded, files)


def _load(path: Path, mapping: str | None) -> tuple[list[Problem], pipeline.Loaded | None]:
    """The pipeline's problems and counts of a staged return, read through `mapping` if given."""
    importing.place(path, mapping)
    try:
        loaded = pipeline.load(path)
        return list(loaded.warnings), loaded
    except InvalidInput as exc:
        return exc.problems, None
    except Exception as exc:  # a file the reader could not make sense of: say so, never a traceback
        return [_problem(f"could not be read ({type(exc).__name__})", "check the file opens in Excel and is saved as .xlsx, or zip the CSV files again")], None


def record(authority: Authority, user: Any, upload_file: UploadedFile) -> Upload:
    """Check an upload and keep the outcome; staged files are kept only while the return can be submitted."""
    discard_stale(settings.STAGED_DAYS)
    for old in Upload.objects.filter(authority=authority).exclude(staged=""):
        discard(old)
    upload = Upload(authority=authority, uploaded_by=user, filename=Path(upload_file.name or "upload").name[:255], size=upload_file.size or 0)
    staging = settings.UPLOAD_DIR / str(authority.pk) / str(upload.id)
    result = check(upload_file, staging, importing.saved(authority))
    upload.files = result.files
    return _settle(upload, result.problems, result.loaded, staging)


def recheck(upload: Upload, mapping: str | None) -> Upload:
    """Check a staged upload again through a new import mapping (the mapping pages' last step)."""
    staging = Path(upload.staged)
    path = importing.staged_return(staging)
    if path is None:  # its files are gone (discarded meanwhile): nothing to check
        return upload
    kept = [Problem(**{**p, "rows": tuple(p["rows"])}) for p in upload.problems if p["file"] == "the upload" and UNREAD not in p["message"]]
    if path.is_dir():  # the zip's own notes, and its own-named files as the new mapping reads them
        kept += _unread([f.name for f in importing.unnamed(path)], importing.names_a_file(mapping))
    problems, loaded = _load(path, mapping)
    upload.plan = None
    return _settle(upload, kept + problems, loaded, staging)


def _settle(upload: Upload, found: list[Problem], loaded: pipeline.Loaded | None, staging: Path) -> Upload:
    """Keep the outcome of a check. The staged files stay while the return can be submitted, or while an
    import mapping could fix its problems (the mapping pages re-check them); otherwise they go at once."""
    authority = upload.authority
    problems = list(found)
    if loaded is not None:
        code = (loaded.organisation.code or "").strip().upper()
        if code and code != authority.code.upper():
            where = loaded.organisation.label
            problems.append(Problem(where, f"is for the authority with code {code}, but you are signed in for {authority.name} ({authority.code})",
                                    f"upload your own authority's return, or correct the code in {where}", "code"))
            loaded = None
    errors = [p for p in problems if p.severity == "error"]
    upload.problems = [p.as_dict() for p in problems]
    if errors or loaded is None:
        upload.status = Upload.Status.INVALID
        if importing.can_help(errors, importing.staged_return(staging)):
            upload.staged = str(staging)  # kept for the mapping pages only, and deleted as a valid one's are
        else:
            upload.staged = ""
            shutil.rmtree(staging, ignore_errors=True)  # nothing record-level is kept for a return with problems
    else:
        upload.status = Upload.Status.VALID
        upload.organisation = loaded.organisation.model_dump(mode="json")
        upload.counts = {"rows": [list(r) for r in loaded.counts.rows()], "bands": loaded.counts.bands}
        upload.staged = str(staging)
        if loaded.plan is not None and loaded.plan.actions:
            upload.plan, too_long = _plan_data(loaded.plan)
            upload.problems += [p.as_dict() for p in too_long]
    upload.save()
    return upload


def _plan_data(plan: actions.Plan) -> tuple[dict[str, list[dict[str, str]]] | None, list[Problem]]:
    """A return's action plan as the web plan's fields; None, with warnings, if a value would not fit."""
    data = {
        "actions": [{"action_id": a.id, "metrics": ";".join(a.metrics), "action": a.action, "owner": a.owner,
                     "due": a.due.isoformat(), "status": a.status, "success_measure": a.success_measure or "",
                     "note": a.note or ""} for a in plan.actions],
        "updates": [{"action_id": u.action_id, "date": u.date.isoformat(), "status": u.status, "note": u.note or "",
                     "by": u.by or ""} for u in plan.updates],
    }
    too_long = []
    for file, model, rows in (("actions.csv", Action, data["actions"]), ("action_updates.csv", ActionUpdate, data["updates"])):
        limits = {f.name: f.max_length for f in model._meta.get_fields() if getattr(f, "max_length", None)}
        too_long += [
            Problem(file, f'{name} of action "{row["action_id"]}" is longer than {limits[name]} characters, so this plan '
                    "cannot be added to the action plan here", f"shorten it to {limits[name]} characters or fewer", name, severity="warning")
            for row in rows for name in row if name in limits and len(row[name]) > limits[name]
        ]
    return (None, too_long) if too_long else (data, [])


@dataclass
class PlanChanges:
    """What adding a return's plan would do: actions new to the plan, ids already there, updates not yet recorded."""

    new: list[dict[str, str]] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    updates: list[dict[str, str]] = field(default_factory=list)


def plan_changes(authority: Authority, plan: dict[str, list[dict[str, str]]] | None) -> PlanChanges:
    """Actions whose id is new are added; an action already in the plan is left as it is there (the plan
    here is the record once entered) but gets the return's updates it does not already have."""
    changes = PlanChanges()
    if not plan:
        return changes
    have = set(Action.objects.filter(authority=authority).values_list("action_id", flat=True))
    recorded = {(a, d.isoformat(), st, n) for a, d, st, n in ActionUpdate.objects.filter(action__authority=authority)
                .values_list("action__action_id", "date", "status", "note")}
    for a in plan["actions"]:
        if a["action_id"] in have:
            changes.existing.append(a["action_id"])
        else:
            changes.new.append(a)
    for u in plan["updates"]:
        key = (u["action_id"], u["date"], u["status"], u["note"])
        if key not in recorded:
            recorded.add(key)
            changes.updates.append(u)
    return changes


def _add_plan(authority: Authority, changes: PlanChanges) -> None:
    """Apply plan_changes (inside the caller's transaction)."""
    for a in changes.new:
        Action.objects.create(authority=authority, **{**a, "due": date.fromisoformat(a["due"])})
    by_id = {a.action_id: a for a in Action.objects.filter(authority=authority)}
    ActionUpdate.objects.bulk_create(
        ActionUpdate(action=by_id[u["action_id"]], date=date.fromisoformat(u["date"]), status=u["status"], note=u["note"], by=u["by"])
        for u in changes.updates
    )


def discard_stale(days: int) -> list[Upload]:
    """Checked returns left unsubmitted for `days`: their staged files deleted, the upload marked discarded.

    Also removes staging folders no upload points to (left by a check that was cut off), once a day old.
    Run at every upload and by `python -m wres.web prune`, so nothing waits for a timer.
    """
    cutoff = timezone.now() - timedelta(days=days)
    stale = list(Upload.objects.filter(created_at__lt=cutoff).exclude(staged="").select_related("authority"))
    for upload in stale:
        discard(upload)
        AuditEvent.objects.create(username="(service)", authority=upload.authority, action="upload discarded", target=upload.filename[:200],
                                  detail={"reason": f"not submitted within {days} days", "upload": str(upload.id)})
    staged = {Path(p) for p in Upload.objects.exclude(staged="").values_list("staged", flat=True)}
    day_ago = (timezone.now() - timedelta(days=1)).timestamp()
    for folder in Path(settings.UPLOAD_DIR).glob("*/*"):
        if folder.is_dir() and folder not in staged and folder.stat().st_mtime < day_ago:
            shutil.rmtree(folder, ignore_errors=True)
    return stale


def discard(upload: Upload) -> None:
    if upload.staged:
        shutil.rmtree(upload.staged, ignore_errors=True)
    upload.staged = ""
    if upload.status == Upload.Status.VALID:
        upload.status = Upload.Status.DISCARDED
    upload.save()


def loaded_of(upload: Upload | Submission) -> pipeline.Loaded:
    from wres.counts import Counts
    from wres.organisation import Organisation

    warnings = upload.warning_problems() if isinstance(upload, Submission) else [
        Problem(**{**p, "rows": tuple(p["rows"])}) for p in upload.warnings()]
    return pipeline.Loaded(Organisation.model_validate(upload.organisation), Counts.from_rows(upload.counts["rows"], upload.counts["bands"]), warnings, False)


class NotSubmittable(Exception):
    """The upload cannot be submitted (again): `submission` is the version it made if it was submitted (a
    double click, a second tab, the back button), None if it was discarded meanwhile."""

    def __init__(self, submission: Submission | None) -> None:
        super().__init__(str(submission or "discarded"))
        self.submission = submission


def submit(upload: Upload, user: Any, keep_files: bool, add_plan: bool = False) -> Submission:
    """Keep the counts and the published figures as the next version for the period, and add the return's
    action plan if asked, all in one transaction. What the plan gained is on the result as `plan_added`
    (worked out inside the transaction, so an action entered meanwhile is not added twice).

    One upload gives at most one version: the upload's row is locked and its status read again inside the
    transaction, and Submission.upload is one to one, so a second post of the same form (at the same moment
    or later) raises NotSubmittable with the version the first made, on SQLite and PostgreSQL alike."""
    loaded = loaded_of(upload)
    document = pipeline.publish(loaded).as_dict()
    org = loaded.organisation
    moved: tuple[str, Path] | None = None
    try:
        with transaction.atomic():
            current = Upload.objects.select_for_update().get(pk=upload.pk)  # waits for a concurrent submit to end
            if current.status != Upload.Status.VALID:
                raise NotSubmittable(Submission.objects.filter(upload_id=upload.pk).first())
            Authority.objects.select_for_update().get(pk=upload.authority_id)  # one version number at a time
            latest = Submission.objects.filter(authority=upload.authority, period_start=org.period_start).aggregate(v=Max("version"))["v"] or 0
            sub = Submission.objects.create(
                authority=upload.authority, period_start=org.period_start, period_end=org.period_end, version=latest + 1,
                submitted_by=user, filename=upload.filename, organisation=upload.organisation, counts=upload.counts,
                warnings=upload.warnings(), document=document, upload=current,
            )
            sub.plan_added = None  # type: ignore[attr-defined]
            if add_plan and upload.plan:
                sub.plan_added = plan_changes(upload.authority, upload.plan)  # type: ignore[attr-defined]
                _add_plan(upload.authority, sub.plan_added)  # type: ignore[attr-defined]
            current.status = Upload.Status.SUBMITTED
            current.save(update_fields=["status"])
            if keep_files and current.staged:  # last: a rename the database cannot roll back, so undone below
                kept = settings.KEPT_DIR / str(upload.authority_id) / str(sub.pk)
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(current.staged, kept)
                moved = (current.staged, kept)
                sub.kept_files = str(kept)
                sub.save(update_fields=["kept_files"])
    except IntegrityError:  # the one-to-one refused a second version (where the database has no row locks)
        _move_back(moved)
        raise NotSubmittable(Submission.objects.filter(upload_id=upload.pk).first()) from None
    except BaseException:
        _move_back(moved)  # the version was not kept: its files go back where the upload can be submitted from
        raise
    upload.refresh_from_db()
    discard(upload)
    return sub


def _move_back(moved: tuple[str, Path] | None) -> None:
    if moved is not None and moved[1].exists():
        shutil.move(moved[1], moved[0])
