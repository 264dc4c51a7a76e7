"""How long an upload holds its request, and how long and how much memory its check takes on the worker.

    .venv/bin/python bench/bench_upload.py [--staff 500000]

A demo return of --staff staff (with its event files) is zipped and posted to /submit/ as an analyst's
browser would (Django's test client, the database task backend, a fresh SQLite service in a temporary
folder). Prints the request's time (it only stores and queues the file), then the worker's check of it
(returns.check_queued: the forked child with the time and memory limits) with the child's peak memory.
Issue 15 asks the request to return "in well under a second whatever the file".
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=500_000)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="wres-bench-upload-"))
    os.environ.update(WRES_WEB_DATA=str(data), WRES_TASK_BACKEND="django_tasks_db.DatabaseBackend", DJANGO_SETTINGS_MODULE="wres.web.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    from wres.demo import Profile as DemoProfile
    from wres.demo import write_demo
    from wres.web import returns
    from wres.web.models import Authority, Profile, Role, Upload

    call_command("migrate", verbosity=0)
    demo = DemoProfile()
    authority = Authority.objects.create(name=demo.name, code=demo.code, region=demo.region)
    user = User.objects.create_user("analyst", password="bench-password-2026")
    Profile.objects.create(user=user, role=Role.ANALYST, authority=authority)

    folder = data / "return"
    folder.mkdir()
    t = time.perf_counter()
    write_demo(folder, seed=1, staff=args.staff, profile=demo)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
    unpacked = sum(f.stat().st_size for f in folder.iterdir())
    print(f"demo return: {args.staff:,} staff, {unpacked / 1e6:.1f} MB unpacked, {len(buf.getvalue()) / 1e6:.1f} MB zipped "
          f"(made in {time.perf_counter() - t:.0f} s)")

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/submit/", secure=True)  # the first request loads what every request needs: not counted
    t = time.perf_counter()
    r = client.post("/submit/", {"file": SimpleUploadedFile("return.zip", buf.getvalue(), content_type="application/zip")}, secure=True)
    request_s = time.perf_counter() - t
    up = Upload.objects.first()
    if up is None:
        sys.exit(f"POST /submit/: HTTP {r.status_code}, nothing stored (over the upload limit?)")
    print(f"POST /submit/: HTTP {r.status_code} in {request_s * 1000:.0f} ms, status {up.status!r} (stored and queued)")

    t = time.perf_counter()
    status = returns.check_queued(str(up.pk))
    check_s = time.perf_counter() - t
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    up.refresh_from_db()
    print(f"worker check: {status!r} in {check_s:.1f} s; the child's peak resident memory {child_peak:.0f} MB; "
          f"errors {len(up.errors())}, warnings {len(up.warnings())}")
    sys.exit(0 if request_s < 1 and status == Upload.Status.VALID else 1)


if __name__ == "__main__":
    main()
