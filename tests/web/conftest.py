"""Fixtures for the web service's tests: two authorities, a user of each role, and a submitted return.

Submissions are made the way the service makes them (wres.web.returns on a real demo return), so the
counts and published figures are the pipeline's own. Report jobs run in the foreground here
(ImmediateBackend); tests/web/test_e2e.py runs a real worker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wres.demo import Profile as DemoProfile
from wres.demo import write_demo
from wres.web import returns
from wres.web.models import Authority, Profile, Role, Submission

PASSWORD = "correct-horse-battery-staple"
EASTMERE = DemoProfile()
NORTHFIELD = DemoProfile("Northfield County Council", "E10000099", "North West", 0.12, 10.0)
SOUTHBY = DemoProfile("Southby Council", "E06000099", "South West", 0.06, 5.0)  # a third, for national views


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory) -> None:
    """On SQLite, a test database in a file, as the service has it: an in-memory one shares a cache whose table
    locks fail at once ("database table is locked") instead of waiting as the service's WAL database does.
    Under pytest-xdist each worker has its own (its own temporary folder; on PostgreSQL pytest-django's _gw0
    suffix, kept by asking for the fixture this one replaces)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _own_files_and_immediate_tasks(settings, tmp_path: Path) -> None:  # noqa: ANN001
    """Each test's uploads and reports in its own folder; report jobs run in the foreground."""
    for name in ("UPLOAD_DIR", "KEPT_DIR", "REPORT_DIR", "NATIONAL_DIR"):
        setattr(settings, name, tmp_path / "web-data" / name.lower())
    settings.PSEUDONYM_KEY = tmp_path / "web-data" / "pseudonym.key"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: seven users a test
    cache.clear()  # the dashboard's cached parts are keyed by primary keys, which a rolled-back test reuses


@pytest.fixture(scope="session")
def demo_returns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A real demo return folder for each of the two authorities (small, so quick)."""
    root = tmp_path_factory.mktemp("web-returns")
    out = {}
    for seed, (key, profile) in enumerate((("A", EASTMERE), ("B", NORTHFIELD), ("C", SOUTHBY)), start=11):
        d = root / key
        d.mkdir()
        write_demo(d, seed=seed, staff=300, profile=profile)
        out[key] = d
    return out


def zipped(folder: Path, name: str = "return.zip", skip: tuple[str, ...] = ()) -> SimpleUploadedFile:
    """A folder's files in one zip, as an analyst would upload them."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            if f.name not in skip:
                zf.write(f, f.name)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/zip")


def submit_return(authority: Authority, user: User, folder: Path) -> Submission:
    """Upload and submit a return as an analyst would (the service's own steps)."""
    up = returns.record(authority, user, zipped(folder))
    assert up.status == up.Status.VALID, up.problems
    return returns.submit(up, user, keep_files=False)


def make_user(username: str, role: str, authority: Authority | None) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    Profile.objects.create(user=user, role=role, authority=authority)
    return user


@pytest.fixture
def authorities(db) -> dict[str, Authority]:  # noqa: ANN001
    return {
        "A": Authority.objects.create(name=EASTMERE.name, code=EASTMERE.code, region=EASTMERE.region),
        "B": Authority.objects.create(name=NORTHFIELD.name, code=NORTHFIELD.code, region=NORTHFIELD.region),
    }


@pytest.fixture
def users(authorities: dict[str, Authority]) -> dict[str, User]:
    """Keys: analyst_A, viewer_A, network_A, analyst_B, viewer_B, network_B, national."""
    out = {}
    for key, auth in authorities.items():
        out[f"analyst_{key}"] = make_user(f"analyst-{key.lower()}", Role.ANALYST, auth)
        out[f"viewer_{key}"] = make_user(f"viewer-{key.lower()}", Role.VIEWER, auth)
        out[f"network_{key}"] = make_user(f"network-{key.lower()}", Role.NETWORK_LEAD, auth)
    out["national"] = make_user("national", Role.NATIONAL_ADMIN, None)
    return out


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


@pytest.fixture
def submitted(users: dict[str, User], authorities: dict[str, Authority], demo_returns: dict[str, Path]) -> dict[str, Submission]:
    """A submitted return for each authority, made through the service's own upload and submit steps."""
    return {key: submit_return(authorities[key], users[f"analyst_{key}"], demo_returns[key]) for key in ("A", "B")}


@pytest.fixture
def third(submitted: dict[str, Submission], demo_returns: dict[str, Path]) -> Submission:
    """A third authority's submission: the national report needs three (views/national.py)."""
    auth = Authority.objects.create(name=SOUTHBY.name, code=SOUTHBY.code, region=SOUTHBY.region)
    return submit_return(auth, make_user("analyst-c", Role.ANALYST, auth), demo_returns["C"])


# Which tests run on PostgreSQL too (`make test-postgres` runs `pytest -m postgres` on it; `make test` runs every
# test on SQLite first). A test is marked `@pytest.mark.postgres("why")` when its outcome can differ between the
# engines, that is when it checks something the database itself does:
#   - transactions, locking and concurrency: select_for_update (skip_locked), concurrent requests, a process
#     killed mid-transaction, the database task queue and its recovery;
#   - constraints: unique and foreign-key constraints, IntegrityError handled;
#   - what the engine does to values: JSON read back (jsonb reorders keys), case-insensitive lookups, DISTINCT,
#     subqueries, the order of rows, stored times compared in SQL, values the engine refuses (NUL, out-of-range
#     integers: the hostile-parameter walk);
#   - SQL of the test's own (tables read with a cursor), migrations, backup and restore, and PostgreSQL-only tests.
# Pages computed in Python from rows read back, files, forms and the browser walks (live_server) run once, on
# SQLite. A new test that touches any of the above gets the marker, with its reason.


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `alone` is skipped beside other workers (pytest-xdist). On PostgreSQL the pages are not
    walked in a real browser again, even when asked for by name: what a browser sees does not depend on the
    database, and each walk costs its seconds twice."""
    import os

    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:  # a test that restarts PostgreSQL would break the other workers' tests
        for item in items:
            if item.get_closest_marker("alone"):
                item.add_marker(pytest.mark.skip(reason="runs by itself (make test-postgres runs it alone, after the others)"))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    browser = [item for item in items if "live_server" in getattr(item, "fixturenames", ())]
    if browser:
        config.hook.pytest_deselected(items=browser)
        items[:] = [item for item in items if item not in browser]
