"""Charts for the report (altair, rendered offline to SVG and PNG by vl-convert).

Every chart comes with a text alternative and the table of its data. A row without a figure to draw (withheld,
or no relative likelihood) is left out of the picture and its data, and the chart's note says so once; a chart
with nothing left to draw is replaced by a sentence. The title is the figure's caption, not drawn in the image. Colours are from the Okabe–Ito
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
from wres.stats import ci_text, fmt, pct

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
    note: str = ""  # what is not shown and why: "Children's social care is not shown: its figures are withheld."
    data_elsewhere: bool = True  # its data is in a table of the report already (so print need not repeat it)

    @property
    def empty(self) -> bool:
        """Nothing left to draw: the report prints the note instead of an empty grid."""
        return not self.rows

    def svg(self) -> str:
        import vl_convert as vlc

        return vlc.vegalite_to_svg(self.spec)

    def png(self, svg: str | None = None) -> bytes:
        """PNG at twice the size; from the SVG when there is one (no second layout)."""
        import vl_convert as vlc

        return vlc.svg_to_png(svg, scale=2) if svg else vlc.vegalite_to_png(self.spec, scale=2)


def _config(chart: Any) -> Any:
    return chart.configure(font=FONT).configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#0b0c0c", titleColor="#0b0c0c").configure_view(stroke=None)


def _rl_axis(alt: Any, low: float, high: float) -> Any:
    """Ticks at the range's ends and round ratios, written as every relative likelihood is (two decimals)."""
    return alt.Axis(values=[0.1, 0.25, 0.5, low, high, 2.0, 4.0, 10.0], format=".2f", labelOverlap=True)  # 1 is the dashed line


def _range_layer(alt: Any, low: float, high: float, y: str | None = None) -> Any:
    base = alt.Chart(alt.Data(values=[{"low": low, "high": high}]))
    band = base.mark_rect(color="#dfe9f2").encode(x=alt.X("low:Q", scale=alt.Scale(type="log", domain=list(DOMAIN), clamp=True)), x2="high:Q")
    one = alt.Chart(alt.Data(values=[{"one": 1.0}])).mark_rule(color="#505a5f", strokeDash=[4, 3]).encode(x="one:Q")
    return band + one


def drawable(r: Result) -> bool:
    """A result with a relative likelihood a log scale can show."""
    return r.relative_likelihood is not None and r.relative_likelihood > 0


def _why_not(r: Result) -> str:
    """Why a row is not drawn: withheld (a compared count is hidden), zero, or no relative likelihood."""
    if any(f.numerator is None or f.denominator is None for f in (r.minority_ethnic, r.white)) and r.reason != "not submitted":
        return "withheld"
    return "zero" if r.relative_likelihood == 0 else "none"


_WHY = {  # (one row, several rows, every row)
    "withheld": ("its figures are withheld to protect small numbers", "their figures are withheld to protect small numbers",
                 "every figure it would show is withheld to protect small numbers"),
    "zero": ("its relative likelihood is 0, which a log scale cannot show", "their relative likelihoods are 0, which a log scale cannot show",
             "every relative likelihood is 0, which a log scale cannot show"),
    "none": ("it has no relative likelihood (its sentence says why)", "they have no relative likelihood (their sentences say why)",
             "no relative likelihood can be given (the sentences say why)"),
}


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _whole_bands(left_out: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """M1's rows ("under 30k — adult social care"): a band left out for every service, for one reason, is
    named once ("the 'under 30k' band, every service")."""
    bands: dict[tuple[str, str], list[str]] = {}
    for label, why in left_out:
        if " — " in label:
            bands.setdefault((label.split(" — ")[0], why), []).append(label)
    out = []
    for label, why in left_out:
        band = label.split(" — ")[0]
        whole = " — " in label and len(bands[(band, why)]) == len(SERVICE_NAMES)
        if not whole:
            out.append((label, why))
        elif label == bands[(band, why)][0]:
            out.append((f"the '{band}' band (every service)", why))
    return out


def left_out_note(left_out: list[tuple[str, str]], drawn: int) -> str:
    """One note for the rows not drawn, grouped by why: "Adult social care and children's social care are not
    shown: their figures are withheld to protect small numbers." With nothing drawn, the sentence that stands
    in for the chart."""
    by_why: dict[str, list[str]] = {}
    for label, why in _whole_bands(left_out):
        by_why.setdefault(why, []).append(label.lower() if label in SERVICE_NAMES.values() else label)
    if not drawn and len(by_why) == 1:
        return f"There is no chart: {_WHY[next(iter(by_why))][2]}."
    if not drawn:  # for several reasons, which the text above the chart gives row by row
        return "There is no chart: no row has a relative likelihood that can be shown (the text above says why for each)."
    sentences = []
    for why, labels in by_why.items():
        text, one = _and(labels), len(labels) == 1
        sentences.append(f"{text[0].upper()}{text[1:]} {'is' if one else 'are'} not shown: {_WHY[why][0 if one else 1]}.")
    return " ".join(sentences)


def _point_rows(results: list[tuple[str, Result]]) -> list[dict[str, Any]]:
    rows = []
    for label, r in results:
        if not drawable(r):
            continue
        words = ASSESSMENT[r.assessment][0]
        rows.append({
            "label": label, "rl": r.relative_likelihood, "low": r.ci95[0] if r.ci95 else None, "high": r.ci95[1] if r.ci95 else None,
            "text": fmt(r.relative_likelihood), "assessment": words,  # type: ignore[arg-type]
        })
    return rows


def _status(r: Result) -> str:
    if r.relative_likelihood is not None:
        ci = f" (95% CI {ci_text(r.ci95)})" if r.ci95 else ""
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
    x = alt.X("rl:Q", scale=log, title="Relative likelihood (log scale)", axis=_rl_axis(alt, low, high))
    points_data = alt.Data(name="points")
    bars = alt.Chart(points_data).mark_rule(strokeWidth=2, color="#0b0c0c").encode(y=y, x=alt.X("low:Q", scale=log), x2="high:Q")
    words = [a[0] for a in ASSESSMENT.values()]
    points = alt.Chart(points_data).mark_point(size=110, filled=True, stroke="#0b0c0c", strokeWidth=0.8).encode(
        y=y, x=x,
        color=alt.Color("assessment:N", scale=alt.Scale(domain=words, range=[a[1] for a in ASSESSMENT.values()]), legend=alt.Legend(title=None, orient="bottom")),
        shape=alt.Shape("assessment:N", scale=alt.Scale(domain=words, range=[a[2] for a in ASSESSMENT.values()]), legend=alt.Legend(title=None, orient="bottom")),
    )
    labels = alt.Chart(points_data).mark_text(dy=-12, fontSize=12, color="#0b0c0c").encode(y=y, x=x, text="text:N")
    axis_rows = alt.Chart(alt.Data(name="rows")).mark_tick(opacity=0).encode(y=y)
    chart = (_range_layer(alt, low, high) + axis_rows + bars + points + labels).properties(width=520, height=60)
    return json.dumps(_config(chart).to_dict(validate=False))


def forest(report: Report, name: str, title: str, results: list[tuple[str, Result]], subject: str) -> Chart:
    """Relative likelihood and its 95% CI for each row that has one, against the shaded non-adverse range (log scale)."""
    low, high = report.range
    shown = [(label, r) for label, r in results if drawable(r)]
    note = left_out_note([(label, _why_not(r)) for label, r in results if not drawable(r)], len(shown))
    order = [label for label, _ in shown]
    spec = json.loads(_forest_template(low, high))
    spec["datasets"] = {"points": _point_rows(shown), "rows": [{"label": label} for label in order]}
    spec["height"] = max(40, 34 * len(order))
    spec.pop("title", None)  # the figure's caption is its one visible title
    for layer in spec["layer"]:
        if "y" in layer.get("encoding", {}) and layer["encoding"]["y"].get("field") == "label":
            layer["encoding"]["y"]["sort"] = order
    alt_text = (
        f"Relative likelihood of minority ethnic {subject} compared with white {subject}, with 95% confidence "
        f"intervals, against the non-adverse range {fmt(low)} to {fmt(high)} (shaded). "
        + " ".join(f"{label}: {_status(r)}." for label, r in shown)
    )
    table = [[label, fmt(r.relative_likelihood), ci_text(r.ci95) if r.ci95 else "–", ASSESSMENT[r.assessment][0]]  # type: ignore[arg-type]
             for label, r in shown]
    return Chart(name, title, alt_text, ["", "Relative likelihood", "95% CI", "Assessment"], table, spec, note)


def metric_chart(report: Report, metric_id: str) -> Chart:
    """One metric: adults and children side by side (and both together); for M1, every band."""
    m = next(x for x in report.metrics if x.id == metric_id)
    results = report.results(metric_id)
    if m.kind == "pay_band":
        rows = [(f"{r.band} — {SERVICE_NAMES[r.service].lower()}", r) for r in results]
    else:
        rows = [(SERVICE_NAMES[r.service], r) for r in results]
    by = "pay band and service" if m.kind == "pay_band" else "service"
    # the section's heading names the metric; the caption says what the picture shows
    return forest(report, f"rl-{metric_id}", f"{metric_id}: relative likelihood with its 95% CI, by {by}", rows, m.subject)


def summary_chart(report: Report) -> Chart:
    """Every metric for both services together (M1: the top band), as one picture of the year."""
    rows = []
    for m in report.metrics:
        results = [r for r in report.results(m.id) if r.service == "all"]
        if m.kind == "pay_band" and results:
            results = results[-1:]
        rows += [(f"{m.id} {m.title}" + (f" ({r.band})" if r.band else ""), r) for r in results]
    return forest(report, "rl-summary", "Relative likelihood with its 95% CI, each metric, both services together", rows, "staff")


def pay_band_chart(report: Report) -> Chart:
    """Share of minority ethnic and of white staff in each pay band (both services)."""
    import altair as alt

    results = [r for r in report.results("M1") if r.service == "all"]
    rows, left_out = [], []
    for r in results:
        for group, f in (("Minority ethnic staff", r.minority_ethnic), ("White staff", r.white)):
            if f.rate is None:
                left_out.append((f"{group.lower()} in the '{r.band}' band", "withheld" if r.suppressed else "none"))
                continue
            rows.append({"band": r.band, "group": group, "share": f.rate, "text": pct(f.rate)})
    bands = [r.band for r in results]
    data = alt.Data(values=rows)
    x = alt.X("band:N", sort=bands, title="Pay band (full-time equivalent salary)", axis=alt.Axis(labelAngle=0), scale=alt.Scale(domain=bands))
    bars = alt.Chart(data).mark_bar(stroke="#0b0c0c", strokeWidth=0.6).encode(
        x=x, xOffset=alt.XOffset("group:N"), y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="Share of the group"),
        color=alt.Color("group:N", scale=alt.Scale(domain=["Minority ethnic staff", "White staff"], range=[ORANGE, BLUE]), legend=alt.Legend(title=None, orient="bottom")),
    )
    text = alt.Chart(data).mark_text(dy=-8, fontSize=11, color="#0b0c0c").encode(x=x, xOffset=alt.XOffset("group:N"), y=alt.Y("share:Q"), text="text:N")
    chart = (bars + text).properties(width=520, height=240)
    table = [[row["band"], row["group"], row["text"]] for row in rows]
    alt_text = "Share of minority ethnic staff and of white staff in each pay band, both services together. " + " ".join(
        f"{row['band']}, {row['group'].lower()}: {row['text']}." for row in rows)
    note = left_out_note(left_out, len(rows))
    return Chart("pay-bands", "M1 Pay bands: where each group sits, both services", alt_text, ["Pay band", "Group", "Share of the group"], table,
                 _config(chart).to_dict(validate=False), note)


def trend_chart(report: Report, metric_id: str) -> Chart:
    """The relative likelihood year by year, for each service (M1: the top band)."""
    import altair as alt

    m = next(x for x in report.metrics if x.id == metric_id)
    low, high = report.range
    rows, table, left_out = [], [], []
    for i in range(len(report.years)):
        year = report.year_label(i)
        results = report.results(metric_id, i)
        if m.kind == "pay_band":
            top = results[-1].band if results else None
            results = [r for r in results if r.band == top]
        for r in results:
            if not drawable(r):
                left_out.append((f"{year}, {SERVICE_NAMES[r.service].lower()}", _why_not(r)))
                continue
            table.append([year, SERVICE_NAMES[r.service], fmt(r.relative_likelihood), ci_text(r.ci95) if r.ci95 else "–",  # type: ignore[arg-type]
                          ASSESSMENT[r.assessment][0]])
            rows.append({"year": year, "service": SERVICE_NAMES[r.service], "rl": r.relative_likelihood, "text": fmt(r.relative_likelihood)})  # type: ignore[arg-type]
    years = [report.year_label(i) for i in range(len(report.years))]
    services = list(SERVICE_NAMES.values())
    y = alt.Y("rl:Q", scale=alt.Scale(type="log", domain=list(DOMAIN), clamp=True), title="Relative likelihood (log scale)", axis=_rl_axis(alt, low, high))
    x = alt.X("year:N", sort=years, title="Reporting year", axis=alt.Axis(labelAngle=0), scale=alt.Scale(domain=years))
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
    chart = (band + lines + points + labels).properties(width=520, height=240)
    alt_text = f"Relative likelihood year by year, against the non-adverse range {fmt(low)} to {fmt(high)} (shaded). " + " ".join(
        f"{t[0]}, {t[1].lower()}: {t[2]} (95% CI {t[3]}), {t[4]}." for t in table)
    return Chart(f"trend-{metric_id}", title, alt_text, ["Year", "Service", "Relative likelihood", "95% CI", "Assessment"], table,
                 _config(chart).to_dict(validate=False), left_out_note(left_out, len(rows)), data_elsewhere=False)


def all_charts(report: Report) -> list[Chart]:
    charts = [summary_chart(report), pay_band_chart(report)]
    charts += [metric_chart(report, m.id) for m in report.metrics]
    if len(report.years) > 1:
        charts += [trend_chart(report, m.id) for m in report.metrics]
    return charts
