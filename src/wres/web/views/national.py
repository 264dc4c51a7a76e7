"""The national programme team's pages: who has submitted, the national report, and the pooled counts.

A national view is of one standard: the tracker, the report and the pooled counts are for the
authorities reporting the standard asked for (?standard=nhs-wres), whose returns for the period name it;
two standards' returns are never pooled. National administrators see authorities' names and whether they have submitted, never record-level data
and never an authority's own pages. The national report is the national engine's own output
(wres.national.run, written by wres.render.national.write): pooled, regional and benchmark figures under
disclosure control, with authorities under keyed pseudonyms. It is worked out once for each set of latest
submissions and kept in settings.NATIONAL_DIR, so a repeated view is instant and a new submission (a new
primary key) makes a new set. The pooled counts are the one thing here that is not disclosure-controlled:
they are for the national team only, and every download is audited.
"""

from __future__ import annotations

import hashlib
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

from wres import disclosure, standards
from wres import national as engine
from wres.counts import COLUMNS, Counts
from wres.dates import year_label
from wres.document import Document
from wres.published import NATIONAL
from wres.render import national as render_national
from wres.output import csv_text
from wres.standards import Standard
from wres.web import figures as web_figures
from wres.web.access import audit, national
from wres.web.models import Authority, Submission

# Fewer than three, and an authority could take its own counts from the "national" ones and be left with
# another's: the same rule as for regions.
MIN_AUTHORITIES = engine.MIN_AUTHORITIES_PER_REGION
MIN_POOLED = 2  # the pooled counts are the national team's own (it sees every authority's counts anyway)
CACHE_FORMAT = 2  # bump when what is kept in a cached folder changes (2: the benchmark shows only what each authority's report shows)
META = "meta.json"
FILES = {  # the national files offered for download: name → (content type, what it is)
    "national.json": ("application/json", "National figures (JSON)"),
    "benchmark.csv": ("text/csv; charset=utf-8", "Benchmark (CSV)"),
    "benchmark.json": ("application/json", "Benchmark with funnel limits (JSON)"),
    "funnel.csv": ("text/csv; charset=utf-8", "Funnel plot limits (CSV)"),
}


# --- periods and the submissions that count -----------------------------------------------------------

def _labels(standard: Standard) -> dict[int, str]:
    """Every period an authority of the standard has submitted for, latest first: year it starts → label (2024/25)."""
    out: dict[int, str] = {}
    for start, end in Submission.objects.filter(authority__standard=standard.id).order_by("-period_start").values_list("period_start", "period_end").distinct():
        out.setdefault(start.year, year_label(start, end))
    return out


class QueryForm(forms.Form):
    """What a national page may be asked in its query string: the period (?period=2024) and, on the report,
    one of its files (?file=benchmark.csv). A period that is not a year is a 400 page that says what to
    give; a file that is none of the report's is not found (404)."""

    period = forms.IntegerField(required=False, min_value=2000, max_value=2099)
    file = forms.ChoiceField(required=False, choices=[(name, name) for name in FILES])
    standard = forms.ChoiceField(required=False, choices=lambda: [(s, s) for s in standards.available()])

    def asked(self, name: str) -> Any:
        """One parameter's value (None or '' if not given); a 400 saying what to give if it is not one."""
        self.is_valid()
        if name == "file" and name in self.errors:
            raise Http404("No such national file")
        if name == "standard" and name in self.errors:
            raise BadRequest("Give the standard by its id: " + " or ".join(standards.available()) + ".")
        if name in self.errors:
            raise BadRequest("Give the period as the year it starts, such as 2024.")
        return self.cleaned_data[name]


def _standards() -> list[Standard]:
    """The standards some authority reports, the default one first (it alone if none does), as the selector offers them."""
    used = set(Authority.objects.values_list("standard", flat=True).distinct())
    ids = sorted(used & set(standards.available()), key=lambda s: (s != standards.DEFAULT, s))
    return [standards.load(s) for s in ids] or [standards.load(standards.DEFAULT)]


def _standard(request: HttpRequest, offered: list[Standard]) -> Standard:
    """The standard asked for (?standard=…), else the first one some authority reports."""
    asked = QueryForm(request.GET).asked("standard")
    return standards.load(asked) if asked else offered[0]


def plural(standard: Standard) -> str:
    """What the standard's organisations are called together: authorities, trusts."""
    word = standard.organisation
    return standard.words.get("organisations") or (f"{word[:-1]}ies" if word.endswith("y") else f"{word}s")


def _period(request: HttpRequest, labels: dict[int, str]) -> int | None:
    """The year asked for (?period=YYYY), else the latest period any authority submitted for."""
    asked = QueryForm(request.GET).asked("period")
    return asked if asked is not None else next(iter(labels), None)


def _label(year: int | None, labels: dict[int, str]) -> str:
    if year is None:
        return ""
    return labels.get(year, f"{year}/{(year + 1) % 100:02d}")


def _latest(year: int, standard: Standard) -> list[Submission]:
    """The latest version of each authority's return of the standard for the period starting in `year`, by
    authority. A return is of the standard its own settings name (an authority whose standard was changed
    keeps its earlier returns under the standard they were made for): two standards are never pooled."""
    subs = Submission.latest().filter(period_start__year=year).select_related("authority").order_by("authority__name", "-period_start", "-version")
    out: dict[int, Submission] = {}
    for s in subs:
        if s.loaded_organisation().standard_id == standard.id:
            out.setdefault(s.authority_id, s)  # one return per authority, should one have two periods in a year
    return list(out.values())


def _authorities(subs: list[Submission]) -> list[engine.Authority]:
    # each with what its own published report shows (the submission's document): the benchmark shows no more
    return [engine.Authority(Path(f"submission-{s.pk}"), s.loaded_organisation(), s.loaded_counts(), published=engine.published_figures(s.document))
            for s in subs]


def _threshold(authorities: list[engine.Authority]) -> int:
    """The smallest count published nationally: the engine's rule (disclosure.national_threshold), as `wres national` has it."""
    return disclosure.national_threshold(a.organisation.suppression_threshold for a in authorities)


def _context(request: HttpRequest) -> dict[str, Any]:
    offered = _standards()
    standard = _standard(request, offered)
    labels = _labels(standard)
    year = _period(request, labels)
    return {"year": year, "label": _label(year, labels), "periods": labels, "standard": standard, "standards": offered,
            "organisations": plural(standard), "query": f"standard={standard.id}" + (f"&period={year}" if year else "")}


# --- the tracker ---------------------------------------------------------------------------------------

@national
def tracker(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    rows, submitted = [], 0
    if ctx["year"] is not None:
        subs = {s.authority_id: s for s in _latest(ctx["year"], ctx["standard"])}
        submitted = len(subs)
        rows = [{"authority": a, "sub": subs.get(a.pk)} for a in Authority.objects.filter(standard=ctx["standard"].id).order_by("name")]
    return render(request, "web/national/tracker.html", {
        **ctx, "rows": rows, "submitted": submitted, "total": len(rows), "min_authorities": MIN_AUTHORITIES,
    })


# --- the national report -------------------------------------------------------------------------------

def _cache_dir(year: int, subs: list[Submission], threshold: int, key: bytes) -> Path:
    """One folder per (period, submissions, threshold, pseudonym key): a new submission is a new folder (and
    a set of submissions is of one standard)."""
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
    for standard in (standards.load(s) for s in standards.available()):
        for year in _labels(standard):
            subs = _latest(year, standard)
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
            "regions": [{"name": name, "file": f"regions/{engine.slug(name)}.json"} for name in out.regions],
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


def _benchmark(bench: dict[str, Any], standard: Standard, doc: Document | None = None) -> list[dict[str, Any]]:
    """The benchmark for the whole of each organisation: one table per metric (and band), with the engine's
    sentences on its funnel (overdispersion) and on how much organisations differ (heterogeneity)."""
    named = {m.id: m for m in standard.metrics}
    total = standard.breakdown.total.id

    def said(table: dict[str, Any] | None, b: dict[str, Any]) -> str | None:
        entry = ((table or {}).get(b["metric"]) or {}).get(b["service"], {}).get(b.get("band") or "-")
        return entry.get("sentence") if entry else None

    return [{**b, "short": named[b["metric"]].short or b["metric"] if b["metric"] in named else b["metric"],
             "title": b.get("title") or (named[b["metric"]].title if b["metric"] in named else b["metric"]),
             "funnel_sentence": said(doc.funnel if doc else None, b),
             "heterogeneity_sentence": said(doc.heterogeneity if doc else None, b)}
            for b in bench["metrics"] if b["service"] == total]


@national
def report(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    subs = _latest(ctx["year"], ctx["standard"]) if ctx["year"] is not None else []
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
                            filename=f"{ctx['standard'].id}-national-{ctx['year']}-{wanted}")
    meta = _read(folder, META)
    doc = Document.from_dict(_read(folder, NATIONAL))
    regions = [{"name": r["name"], "doc": _read(folder, r["file"])} for r in meta["regions"]]
    return render(request, "web/national/report.html", {
        **ctx,
        "meta": meta,
        "doc": doc,
        "figures": web_figures.metrics(doc, ctx["standard"]),
        "noun": web_figures.noun(ctx["standard"]),
        "regions": regions,
        "benchmark": _benchmark(_read(folder, "benchmark.json"), ctx["standard"], doc),
        "files": [(name, label) for name, (_, label) in FILES.items() if name in meta["files"]],
        "count": len(subs),
        "start": subs[0].period_start,
        "end": subs[0].period_end,
    })


# --- the pooled counts ---------------------------------------------------------------------------------

def counts_csv(counts: Counts) -> str:
    """counts.csv of the pooled counts, every cell formula-safe by the engine's rule (pay band labels are
    organisations' own text): output.csv_text, as the CLI writes CSV."""
    return csv_text(counts.rows(), COLUMNS)


@national
def pooled_counts(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    subs = _latest(ctx["year"], ctx["standard"]) if ctx["year"] is not None else []
    if len(subs) < MIN_POOLED:
        raise Http404("Pooled counts need returns from at least two authorities")
    counts, _ = engine.pool(_authorities(subs))
    audit(request, "pooled counts downloaded", f"period {ctx['year']}", authority=None, authorities=len(subs), standard=ctx["standard"].id)
    response = HttpResponse(counts_csv(counts), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ctx["standard"].id}-national-counts-{ctx["year"]}.csv"'
    response["Cache-Control"] = "no-store"
    return response
