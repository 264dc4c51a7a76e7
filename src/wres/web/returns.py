"""An uploaded return: staged, unpacked safely, checked by the pipeline, and submitted as counts.

The web service never checks or counts anything itself: it hands the staged files to wres.pipeline and
keeps what comes back (problems, counts, the published document). Record-level files live only in the
staging folder and are deleted once the counts are kept, unless the authority chose to keep them.
"""

from __future__ import annotations

import errno
import logging
import multiprocessing
import os
import re
import resource
import shutil
import signal
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from multiprocessing.connection import Connection
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from wres import actions, pipeline, read, validate
from wres import organisation as organisation_file
from wres.organisation import Organisation
from wres.counts import Counts
from wres.problems import InvalidInput, Problem
from wres.read import KNOWN as STEMS
from wres.read import read_return
from wres.web import importing, survey
from wres.web.models import (
    Action,
    ActionUpdate,
    AuditEvent,
    Authority,
    Submission,
    Upload,
    counts_data,
    counts_from,
)

log = logging.getLogger(__name__)
# The return's files a zip may hold; a .txt named as one (Excel saves text files so) is unpacked to be said
# (read.py: "rename it staff.csv"), not dropped as no part of a return.
KNOWN = {f"{stem}.{ext}" for stem in STEMS for ext in ("csv", "parquet", "txt")} | {"organisation.toml"}
MAX_MEMBERS = 50


@dataclass
class Checked:
    problems: list[Problem]
    loaded: pipeline.Loaded | None
    files: list[dict[str, Any]]
    organisation: Organisation | None = None  # its settings, when they could be read even if the rest could not
    survey: pipeline.SurveyUse | None = None  # a staff survey campaign of its period: used, or in conflict with its own


def _problem(message: str, fix: str, file: str = "the upload") -> Problem:
    return Problem(file, message, fix)


# What a zip can be that the service cannot open, each said with what to do. Checked before anything is
# unpacked where the zip says so itself (its flags and methods), and caught while unpacking otherwise.
REMAKE = "make the zip again with your computer's own Compress (Mac) or Send to > Compressed (zipped) folder (Windows), and upload that"
NOT_A_ZIP = ("is not a zip file that can be opened (it may be damaged, or only partly uploaded)", REMAKE)
ENCRYPTED = ("is protected by a password, which the service cannot open",
             "save the zip again without a password and upload that (the upload is encrypted on its way, and the files are deleted once the counts are kept)")
UNSUPPORTED = ("is compressed in a way the service cannot open (such as Deflate64, which some zip programs use for large files)", REMAKE)
DAMAGED = ("is damaged: {name} in it could not be unpacked", REMAKE)
OPENABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
SERVICE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EACCES, errno.EROFS}  # the service's fault, not the file's


def _unpack(archive: Path, into: Path, mapped: Callable[[str], bool] = lambda name: False) -> list[Problem]:
    """Unzip only the return's own files, flattening one enclosing folder; refuse anything risky.

    A CSV file or workbook under a name of its own ("HR export March 2025.csv", "HR export.xlsx") is kept
    too, under a safe name: the import mapping says which file of the return it (or each of its sheets) is. One the authority's mapping names (`mapped`) is
    read as that; another is said in a warning, and offered on the mapping pages. A zip that cannot be
    unpacked (damaged, encrypted, an unusual method) is a problem with what to do, and leaves nothing
    unpacked behind.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except Exception as exc:  # noqa: BLE001 - a damaged or truncated zip fails in many ways, all the same to the user
        if isinstance(exc, OSError) and exc.errno in SERVICE_ERRORS:
            raise
        log.info("upload %s is not a zip that opens: %r", archive, exc)
        return [_problem(*NOT_A_ZIP)]
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir() and not PurePosixPath(m.filename).name.startswith(".")
                   and "__MACOSX" not in m.filename]
        if len(members) > MAX_MEMBERS:
            return [_problem(f"holds {len(members)} files", "a return has at most a dozen files: zip only the return's CSV files and organisation.toml")]
        if sum(m.file_size for m in members) > settings.MAX_UNPACKED_BYTES:
            return [_problem(f"unpacks to more than {settings.MAX_UNPACKED_BYTES >> 20} MB", "send the aggregated counts.csv instead, or ask the programme team about a larger return")]
        names: dict[str, zipfile.ZipInfo] = {}
        unknown = []
        own: list[str] = []  # CSV files and workbooks under their own names, kept as they are (made safe)
        for m in members:
            name = PurePosixPath(m.filename).name.lower()
            safe = _safe_name(PurePosixPath(m.filename).name)
            if name in KNOWN:
                if name in names:
                    return [_problem(f"holds two files called {name}", "keep one copy of each file in the zip")]
                names[name] = m
            elif name.endswith((".csv", ".xlsx")) and safe.lower() not in KNOWN and safe.lower() not in names and not name.startswith("~$"):
                names[safe.lower()] = m
                own.append(safe)
            else:
                unknown.append(PurePosixPath(m.filename).name)
        if not names:
            return [_problem("holds none of the return's files", "zip staff.csv, the event files, survey.csv and organisation.toml (see the data preparation guide)")]
        if any(m.flag_bits & 0x1 for m in names.values()):
            return [_problem(*ENCRYPTED)]
        if any(m.compress_type not in OPENABLE for m in names.values()):
            return [_problem(*UNSUPPORTED)]
        _private_dir(into)
        for name, m in names.items():
            target = next((n for n in own if n.lower() == name), name)
            try:
                with zf.open(m) as src, _private_file(into / target) as dst:  # only a known or made-safe base name: no paths
                    shutil.copyfileobj(src, dst, 1 << 20)
            except Exception as exc:  # noqa: BLE001 - bad CRC, truncated data, a lying header: the file, not the service
                shutil.rmtree(into, ignore_errors=True)  # nothing half unpacked is left
                if isinstance(exc, OSError) and exc.errno in SERVICE_ERRORS:
                    raise
                log.info("upload %s: %s could not be unpacked: %r", archive, m.filename, exc)
                if isinstance(exc, RuntimeError) and ("password" in str(exc) or "encrypted" in str(exc)):
                    return [_problem(*ENCRYPTED)]
                if isinstance(exc, NotImplementedError):
                    return [_problem(*UNSUPPORTED)]
                message, fix = DAMAGED
                return [_problem(message.format(name=PurePosixPath(m.filename).name), fix)]
    notes = []
    if unknown:
        notes.append(replace(_problem(f"holds {', '.join(sorted(unknown))}, which is not part of a return and was ignored",
                                      "nothing to do, unless it was meant to be one of the return's files (check its name)"), severity="warning"))
    return notes + _unread(_own_files(into), mapped)


def _private_dir(path: Path) -> None:
    """Make a new folder (and any missing parents) readable by the service alone, whatever the umask."""
    for folder in [*reversed(path.parents), path]:
        if not folder.exists():
            folder.mkdir(mode=0o700, exist_ok=True)
            folder.chmod(0o700)  # mkdir's mode is masked by the umask: set it explicitly
    path.chmod(0o700)


def _private_file(path: Path) -> Any:
    """A new file readable by the service alone (0600 from the start, whatever the umask), for writing."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def _lock_down(staging: Path) -> None:
    """Folders 0700 and files 0600 under a staging folder, including any the reader wrote (mapping.toml)."""
    if not staging.is_dir():
        return
    staging.chmod(0o700)
    for p in staging.rglob("*"):
        p.chmod(0o700 if p.is_dir() else 0o600)


UNREAD = "which is not named as a file of the return, so it was not read"


def _own_files(path: Path) -> list[str]:
    """The files of a staged return holding exports under names of their own (importing.unnamed): CSV files,
    and workbooks with a sheet not named as a file of the return (a return's own workbook is read as it is)."""
    return sorted({o.path.name for o in importing.unnamed(path)})


def _unread(own: list[str], mapped: Callable[[str], bool]) -> list[Problem]:
    """The warning for exports under their own names that no import mapping says are a file of the return."""
    unread = sorted(n for n in own if not mapped(n))
    if not unread:
        return []
    return [replace(_problem(f"holds {', '.join(unread)}, {UNREAD}", "name it after the file it holds (staff.csv, leavers.csv, …), "
                             "or choose which file it (or each sheet of a workbook) is on the Match your files page"), severity="warning")]


def _safe_name(name: str) -> str:
    """The uploaded file's own name, with nothing in it a path or a shell could misread."""
    stem = re.sub(r"[^\w .()&,+-]", "_", Path(name).stem).strip(" .") or "return"
    return f"{stem[:100]}{Path(name).suffix.lower()}"


def stage(upload_file: UploadedFile, staging: Path) -> list[Problem]:
    """Save an upload into its new staging folder (0700, the file 0600), or refuse it by its name or size.

    Quick whatever the file (one copy, no reading), so the request can return at once and leave the
    checking to the worker. Problems mean nothing was kept on disk."""
    name = Path(upload_file.name or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".zip"):
        return [_problem(f'"{name}" is not an Excel workbook (.xlsx) or a zip of CSV files (.zip)', "upload the return as one .xlsx workbook, or the CSV files in one .zip")]
    if upload_file.size and upload_file.size > settings.MAX_UPLOAD_BYTES:
        return [_problem(f"is larger than {settings.MAX_UPLOAD_BYTES >> 20} MB", "zip the CSV files (they compress well), or upload the aggregated counts.csv instead")]
    try:
        if staging.exists():
            raise FileExistsError(staging)  # a staging folder is only ever new: never mix two uploads' files
        _private_dir(staging)
        if Path(settings.UPLOAD_DIR) in staging.parents:  # the folders above it too, made before this rule
            for folder in (Path(settings.UPLOAD_DIR), staging.parent):
                folder.chmod(0o700)
        # kept under the name the user gave it (made safe), which is how every message about it names it
        with _private_file(staging / _staged_name(name)) as out:
            for chunk in upload_file.chunks():
                out.write(chunk)
    except Exception:
        log.exception("saving upload %s into %s failed", name, staging)
        shutil.rmtree(staging, ignore_errors=True)
        return [_problem("could not be saved by the service", "upload it again in a few minutes; if it fails again, tell the programme team")]
    return []


def _staged_name(name: str) -> str:
    return _safe_name(name) if Path(name).suffix.lower() == ".xlsx" else "return.zip"


def check_staged(staging: Path, name: str, mapping: str | None = None, campaigns: Sequence[pipeline.Campaign] = ()) -> Checked:
    """Unpack and check a staged upload through the authority's import mapping (mapping.toml text), if it
    has one, with the authority's closed survey campaigns (one of the return's period gives its survey).
    Nothing raises: every failure is a Problem in words (the exception goes to the operator's log)."""
    try:
        return _check_staged(staging, name, mapping, campaigns)
    except MemoryError:
        return Checked([_problem(*TOO_BIG)], None, [])
    except Exception:
        log.exception("checking upload %s in %s failed", name, staging)
        return Checked([_problem(*CHECK_FAILED)], None, [])


def _check_staged(staging: Path, name: str, mapping: str | None, campaigns: Sequence[pipeline.Campaign] = ()) -> Checked:
    saved = staging / _staged_name(name)
    path = saved
    notes: list[Problem] = []
    try:
        if saved.suffix == ".zip":
            shutil.rmtree(staging / "return", ignore_errors=True)  # a check run again (its worker died) starts afresh
            notes = _unpack(saved, staging / "return", importing.names_a_file(mapping))
            if any(p.severity == "error" for p in notes):
                return Checked(notes, None, [])
            path = staging / "return"
        problems, loaded, org, used = _load(path, mapping, campaigns)
        if path != saved:
            saved.unlink()  # its files are unpacked: the zip is kept only until its check is done
        files = [{"name": p.name, "size": p.stat().st_size} for p in sorted(path.iterdir()) if p.name != importing.FILE] if path.is_dir() else [{"name": name, "size": path.stat().st_size}]
    finally:
        _lock_down(staging)
    return Checked(notes + problems, loaded, files, org, used)


def check(upload_file: UploadedFile, staging: Path, mapping: str | None = None) -> Checked:
    """Stage the file and run the pipeline on it, in this process (see check_limited for the worker's way).
    Nothing raises: every failure is a Problem."""
    refused = stage(upload_file, staging)
    if refused:
        return Checked(refused, None, [])
    return check_staged(staging, Path(upload_file.name or "upload").name, mapping)


def _load(path: Path, mapping: str | None, campaigns: Sequence[pipeline.Campaign] = ()
          ) -> tuple[list[Problem], pipeline.Loaded | None, Organisation | None, pipeline.SurveyUse | None]:
    """The pipeline's problems and counts of a staged return, read through `mapping` if given, and its
    organisation settings (read on their own when the return has errors: they say which standard it is),
    and what became of a survey campaign of its period."""
    importing.place(path, mapping)
    try:
        loaded = pipeline.load(path, campaigns=campaigns)
        return _in_web_words(list(loaded.warnings), path), loaded, loaded.organisation, loaded.survey
    except InvalidInput as exc:
        return _in_web_words(exc.problems, path), None, _settings(path), getattr(exc, "survey", None)
    except (MemoryError, duckdb.OutOfMemoryException):
        raise MemoryError from None  # said as too big to check (check_staged), not as a file that cannot be read
    except Exception:  # a file the reader could not make sense of: say so in words, never a traceback
        log.exception("reading the staged return %s failed", path)
        return [_problem("could not be read", "check the file opens in Excel and is saved as .xlsx (not .xls or .csv renamed), or zip the CSV files again")], None, None, None


def _in_web_words(problems: list[Problem], path: Path) -> list[Problem]:
    """The pipeline's problems as a web user reads them. A file in the upload that is none of the return's is
    said by _unread where the pages can read it (with the Match your files page), so it is not said twice;
    the command line's remedy (wres map on the server's own folder) is never shown."""
    own = set(_own_files(path))
    return [replace(p, fix="name it after the file it holds (staff.csv, leavers.csv, …), or leave it out of the upload")
            if p.message == read.NOT_READ else replace(p, fix=_web_fix(p.fix, p.mappable))
            for p in problems if not (p.message == read.NOT_READ and p.file in own)]


_TEMPLATE = re.compile(r"\(see templates/[\w./-]+\)")  # a template in the project's folder, which a web user has not got


def _web_fix(fix: str, mappable: bool = True) -> str:
    """A fix in the web's words: the mapping pages make what the command line's mapping file says (where the
    problem is one they can put right), and the data preparation guide stands for the project's templates."""
    fix = _TEMPLATE.sub("(the data preparation guide lists its columns)", fix)
    if not mappable:
        return fix
    return read.TITLE_MAPPING_SAID.sub("match your files on the pages below (they find the headings' row)",
                                       fix.replace(validate.MAP_HEADINGS, ""))


def _settings(path: Path) -> Organisation | None:
    """A return's organisation settings alone (organisation.toml, or the workbook's sheet), or None."""
    try:
        if path.is_dir():
            return organisation_file.load(path / organisation_file.FILE)[0] if (path / organisation_file.FILE).is_file() else None
        return read_return(path).organisation
    except (MemoryError, duckdb.OutOfMemoryException):
        raise MemoryError from None
    except Exception:  # noqa: BLE001 - the return's own problems are said already; this only adds to them
        log.info("the settings of %s could not be read on their own", path, exc_info=True)
        return None


def standard_problem(org: Organisation, authority: Authority) -> Problem | None:
    """A return of another standard than the authority reports, said with what to write (None if the same).

    The return's files are read by the standard it names, so its other problems would be the wrong
    standard's: this is the one error said until it names the right one."""
    if org.standard_id == authority.standard:
        return None
    mine, theirs = authority.the_standard, org.standard
    named = (f'names the {theirs.name} (standard = "{org.standard_id}")' if "standard_id" in org.model_fields_set
             else f"does not name a standard, so it was read as the {theirs.name}")
    where = org.label
    fix = (f"add a row: standard, then {mine.id}" if "sheet" in where else f'write standard = "{mine.id}" in {where}')
    return Problem(where, f"{named}, but {authority.name} reports the {mine.name} ({mine.title})",
                   f"{fix}, and check the files are the {mine.name}'s (the templates on the upload page), then upload it again", "standard")


# ---- checking off the request: the worker's child process, its limits, and a check cut off -----------------

TOO_BIG = ("needed more memory to check than an upload may use",
           "send the aggregated counts.csv instead (wres counts makes it from these files on your own computer), or split the return by service and ask the programme team")
TOO_SLOW = ("took too long to check (more than {minutes} minutes), so the check was stopped",
            "send the aggregated counts.csv instead (wres counts makes it from these files on your own computer), or remove rows that are not part of the return and upload it again")
DIED = ("could not be checked: the check stopped before it finished",
        "upload it again; if it stops again, send the aggregated counts.csv instead or tell the programme team")
CHECK_FAILED = ("could not be checked because of a fault in the service",
                "upload it again in a few minutes; if it fails again, tell the programme team")
MARGIN = timedelta(minutes=2)  # beyond the time limit, before a check that has not finished is called stopped


class Stopped(Exception):
    """A check cut off by its time or memory limit, or whose process died: what to tell the user."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.problem = _problem(message, fix)


def check_limited(staging: Path, name: str, mapping: str | None, seconds: int, memory: int, campaigns: Sequence[pipeline.Campaign] = ()) -> Checked:
    """check_staged in a child process with at most `memory` bytes more address space and `seconds` of time,
    so no file can hold the worker or its memory: a hostile workbook is killed, and said so (Stopped).

    The child is forked (it has the settings and modules already, and touches no database); the result
    comes back through a pipe, which also tells a child that died (no result) from one still working."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, staging, name, mapping, seconds, memory, campaigns), daemon=True)
    child.start()
    send.close()  # the child's end: the parent sees the pipe close if the child dies
    try:
        if not receive.poll(seconds):
            raise Stopped(TOO_SLOW[0].format(minutes=max(1, round(seconds / 60))), TOO_SLOW[1])
        try:
            return receive.recv()
        except EOFError:  # killed (the kernel, a signal) before it could send anything
            raise Stopped(*DIED) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()


def _child(send: Connection, staging: Path, name: str, mapping: str | None, seconds: int, memory: int,
           campaigns: Sequence[pipeline.Campaign] = ()) -> None:
    """The child's side: its own limits and default signals, then the check, sent back whatever happens."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)  # not the worker's handlers: a stop is a stop
    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 5, seconds + 10))  # a backstop, should the parent not kill it
    if memory:  # on top of what the worker had mapped already (DuckDB alone reserves hundreds of MB)
        limit = _mapped() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    result = check_staged(staging, name, mapping, campaigns)
    try:
        send.send(result)
    except MemoryError:
        send.send(Checked([_problem(*TOO_BIG)], None, []))
    send.close()


def _die_with_parent() -> None:
    """Ask Linux to kill this child if the worker dies (SIGKILL, out of memory): no orphan check runs on."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the CPU limit still ends it
        pass


def _mapped() -> int:
    """This process's address space now, in bytes (VmSize)."""
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) << 10 for line in f if line.startswith("VmSize:"))


def begin(authority: Authority, user: Any, upload_file: UploadedFile) -> Upload:
    """Keep an upload and stage its file for checking (status CHECKING), replacing the authority's earlier
    staged upload. A file refused by its name or size, or that could not be saved, is settled at once."""
    discard_stale(settings.STAGED_DAYS)
    for old in Upload.objects.filter(authority=authority).exclude(staged=""):
        discard(old)
    upload = Upload(authority=authority, uploaded_by=user, filename=Path(upload_file.name or "upload").name[:255],
                    size=upload_file.size or 0, status=Upload.Status.CHECKING)
    staging = Path(settings.UPLOAD_DIR) / str(authority.pk) / str(upload.id)
    refused = stage(upload_file, staging)
    if refused:
        return _settle(upload, refused, None, staging)
    upload.staged = str(staging)
    try:
        upload.save()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # no record would point to it
        raise
    return upload


def finish(upload: Upload, limited: bool = True) -> Upload:
    """Check a staged upload (begun by `begin`) and keep the outcome; run by the worker, with its limits.

    Whatever fails on the way, the staged files are deleted unless the outcome keeps them, and the upload
    is never left CHECKING: a file's problems make it INVALID, a check cut off or a fault STOPPED."""
    staging = Path(upload.staged)
    kept = False
    try:
        mapping = importing.saved(upload.authority)
        campaigns = _campaigns(upload, staging)
        if limited:
            upload.started_at = timezone.now()  # the progress page says "being checked" from now
            Upload.objects.filter(pk=upload.pk).update(started_at=upload.started_at)
            result = check_limited(staging, upload.filename, mapping, settings.CHECK_SECONDS, settings.CHECK_MEMORY_BYTES, campaigns)
        else:
            result = check_staged(staging, upload.filename, mapping, campaigns)
        upload.files = result.files
        if not _still_checking(upload):  # replaced by a later upload, or called stopped, meanwhile
            return upload
        upload = _settle(upload, result.problems, result.loaded, staging, result.organisation, result.survey)
        kept = bool(upload.staged)
    except Stopped as stop:
        log.warning("check of upload %s stopped: %s", upload.pk, stop)
        _stop(upload, stop.problem)
    except Exception:
        log.exception("check of upload %s failed", upload.pk)
        _stop(upload, _problem(*CHECK_FAILED))
    finally:
        if not kept:
            shutil.rmtree(staging, ignore_errors=True)
    return upload


def _still_checking(upload: Upload) -> bool:
    return Upload.objects.filter(pk=upload.pk, status=Upload.Status.CHECKING).exists()


def _stop(upload: Upload, problem: Problem) -> None:
    """Say why a check did not finish, if the upload is still waiting for it (and keep none of its files)."""
    upload.status, upload.staged, upload.problems = Upload.Status.STOPPED, "", [problem.as_dict()]
    Upload.objects.filter(pk=upload.pk, status=Upload.Status.CHECKING).update(status=upload.status, staged="", problems=upload.problems)


def overdue(upload: Upload) -> bool:
    """A check the worker should have finished by now: started longer ago than its limit (plus a margin), or
    never started in twice that (the worker is down, or died with it)."""
    limit = timedelta(seconds=settings.CHECK_SECONDS) + MARGIN
    return upload.status == Upload.Status.CHECKING and (
        upload.started_at is not None and upload.started_at < timezone.now() - limit
        or upload.started_at is None and upload.created_at < timezone.now() - 2 * limit)


def stop_overdue(uploads: Any = None) -> list[Upload]:
    """Checks left CHECKING past their limit (their worker died, or never came) marked stopped, files deleted."""
    stopped = [u for u in (uploads if uploads is not None else Upload.objects.filter(status=Upload.Status.CHECKING)) if overdue(u)]
    for u in stopped:
        _stop(u, _problem(*DIED))
        shutil.rmtree(Path(settings.UPLOAD_DIR) / str(u.authority_id) / str(u.id), ignore_errors=True)
    return stopped


def queue(upload: Upload) -> Upload:
    """Hand a begun upload to the worker (tasks.check_upload). Enqueued at once, not on commit: the upload's
    row is already committed, and under the ImmediateBackend (tests) the check is done when this returns."""
    from wres.web.tasks import check_upload

    try:
        check_upload.enqueue(str(upload.pk))
    except Exception:  # the queue is out of reach: say so now rather than leave the upload waiting
        log.exception("queueing the check of upload %s failed", upload.pk)
        staged = upload.staged
        _stop(upload, _problem(*CHECK_FAILED))
        if staged:
            shutil.rmtree(staged, ignore_errors=True)
    upload.refresh_from_db()
    return upload


def check_queued(upload_id: str) -> str:
    """The worker's side of `queue`: check the upload if it still waits for it (not replaced or stopped)."""
    upload = Upload.objects.select_related("authority").filter(pk=upload_id).first()
    if upload is None or upload.status != Upload.Status.CHECKING:
        return "not waiting"
    if stop_overdue([upload]):  # waited so long it was already said to be stopped
        return Upload.Status.STOPPED
    return finish(upload).status


def record(authority: Authority, user: Any, upload_file: UploadedFile) -> Upload:
    """Check an upload here and now and keep the outcome (tests, fixtures, tools): `begin` then `finish`,
    as the worker does, but in this process."""
    upload = begin(authority, user, upload_file)
    return finish(upload, limited=False) if upload.status == Upload.Status.CHECKING else upload


def recheck(upload: Upload, mapping: str | None) -> Upload:
    """Check a staged upload again through a new import mapping (the mapping pages' last step)."""
    staging = Path(upload.staged)
    path = importing.staged_return(staging)
    if path is None:  # its files are gone (discarded meanwhile): nothing to check
        return upload
    kept = [Problem(**{**p, "rows": tuple(p["rows"])}) for p in upload.problems if p["file"] == "the upload" and UNREAD not in p["message"]]
    if path.is_dir():  # the zip's own notes, and its own-named files as the new mapping reads them
        kept += _unread(_own_files(path), importing.names_a_file(mapping))
    problems, loaded, org, used = _load(path, mapping, _campaigns(upload, staging))
    upload.plan = None
    upload.files = [f for f in upload.files if not f.get("campaign")]
    return _settle(upload, kept + problems, loaded, staging, org, used)


def choose_survey(upload: Upload, choice: str) -> Upload:
    """The analyst's choice between the return's own survey answers and the staff survey of its period
    ("upload" or "campaign"), and the staged return checked again with it."""
    upload.survey_source = choice
    upload.save(update_fields=["survey_source"])
    return recheck(upload, importing.saved(upload.authority))


SURVEY_FOLDER = "campaigns"  # beside the staged return, while a check reads them (never kept with its files)


def _campaigns(upload: Upload, staging: Path) -> list[pipeline.Campaign]:
    """The authority's closed survey campaigns as the check takes them, their answers written beside the staged
    return (deleted with it); made here, with the database, before the check's child process (which has none)."""
    folder = staging / SURVEY_FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    return survey.engine_campaigns(survey.usable(upload.authority), upload.survey_source, folder)


def _settle(upload: Upload, found: list[Problem], loaded: pipeline.Loaded | None, staging: Path, org: Organisation | None = None,
            survey: pipeline.SurveyUse | None = None) -> Upload:
    """Keep the outcome of a check. The staged files stay while the return can be submitted, or while an
    import mapping (or the choice between its survey answers and a staff survey) could fix its problems;
    otherwise they go at once. A return of another standard than the authority's is said as that alone (its
    other problems would be the wrong standard's). A staff survey campaign of its period is kept among its
    files: which one, whether it gave the survey, and whether it waits for the analyst's choice."""
    authority = upload.authority
    problems = list(found)
    shutil.rmtree(staging / SURVEY_FOLDER, ignore_errors=True)  # campaigns' answers live only while a check reads them
    if survey is not None:
        upload.files = [*upload.files, {"name": survey.campaign.label, "campaign": int(survey.campaign.key),
                                        "used": survey.used, "conflict": survey.conflict, "own": survey.own}]
    wrong = standard_problem(org, authority) if org is not None else None
    if wrong is not None:
        problems = [p for p in problems if p.file == "the upload"] + [wrong]  # the zip's own notes stay
        loaded = None
    if loaded is not None:  # the service files a return under its code, so it must be there and be this authority's
        code = (loaded.organisation.code or "").strip().upper()
        where = loaded.organisation.label
        org, code_name = authority.the_standard.organisation, authority.the_standard.words.get("code", "ONS code")
        if not code:
            problems.append(Problem(where, f"does not give the {org}'s {code_name}, which the service needs to file the return under {authority.name}",
                                    f"add your {org}'s {code_name} ({authority.code}) as code in {where}", "code"))
            loaded = None
        elif code != authority.code.upper():
            problems.append(Problem(where, f"is for the {org} with code {code}, but you are signed in for {authority.name} ({authority.code})",
                                    f"upload your own {org}'s return, or correct the code in {where}", "code"))
            loaded = None
    errors = [p for p in problems if p.severity == "error"]
    upload.problems = [p.as_dict() for p in problems]
    if errors or loaded is None:
        upload.status = Upload.Status.INVALID
        if importing.can_help(errors, importing.staged_return(staging)) or (survey is not None and survey.conflict and wrong is None):
            upload.staged = str(staging)  # kept for the mapping pages only, and deleted as a valid one's are
        else:
            upload.staged = ""
            shutil.rmtree(staging, ignore_errors=True)  # nothing record-level is kept for a return with problems
    else:
        upload.status = Upload.Status.VALID
        upload.organisation = loaded.organisation.model_dump(mode="json")
        upload.counts = counts_data(loaded.counts)
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
    stop_overdue()
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
    if upload.status in (Upload.Status.VALID, Upload.Status.CHECKING):  # a check still to come finds it gone
        upload.status = Upload.Status.DISCARDED
    upload.save()


def loaded_of(upload: Upload | Submission) -> pipeline.Loaded:
    warnings = upload.warning_problems() if isinstance(upload, Submission) else [
        Problem(**{**p, "rows": tuple(p["rows"])}) for p in upload.warnings()]
    return pipeline.Loaded(Organisation.model_validate(upload.organisation), counts_from(upload.counts), warnings, False)


def headcount(counts: Counts) -> int | None:
    """The staff headcount a return's counts hold: the denominator its standard's headcount metrics share
    (every group, the whole organisation), or None when none of them was submitted."""
    standard = counts.standard
    total = standard.breakdown.total.id
    for m in standard.metrics:
        if m.denominator_key == "headcount" and m.kind in ("staff_flag", "staff_event") and not m.bands and m.id in counts.submitted:
            return sum(counts.get(m.id, total, "", g)[1] for g in standard.group_ids)
    return None


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
    document = pipeline.publish(loaded).to_dict()
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
            campaign, used = survey.used_by(current)
            if campaign is not None and used:  # its answers go with this transaction: only its counts are kept
                survey.delete_answers(campaign, sub)
            if keep_files and current.staged:  # last: a rename the database cannot roll back, so undone below
                kept = _kept_folder(current)  # (or by recover_kept, if this process dies before the commit)
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


def _kept_folder(upload: Upload) -> Path:
    """Where a submitted upload's files are kept: named by the upload, so a folder no version names can be
    put back where its upload expects it."""
    return settings.KEPT_DIR / str(upload.authority_id) / str(upload.pk)


def recover_kept() -> list[Path]:
    """Folders under kept/ that no version was made from: left by a submit killed between moving the staged
    files and committing. Each goes back to its upload's staging folder, so the upload can be submitted again
    with its files, or is deleted if its upload cannot be submitted any more. A folder is matched by its name
    (the upload's id), never by a stored path, so a restored data folder elsewhere is safe; a folder of no
    known upload (or named by a version, as before) is left alone. Run by every worker (with
    wres.web.recovery) and by prune. Returns the folders it dealt with."""
    root = Path(settings.KEPT_DIR)
    done = []
    for folder in sorted(root.glob("*/*")) if root.is_dir() else []:
        if not _is_uuid(folder.name):
            continue
        with transaction.atomic():  # after any submit holding the upload's row has committed or rolled back
            upload = Upload.objects.select_for_update().filter(pk=folder.name).first()
            if upload is None or Submission.objects.filter(upload_id=upload.pk).exists():
                continue
            if upload.status == Upload.Status.VALID and upload.staged and not Path(upload.staged).exists():
                shutil.move(folder, upload.staged)
            else:
                shutil.rmtree(folder, ignore_errors=True)
            done.append(folder)
    return done


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True


def _move_back(moved: tuple[str, Path] | None) -> None:
    if moved is not None and moved[1].exists():
        shutil.move(moved[1], moved[0])
