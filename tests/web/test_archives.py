"""Archives the service cannot open, and failures at every step of checking an upload: each is a GOV.UK
error summary that says what to do, never a 500, and leaves nothing of the upload on disk.

The bad zips are made here from the demo return, by changing the bytes a zip program would have written
differently: the encryption flag (a password-protected zip), the method number 9 (Deflate64), one byte
of a stored file's data (a bad CRC), the end cut off (a truncated download). A hypothesis test throws
random and mutated zips at returns.check and returns.record.
"""

from __future__ import annotations

import errno
import io
import shutil
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.web.conftest import client_for, zipped
from wres.web import returns
from wres.web.models import Upload

pytestmark = pytest.mark.django_db


def _zip_bytes(folder: Path, method: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
    return buf.getvalue()


def _headers(data: bytes) -> list[tuple[str, int, int]]:
    """Each member's name, local header offset and central directory entry offset, read from the bytes."""
    eocd = data.rfind(b"PK\x05\x06")
    count, _, at = struct.unpack_from("<HII", data, eocd + 10)
    out = []
    for _ in range(count):
        assert data[at:at + 4] == b"PK\x01\x02"
        n, m, k = struct.unpack_from("<HHH", data, at + 28)
        local = struct.unpack_from("<I", data, at + 42)[0]
        out.append((data[at + 46:at + 46 + n].decode(), local, at))
        at += 46 + n + m + k
    return out


def _patch(data: bytes, local: int, central: int, value: int, field: str) -> bytes:
    """Set the general-purpose flags or the compression method in both headers of one member."""
    out = bytearray(data)
    off = {"flags": (6, 8), "method": (8, 10)}[field]
    for at, o in ((local, off[0]), (central, off[1])):
        old = struct.unpack_from("<H", out, at + o)[0]
        struct.pack_into("<H", out, at + o, old | value if field == "flags" else value)
    return bytes(out)


def encrypted(folder: Path) -> bytes:
    """A zip whose staff.csv says it is encrypted, as `zip -P` would: CPython refuses it without a password."""
    data = _zip_bytes(folder)
    name, local, central = next(h for h in _headers(data) if h[0] == "staff.csv")
    return _patch(data, local, central, 0x1, "flags")


def deflate64(folder: Path) -> bytes:
    """A zip whose staff.csv uses method 9 (Deflate64, as Windows writes for large files), which CPython cannot read."""
    data = _zip_bytes(folder)
    name, local, central = next(h for h in _headers(data) if h[0] == "staff.csv")
    return _patch(data, local, central, 9, "method")


def bad_crc(folder: Path) -> bytes:
    """A zip with one byte of staff.csv's stored data changed, so its CRC no longer matches."""
    data = bytearray(_zip_bytes(folder))
    name, local, _ = next(h for h in _headers(bytes(data)) if h[0] == "staff.csv")
    n, m = struct.unpack_from("<HH", data, local + 26)
    at = local + 30 + n + m + 100  # a byte inside the first row of data
    data[at] = ord("#") if data[at] != ord("#") else ord("!")
    return bytes(data)


def truncated(folder: Path) -> bytes:
    """A zip cut off half way, as an interrupted download leaves it (no central directory)."""
    data = _zip_bytes(folder, zipfile.ZIP_DEFLATED)
    return data[: len(data) // 2]


def truncated_member(folder: Path) -> bytes:
    """A zip whose central directory is whole but whose staff.csv data stops short."""
    data = _zip_bytes(folder, zipfile.ZIP_DEFLATED)
    name, local, central = next(h for h in _headers(data) if h[0] == "staff.csv")
    size = struct.unpack_from("<I", data, central + 20)[0]
    n, m = struct.unpack_from("<HH", data, local + 26)
    start = local + 30 + n + m
    return data[: start + size // 2] + data[start + size:]


def nothing_left(upload: Upload | None = None) -> list[Path]:
    """What is left under UPLOAD_DIR (files only, or the upload's own folder if given)."""
    root = Path(settings.UPLOAD_DIR)
    if upload is not None:
        folder = root / str(upload.authority_id) / str(upload.id)
        return [folder] if folder.exists() else []
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("make, message, fix", [
    (encrypted, "is protected by a password", "save the zip again without a password"),
    (deflate64, "is compressed in a way the service cannot open", "Send to &gt; Compressed (zipped) folder"),
    (bad_crc, "is damaged: staff.csv in it could not be unpacked", "make the zip again with your computer&#x27;s own Compress"),
    (truncated, "is not a zip file that can be opened", "make the zip again"),
    (truncated_member, "is damaged: ", "make the zip again"),
])
def test_a_zip_the_service_cannot_open_is_an_error_summary_and_leaves_nothing(users, demo_returns, make, message, fix) -> None:
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": SimpleUploadedFile("return.zip", make(demo_returns["A"]), content_type="application/zip")}, follow=True)
    html = r.content.decode()
    assert r.status_code == 200
    assert 'class="govuk-error-summary"' in html and message in html and fix in html, html[html.find("govuk-error-summary"):][:1500]
    up = Upload.objects.get()
    assert up.status == Upload.Status.INVALID and not up.staged
    assert nothing_left() == [], "nothing of a refused upload is left on disk"


def test_the_zip_checks_also_hold_when_the_exception_comes_first(demo_returns, tmp_path, monkeypatch) -> None:
    """Where the headers do not say it, the exception zipfile raises while unpacking is said the same way."""
    monkeypatch.setattr(returns, "OPENABLE", set(range(100)))  # let method 9 through to zipfile itself
    found = returns.check(SimpleUploadedFile("return.zip", deflate64(demo_returns["A"])), tmp_path / "deflate64")
    assert found.problems[0].message.startswith("is compressed in a way the service cannot open")
    assert not (tmp_path / "deflate64" / "return").exists(), "nothing half unpacked is left"

    def refuse(self, name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - as CPython says it
        raise RuntimeError(f"File {name.filename!r} is encrypted, password required for extraction")

    plain = _zip_bytes(demo_returns["A"])
    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    found = returns.check(SimpleUploadedFile("return.zip", plain), tmp_path / "encrypted")
    assert found.problems[0].message == "is protected by a password, which the service cannot open"
    assert not (tmp_path / "encrypted" / "return").exists()


# ---- a failure at every step leaves nothing behind ----------------------------------------------------------

def _raise(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
    raise OSError(errno.EIO, "a disk that failed")


STEPS = {
    "saving": ("_private_file", "could not be saved by the service"),
    "unpacking": ("_unpack", "could not be checked because of a fault in the service"),
    "loading": ("_load", "could not be checked because of a fault in the service"),
    "settling": ("_settle", "could not be checked because of a fault in the service"),
    "locking down": ("_lock_down", "could not be checked because of a fault in the service"),
}


@pytest.mark.parametrize("step", STEPS)
def test_a_failure_at_any_step_is_said_in_words_and_leaves_nothing(users, demo_returns, monkeypatch, step) -> None:
    name, message = STEPS[step]
    monkeypatch.setattr(returns, name, _raise)
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": zipped(demo_returns["A"])}, follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and 'class="govuk-error-summary"' in html and message in html
    assert "OSError" not in html and "Traceback" not in html
    up = Upload.objects.get()
    assert up.status in (Upload.Status.INVALID, Upload.Status.STOPPED) and not up.staged
    assert nothing_left(up) == [] and nothing_left() == []


def test_a_failure_copying_any_member_leaves_nothing(users, demo_returns, monkeypatch) -> None:
    members = len([f for f in demo_returns["A"].iterdir()])
    copy = shutil.copyfileobj
    c = client_for(users["analyst_A"])
    for fail_at in range(members):
        calls = {"n": 0}

        def failing(src, dst, length=0, fail_at=fail_at, calls=calls):  # noqa: ANN001, ANN202
            calls["n"] += 1
            if calls["n"] > fail_at:
                raise zipfile.BadZipFile("Bad CRC-32")
            return copy(src, dst, length)

        upload = zipped(demo_returns["A"])
        monkeypatch.setattr(returns.shutil, "copyfileobj", failing)
        html = c.post("/submit/", {"file": upload}, follow=True).content.decode()
        monkeypatch.setattr(returns.shutil, "copyfileobj", copy)
        assert "is damaged:" in html and "could not be unpacked" in html, fail_at
        assert "BadZipFile" not in html
        assert nothing_left() == [], f"a failure copying member {fail_at + 1} left files behind"


def test_an_unreadable_file_is_said_in_words_not_an_exception_name(users, demo_returns, monkeypatch) -> None:
    monkeypatch.setattr(returns.pipeline, "load", lambda path: {}["no such key"])
    c = client_for(users["analyst_A"])
    html = c.post("/submit/", {"file": zipped(demo_returns["A"])}, follow=True).content.decode()
    assert "could not be read" in html and "KeyError" not in html and "(" + "KeyError" not in html
    assert nothing_left() == []


# ---- modes, and the authority's code -------------------------------------------------------------------------

def test_staged_files_are_the_services_alone(users, demo_returns, monkeypatch) -> None:
    import os

    old = os.umask(0o022)  # a permissive umask: the modes must not depend on it
    try:
        c = client_for(users["analyst_A"])
        c.post("/submit/", {"file": zipped(demo_returns["A"])})
    finally:
        os.umask(old)
    up = Upload.objects.get()
    assert up.status == Upload.Status.VALID and up.staged
    staged = Path(up.staged)
    for folder in (Path(settings.UPLOAD_DIR), staged.parent, staged, *[p for p in staged.rglob("*") if p.is_dir()]):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    files = [p for p in staged.rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files), {p.name: oct(p.stat().st_mode) for p in files}
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600 and settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


def test_a_return_without_a_code_is_refused_with_what_to_add(users, demo_returns, tmp_path) -> None:
    folder = tmp_path / "nocode"
    shutil.copytree(demo_returns["A"], folder)
    toml = folder / "organisation.toml"
    toml.write_text("\n".join(line for line in toml.read_text(encoding="utf-8").splitlines() if not line.startswith("code")) + "\n", encoding="utf-8")
    c = client_for(users["analyst_A"])
    html = c.post("/submit/", {"file": zipped(folder)}, follow=True).content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "organisation.toml" in html and "does not give the authority&#x27;s ONS code" in html
    assert "add your authority&#x27;s ONS code (E09000099) as code in organisation.toml" in html
    assert Upload.objects.get().status == Upload.Status.INVALID
    assert nothing_left() == []


def test_check_your_answers_names_the_signed_in_authority(users, authorities, demo_returns, tmp_path) -> None:
    folder = tmp_path / "renamed"
    shutil.copytree(demo_returns["A"], folder)
    toml = folder / "organisation.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(authorities["A"].name, "A Name Of The File's Own"), encoding="utf-8")
    c = client_for(users["analyst_A"])
    html = c.post("/submit/", {"file": zipped(folder)}, follow=True).content.decode()
    assert "Check your answers" in html
    assert f"{authorities['A'].name} ({authorities['A'].code})" in html and "A Name Of The File" not in html


# ---- fuzzing: random and mutated zips never raise, never 500, leave nothing ----------------------------------

@pytest.fixture(scope="module")
def seed_zip(demo_returns) -> bytes:  # noqa: ANN001
    return _zip_bytes(demo_returns["A"], zipfile.ZIP_DEFLATED)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_and_mutated_zips_never_raise_and_leave_nothing(seed_zip, tmp_path_factory, data) -> None:
    """returns.check on hostile bytes: only Problems, and nothing unpacked left once a problem is found."""
    kind = data.draw(st.sampled_from(["random", "mutated", "cut"]))
    if kind == "random":
        raw = data.draw(st.binary(max_size=4096))
    elif kind == "cut":
        raw = seed_zip[: data.draw(st.integers(0, len(seed_zip)))]
    else:
        raw = bytearray(seed_zip)
        for _ in range(data.draw(st.integers(1, 8))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        raw = bytes(raw)
    staging = tmp_path_factory.mktemp("fuzz") / "staging"
    found = returns.check(SimpleUploadedFile("return.zip", raw), staging)  # must not raise
    assert all(p.message and p.fix for p in found.problems)
    assert not any(name in p.message for p in found.problems for name in ("Error", "Exception", "Traceback"))
    if any(p.severity == "error" and p.file == "the upload" for p in found.problems):  # the zip itself was refused
        assert not (staging / "return").exists(), "nothing half unpacked is left"


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_zip_uploads_never_500_and_leave_nothing(users, seed_zip, data) -> None:
    raw = bytearray(seed_zip)
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": SimpleUploadedFile("return.zip", bytes(raw))}, follow=True)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'class="govuk-error-summary"' in html or "Check your answers" in html
    for up in Upload.objects.filter(status__in=[Upload.Status.INVALID, Upload.Status.STOPPED]):
        if not up.staged:
            assert nothing_left(up) == [], "a refused upload left its files"
