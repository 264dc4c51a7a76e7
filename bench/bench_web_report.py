"""Time a submitted return's report set in the web service: from the submission (its report job queued, as
the submit page does) to the report ready, built by the real worker (`python -m wres.web worker`, as
`make serve` runs it).

    .venv/bin/python bench/bench_web_report.py [--repeat 3] [--interval 1]

Sets up a fresh demo service in a temporary folder (migrate, demo_data, its reports built by a batch
worker), starts the worker, waits for it to be idle and warm, then asks for the demo authority's latest
return's report `--repeat` times, one after another (wres.web.tasks.request_report, in a transaction as the
submit view does), polling the job every 20 ms. Prints each time from asking to ready (the worker notices a
queued job within its polling interval) and the job's own time from the worker's record (created_at to
finished_at), the median of each, with the 3 s target (issue 19). Writes bench/results/web-report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_S = 3.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--interval", type=float, default=1.0, help="the worker's polling interval (make serve: 1 s)")
    ap.add_argument("--settle", type=float, default=15.0, help="seconds to let the started worker load its engines")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="wres-web-report-bench-"))
    os.environ |= {"WRES_WEB_DATA": str(data), "DJANGO_SETTINGS_MODULE": "wres.web.settings"}
    web = [str(BIN / "python"), "-m", "wres.web"]
    print("Setting up the demo service (migrate, demo data, its reports) ...", flush=True)
    subprocess.run([*web, "migrate", "--noinput", "-v0"], check=True)
    subprocess.run([*web, "demo_data"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*web, "worker", "--batch", "--no-startup-delay"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    import django

    django.setup()
    from django.db import transaction

    from wres.web.models import ReportJob
    from wres.web.tasks import request_report

    job0 = (ReportJob.objects.filter(status=ReportJob.Status.DONE, requested_by__username="analyst")  # the demo council's
            .select_related("submission", "requested_by").order_by("-submission__period_start").first())
    assert job0 is not None, "the demo data built no report"
    sub, user = job0.submission, job0.requested_by
    worker = subprocess.Popen([*web, "worker", "--no-startup-delay", "--interval", str(args.interval)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    try:
        time.sleep(args.settle)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        for _ in range(args.repeat):
            start = time.perf_counter()
            with transaction.atomic():
                job = request_report(sub, user)
            ready = None
            while True:
                job.refresh_from_db()
                if ready is None and job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
                    ready = time.perf_counter() - start
                    assert job.status == ReportJob.Status.DONE, job.error
                if ready is not None and getattr(job, "pdf", "ready") != "pending":  # a tree before the PDF came second: with the set
                    break
                time.sleep(0.02)
            pdf = time.perf_counter() - start
            assert getattr(job, "pdf", "ready") == "ready", job.error
            own = (job.finished_at - job.created_at).total_seconds()
            rows.append({"submit_to_ready_s": ready, "submit_to_pdf_s": pdf, "job_created_to_finished_s": own})
            print(f"  submit to report ready {ready:.2f} s, to PDF ready {pdf:.2f} s (job record: {own:.2f} s)", flush=True)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    med = statistics.median(r["submit_to_ready_s"] for r in rows)
    med_pdf = statistics.median(r["submit_to_pdf_s"] for r in rows)
    print(f"web report: submit to report ready (page, charts, workbook, JSON), median of {args.repeat}: {med:.2f} s "
          f"(target {TARGET_S:.0f} s: {'met' if med < TARGET_S else 'NOT met'}); to PDF ready {med_pdf:.2f} s; "
          f"worker polling every {args.interval:g} s; load average before {load}, after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    out = ROOT / "bench" / "results" / "web-report.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"worker_interval_s": args.interval, "load_before": load, "median_submit_to_ready_s": med, "median_submit_to_pdf_s": med_pdf,
                               "target_s": TARGET_S, "runs": rows}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
