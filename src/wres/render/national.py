"""The national output folder: the national and regional documents, the benchmark and its funnel data."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from wres.document import INTERNAL_MARKING, SCHEMA_VERSION
from wres.national import NationalOutput, slug
from wres.output import csv_cell
from wres.published import NATIONAL, REGIONS
from wres.render import json as render_json


def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()


# The drawer: vl-convert in a process of its own. It starts its JavaScript engine at once (about 0.6 s of CPU),
# then reads every chart's Vega-Lite specification from stdin as one JSON list and writes their SVGs to
# stdout as one JSON list. It imports nothing of wres (a spawned multiprocessing worker would import the
# command's own modules again), and it ends with its parent: a parent that ends closes its stdin.
_DRAWER = """
import json, sys
import vl_convert as vlc
vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})
specs = json.loads(sys.stdin.buffer.read() or b"[]")
sys.stdout.write(json.dumps([vlc.vegalite_to_svg(spec) for spec in specs]))
"""


class _Engine:
    """One drawer process, and the thread that feeds it its share of the charts and reads back their SVGs."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-c", _DRAWER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.drawn: list[str] | None = None
        self.thread: threading.Thread | None = None

    def start(self, specs: list[dict[str, Any]]) -> None:
        def exchange() -> None:
            process = self.process
            if process is None:
                return
            try:
                out, _ = process.communicate(json.dumps(specs).encode())
                if process.returncode == 0:
                    self.drawn = json.loads(out)
            except (OSError, ValueError):
                self.drawn = None

        self.thread = threading.Thread(target=exchange, name="wres-national-drawer", daemon=True)
        self.thread.start()

    def result(self) -> list[str] | None:
        if self.thread is not None:
            self.thread.join()
        self.close()
        return self.drawn

    def close(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()


class Drawer:
    """Draws the funnel plots in helper processes: the first started before the returns are read, so that
    vl-convert's engine starts while they are (vl-convert holds the GIL while it draws, so a thread would not
    overlap it), and a second (`widen`) once they are read, starting while they are pooled and protected. The
    two draw half the charts each while this process writes the other files: drawing, about 0.1 s a chart
    (its axis labels measured one by one), was otherwise most of the time after protection. A second engine
    started beside the first slowed the reading of the returns as much as it saved (two cores). Each chart is
    drawn by the same call as Chart.svg(), so the files are the same; a drawer that failed (killed, out of
    memory) is replaced by drawing here."""

    def __init__(self) -> None:
        self._engines = [_Engine()]
        self._shares: list[list[int]] = []

    def widen(self) -> None:
        """Start a second engine, to draw half the charts."""
        self._engines.append(_Engine())

    def start(self, specs: list[dict[str, Any]]) -> None:
        """Send the specifications, every n-th to each engine; they draw while this process goes on."""
        engines = self._engines[:max(1, len(specs))]
        for spare in self._engines[len(engines):]:
            spare.close()
        self._engines = engines
        self._shares = [list(range(i, len(specs), len(engines))) for i in range(len(engines))]
        for engine, share in zip(engines, self._shares):
            engine.start([specs[i] for i in share])

    def result(self, charts: list[Any]) -> list[str]:
        """Each chart's SVG, as the drawers drew it; drawn here where a drawer did not."""
        svgs: list[str | None] = [None] * len(charts)
        for engine, share in zip(self._engines, self._shares):
            drawn = engine.result()
            if drawn is not None and len(drawn) == len(share):
                for i, svg in zip(share, drawn):
                    svgs[i] = svg
        self.close()
        return [svg if svg is not None else chart.svg() for chart, svg in zip(charts, svgs)]

    def close(self) -> None:
        """Stop the drawers at once (a command that fails before writing must not wait for their engines)."""
        for engine in self._engines:
            engine.close()


def write(out: NationalOutput, directory: Path, threshold: int, named: bool, internal: bool, drawer: Drawer | None = None) -> list[str]:
    """Write every file into `directory` (a fresh temporary folder); return their names.

    `drawer`, started before the returns were read (`wres national`), draws the funnel plots while this
    writes the rest; without one they are drawn here (the web service, whose worker outlives a build)."""
    charts, lines = _funnel_plots(out)
    if drawer is not None:
        drawer.start([chart.spec for chart in charts])
    written = [NATIONAL]
    (directory / NATIONAL).write_text(render_json.render(out.national), encoding="utf-8")
    if out.regions:
        (directory / REGIONS).mkdir()
        for region, doc in out.regions.items():
            name = f"{REGIONS}/{slug(region)}.json"
            (directory / name).write_text(render_json.render(doc), encoding="utf-8")
            written.append(name)
    bench = {
        "schema_version": SCHEMA_VERSION,
        "standard": out.national.standard,
        "period": out.national.period,
        "authorities": len(out.authorities),
        "named": named,
        "suppression": {"applied": not internal, "threshold": threshold,
                        "rule": "an authority's figures are shown only where each of its four counts is 0 or at least the threshold"},
        "funnel": "limits are exp(ln national RL ± z × the authority's standard error of ln RL), z = 1.96 (95%) and 3.09 (99.8%)",
        "funnel_overdispersed": ("each authority's `flag` (and each metric's `overdispersion`) is its position in the national funnel "
                                 "of national.json: limits exp(ln national RL ± z × √(SE² + τ²)), τ² the between-authority "
                                 "variance beyond chance (0 with fewer than 10 authorities); `funnel` and funnel.csv are the "
                                 "limits of chance alone, kept as they were published"),
        "metrics": out.benchmark,
    }
    if internal:
        bench["marking"] = INTERNAL_MARKING
    (directory / "benchmark.json").write_text(json.dumps(bench, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rows: list[list[Any]] = [["authority", "metric", "service", "band", "relative_likelihood", "ci95_low", "ci95_high",
                              "assessment", "se_log", "funnel", "national_relative_likelihood", "suppressed"]]
    for m in out.benchmark:
        for a in m["authorities"]:
            ci = a["ci95"] or [None, None]
            rows.append([a["authority"], m["metric"], m["service"], m["band"] or "", a["relative_likelihood"], ci[0], ci[1],
                         a["assessment"], a["se_log"], a["funnel"], m["national"]["relative_likelihood"], a["suppressed"]])
    (directory / "benchmark.csv").write_text(_csv(rows), encoding="utf-8")
    funnel: list[list[Any]] = [["metric", "service", "band", "se_log", "lower998", "lower95", "upper95", "upper998"]]
    for m in out.benchmark:
        for p in m["funnel_limits"]:
            funnel.append([m["metric"], m["service"], m["band"] or "", p["se_log"], p["lower998"], p["lower95"], p["upper95"], p["upper998"]])
    (directory / "funnel.csv").write_text(_csv(funnel), encoding="utf-8")
    written += ["benchmark.json", "benchmark.csv", "funnel.csv"]
    for chart, svg in zip(charts, drawer.result(charts) if drawer is not None else [chart.svg() for chart in charts]):
        (directory / f"{chart.name}.svg").write_text(svg, encoding="utf-8")
        written.append(f"{chart.name}.svg")
    (directory / "funnels.md").write_text("\n".join(lines), encoding="utf-8")
    written.append("funnels.md")
    if internal:
        (directory / "counts.csv").write_text(out.counts.to_csv(), encoding="utf-8")
        written.append("counts.csv")
    return written


def _headline(doc: Any, metric: str, by_service: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    """The metric's headline funnel: the whole organisation's, at the band the standard assesses (or the only one)."""
    total = doc.get_standard().breakdown.total.id
    bands = by_service.get(total) or {}
    if not bands:
        return None
    if len(bands) == 1:
        return total, next(iter(bands))
    assessed = [r.band for r in doc.results if r.metric == metric and r.service == total and r.assessed and r.band]
    if assessed and assessed[0] in bands and bands[assessed[0]]["authorities"]:
        return total, assessed[0]
    return total, max(bands, key=lambda b: bands[b]["k"])  # the assessed band has no authority to draw: the fullest


def _funnel_plots(out: NationalOutput) -> tuple[list[Any], list[str]]:
    """The charts of funnel-<metric>.svg, each metric's headline funnel (its authorities drawn), not yet drawn,
    and the lines of funnels.md: for every funnel and heterogeneity in the national document, its sentences as
    the document words them."""
    from wres.render import charts

    doc = out.national
    std = doc.get_standard()
    labels = {p.id: p.label for p in (*std.breakdown.parts, std.breakdown.total)}
    drawn: list[Any] = []
    lines = [f"# National funnels — {doc.organisation.get('name') or ''}", ""]
    for metric, by_service in (doc.funnel or {}).items():
        m = std.metric(metric)
        lines += [f"## {m.short} {m.title}".strip(), ""]
        head = _headline(doc, metric, by_service)
        if head is not None and by_service[head[0]][head[1]]["authorities"]:
            service, band = head
            f = by_service[service][band]
            title = f"{m.short} {m.title}{f' ({band})' if band != '-' else ''}: funnel plot, {labels.get(service, service).lower()}".strip()
            chart = charts.funnel_chart(f"funnel-{metric}", title, f)
            drawn.append(chart)
            lines += [f"![{chart.alt}]({chart.name}.svg)", ""]
        for service, bands in by_service.items():
            for band, f in bands.items():
                h = (doc.heterogeneity or {}).get(metric, {}).get(service, {}).get(band) or {}
                where = labels.get(service, service) + (f", {band}" if band != "-" else "")
                lines.append(f"- {where}: {f['sentence']}" + (f" {f['reason'][0].upper()}{f['reason'][1:]}." if f.get("reason") else "")
                             + (f" {h['sentence']}" if h.get("sentence") else ""))
        lines.append("")
    return drawn, lines
