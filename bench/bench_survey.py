"""Load test of the staff survey's public pages: 500 respondents taking part over 5 minutes on loopback.

    .venv/bin/python bench/bench_survey.py [--respondents 500] [--minutes 5] [--workers 2] [--think 0.5]

Sets up a fresh service on PostgreSQL (database bench_survey, dropped and made again; migrate; one authority
and an open campaign with a high WRES_SURVEY_SENDS_PER_HOUR, every respondent coming from 127.0.0.1), starts
gunicorn with the service's own settings (wres.web.gunicorn_conf), then starts the respondents evenly over
the minutes, each in its own thread with its own connection and no cookie. A respondent follows the pages
as a browser would, by reading each page's forms (action, hidden inputs, radio names and values, the
button), so it does not depend on the form's field names: it picks an answer at random on every question
page, pauses `--think` seconds on average, and sends its answers from "check your answers". Every request's
latency is recorded by page kind (start, each question, check, send, confirmation). Prints respondents,
requests, errors, p50/p95/max per page kind and the responses stored, and writes bench/results/survey.json.
Target (issue 18): 0 errors, p95 of every page under 300 ms. Not a test: it measures.
"""

from __future__ import annotations

import argparse
import collections
import html
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB = "bench_survey"
PG = "postgres://postgres@127.0.0.1:5432"


class Forms(HTMLParser):
    """A page's forms: action, hidden inputs, radio groups, text fields and submit buttons (with form="…" too),
    and its <title> (what kind of page it is)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.by_id: dict[str, dict[str, Any]] = {}
        self.outside: list[tuple[str, dict[str, str]]] = []  # buttons naming their form by id
        self.current: dict[str, Any] | None = None
        self.title = ""
        self._in_title = False
        self.error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "govuk-error-summary" in a.get("class", ""):
            self.error = True
        if tag == "title":
            self._in_title = True
        elif tag == "form":
            self.current = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "hidden": [], "radios": {},
                            "text": [], "buttons": []}
            self.forms.append(self.current)
            if a.get("id"):
                self.by_id[a["id"]] = self.current
        elif tag in ("input", "button", "textarea"):
            kind = a.get("type", "submit" if tag == "button" else "text" if tag == "input" else "textarea")
            form = self.by_id.get(a["form"]) if a.get("form") else self.current
            if a.get("form") and form is None:
                self.outside.append((a["form"], a))
                return
            if form is None:
                return
            if kind == "hidden":
                form["hidden"].append((a.get("name", ""), html.unescape(a.get("value", ""))))
            elif kind == "radio":
                form["radios"].setdefault(a.get("name", ""), []).append(a.get("value", ""))
            elif kind == "submit":
                form["buttons"].append((a.get("name", ""), a.get("value", "")))
            elif kind in ("text", "textarea"):
                form["text"].append(a.get("name", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _forward(forms: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The form and button a respondent goes on with: never Back or Change; the send form when there is one."""
    def ahead(button: tuple[str, str]) -> bool:
        return button[1] != "back" and not button[1].startswith("change:")

    candidates = [f for f in forms if f["method"] == "post" and not any(n == "action" and v == "back" for n, v in f["hidden"])]
    candidates.sort(key=lambda f: not f["action"].rstrip("/").endswith("send"))
    for f in candidates:
        buttons = [b for b in f["buttons"] if ahead(b)]
        if buttons or not f["buttons"]:
            return f, dict(b for b in buttons[:1] if b[0])
    return None


def kind_of(method: str, path: str, title: str) -> str:
    """A request's page kind: the start page, the question it answers (by the page it returns), check, send."""
    step = urlsplit(path).path.rstrip("/").rsplit("/", 1)[-1]
    page = " ".join(title.split()).split(" – ")[0].split(" - ")[0][:100]
    if method == "GET":
        return "start" if step not in ("privacy",) and "send" not in step else step
    return f"{step} → {page}" if page else step


class Respondent:
    """One person taking part: one connection, no cookie, the pages as they come."""

    def __init__(self, port: int, slug: str, rng: random.Random, think: float, record: Any, resent: Any) -> None:
        self.port, self.slug, self.rng, self.think, self.record, self.resent = port, slug, rng, think, record, resent
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
        headers = {"Host": "localhost"}
        data = None
        if body is not None:
            data = urlencode(body)
            headers |= {"Content-Type": "application/x-www-form-urlencoded"}
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection gunicorn closed (idle past its keep-alive) as the request went out:
                # sent again once on a new connection, as Chromium does for a reused connection that fails
                # before any response (a POST too; sending a form twice records it once anyway). Counted apart.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
                self.resent()
        elapsed = time.perf_counter() - start
        parser = Forms()
        parser.feed(text)
        for form_id, a in parser.outside:  # buttons before their form (a Back button above the page's form)
            if form_id in parser.by_id and a.get("type", "submit") == "submit":
                parser.by_id[form_id]["buttons"].append((a.get("name", ""), a.get("value", "")))
        self.record(kind_of(method, path, parser.title), elapsed * 1000, resp.status)
        self.page = parser
        return resp.status, text, dict(resp.getheaders())

    def take_part(self) -> str | None:
        """Start to confirmation; None when done, else what went wrong."""
        status, _, _ = self.request("GET", f"/survey/{self.slug}/")
        for _ in range(40):
            if status in (301, 302, 303):
                return f"HTTP {status} unexpected"
            if status != 200:
                return f"HTTP {status}"
            if self.page.error:
                return f"error summary on {self.page.title.strip()!r}"
            chosen = _forward(self.page.forms)
            if chosen is None:
                return None  # no form to go on with: the confirmation
            form, button = chosen
            body = dict(form["hidden"]) | button
            for name, values in form["radios"].items():
                body[name] = self.rng.choice(values)
            for name in form["text"]:
                body.setdefault(name, "")
            time.sleep(self.rng.expovariate(1 / self.think) if self.think else 0)
            status, _, headers = self.request("POST", form["action"] or "/", body)
            while status in (302, 303):
                status, _, headers = self.request("GET", urlsplit(headers.get("Location", "/")).path)
        return "more than 40 pages"


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1] if len(values) > 1 else values[0]


def _django(env: dict[str, str], code: str) -> str:
    script = "import django; django.setup()\n" + code
    return subprocess.run([str(BIN / "python"), "-c", script], env=env, check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()


def setup(env: dict[str, str]) -> str:
    """A fresh database, migrated, with one authority and an open campaign; returns the campaign's link."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {DB}")
    subprocess.run([str(BIN / "python"), "-m", "wres.web", "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    return _django(env, """
from datetime import timedelta
from wres.web.models import Authority, SurveyCampaign, SurveyService
from wres.web.survey import today
a = Authority.objects.create(name="London Borough of Eastmere", code="E09000099")
t = today()
c = SurveyCampaign.objects.create(authority=a, title="Staff experience survey 2025", period_start=t.replace(month=1, day=1),
                                  period_end=t.replace(month=12, day=31), opens_on=t - timedelta(days=1), closes_on=t + timedelta(days=14))
for part in a.the_standard.breakdown.parts:
    SurveyService.objects.create(campaign=c, service=part.id, invited=400)
print(c.slug)
""")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--respondents", type=int, default=500)
    ap.add_argument("--minutes", type=float, default=5, help="respondents start evenly over this time (default 5)")
    ap.add_argument("--think", type=float, default=0.5, help="mean seconds a respondent spends on a page (default 0.5)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2: one per core)")
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="wres-survey-bench-"))
    env = {**os.environ, "WRES_WEB_DATA": str(data), "DJANGO_SETTINGS_MODULE": "wres.web.settings", "DATABASE_URL": f"{PG}/{DB}",
           "WRES_SURVEY_SENDS_PER_HOUR": str(100 * args.respondents), "WRES_SURVEY_CODE_TRIES_PER_HOUR": str(100 * args.respondents),
           "WRES_BIND": f"127.0.0.1:{args.port}", "WRES_WORKERS": str(args.workers)}
    print(f"Setting up the service on PostgreSQL ({DB}) with an open campaign ...", flush=True)
    slug = setup(env)
    log = data / "access.log"
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:wres.web.gunicorn_conf", "wres.web.wsgi", "--log-level", "warning",
                               "--access-logfile", str(log)], env=env, cwd=ROOT)
    times: dict[str, list[float]] = collections.defaultdict(list)
    statuses: collections.Counter[int] = collections.Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def record(kind: str, ms: float, status: int) -> None:
        with lock:
            times[kind].append(ms)
            statuses[status] += 1

    resent: list[int] = []

    def one(i: int) -> None:
        r = Respondent(args.port, slug, random.Random(args.seed * 100_000 + i), args.think, record, lambda: resent.append(1))
        try:
            problem = r.take_part()
        except (OSError, http.client.HTTPException) as exc:
            problem = type(exc).__name__
        finally:
            r.conn.close()
        if problem:
            with lock:
                errors.append(problem)

    try:
        for _ in range(150):
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
                c.request("GET", f"/survey/{slug}/privacy/")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        load = os.getloadavg()
        print(f"{args.respondents} respondents over {args.minutes} minutes (load average before {load[0]:.2f}) ...", flush=True)
        spacing = args.minutes * 60 / args.respondents
        began = time.perf_counter()
        threads = []
        for i in range(args.respondents):
            delay = began + i * spacing - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            t = threading.Thread(target=one, args=(i,), daemon=True)
            t.start()
            threads.append(t)
        for t in threads:
            t.join(timeout=300)
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = int(_django(env, f"from wres.web.models import SurveyResponse\nprint(SurveyResponse.objects.filter(campaign__slug={slug!r}).count())"))
    kinds = {
        kind: {"requests": len(ms), "p50_ms": round(_pct(sorted(ms), 50), 1), "p95_ms": round(_pct(sorted(ms), 95), 1), "max_ms": round(max(ms), 1)}
        for kind, ms in sorted(times.items())
    }
    result = {
        "respondents": args.respondents, "minutes": args.minutes, "seconds": round(elapsed, 1), "think_seconds": args.think,
        "gunicorn_workers": args.workers, "database": "postgresql", "requests": sum(len(v) for v in times.values()),
        "errors": len(errors), "error_kinds": dict(collections.Counter(errors)), "keepalive_closes_resent": len(resent), "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "responses_stored": stored, "pages": kinds, "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load],
        "worst_p95_ms": max(k["p95_ms"] for k in kinds.values()) if kinds else None,
    }
    print(f"{result['respondents']} respondents in {result['seconds']} s: {result['requests']:,} requests, {result['errors']} errors "
          f"{result['error_kinds'] or ''}; {stored} responses stored; {len(resent)} requests sent again on a new connection "
          "(a kept-alive one closed by the server as they went)")
    width = max(len(k) for k in kinds) if kinds else 10
    print(f"{'page':<{width}}  requests   p50 ms   p95 ms   max ms")
    for kind, k in kinds.items():
        print(f"{kind:<{width}}  {k['requests']:>8}  {k['p50_ms']:>7}  {k['p95_ms']:>7}  {k['max_ms']:>7}")
    met = not errors and stored == args.respondents and (result["worst_p95_ms"] or 0) < 300
    print(f"target (0 errors, every answer stored, p95 of every page < 300 ms): {'met' if met else 'NOT met'}")
    out = ROOT / "bench" / "results" / "survey.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
