"""Charts for the report (altair, rendered offline to SVG and PNG by vl-convert).

Every chart comes with a text alternative and the table of its data. A row without a figure to draw (withheld,
or no relative likelihood) is left out of the picture and its data, and the chart's note says so once; a chart
with nothing left to draw is replaced by a sentence. The title is the figure's caption, not drawn in the image. Colours are from the Okabe–Ito
palette (readable with the common colour-vision deficiencies), and nothing relies on colour alone: each
point has a shape for its assessment and a label with its value, and each service is named on its axis.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from wres.document import Result
from wres.report import Report
from wres.standards import Standard, Statistic
from wres.stats import ci_text, fmt, pct

# Okabe–Ito
ORANGE, SKY, GREEN, BLUE, VERMILION, GREY = "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#6b6b6b"
NOT_ASSESSED = "not assessed"
DOMAIN = (0.1, 10.0)
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"  # as altair writes it (a specification written out by hand says it too)


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

        return png_of(svg) if svg else vlc.vegalite_to_png(self.spec, scale=2)


def png_of(svg: str) -> bytes:
    """A drawn chart's SVG as a PNG at twice the size: rasterised, with no layout and no JavaScript engine."""
    import vl_convert as vlc

    return vlc.svg_to_png(svg, scale=2)


def styles(standard: Standard, statistic: Statistic = "relative_likelihood") -> dict[str | None, tuple[str, str, str]]:
    """Each assessment as a chart draws it: its words (the standard's), colour and shape; None, not assessed."""
    words = list(standard.assessment_words(statistic).items())
    return {
        words[0][0]: (words[0][1], VERMILION, "triangle-up"),
        words[1][0]: (words[1][1], BLUE, "circle"),
        words[2][0]: (words[2][1], GREEN, "square"),
        None: (NOT_ASSESSED, GREY, "diamond"),
    }


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
    """Why a row is not drawn: withheld (by disclosure control), zero, or no figure (the engine's status says)."""
    if r.status.startswith("withheld"):
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


def _whole_bands(left_out: list[tuple[str, str]], parts: int) -> list[tuple[str, str]]:
    """A banded metric's rows ("under 30k — adult social care"): a band left out for every part of the
    breakdown, for one reason, is named once ("the 'under 30k' band (every service)")."""
    bands: dict[tuple[str, str], list[str]] = {}
    for label, why in left_out:
        if " — " in label:
            bands.setdefault((label.split(" — ")[0], why), []).append(label)
    out = []
    for label, why in left_out:
        band = label.split(" — ")[0]
        whole = " — " in label and len(bands[(band, why)]) == parts
        if not whole:
            out.append((label, why))
        elif label == bands[(band, why)][0]:
            out.append((f"the '{band}' band (every service)", why))
    return out


def left_out_note(left_out: list[tuple[str, str]], drawn: int, report: Report | None = None) -> str:
    """One note for the rows not drawn, grouped by why: "Adult social care and children's social care are not
    shown: their figures are withheld to protect small numbers." With nothing drawn, the sentence that stands
    in for the chart."""
    labels = {report.part_label(p.id) for p in report.parts} if report else set()
    by_why: dict[str, list[str]] = {}
    for label, why in _whole_bands(left_out, len(labels)):
        by_why.setdefault(why, []).append(label.lower() if label in labels else label)
    if not drawn and len(by_why) == 1:
        return f"There is no chart: {_WHY[next(iter(by_why))][2]}."
    if not drawn:  # for several reasons, which the text above the chart gives row by row
        return "There is no chart: no row has a relative likelihood that can be shown (the text above says why for each)."
    sentences = []
    for why, labels in by_why.items():
        text, one = _and(labels), len(labels) == 1
        sentences.append(f"{text[0].upper()}{text[1:]} {'is' if one else 'are'} not shown: {_WHY[why][0 if one else 1]}.")
    return " ".join(sentences)


def _point_rows(results: list[tuple[str, Result]], style: dict[str | None, tuple[str, str, str]]) -> list[dict[str, Any]]:
    rows = []
    for label, r in results:
        if not drawable(r):
            continue
        words = style[r.assessment][0]
        rows.append({
            "label": label, "rl": r.relative_likelihood, "low": r.ci95[0] if r.ci95 else None, "high": r.ci95[1] if r.ci95 else None,
            "text": fmt(r.relative_likelihood), "assessment": words,  # type: ignore[arg-type]
        })
    return rows


def _status(r: Result, style: dict[str | None, tuple[str, str, str]]) -> str:
    if r.relative_likelihood is not None:
        ci = f" (95% CI {ci_text(r.ci95)})" if r.ci95 else ""
        return f"{fmt(r.relative_likelihood)}{ci}, {style[r.assessment][0]}"
    if r.status.startswith("withheld"):
        return "withheld to protect small numbers"
    return "not available: " + (r.reason or "no figure")


@lru_cache(maxsize=4)
def _forest_template(low: float, high: float, style: tuple[tuple[str, str, str], ...]) -> str:
    """The forest plot's specification with named, empty datasets: composed once (altair's layering is
    slow), then filled per metric."""
    import altair as alt

    log = alt.Scale(type="log", domain=list(DOMAIN), clamp=True)
    y = alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=360))
    x = alt.X("rl:Q", scale=log, title="Relative likelihood (log scale)", axis=_rl_axis(alt, low, high))
    points_data = alt.Data(name="points")
    bars = alt.Chart(points_data).mark_rule(strokeWidth=2, color="#0b0c0c").encode(y=y, x=alt.X("low:Q", scale=log), x2="high:Q")
    words = [a[0] for a in style]
    points = alt.Chart(points_data).mark_point(size=110, filled=True, stroke="#0b0c0c", strokeWidth=0.8).encode(
        y=y, x=x,
        color=alt.Color("assessment:N", scale=alt.Scale(domain=words, range=[a[1] for a in style]), legend=alt.Legend(title=None, orient="bottom")),
        shape=alt.Shape("assessment:N", scale=alt.Scale(domain=words, range=[a[2] for a in style]), legend=alt.Legend(title=None, orient="bottom")),
    )
    labels = alt.Chart(points_data).mark_text(dy=-12, fontSize=12, color="#0b0c0c").encode(y=y, x=x, text="text:N")
    axis_rows = alt.Chart(alt.Data(name="rows")).mark_tick(opacity=0).encode(y=y)
    chart = (_range_layer(alt, low, high) + axis_rows + bars + points + labels).properties(width=520, height=60)
    return json.dumps(_config(chart).to_dict(validate=False))


def orientation_words(report: Report, r: Result, subject: str = "staff") -> str:
    """Whose rate is divided by whose, in words: "minority ethnic staff compared with white staff"."""
    groups = {g.id: g for g in report.standard.groups}
    num, den = (groups[g] for g in (r.orientation or report.standard.group_ids[:2]))
    return f"{num.words} {subject} compared with {den.words} {subject}"


def forest(report: Report, name: str, title: str, results: list[tuple[str, Result]], subject: str) -> Chart:
    """Relative likelihood and its 95% CI for each row that has one, against the shaded non-adverse range (log scale)."""
    low, high = report.range
    style = styles(report.standard)
    shown = [(label, r) for label, r in results if drawable(r)]
    note = left_out_note([(label, _why_not(r)) for label, r in results if not drawable(r)], len(shown), report)
    order = [label for label, _ in shown]
    spec = json.loads(_forest_template(low, high, tuple(style.values())))
    spec["datasets"] = {"points": _point_rows(shown, style), "rows": [{"label": label} for label in order]}
    spec["height"] = max(40, 34 * len(order))
    spec.pop("title", None)  # the figure's caption is its one visible title
    for layer in spec["layer"]:
        if "y" in layer.get("encoding", {}) and layer["encoding"]["y"].get("field") == "label":
            layer["encoding"]["y"]["sort"] = order
    # one orientation for every row (SC-WRES), or each row's own said with its label (NHS WRES)
    orientations = {r.orientation for _, r in results}
    whose = orientation_words(report, results[0][1], subject) if results and len(orientations) == 1 else "one group compared with the other, as each row says"
    alt_text = (
        f"Relative likelihood of {whose}, with 95% confidence "
        f"intervals, against the non-adverse range {fmt(low)} to {fmt(high)} (shaded). "
        + " ".join(f"{label}: {_status(r, style)}." for label, r in shown)
    )
    table = [[label, fmt(r.relative_likelihood), ci_text(r.ci95) if r.ci95 else "–", style[r.assessment][0]]  # type: ignore[arg-type]
             for label, r in shown]
    return Chart(name, title, alt_text, ["", "Relative likelihood", "95% CI", "Assessment"], table, spec, note)


def metric_chart(report: Report, metric_id: str) -> Chart:
    """One relative-likelihood metric: each part of the breakdown side by side (and all together); for a
    banded metric, every band."""
    m = report.standard.metric(metric_id)
    results = report.results(metric_id)
    banded = any(r.band for r in results)
    if banded:
        rows = [(f"{r.band} — {report.part_label(r.service).lower()}", r) for r in results]
    else:
        rows = [(report.part_label(r.service), r) for r in results]
    by = report.standard.word("breakdown_heading").lower()
    by = f"pay band and {by}" if banded else by
    # the section's heading names the metric; the caption says what the picture shows
    return forest(report, f"rl-{metric_id}", f"{m.short}: relative likelihood with its 95% CI, by {by}", rows, m.subject)


def summary_chart(report: Report) -> Chart:
    """Every relative-likelihood metric for the whole organisation (a banded one: its assessed band), as one
    picture of the year."""
    total = report.standard.breakdown.total.id
    rows = []
    for m in report.metrics:
        if m.statistic == "relative_likelihood":
            rows += [(f"{m.short} {m.title}" + (f" ({r.band})" if r.band else ""), r) for r in report.headline(m) if r.service == total]
    return forest(report, "rl-summary", "Relative likelihood with its 95% CI, each metric, " + report.standard.word("together"), rows, "staff")


def pay_band_chart(report: Report, metric_id: str) -> Chart:
    """Share of the focus group's and of the reference group's staff in each pay band (the whole organisation)."""
    import altair as alt

    st = report.standard
    m = st.metric(metric_id)
    results = [r for r in report.results(metric_id) if r.service == st.breakdown.total.id]
    names = [f"{g.label} staff" for g in st.groups[:2]]
    rows, left_out = [], []
    for r in results:
        for group, f in zip(names, (r.focus, r.reference)):
            if f.rate is None:
                left_out.append((f"{group.lower()} in the '{r.band}' band", "withheld" if r.status.startswith("withheld") or r.suppressed else "none"))
                continue
            rows.append({"band": r.band, "group": group, "share": f.rate, "text": pct(f.rate)})
    bands = [r.band for r in results]
    data = alt.Data(values=rows)
    band_title = "Pay band (full-time equivalent salary)" if st.bands_from == "salary" else "Pay band"
    x = alt.X("band:N", sort=bands, title=band_title, axis=alt.Axis(labelAngle=0), scale=alt.Scale(domain=bands))
    bars = alt.Chart(data).mark_bar(stroke="#0b0c0c", strokeWidth=0.6).encode(
        x=x, xOffset=alt.XOffset("group:N"), y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="Share of the group"),
        color=alt.Color("group:N", scale=alt.Scale(domain=names, range=[ORANGE, BLUE]), legend=alt.Legend(title=None, orient="bottom")),
    )
    text = alt.Chart(data).mark_text(dy=-8, fontSize=11, color="#0b0c0c").encode(x=x, xOffset=alt.XOffset("group:N"), y=alt.Y("share:Q"), text="text:N")
    chart = (bars + text).properties(width=520, height=240)
    table = [[row["band"], row["group"], row["text"]] for row in rows]
    whole = st.word("together")
    alt_text = f"Share of {names[0].lower()} and of {names[1].lower()} in each pay band, {whole}. " + " ".join(
        f"{row['band']}, {row['group'].lower()}: {row['text']}." for row in rows)
    note = left_out_note(left_out, len(rows), report)
    return Chart("pay-bands", f"{m.short} {m.title}: where each group sits, {whole}", alt_text, ["Pay band", "Group", "Share of the group"], table,
                 _config(chart).to_dict(validate=False), note)


def points(x: float) -> str:
    """A difference of proportions in percentage points, signed: "+6.2", "−1.0"."""
    v = round(x * 100, 1)
    return ("+" if v > 0 else "−" if v < 0 else "") + f"{abs(v):.1f}"


def difference_text(r: Result) -> str:
    """A difference with its interval, in words: "+6.2 points (95% CI 1.1 to 11.3)"."""
    if r.difference is None:
        return ""
    ci = f" (95% CI {points(r.difference_ci95[0])} to {points(r.difference_ci95[1])})" if r.difference_ci95 else ""
    return f"{points(r.difference)} points{ci}"


def difference_chart(report: Report, name: str, title: str, results: list[tuple[str, Result]]) -> Chart:
    """Percentages side by side: the focus group's percentage minus the reference group's, in points, with its
    95% CI, against no difference (0). The table gives both percentages."""
    import altair as alt

    st = report.standard
    style = styles(st, "percentages")
    focus, ref = st.focus, st.reference
    shown = [(label, r) for label, r in results if r.difference is not None]
    note = left_out_note([(label, _why_not(r)) for label, r in results if r.difference is None], len(shown), report)
    note = note.replace("relative likelihood", "difference").replace("a log scale cannot show", "")
    rows = [{"label": label, "d": r.difference * 100, "low": r.difference_ci95[0] * 100 if r.difference_ci95 else None,  # type: ignore[operator]
             "high": r.difference_ci95[1] * 100 if r.difference_ci95 else None, "text": points(r.difference),  # type: ignore[arg-type]
             "assessment": style[r.assessment][0]} for label, r in shown]
    order = [row["label"] for row in rows]
    values = [v for row in rows for v in (row["d"], row["low"], row["high"]) if v is not None]
    reach = max([10.0, *(abs(v) for v in values)])
    scale = alt.Scale(domain=[-reach, reach], nice=True)
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=360))
    x = alt.X("d:Q", scale=scale, title=f"{focus.label} % minus {ref.label.lower()} % (percentage points)")
    data = alt.Data(values=rows)
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color="#505a5f", strokeDash=[4, 3]).encode(x=alt.X("zero:Q", scale=scale))
    bars = alt.Chart(data).mark_rule(strokeWidth=2, color="#0b0c0c").encode(y=y, x=alt.X("low:Q", scale=scale), x2="high:Q")
    words = [a[0] for a in style.values()]
    dots = alt.Chart(data).mark_point(size=110, filled=True, stroke="#0b0c0c", strokeWidth=0.8).encode(
        y=y, x=x,
        color=alt.Color("assessment:N", scale=alt.Scale(domain=words, range=[a[1] for a in style.values()]), legend=alt.Legend(title=None, orient="bottom")),
        shape=alt.Shape("assessment:N", scale=alt.Scale(domain=words, range=[a[2] for a in style.values()]), legend=alt.Legend(title=None, orient="bottom")),
    )
    labels = alt.Chart(data).mark_text(dy=-12, fontSize=12, color="#0b0c0c").encode(y=y, x=x, text="text:N")
    chart = (zero + bars + dots + labels).properties(width=520, height=max(40, 34 * len(rows)))
    pcts = lambda r: f"{focus.label} {pct(r.focus.rate)}, {ref.words} {pct(r.reference.rate)}" if r.focus.rate is not None and r.reference.rate is not None else ""  # noqa: E731
    table = [[label, pcts(r), difference_text(r), style[r.assessment][0]] for label, r in shown]
    alt_text = (f"Difference between the percentage of {focus.words} staff and of {ref.words} staff, in percentage points, "
                "with 95% confidence intervals, against no difference (0). "
                + " ".join(f"{t[0]}: {t[1]}; {t[2]}, {t[3]}." for t in table))
    return Chart(name, title, alt_text, ["", "Percentages", "Difference (95% CI)", "Assessment"], table,
                 _config(chart).to_dict(validate=False), note)


def shares_chart(report: Report, metric_id: str) -> Chart:
    """Representation: the focus group's share of each band beside its share of the workforce. With one part
    (the board), bars and a dashed line at the workforce share; broken down (NHS WRES indicator 1: clinical,
    non-clinical, the whole trust), a bar per part in each band, each with a tick at its part's workforce share."""
    import altair as alt

    st = report.standard
    m = st.metric(metric_id)
    focus = st.focus
    results = report.results(metric_id)
    parts = [p for p in report.parts if any(r.service == p.id for r in results)]
    several = len(parts) > 1
    label = lambda r: f"{r.band or r.label} — {report.part_label(r.service).lower()}" if several else f"'{r.band or r.label}'"  # noqa: E731
    share = lambda d, r: (d or {}).get(focus.id)  # noqa: E731
    shown = [r for r in results if share(r.shares, r) is not None]
    left_out = [(label(r), _why_not(r)) for r in results if r not in shown]
    rows = [{"band": r.band or r.label, "part": report.part_label(r.service), "share": share(r.shares, r), "text": pct(share(r.shares, r)),  # type: ignore[arg-type]
             "workforce": share(r.workforce_shares, r),
             "workforce_text": pct(share(r.workforce_shares, r)) if share(r.workforce_shares, r) is not None else "–"} for r in shown]  # type: ignore[arg-type]
    bands = list(dict.fromkeys(r.band or r.label for r in results))
    names = [p.label for p in parts]
    width = max(300, min(900, (24 * len(parts) + 16) * len(bands)))
    top = min(1.0, math.ceil(max([0.4, *(v for row in rows for v in (row["share"], row["workforce"]) if v is not None)]) * 10 + 0.5) / 10)
    x = alt.X("band:N", sort=bands, title=None, axis=alt.Axis(labelAngle=-40 if len(bands) > 6 else 0), scale=alt.Scale(domain=bands))
    y = alt.Y("share:Q", axis=alt.Axis(format="%"), title=f"{focus.label} share", scale=alt.Scale(domain=[0, top]))
    data = alt.Data(values=rows)
    whole = st.breakdown.total.label.lower()
    if several:
        offset = alt.XOffset("part:N", sort=names, scale=alt.Scale(domain=names))
        colour = alt.Color("part:N", sort=names, scale=alt.Scale(domain=names, range=[ORANGE, SKY, "#0b0c0c"][-len(names):]),
                           legend=alt.Legend(title=None, orient="bottom"))
        bars = alt.Chart(data).mark_bar(stroke="#0b0c0c", strokeWidth=0.6).encode(x=x, xOffset=offset, y=y, color=colour)
        ticks = alt.Chart(data).mark_tick(color=VERMILION, thickness=2.5).encode(x=x, xOffset=offset, y=alt.Y("workforce:Q", scale=alt.Scale(domain=[0, top])))
        layers = bars + ticks
        wf = f" Each bar's red tick is the {focus.words} share of that {st.word('breakdown_heading').lower()}'s whole workforce."
        caption = f"{m.short} {m.title}: {focus.label} share of each band and of the workforce, by {st.word('breakdown_heading').lower()}"
    else:
        workforce = next((row["workforce"] for row in rows if row["workforce"] is not None), None)
        bars = alt.Chart(data).mark_bar(color=ORANGE, stroke="#0b0c0c", strokeWidth=0.6).encode(x=x, y=y)
        text = alt.Chart(data).mark_text(dy=-8, fontSize=11, color="#0b0c0c").encode(x=x, y=y, text="text:N")
        layers = bars + text
        if workforce is not None:
            line = alt.Chart(alt.Data(values=[{"share": workforce, "text": f"workforce {pct(workforce)}"}]))
            layers = layers + line.mark_rule(color="#0b0c0c", strokeDash=[6, 3], strokeWidth=1.5).encode(y="share:Q") \
                + line.mark_text(align="right", dy=-6, fontSize=11, color="#0b0c0c").encode(y="share:Q", x=alt.value(width), text="text:N")
        wf = f" The {focus.words} share of the whole workforce is {pct(workforce)} (dashed line)." if workforce is not None else ""
        caption = f"{m.short} {m.title}: {focus.label} share beside the workforce ({whole})"
    chart = layers.properties(width=width, height=240)
    alt_text = (f"{focus.label} share of each {'band' if m.kind == 'pay_band' else 'group'}.{wf} "
                + " ".join(f"{row['band']}{', ' + row['part'].lower() if several else ''}: {row['text']} (workforce {row['workforce_text']})."
                           for row in rows))
    table = [[row["band"], *([row["part"]] if several else []), row["text"], row["workforce_text"]] for row in rows]
    note = left_out_note(left_out, len(rows), report).replace("relative likelihood", "share").replace(", which a log scale cannot show", "")
    if several and left_out and rows:  # bands × parts: one line, the table below marks each bar left out
        note = ("A bar is left out where its share is withheld to protect small numbers ([c] in the table below) "
                "or cannot be given (– in the table).")
    return Chart(f"shares-{metric_id}", caption, alt_text,
                 ["", *([st.word("breakdown_heading")] if several else []), f"{focus.label} share", f"{focus.label} share of the workforce"],
                 table, _config(chart).to_dict(validate=False), note)


@lru_cache(maxsize=8)
def _trend_template(low: float, high: float, years: tuple[str, ...], services: tuple[str, ...]) -> str:
    """The trend chart's specification with its data named "trend" and empty: composed once per set of years
    and services (altair's layering is slow: about 0.2 s a chart), then filled per metric."""
    import altair as alt

    y = alt.Y("rl:Q", scale=alt.Scale(type="log", domain=list(DOMAIN), clamp=True), title="Relative likelihood (log scale)", axis=_rl_axis(alt, low, high))
    x = alt.X("year:N", sort=list(years), title="Reporting year", axis=alt.Axis(labelAngle=0), scale=alt.Scale(domain=list(years)))
    band = alt.Chart(alt.Data(values=[{"low": low, "high": high}])).mark_rect(color="#dfe9f2").encode(y=alt.Y("low:Q", scale=alt.Scale(type="log", domain=list(DOMAIN), clamp=True)), y2="high:Q")
    enc = {"x": x, "y": y,
           "color": alt.Color("service:N", scale=alt.Scale(domain=list(services), range=[ORANGE, SKY, "#0b0c0c"][-len(services):]), legend=alt.Legend(title=None, orient="bottom")),
           "shape": alt.Shape("service:N", scale=alt.Scale(domain=list(services), range=["triangle-up", "square", "circle"][-len(services):]), legend=alt.Legend(title=None, orient="bottom")),
           "strokeDash": alt.StrokeDash("service:N", scale=alt.Scale(domain=list(services), range=[[6, 3], [2, 2], [1, 0]][-len(services):]), legend=None)}
    data = alt.Data(name="trend")
    lines = alt.Chart(data).mark_line(point=False, strokeWidth=2).encode(**enc)
    points = alt.Chart(data).mark_point(size=80, filled=True).encode(**{k: v for k, v in enc.items() if k != "strokeDash"})
    labels = alt.Chart(data).mark_text(dx=14, fontSize=11, color="#0b0c0c").encode(x=x, y=y, text="text:N")
    chart = (band + lines + points + labels).properties(width=520, height=240)
    return json.dumps(_config(chart).to_dict(validate=False))


def trend_chart(report: Report, metric_id: str) -> Chart:
    """The relative likelihood year by year, for each service (M1: the top band)."""
    m = report.standard.metric(metric_id)
    style = styles(report.standard)
    low, high = report.range
    rows, table, left_out = [], [], []
    for i in range(len(report.years)):
        year = report.year_label(i)
        for r in report.headline(m, i):
            if not drawable(r):
                left_out.append((f"{year}, {report.part_label(r.service).lower()}", _why_not(r)))
                continue
            table.append([year, report.part_label(r.service), fmt(r.relative_likelihood), ci_text(r.ci95) if r.ci95 else "–",  # type: ignore[arg-type]
                          style[r.assessment][0]])
            rows.append({"year": year, "service": report.part_label(r.service), "rl": r.relative_likelihood, "text": fmt(r.relative_likelihood)})  # type: ignore[arg-type]
    years = [report.year_label(i) for i in range(len(report.years))]
    services = [report.part_label(p.id) for p in report.parts if p.id in {r.service for r in report.results(metric_id)}]
    spec = json.loads(_trend_template(low, high, tuple(years), tuple(services)))
    spec.setdefault("datasets", {})["trend"] = rows
    band = next((r.band for i in range(len(report.years)) for r in report.headline(m, i) if r.band), None)
    title = f"{m.short} {m.title}{f' ({band})' if band else ''}: relative likelihood by year"  # a metric of bands: its assessed band
    alt_text = f"Relative likelihood year by year, against the non-adverse range {fmt(low)} to {fmt(high)} (shaded). " + " ".join(
        f"{t[0]}, {t[1].lower()}: {t[2]} (95% CI {t[3]}), {t[4]}." for t in table)
    return Chart(f"trend-{metric_id}", title, alt_text, ["Year", "Service", "Relative likelihood", "95% CI", "Assessment"], table,
                 spec, left_out_note(left_out, len(rows), report), data_elsewhere=False)


def difference_trend_chart(report: Report, metric_id: str) -> Chart:
    """A percentages metric year by year: the difference in points with its 95% CI, against no difference."""
    import altair as alt

    st = report.standard
    m = st.metric(metric_id)
    style = styles(st, "percentages")
    rows, table, left_out = [], [], []
    years = [report.year_label(i) for i in range(len(report.years))]
    for i, year in enumerate(years):
        for r in report.headline(m, i):
            if r.difference is None:
                left_out.append((f"{year}, {report.part_label(r.service).lower()}", _why_not(r)))
                continue
            ci = r.difference_ci95
            table.append([year, report.part_label(r.service), points(r.difference), f"{points(ci[0])} to {points(ci[1])}" if ci else "–",
                          style[r.assessment][0]])
            rows.append({"year": year, "d": r.difference * 100, "low": ci[0] * 100 if ci else None, "high": ci[1] * 100 if ci else None,
                         "text": points(r.difference)})
    values = [v for row in rows for v in (row["d"], row["low"], row["high"]) if v is not None]
    reach = max([10.0, *(abs(v) for v in values)])
    scale = alt.Scale(domain=[-reach, reach], nice=True)
    x = alt.X("year:N", sort=years, title="Reporting year", axis=alt.Axis(labelAngle=0), scale=alt.Scale(domain=years))
    y = alt.Y("d:Q", scale=scale, title=f"{st.focus.label} % minus {st.reference.label.lower()} % (points)")
    data = alt.Data(values=rows)
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color="#505a5f", strokeDash=[4, 3]).encode(y=alt.Y("zero:Q", scale=scale))
    bars = alt.Chart(data).mark_rule(strokeWidth=2, color="#0b0c0c").encode(x=x, y=alt.Y("low:Q", scale=scale), y2="high:Q")
    line = alt.Chart(data).mark_line(strokeWidth=2, color=ORANGE, point=alt.OverlayMarkDef(size=80, filled=True, color=ORANGE)).encode(x=x, y=y)
    labels = alt.Chart(data).mark_text(dx=18, fontSize=11, color="#0b0c0c").encode(x=x, y=y, text="text:N")
    chart = (zero + bars + line + labels).properties(width=520, height=240)
    alt_text = (f"Difference between the {st.focus.words} and {st.reference.words} percentages, in percentage points, year by year, "
                "with 95% confidence intervals, against no difference (0). " + " ".join(f"{t[0]}: {t[2]} (95% CI {t[3]}), {t[4]}." for t in table))
    return Chart(f"trend-{metric_id}", f"{m.short} {m.title}: difference by year", alt_text,
                 ["Year", st.word("breakdown_heading"), "Difference (points)", "95% CI", "Assessment"], table,
                 _config(chart).to_dict(validate=False), left_out_note(left_out, len(rows), report), data_elsewhere=False)


def all_charts(report: Report) -> list[Chart]:
    """Every chart of the report, by each metric's statistic: relative likelihoods as forest plots (and a
    banded one's shares by band), percentages as their difference against 0, representation as shares."""
    st = report.standard
    total = st.breakdown.total.id
    by = {s: [m for m in st.metrics if m.statistic == s] for s in ("relative_likelihood", "percentages", "representation")}
    charts = []
    if by["relative_likelihood"]:
        charts.append(summary_chart(report))
    if by["percentages"]:
        rows = [(f"{m.short} {m.title}", r) for m in by["percentages"] for r in report.headline(m) if r.service == total]
        charts.append(difference_chart(report, "difference-summary", "Difference in percentage points with its 95% CI, each metric", rows))
    charts += [pay_band_chart(report, m.id) for m in by["relative_likelihood"] if m.kind == "pay_band"][:1]
    for m in st.metrics:
        if m.statistic == "relative_likelihood":
            charts.append(metric_chart(report, m.id))
        elif m.statistic == "percentages":
            rows = [(f"{r.band} — {report.part_label(r.service).lower()}" if r.band else report.part_label(r.service), r) for r in report.results(m.id)]
            charts.append(difference_chart(report, f"difference-{m.id}", f"{m.short}: difference in percentage points with its 95% CI", rows))
        else:
            charts.append(shares_chart(report, m.id))
    if len(report.years) > 1:  # each metric's headline figure year by year, in the standard's order
        trends = {"relative_likelihood": trend_chart, "percentages": difference_trend_chart}
        charts += [trends[m.statistic](report, m.id) for m in st.metrics if m.statistic in trends]
    return charts


FUNNEL_FLAGS = {  # a national funnel's flag as the chart draws it: words, colour, shape
    "above_99.8": ("above the 99.8% limit", VERMILION, "triangle-up"),
    "above_95": ("above the 95% limit", ORANGE, "triangle-up"),
    "within": ("within the 95% limits", BLUE, "circle"),
    "below_95": ("below the 95% limit", SKY, "triangle-down"),
    "below_99.8": ("below the 99.8% limit", GREEN, "triangle-down"),
}


def funnel_chart(name: str, title: str, funnel: dict[str, Any], curve_points: int = 60) -> Chart:
    """A national funnel plot (statistics.md §4): the 95% and 99.8% limits as curves over precision (1 / SE of
    ln RL), allowing for the funnel's τ², about the pooled national RL, and each authority as a point shaped
    and coloured by its flag. The words of what lies outside are the funnel's own sentence (decided in the engine)."""
    from wres.national import Z95, Z998

    rows = [a for a in funnel.get("authorities", []) if a.get("se_log")]
    if not rows:
        return Chart(name, title, funnel.get("sentence", ""), [], [], {}, funnel.get("sentence", ""), data_elsewhere=False)
    target, tau2 = funnel["target_rl"], funnel.get("tau2") or 0.0
    theta = math.log(target)
    precisions = [1 / a["se_log"] for a in rows]
    lo, hi = min(precisions) * 0.9, max(precisions) * 1.1
    curves = []
    for i in range(curve_points):
        p = lo + (hi - lo) * i / (curve_points - 1)
        spread = math.sqrt(1 / (p * p) + tau2)
        for limit, z, dash in (("95% limits", Z95, "95"), ("99.8% limits", Z998, "998")):
            for side, sign in (("lower", -1), ("upper", 1)):
                curves.append({"precision": p, "rl": math.exp(theta + sign * z * spread), "limit": limit, "line": f"{side}{dash}"})
    points = [{"precision": 1 / a["se_log"], "rl": a["rl"], "authority": a["authority"], "flag": FUNNEL_FLAGS[a["flag"]][0], "text": fmt(a["rl"])}
              for a in rows]
    every_rl = [c["rl"] for c in curves] + [a["rl"] for a in rows]
    domain = [min(every_rl) * 0.95, max(every_rl) * 1.05]
    # The Vega-Lite specification written out as altair's to_dict gives it (a test holds the two equal): a
    # national run draws a funnel per metric, and importing and building altair's objects cost seconds.
    x = {"field": "precision", "scale": {"zero": False}, "title": "Precision (1 / standard error of ln relative likelihood)", "type": "quantitative"}
    y = {"axis": {"format": ".2f"}, "field": "rl", "scale": {"domain": domain, "type": "log"}, "title": "Relative likelihood (log scale)",
         "type": "quantitative"}
    bottom = {"orient": "bottom", "title": None}
    flags = [f[0] for f in FUNNEL_FLAGS.values()]
    limits = {"data": {"values": curves}, "mark": {"type": "line", "color": GREY, "strokeWidth": 1.5}, "encoding": {
        "detail": {"field": "line", "type": "nominal"},
        "strokeDash": {"field": "limit", "legend": bottom, "scale": {"domain": ["95% limits", "99.8% limits"], "range": [[6, 3], [1, 0]]},
                       "type": "nominal"},
        "x": x, "y": y}}
    centre = {"data": {"values": [{"rl": target}]}, "mark": {"type": "rule", "color": "#0b0c0c", "strokeDash": [2, 2]},
              "encoding": {"y": {"field": "rl", "scale": {"domain": domain, "type": "log"}, "type": "quantitative"}}}
    dots = {"data": {"values": points}, "mark": {"type": "point", "filled": True, "opacity": 0.85, "size": 60}, "encoding": {
        "color": {"field": "flag", "legend": bottom, "scale": {"domain": flags, "range": [f[1] for f in FUNNEL_FLAGS.values()]}, "type": "nominal"},
        "shape": {"field": "flag", "legend": bottom, "scale": {"domain": flags, "range": [f[2] for f in FUNNEL_FLAGS.values()]}, "type": "nominal"},
        "tooltip": [{"field": f, "type": "nominal"} for f in ("authority", "text", "flag")],
        "x": x, "y": y}}
    spec = {"config": {"view": {"continuousWidth": 300, "continuousHeight": 300, "stroke": None},
                       "axis": {"labelColor": "#0b0c0c", "labelFontSize": 12, "titleColor": "#0b0c0c", "titleFontSize": 12}, "font": FONT},
            "layer": [limits, centre, dots], "height": 300, "width": 520, "$schema": VEGA_LITE_SCHEMA}
    table = [[a["authority"], fmt(a["rl"]), f"{fmt(a['lower95'])} to {fmt(a['upper95'])}", f"{fmt(a['lower998'])} to {fmt(a['upper998'])}",
              FUNNEL_FLAGS[a["flag"]][0]] for a in rows]
    alt_text = (f"Funnel plot: each point is an organisation's relative likelihood against its precision, about the pooled "
                f"relative likelihood {fmt(target)} (dotted line), with the 95% and 99.8% limits as curves. {funnel.get('sentence', '')}")
    return Chart(name, title, alt_text, ["Organisation", "Relative likelihood", "95% limits", "99.8% limits", "Position"], table,
                 spec, funnel.get("reason") or "", data_elsewhere=False)
