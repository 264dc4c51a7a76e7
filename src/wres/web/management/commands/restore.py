"""`python -m wres.web restore SRC`: a backup made by `python -m wres.web backup` put back, into an empty
database (a new SQLite file or a database made with createdb) and a data folder without kept files,
reports or national reports (a new WRES_WEB_DATA; the secret key a first start made there is replaced).

It refuses anything else rather than mixing two services' records. The database is restored first (SQLite:
the online backup API into the database file; PostgreSQL: pg_restore in a single transaction), then the
data folder's files (tarfile's "data" filter: nothing outside the folder, no links out, no devices). Last,
the number of rows of every table is compared with the backup's manifest, and any difference is said.
Then run `python -m wres.web migrate` (a backup from an older version gains the newer tables) and start
the service as usual.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from wres.web.management.commands.backup import MANIFEST, PG_FILE, SQLITE_FILE, TAR, data_paths, row_counts, run_tool


class Command(BaseCommand):
    help = "Restore a backup (python -m wres.web backup) into an empty database and data folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", type=Path, help="the backup's folder")

    def handle(self, *args: Any, **options: Any) -> None:
        src: Path = options["src"].resolve()
        try:
            manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise CommandError(f"{src} is not a backup made by `python -m wres.web backup` (it has no readable {MANIFEST})") from None
        if manifest.get("engine") != connection.vendor:
            raise CommandError(f"the backup is of a {manifest.get('engine')} database but DATABASE_URL names a {connection.vendor} one: "
                               "restore into the same kind of database")
        self._check_empty()
        dump = src / (SQLITE_FILE if connection.vendor == "sqlite" else PG_FILE)  # never a path the manifest gives
        if not dump.is_file() or not (src / TAR).is_file():
            raise CommandError(f"the backup in {src} is incomplete: it needs {dump.name} and {TAR}")
        try:
            self._database(dump)
            self._data(src / TAR)
        except (OSError, tarfile.TarError, sqlite3.Error) as exc:
            raise CommandError(f"the restore stopped part-way ({exc}): delete the new database and data folder and run it again "
                               "into new empty ones") from None
        with connection.cursor() as cursor:
            rows = row_counts(cursor)
        wrong = {label: (n, rows.get(label)) for label, n in manifest["rows"].items() if rows.get(label) != n}
        if wrong:
            raise CommandError("the restored database does not hold what the backup did: " +
                               "; ".join(f"{label} {got} rows, not {n}" for label, (n, got) in sorted(wrong.items())))
        self.stdout.write(f"Restored the backup of {manifest['made']}: {rows.get('web.Submission', 0)} submissions, "
                          f"{rows.get('web.Action', 0)} actions, {rows.get('web.AuditEvent', 0)} audit events, "
                          f"{manifest.get('files', 0)} files of the data folder. Now run `python -m wres.web migrate`.")

    def _check_empty(self) -> None:
        """Refuse a database with tables or a data folder with records in it: a restore never mixes services."""
        tables = connection.introspection.table_names()
        if tables:
            raise CommandError(f"the database already has {len(tables)} tables: restore into an empty one "
                               "(createdb a new PostgreSQL database, or point DATABASE_URL at a new SQLite file)")
        full = [str(p) for name, p in data_paths().items() if p.is_dir() and any(p.iterdir())]
        if full:
            raise CommandError(f"the data folder already holds {', '.join(full)}: restore into a new WRES_WEB_DATA folder")

    def _database(self, dump: Path) -> None:
        if connection.vendor == "sqlite":
            connection.close()
            source = sqlite3.connect(dump)
            target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            connection.close()
            run_tool(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                      "--dbname", settings.DATABASES["default"]["NAME"], str(dump)])

    def _data(self, tar_path: Path) -> None:
        """The kept files, reports and keys, each put where this service's settings keep them."""
        targets = data_paths()
        with tarfile.open(tar_path) as tar:
            members = tar.getmembers()
            for name, target in targets.items():
                mine = [m for m in members if m.name == name or m.name.startswith(name + "/")]
                if not mine:
                    continue
                if target.is_file():  # a key a first start made in the new data folder: the backup's replaces it
                    target.unlink()
                elif target.is_dir():
                    shutil.rmtree(target)  # empty (checked above)
                staging = target.parent / f".restore-{name}"
                tar.extractall(staging, members=mine, filter="data")
                (staging / name).rename(target)
                staging.rmdir()
