"""`python -m wres.web backup DEST`: everything the service cannot make again, in one new folder.

DEST (a folder that must not exist yet, or be empty) gets, all at once (written beside it, then renamed, so
a backup cut off half-way leaves nothing that looks like one):

- database.sqlite3 (SQLite: the online backup API, a consistent copy while the service runs) or
  database.pgdump (PostgreSQL: pg_dump's custom format, one consistent snapshot);
- data.tar: the data folder's kept/ (record-level files authorities chose to keep), reports/ and national/
  (the built report sets), and the keys (secret.key, pseudonym.key: the same pseudonyms every year need the
  same key). Staged uploads are left out on purpose: they are record-level files kept only until submitted
  or discarded, and a restored service asks for the upload again;
- manifest.json: when, from which database engine, the migrations applied, and the number of rows of each
  of the service's tables, which `restore` checks after restoring.

The folder and its files are readable by their owner only (0700/0600): the backup holds the keys and
record-level files. Keep backups encrypted at rest and off the server. Restore with `python -m wres.web
restore DEST` into an empty database and data folder (see restore.py and docs/web.md).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tarfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from wres.output import new_directory

MANIFEST = "manifest.json"
TAR = "data.tar"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
# What of the data folder is kept (relative to settings.DATA_DIR), by the settings that name it.
FOLDERS = ("KEPT_DIR", "REPORT_DIR", "NATIONAL_DIR")
KEYS = ("secret.key", "pseudonym.key")


def data_paths() -> dict[str, Path]:
    """The data folder's parts a backup holds, by their name inside data.tar."""
    paths = {name.removesuffix("_DIR").lower(): Path(getattr(settings, name)) for name in FOLDERS}
    paths["secret.key"] = settings.DATA_DIR / "secret.key"
    paths["pseudonym.key"] = Path(settings.PSEUDONYM_KEY)
    return paths


def tables() -> dict[str, str]:
    """Every table the service's models have, by model label (web.Submission: web_submission)."""
    return {m._meta.label: m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy}


def row_counts(cursor: Any) -> dict[str, int]:
    """Rows of every table, through `cursor` (the live database's snapshot, or a restored copy)."""
    out = {}
    for label, table in tables().items():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from the models
        out[label] = cursor.fetchone()[0]
    return out


def pg_env() -> dict[str, str]:
    """libpq's own variables for the configured database, so no password is on a command line."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or "", "PGHOST": db.get("HOST") or "",
           "PGPORT": str(db.get("PORT") or "")}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def run_tool(args: list[str]) -> None:
    """A PostgreSQL client tool; its own message if it fails (it names the database problem in words)."""
    try:
        done = subprocess.run(args, env=pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise CommandError(f"{args[0]} was not found: install the PostgreSQL client tools (Debian: postgresql-client)") from None
    if done.returncode != 0:
        raise CommandError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


class Command(BaseCommand):
    help = "Back up the database and the data folder (kept files, reports, keys) into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help="a new (or empty) folder for the backup")

    def handle(self, *args: Any, **options: Any) -> None:
        dest: Path = options["dest"].resolve()
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise CommandError(f"{dest} already exists and is not empty: give a new folder for each backup")
        old_umask = os.umask(0o077)  # the backup holds keys and record-level files: its owner only
        try:
            with new_directory(dest) as tmp:
                tmp.chmod(0o700)
                manifest = self._database(tmp)
                files = self._data(tmp / TAR)
                manifest["files"] = files
                (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        finally:
            os.umask(old_umask)
        rows = manifest["rows"]
        self.stdout.write(f"Backed up to {dest}: {rows.get('web.Submission', 0)} submissions, {rows.get('web.Action', 0)} actions, "
                          f"{rows.get('web.AuditEvent', 0)} audit events, {files} files of the data folder.")

    def _database(self, tmp: Path) -> dict[str, Any]:
        """The database copied into tmp; what the manifest says of it, its row counts those of the copy."""
        applied = sorted(f"{app}.{name}" for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"))
        manifest = {"made": datetime.now(timezone.utc).isoformat(timespec="seconds"), "engine": connection.vendor, "migrations": applied}
        if connection.vendor == "sqlite":
            source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            target = sqlite3.connect(tmp / SQLITE_FILE)
            try:
                with target:
                    source.backup(target)  # page by page, consistent even while the service writes
                manifest["rows"] = row_counts(target.cursor())
            finally:
                target.close()
                source.close()
            manifest["database"] = SQLITE_FILE
        elif connection.vendor == "postgresql":
            # the counts and pg_dump read one snapshot, so they agree even while the service writes
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                manifest["rows"] = row_counts(cursor)
                run_tool(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                          "--file", str(tmp / PG_FILE)])
            manifest["database"] = PG_FILE
        else:
            raise CommandError(f"backing up a {connection.vendor} database is not supported: use SQLite or PostgreSQL")
        return manifest

    def _data(self, tar_path: Path) -> int:
        """The data folder's kept files, reports and keys in one tar; how many files it holds."""
        count = 0
        with tarfile.open(tar_path, "w") as tar:
            for name, path in data_paths().items():
                if path.exists():
                    tar.add(path, arcname=name)
                    count += sum(1 for p in path.rglob("*") if p.is_file()) if path.is_dir() else 1
        return count
