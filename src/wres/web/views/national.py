"""The national programme team's pages: who has submitted, the national report, and the pooled counts.

National administrators see authorities' names and whether they have submitted, never record-level data
and never an authority's own pages. The national report is the national engine's own output
(wres.national.run, written by wres.render.national.write): pooled, regional and benchmark figures under
disclosure control, with authorities under keyed pseudonyms. It is worked out once for each set of latest
submissions and kept in settings.NATIONAL_DIR, so a repeated view is instant and a new submission (a new
primary key) makes a new set. The pooled counts are the one thing here that is not disclosure-controlled:
they are for the national team only, and every download is audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from wres import disclosure
from wres import national as engine
from wres.counts import COLUMNS, Counts
from wres.published import NATIONAL
from wres.render import national as render_national
from wres.render.csv import safe_cell
from wres.report import SERVICE_NAMES
from wres.standards.sc_wres import METRICS
from wres.web.access import audit, national
from wres.web.models import Authority, Submission

# Fewer than three, and an authority could take its own counts from the "national" ones and be left with
# another's: the same rule as for regions.
MIN_AUTHORITIES = engine.MIN_AUTHORITIES_PER_REGION
MIN_POOLED = 2  # the pooled counts are the national team's own (it sees every authority's counts anyway)
CACHE_FORMAT = 1  # bump when what is kept in a cached folder changes
META = "meta.json"
FILES = {  # the national files offered for download: name → (content type, what it is)
    "national.json": ("application/json", "National figures (JSON)"),
    "benchmark.csv": ("text/csv; charset=utf-8", "Benchmark (CSV)"),
    "benchmark.json": ("application/json", "Benchmark with funnel limits (JSON)"),
    "funnel.csv": ("text/csv; charset=utf-8", "Funnel plot limits (CSV)"),
}


# --- periods and the submissions that count -----------------------------------------------------------

def _labels() -> dict[int, str]:
    """Every period any authority has submitted for, latest first: year it starts → label (2024/25)."""
    out: dict[int, str] = {}
    for start, end in Submission.objects.order_by("-period_start").values_list("period_start", "period_end").distinct():
        out.setdefault(start.year, f"{start:%Y}/{end:%y}")
    return out


class QueryForm(forms.Form):
    """What a national page may be asked in its query string: the period (?period=2024) and, on the report,
    one of its files (?file=benchmark.csv). A period that is not a year is a 400 page that says what to
    give; a file that is none of the report's is not found (404)."""

    period = forms.IntegerField(required=False, min_value=2000, max_value=2099)
    file = forms.ChoiceField(required=False, choices=[(name, name) for name in FILES])

    def asked(self, name: str) -> Any:
        """One parameter's value (None or '' if not given); a 400 saying what to give if it is not one."""
        self.is_valid()
        if name == "file" and name in self.errors:
            raise Http404("No such national file")
        if name in self.errors:
            raise BadRequest("Give the period as the year it starts, such as 2024.")
        return self.cleaned_data[name]


def _period(request: HttpRequest, labels: dict[int, str]) -> int | None:
    """The year asked for (?period=YYYY), else the latest period any authority submitted for."""
    asked = QueryForm(request.GET).asked("period")
    return asked if asked is not None else next(iter(labels), None)


def _label(year: int | None, labels: dict[int, str]) -> str:
    if year is None:
        return ""
    return labels.get(year, f"{year}/{(year + 1) % 100:02d}")


def _latest(year: int) -> list[Submission]:
    """The latest version of each authority's return for the period starting in `year`, by authority."""
    subs = Submission.latest().filter(period_start__year=year).select_related("authority").order_by("authority__name", "-period_start", "-version")
    out: dict[int, Submission] = {}
    for s in subs:
        out.setdefault(s.authority_id, s)  # one return per authority, should one have two periods in a year
    return list(out.values())


def _authorities(subs: list[Submission]) -> list[engine.Authority]:
    return [engine.Authority(Path(f"submission-{s.pk}"), s.loaded_organisation(), s.loaded_counts()) for s in subs]


def _threshold(authorities: list[engine.Authority]) -> int:
    """The smallest count published nationally: the strictest of the authorities' own thresholds, and never
    below the standard's default (one authority's lower threshold must not lower the nation's)."""
    return max([disclosure.DEFAULT_THRESHOLD, *(a.organisation.suppression_threshold for a in authorities)])


def _context(request: HttpRequest) -> dict[str, Any]:
    labels = _labels()
    year = _period(request, labels)
    return {"year": year, "label": _label(year, labels), "periods": labels}


# --- the tracker ---------------------------------------------------------------------------------------

@national
def tracker(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    rows, submitted = [], 0
    if ctx["year"] is not None:
        subs = {s.authority_id: s for s in _latest(ctx["year"])}
        submitted = len(subs)
        rows = [{"authority": a, "sub": subs.get(a.pk)} for a in Authority.objects.order_by("name")]
    return render(request, "web/national/tracker.html", {
        **ctx, "rows": rows, "submitted": submitted, "total": len(rows), "min_authorities": MIN_AUTHORITIES,
    })


# --- the national report -------------------------------------------------------------------------------

def _cache_dir(year: int, subs: list[Submission], threshold: int, key: bytes) -> Path:
    """One folder per (period, submissions, threshold, pseudonym key): a new submission is a new folder."""
    ident = json.dumps([CACHE_FORMAT, year, sorted(s.pk for s in subs), threshold, hashlib.sha256(key).hexdigest()])
    return Path(settings.NATIONAL_DIR) / "reports" / hashlib.sha256(ident.encode()).hexdigest()[:32]


def prune_reports() -> list[Path]:
    """Delete the national report folders no page can ask for any more (built for superseded submissions).

    Kept: for each period, the folder of its latest submissions (built or not), and any build under way
    for less than an hour.
    """
    reports = Path(settings.NATIONAL_DIR) / "reports"
    if not reports.is_dir():
        return []
    key = engine.key_from(Path(settings.PSEUDONYM_KEY))
    current = set()
    for year in _labels():
        subs = _latest(year)
        current.add(_cache_dir(year, subs, _threshold(_authorities(subs)), key))
    hour_ago = time.time() - 3600
    gone = [p for p in reports.iterdir() if p not in current and (not p.name.startswith(".") or p.stat().st_mtime < hour_ago)]
    for p in gone:
        shutil.rmtree(p, ignore_errors=True)
    return gone


def _build(year: int, subs: list[Submission]) -> Path:
    """Run the national engine and write its files (once: a cached folder is used as it is)."""
    authorities = _authorities(subs)
    threshold = _threshold(authorities)
    key = engine.key_from(Path(settings.PSEUDONYM_KEY))
    folder = _cache_dir(year, subs, threshold, key)
    if (folder / META).is_file():
        return folder
    started = time.perf_counter()
    out = engine.run(authorities, key, threshold)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    try:
        written = render_national.write(out, tmp, threshold, named=False, internal=False)
        meta = {
            "format": CACHE_FORMAT,
            "period": year,
            "authorities": len(authorities),
            "threshold": threshold,
            "regions": [{"name": name, "file": f"regions/{engine._slug(name)}.json"} for name in out.regions],
            "warnings": out.warnings,
            "files": written,
            "built_at": timezone.now().isoformat(),
            "seconds": round(time.perf_counter() - started, 3),
        }
        (tmp / META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        try:
            tmp.rename(folder)  # whole or not at all; if another request got there first, keep its folder
        except OSError:
            if not (folder / META).is_file():
                raise
        else:
            prune_reports()  # a new set of submissions: the folders of earlier sets are never asked for again
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _read(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _figures(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Each metric: its sentences for both services together (M1: every band), then each service's."""
    by_metric: dict[str, list[dict[str, Any]]] = {}
    for r in doc["results"]:
        by_metric.setdefault(r["metric"], []).append({**r, "service_name": SERVICE_NAMES.get(r["service"], r["service"])})
    out = []
    for m in METRICS:
        results = by_metric.get(m.id, [])
        submitted = [r for r in results if r.get("reason") != "not submitted"]
        out.append({
            "id": m.id, "title": m.title, "submitted": bool(submitted),
            "headline": [r for r in results if r["service"] == "all"],
            "others": [r for r in results if r["service"] != "all"],
        })
    return out


def _benchmark(bench: dict[str, Any]) -> list[dict[str, Any]]:
    """The benchmark for both services together: one table per metric (and M1 pay band)."""
    titles = {m.id: m.title for m in METRICS}
    return [{**m, "title": m.get("title") or titles.get(m["metric"], m["metric"])} for m in bench["metrics"] if m["service"] == "all"]


@national
def report(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    subs = _latest(ctx["year"]) if ctx["year"] is not None else []
    wanted = QueryForm(request.GET).asked("file")
    if len(subs) < MIN_AUTHORITIES:
        if wanted:
            raise Http404("No national report for this period")
        return render(request, "web/national/report.html", {**ctx, "too_few": True, "count": len(subs), "min_authorities": MIN_AUTHORITIES})
    folder = _build(ctx["year"], subs)
    if wanted:
        if not (folder / wanted).is_file():
            raise Http404("No such national file")
        audit(request, "national file downloaded", f"period {ctx['year']}", authority=None, file=wanted)
        return FileResponse(open(folder / wanted, "rb"), as_attachment=True, content_type=FILES[wanted][0],
                            filename=f"sc-wres-national-{ctx['year']}-{wanted}")
    meta = _read(folder, META)
    doc = _read(folder, NATIONAL)
    regions = [{"name": r["name"], "doc": _read(folder, r["file"])} for r in meta["regions"]]
    return render(request, "web/national/report.html", {
        **ctx,
        "meta": meta,
        "doc": doc,
        "figures": _figures(doc),
        "regions": regions,
        "benchmark": _benchmark(_read(folder, "benchmark.json")),
        "files": [(name, label) for name, (_, label) in FILES.items() if name in meta["files"]],
        "count": len(subs),
        "start": subs[0].period_start,
        "end": subs[0].period_end,
    })


# --- the pooled counts ---------------------------------------------------------------------------------

def counts_csv(counts: Counts) -> str:
    """counts.csv of the pooled counts, every cell formula-safe (pay band labels are authorities' own text)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows([safe_cell(v) for v in row] for row in counts.rows())
    return buf.getvalue()


@national
def pooled_counts(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    subs = _latest(ctx["year"]) if ctx["year"] is not None else []
    if len(subs) < MIN_POOLED:
        raise Http404("Pooled counts need returns from at least two authorities")
    counts, _ = engine.pool(_authorities(subs))
    audit(request, "pooled counts downloaded", f"period {ctx['year']}", authority=None, authorities=len(subs))
    response = HttpResponse(counts_csv(counts), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sc-wres-national-counts-{ctx["year"]}.csv"'
    response["Cache-Control"] = "no-store"
    return response
