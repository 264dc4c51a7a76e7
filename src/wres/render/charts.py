"""Charts for the report (altair, rendered offline to SVG and PNG by vl-convert).

Every chart comes with a text alternative and the table of its data. Colours are from the Okabe–Ito
palette (readable with the common colour-vision deficiencies), and nothing relies on colour alone: each
point has a shape for its assessment and a label with its value, and each service is named on its axis.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from wres.report import SERVICE_NAMES, Report
from wres.results import Result
from wres.stats import fmt

# Okabe–Ito
ORANGE, SKY, GREEN, BLUE, VERMILION, GREY = "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#6b6b6b"
ASSESSMENT = {
    "worse_for_minority_ethnic": ("worse for minority ethnic staff", VERMILION, "triangle-up"),
    "within_range": ("within the non-adverse range", BLUE, "circle"),
    "better_for_minority_ethnic": ("better for minority ethnic staff", GREEN, "square"),
    None: ("not assessed", GREY, "diamond"),
}
DOMAIN = (0.1, 10.0)
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


@dataclass
class Chart:
    name: str  # file stem: rl-M3
    title: str
    alt: str  # the text alternative: what the chart shows, in words
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)  # the chart's data, as a table
    spec: dict[str, Any] = field(default_factory=dict)  # the Vega-Lite specification

    def svg(self) -> str:
        import vl_convert as vlc

        return vlc.vegalite_to_svg(self.spec)

    def png(self, svg: str | None = None) -> bytes:
        """PNG at twice the size; from the SVG when there is one (no second layout)."""
        import vl_convert as vlc

        return vlc.svg_to_png(svg, scale=2) if svg else vlc.vegalite_to_png(self.spec, scale=2)


def _config(chart: Any) -> Any:
    return chart.configure(font=FONT).configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#0b0c0c", titleColor="#0b0c0c").configure_view(stroke=None)


def _range_layer(alt: Any, low: float, high: float, y: str | None = None) -> Any:
    base = alt.Chart(alt.Data(values=[{"low": low, "high": high}]))
    band = base.mark_rect(color="#dfe9f2").encode(x=alt.X("low:Q", scale=alt.Scale(type="log", domain=list(DOMAIN), clamp=True)), x2="high:Q")
    one = alt.Chart(alt.Data(values=[{"one": 1.0}])).mark_rule(color="#505a5f", strokeDash=[4, 3]).encode(x="one:Q")
    return band + one


def _point_rows(results: list[tuple[str, Result]]) -> list[dict[str, Any]]:
    rows = []
    for label, r in results:
        if r.relative_likelihood is None or r.relative_likelihood <= 0:
            continue
        words = ASSESSMENT[r.assessment][0]
        rows.append({
            "label": label, "rl": r.relative_likelihood, "low": r.ci95[0] if r.ci95 else None, "high": r.ci95[1] if r.ci95 else None,
            "text": fmt(r.relative_likelihood), "assessment": words,
        })
    return rows


def _status(r: Result) -> str:
    if r.relative_likelihood is not None:
        ci = f" (95% CI {fmt(r.ci95[0])} to {fmt(r.ci95[1])})" if r.ci95 else ""
        return f"{fmt(r.relative_likelihood)}{ci}, {ASSESSMENT[r.assessment][0]}"
    if r.suppressed:
        return "withheld to protect small numbers"
    return "not available: " + (r.reason or "no figure")


@lru_cache(maxsize=4)
def _forest_template(low: float, high: float) -> str:
    """The forest plot's specification with named, empty datasets: composed once (altair's layering is
    slow), then filled per metric."""
    import altair as alt

    log = alt.Scale(type="log", domain=list(DOMAIN), clamp=True)
    y = alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X("rl:Q", scale=log, title="Relative likelihood (log scale)")
    points_data = alt.Data(name="points")
    bars = alt.Chart(points_data).mark_rule(strokeWidth=2, color="#0b0c0c").encode(y=y, x=alt.X("low:Q", scale=log), x2="high:Q")
    words = [a[0] for a in ASSESSMENT.values()]
    points = alt.Chart(points_data).mark_point(size=110, filled=True, stroke="#0b0c0c", strokeWidth=0.8).encode(
        y=y, x=x,
        color=alt.Color("assessment:N", scale=alt.Scale(domain=words, range=[a[1] for a in ASSESSMENT.values()]), legend=alt.Legend(title=None, orient="bottom")),
        shape=alt.Shape("assessment:N", scale=alt.Scale(domain=words, range=[a[2] for a in ASSESSMENT.values()]), legend=alt.Legend(title=None, orient="bottom")),
    )
    labels = alt.Chart(points_data).mark_text(dy=-12, fontSize=12, color="#0b0c0c").encode(y=y, x=x, text="text:N")
    # rows without a point say why, in words, at the left edge
    notes = alt.Chart(alt.Data(name="missing")).mark_text(align="left", fontSize=11, fontStyle="italic", color="#0b0c0c").encode(
        y=y, x=alt.X("x:Q", scale=log), text="text:N")
    axis_rows = alt.Chart(alt.Data(name="rows")).mark_tick(opacity=0).encode(y=y)
    chart = (_range_layer(alt, low, high) + axis_rows + bars + points + labels + notes).properties(width=520, height=60, title="")
    return json.dumps(_config(chart).to_dict(validate=False))


def forest(report: Report, name: str, title: str, results: list[tuple[str, Result]], subject: str) -> Chart:
    """Relative likelihood and its 95% CI for each row, against the shaded non-adverse range (log scale)."""
    low, high = report.range
    order = [label for label, _ in results]
    spec = json.loads(_forest_template(low, high))
    spec["datasets"] = {
        "points": _point_rows(results),
        "missing": [{"label": label, "x": DOMAIN[0] * 1.08, "text": "withheld (small numbers)" if r.suppressed else "not available"}
                    for label, r in results if not (r.relative_likelihood and r.relative_likelihood > 0)],
        "rows": [{"label": label} for label in order],
    }
    spec["title"], spec["height"] = title, max(60, 34 * len(order))
    for layer in spec["layer"]:
        if "y" in layer.get("encoding", {}) and layer["encoding"]["y"].get("field") == "label":
            layer["encoding"]["y"]["sort"] = order
    alt_text = (
        f"{title}. Relative likelihood of minority ethnic {subject} compared with white {subject}, with 95% confidence "
        f"intervals, against the non-adverse range {fmt(low)} to {fmt(high)} (shaded). "
        + " ".join(f"{label}: {_status(r)}." for label, r in results)
    )
    table = [[label, _fmt_or(r.relative_likelihood), _fmt_or(r.ci95[0] if r.ci95 else None), _fmt_or(r.ci95[1] if r.ci95 else None), _status(r).split(", ")[-1] if r.relative_likelihood is not None else _status(r)] for label, r in results]
    return Chart(name, title, alt_text, ["", "Relative likelihood", "95% CI low", "95% CI high", "Assessment"], table, spec)


def _fmt_or(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


def metric_chart(report: Report, metric_id: str) -> Chart:
    """One metric: adults and children side by side (and both together); for M1, every band."""
    m = next(x for x in report.metrics if x.id == metric_id)
    results = report.results(metric_id)
    if m.kind == "pay_band":
        rows = [(f"{r.band} — {SERVICE_NAMES[r.service].lower()}", r) for r in results]
    else:
        rows = [(SERVICE_NAMES[r.service], r) for r in results]
    return forest(report, f"rl-{metric_id}", f"{metric_id} {m.title}", rows, m.subject)


def summary_chart(report: Report) -> Chart:
    """Every metric for both services together (M1: the top band), as one picture of the year."""
    rows = []
    for m in report.metrics:
        results = [r for r in report.results(m.id) if r.service == "all"]
        if m.kind == "pay_band" and results:
            results = results[-1:]
        rows += [(f"{m.id} {m.title}" + (f" ({r.band})" if r.band else ""), r) for r in results]
    return forest(report, "rl-summary", "All metrics, adult and children's social care together", rows, "staff")


def pay_band_chart(report: Report) -> Chart:
    """Share of minority ethnic and of white staff in each pay band (both services)."""
    import altair as alt

    results = [r for r in report.results("M1") if r.service == "all"]
    rows = []
    for r in results:
        for group, f in (("Minority ethnic staff", r.minority_ethnic), ("White staff", r.white)):
            rows.append({"band": r.band, "group": group, "share": f.rate, "at": f.rate or 0,
                         "text": "[c]" if f.rate is None and r.suppressed else (f"{f.rate:.0%}" if f.rate is not None else "–")})
    bands = [r.band for r in results]
    data = alt.Data(values=rows)
    x = alt.X("band:N", sort=bands, title="Pay band (full-time equivalent salary)", axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(data).mark_bar(stroke="#0b0c0c", strokeWidth=0.6).encode(
        x=x, xOffset=alt.XOffset("group:N"), y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="Share of the group"),
        color=alt.Color("group:N", scale=alt.Scale(domain=["Minority ethnic staff", "White staff"], range=[ORANGE, BLUE]), legend=alt.Legend(title=None, orient="bottom")),
    )
    text = alt.Chart(data).mark_text(dy=-8, fontSize=11, color="#0b0c0c").encode(x=x, xOffset=alt.XOffset("group:N"), y=alt.Y("at:Q"), text="text:N")
    chart = (bars + text).properties(width=520, height=240, title="M1 Pay bands: where each group sits")
    table = [[row["band"], row["group"], row["text"]] for row in rows]
    alt_text = "M1 Pay bands: share of minority ethnic staff and of white staff in each pay band, both services together ([c]: withheld to protect small numbers). " + " ".join(
        f"{row['band']}, {row['group'].lower()}: {row['text']}." for row in rows)
    return Chart("pay-bands", "M1 Pay bands: where each group sits", alt_text, ["Pay band", "Group", "Share of the group"], table, _config(chart).to_dict(validate=False))


def trend_chart(report: Report, metric_id: str) -> Chart:
    """The relative likelihood year by year, for each service (M1: the top band)."""
    import altair as alt

    m = next(x for x in report.metrics if x.id == metric_id)
    low, high = report.range
    rows, table = [], []
    for i in range(len(report.years)):
        year = report.year_label(i)
        results = report.results(metric_id, i)
        if m.kind == "pay_band":
            top = results[-1].band if results else None
            results = [r for r in results if r.band == top]
        for r in results:
            table.append([year, SERVICE_NAMES[r.service], _fmt_or(r.relative_likelihood), _status(r)])
            if r.relative_likelihood and r.relative_likelihood > 0:
                rows.append({"year": year, "service": SERVICE_NAMES[r.service], "rl": r.relative_likelihood, "text": fmt(r.relative_likelihood)})
    years = [report.year_label(i) for i in range(len(report.years))]
    services = list(SERVICE_NAMES.values())
    y = alt.Y("rl:Q", scale=alt.Scale(type="log", domain=list(DOMAIN), clamp=True), title="Relative likelihood (log scale)")
    x = alt.X("year:N", sort=years, title="Reporting year", axis=alt.Axis(labelAngle=0))
    band = alt.Chart(alt.Data(values=[{"low": low, "high": high}])).mark_rect(color="#dfe9f2").encode(y=alt.Y("low:Q", scale=alt.Scale(type="log", domain=list(DOMAIN), clamp=True)), y2="high:Q")
    enc = {"x": x, "y": y,
           "color": alt.Color("service:N", scale=alt.Scale(domain=services, range=[ORANGE, SKY, "#0b0c0c"]), legend=alt.Legend(title=None, orient="bottom")),
           "shape": alt.Shape("service:N", scale=alt.Scale(domain=services, range=["triangle-up", "square", "circle"]), legend=alt.Legend(title=None, orient="bottom")),
           "strokeDash": alt.StrokeDash("service:N", scale=alt.Scale(domain=services, range=[[6, 3], [2, 2], [1, 0]]), legend=None)}
    data = alt.Data(values=rows)
    lines = alt.Chart(data).mark_line(point=False, strokeWidth=2).encode(**enc)
    points = alt.Chart(data).mark_point(size=80, filled=True).encode(**{k: v for k, v in enc.items() if k != "strokeDash"})
    labels = alt.Chart(data).mark_text(dx=14, fontSize=11, color="#0b0c0c").encode(x=x, y=y, text="text:N")
    title = f"{m.id} {m.title}: relative likelihood by year"
    chart = (band + lines + points + labels).properties(width=520, height=240, title=title)
    alt_text = f"{title}, against the non-adverse range {fmt(low)} to {fmt(high)} (shaded). " + " ".join(f"{t[0]}, {t[1].lower()}: {t[3]}." for t in table)
    return Chart(f"trend-{metric_id}", title, alt_text, ["Year", "Service", "Relative likelihood", "Assessment"], table, _config(chart).to_dict(validate=False))


def all_charts(report: Report) -> list[Chart]:
    charts = [summary_chart(report), pay_band_chart(report)]
    charts += [metric_chart(report, m.id) for m in report.metrics]
    if len(report.years) > 1:
        charts += [trend_chart(report, m.id) for m in report.metrics]
    return charts
