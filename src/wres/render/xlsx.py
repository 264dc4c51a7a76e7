"""The report as one Excel workbook, with native Excel charts (xlsxwriter).

Sheets, in order: Summary (who the authority is, then every result of the year reported on), one sheet
per metric (its counts table, the sentences, a chart of the relative likelihood with its 95% interval
against the non-adverse range), Counts (every count as published), Method (the definitions and rules in
plain English) and, when earlier years are given, Trend (the relative likelihood of each metric, year by
year, with a line chart).

What a reader can rely on:

- Figures are numbers, not text: counts as whole numbers, rates with a percentage format, relative
  likelihoods and intervals with a two-decimal format over the unrounded value.
- A figure withheld by disclosure control is the text "[c]" (never a number, never blank), and each sheet
  that can hold one says what it means. A figure that does not exist (the metric was not submitted, or the
  relative likelihood cannot be calculated) is "–", and the sentence says why.
- Input text (the authority's name, its people, pay band labels) is written as text, never as a formula,
  link or number, whatever it starts with: the workbook is opened with strings_to_formulas,
  strings_to_urls and strings_to_numbers off and every text goes through write_string.
- Charts plot a separate, labelled block of chart data in which a missing figure is a blank cell (Excel
  would draw "[c]" as 0); their categories say "[c]" or "–" where a point is missing.
- An internal report carries "OFFICIAL-SENSITIVE — not for publication" in bold red in row 1 of every
  sheet and in the printed page header.

Like every renderer it reads a Report and never computes a figure: the only arithmetic here is the
length of the error bars (interval end minus relative likelihood), which Excel needs in that form.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_range_abs
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from wres import __version__, dates
from wres.document import INTERNAL_MARKING, Figures, Result
from wres.render import evidence
from wres.report import Report
from wres.standards import MetricDef
from wres.stats import PERCENT_RULE, fmt

if TYPE_CHECKING:
    from wres.render.report_set import Files

OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
WITHHELD = "[c]"
NOT_APPLICABLE = "–"
TOTAL = "total"  # the three groups together, as the document names them
_SHEET_FORBIDDEN = set("[]:*?/\\")
_MAX_SHEET_NAME = 31
_RED = "#C00000"  # dark red: reads as red, and has enough contrast on white for normal-size text

Value = int | float | str | None  # a figure, or WITHHELD / NOT_APPLICABLE


# --- figures as the workbook shows them ---------------------------------------------------------------

def _count(r: Result, value: int | None) -> Value:
    if value is not None:
        return value
    return WITHHELD if r.suppressed else NOT_APPLICABLE


def _rate(r: Result, f: Figures) -> Value:
    if f.rate is not None:
        return f.rate
    if f.denominator == 0 or not r.suppressed:  # nobody in the denominator: there is no rate to withhold
        return NOT_APPLICABLE
    return WITHHELD


def _withheld(r: Result) -> bool:
    """The headline figure (and its interval and assessment) was withheld, rather than undefined: the engine's
    status says which, as the HTML report shows it."""
    return r.status.startswith("withheld")


def _missing(r: Result) -> str:
    return WITHHELD if _withheld(r) else NOT_APPLICABLE


def _rl(r: Result) -> Value:
    if r.relative_likelihood is not None:
        return r.relative_likelihood
    return _missing(r) if r.statistic == "relative_likelihood" else NOT_APPLICABLE


def _ci(r: Result, end: int) -> Value:
    if r.ci95 is not None:
        return r.ci95[end]
    return _missing(r) if r.statistic == "relative_likelihood" else NOT_APPLICABLE


def _difference(r: Result) -> Value:
    """A difference in percentage points (the document holds it as a proportion)."""
    if r.difference is not None:
        return r.difference * 100
    return _missing(r) if r.statistic != "relative_likelihood" else NOT_APPLICABLE


def _difference_ci(r: Result, end: int) -> Value:
    if r.difference_ci95 is not None:
        return r.difference_ci95[end] * 100
    return _missing(r) if r.statistic == "percentages" else NOT_APPLICABLE


def _declaration(r: Result) -> Value:
    if r.declaration_rate is not None:
        return r.declaration_rate
    dens = [f.denominator for f in (r.focus, r.reference, r.unknown)]
    if not r.suppressed or (None not in dens and sum(d or 0 for d in dens) == 0):
        return NOT_APPLICABLE
    return WITHHELD


def _assessment(r: Result, words: dict[str, str], assessed: bool = True) -> str:
    """In the standard's words; blank where the result is not assessed or its figure cannot be calculated."""
    if r.assessment:
        return words.get(r.assessment, r.assessment)
    return WITHHELD if assessed and _withheld(r) else ""


def _or_mark(r: Result, value: Value) -> Value:
    """A figure of the evidence (statistics.md): withheld with the headline figure, else – where there is none."""
    return value if value is not None else _missing(r)


def _detectable(r: Result, side: str) -> Value:
    return _or_mark(r, (r.detectable_rl or {}).get(side))


def _change(r: Result, key: str) -> Value:
    """Of the change from last year: – without a previous year's figure (or, z and p, for a stock metric)."""
    value = (r.change or {}).get(key)
    return value if value is not None else NOT_APPLICABLE


def _group_share(r: Result, shares: dict[str, float | None] | None, gid: str) -> Value:
    value = (shares or {}).get(gid)
    return value if value is not None else _missing(r)


def _share(r: Result, key: str) -> Value:
    value = (r.representation or {}).get(key)
    if value is not None:
        return value
    return WITHHELD if r.suppressed and key != "local_population" else NOT_APPLICABLE


def _plot(value: Value) -> float | None:
    """What a chart may draw: a number, or nothing (never a withheld figure as zero)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _period_words(period: dict[str, str]) -> str:
    return dates.period(period["start"], period["end"])


def _ratio_words(x: float) -> str:
    return fmt(x)  # the one number style of every renderer


def _lines(text: str, width: float) -> int:
    """Roughly how many lines a text wraps to in a column `width` characters wide."""
    per_line = max(int(width * 1.4), 1)  # Arial 10 in a column of Calibri-11 character widths
    lines, used = 1, 0
    for word in str(text).split():
        need = len(word) + (1 if used else 0)
        if used and used + need > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += need
    return lines


def _axis_max(values: Iterable[float], high: float, cap: float = 5.0) -> float:
    """A y-axis top that shows the non-adverse range and the points (and intervals), at most `cap`."""
    top = max([high * 1.2, *values])
    top = min(top, cap)
    step = 0.2 if top <= 2 else 0.5
    return math.ceil(top / step - 1e-9) * step


def _sheet_name(text: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name: at most 31 characters (cut at a word), none of []:*?/\\."""
    name = "".join("_" if ch in _SHEET_FORBIDDEN else ch for ch in text).strip().strip("'").strip() or "Sheet"
    if len(name) > _MAX_SHEET_NAME:
        cut = name[:_MAX_SHEET_NAME]
        if name[_MAX_SHEET_NAME] != " " and " " in cut:
            cut = cut[: cut.rindex(" ")]
        name = cut.rstrip()
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: _MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        n += 1
    used.add(name.lower())
    return name


def _bands(report: Report, metric: str, year: int = -1) -> list[str]:
    """The metric's bands in the order the standard computed them (lowest first); [] if it has none."""
    return list(dict.fromkeys(r.band for r in report.results(metric, year) if r.band is not None))


def _direction_words(m: MetricDef, low: float, high: float) -> str:
    if m.direction is None or m.statistic == "representation":
        return "not assessed"
    if m.statistic == "percentages":
        return ("the percentage is higher" if m.direction == "above" else "the percentage is lower") + " and the interval of the difference excludes 0"
    side = f"below {_ratio_words(low)}" if m.direction == "below" else f"above {_ratio_words(high)}"
    if m.kind == "pay_band" and m.assess_bands == "top":
        return f"{side} for the top pay band; the other bands are not assessed"
    return side


# --- the workbook ------------------------------------------------------------------------------------

@dataclass
class _Column:
    header: str
    width: float
    kind: str  # text, wrap, count, rate, ratio
    get: Callable[[Result], Value]


class _Book:
    def __init__(self, wb: Workbook, report: Report):
        self.wb = wb
        self.report = report
        self.doc = report.current
        self.st = report.standard
        self.words = self.st.assessment_words()
        # the results the standard assesses (of a banded metric, the band the engine says), published or not
        self.judged = {id(x) for m in report.metrics if m.statistic != "representation" and m.direction for x in report.headline(m)}
        self.used: set[str] = set()
        self.widths: dict[str, list[float]] = {}  # sheet → column widths, to size rows of wrapped text
        supp = self.doc.suppression or {}
        self.suppressed = bool(supp.get("applied"))
        self.threshold = supp.get("threshold") or report.organisation.suppression_threshold
        base = {"valign": "top", "font_name": "Arial", "font_size": 10}
        add = lambda **kw: wb.add_format({**base, **kw})  # noqa: E731
        self.f = {
            "text": add(),
            "wrap": add(text_wrap=True),
            "bold": add(bold=True),
            "title": add(bold=True, font_size=14),
            "subtitle": add(bold=True, font_size=11),
            "marking": add(bold=True, font_color=_RED, font_size=12),
            "header": add(bold=True, bottom=1, text_wrap=True, bg_color="#F2F2F2"),
            "count": add(num_format="#,##0"),
            "rate": add(num_format="0.0%"),
            "ratio": add(num_format="0.00"),
            "pvalue": add(num_format="0.000"),
            "points": add(num_format="+0.0;−0.0;0.0"),  # percentage points, signed, as the HTML prints them
            "mark": add(align="right"),
            "note": add(italic=True, font_color="#404040"),
        }

    def assessment(self, r: Result) -> str:
        return _assessment(r, self.st.assessment_words(r.statistic), id(r) in self.judged)

    def part(self, part_id: str) -> str:
        return self.report.part_label(part_id)

    # -- cells --

    def text(self, ws: Worksheet, row: int, col: int, value: object, fmt: str = "text") -> None:
        """Any text, input or ours, as a string cell: never a formula, link or number."""
        if value is None or value == "":
            return
        ws.write_string(row, col, str(value), self.f[fmt])

    def value(self, ws: Worksheet, row: int, col: int, value: Value, kind: str) -> None:
        if kind in ("text", "wrap"):
            self.text(ws, row, col, value, kind)
        elif isinstance(value, bool) or value is None:
            ws.write_string(row, col, NOT_APPLICABLE, self.f["mark"])
        elif isinstance(value, str):
            ws.write_string(row, col, value, self.f["mark"])
        elif isinstance(value, float) and not math.isfinite(value):
            ws.write_string(row, col, NOT_APPLICABLE, self.f["mark"])
        else:
            ws.write_number(row, col, value, self.f[kind])

    def blank_or_number(self, ws: Worksheet, row: int, col: int, value: float | None, kind: str) -> None:
        """Chart data: a number, or an empty cell (a gap in the chart)."""
        if value is not None and math.isfinite(value):
            ws.write_number(row, col, value, self.f[kind])

    # -- sheets --

    def sheet(self, title: str, heading: str, widths: Iterable[float]) -> tuple[Worksheet, int]:
        """A new sheet: the marking (internal) and the heading on top; returns the first free row."""
        name = _sheet_name(title, self.used)
        ws = self.wb.add_worksheet(name)
        self.widths[name] = list(widths)
        for col, width in enumerate(self.widths[name]):
            ws.set_column(col, col, width)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_footer("&L&A&R&P of &N")
        row = 0
        if self.report.internal:
            self.text(ws, row, 0, INTERNAL_MARKING, "marking")
            ws.set_header(f'&C&"Arial,Bold"&K{_RED[1:]}{INTERNAL_MARKING}')
            row += 1
        self.text(ws, row, 0, heading, "title")
        ws.set_row(row, 20)
        return ws, row + 1

    def legend(self, ws: Worksheet, row: int, withheld: bool | None = None) -> int:
        """The symbols a sheet may hold; returns the next free row."""
        if withheld if withheld is not None else self.suppressed:
            self.text(ws, row, 0, f"{WITHHELD} withheld to protect small numbers (counts under {self.threshold}, "
                                  "or figures from which one could be worked out)", "note")
            row += 1
        self.text(ws, row, 0, f"{NOT_APPLICABLE} no figure: the metric was not submitted, or the figure cannot be "
                              "calculated (the sentence says why)", "note")
        return row + 1

    def fit(self, ws: Worksheet, row: int, texts: dict[int, str]) -> None:
        """Give a row of wrapped text the height it needs (not every spreadsheet program works it out)."""
        widths = self.widths.get(ws.get_name(), [])
        lines = 1
        for col, text in texts.items():
            width = widths[col] if col < len(widths) else 8.43
            lines = max(lines, _lines(text, width))
        if lines > 1:
            ws.set_row(row, 13 * lines + 2)

    def header(self, ws: Worksheet, row: int, headers: list[str]) -> None:
        """A header row: bold, bottom border, wrapped to its columns' widths."""
        for col, h in enumerate(headers):
            ws.write_string(row, col, h, self.f["header"])
        self.fit(ws, row, dict(enumerate(headers)))

    def table(self, ws: Worksheet, row: int, columns: list[_Column], results: list[Result]) -> int:
        """Header and one row per result; returns the last row written."""
        self.header(ws, row, [c.header for c in columns])
        ws.repeat_rows(row)
        for r in results:
            row += 1
            for col, c in enumerate(columns):
                self.value(ws, row, col, c.get(r), c.kind)
        return row

    def build(self) -> None:
        r = self.report
        self.wb.set_properties({
            "title": f"{r.organisation.name}: {self.st.name} {r.year_label()}",
            "subject": self.st.word("report_title"),
            "author": r.organisation.name,
            "comments": f"Written by wres {__version__}" + (f". {INTERNAL_MARKING}" if r.internal else ""),
            "keywords": f"{self.st.name}, workforce race equality",
            "category": INTERNAL_MARKING if r.internal else "Published",
        })
        summary = self.summary()
        for m in r.metrics:
            self.metric_sheet(m)
        self.counts_sheet()
        self.method_sheet()
        if len(r.years) > 1 and any(m.statistic == "relative_likelihood" for m in r.metrics):
            self.trend_sheet()
        self.plan_sheets()
        summary.activate()

    # -- Action plan: sheets an authority keeps working in, read back as actions.csv / action_updates.csv --

    def plan_sheets(self) -> None:
        """`actions` and `action_updates`, headed exactly as the files (row 1), so the workbook can be given
        back to wres as the plan; derived columns to the right are for reading and are ignored on the way in."""
        from wres.schema import PLAN_FILES

        plan = self.report.plan
        judged = self.report.plan_judgement()
        states = {s.action.id: s for s in plan.as_of(judged.day)} if plan and judged else {}
        # the derived columns say the day they were judged on; the file's own columns stay ISO (read back as the plan)
        as_at = f"{plan.as_at_words[0].lower()}{plan.as_at_words[1:]}, " if plan and plan.as_at_words else ""  # action plan as at …
        derived = [f"current status (derived, {as_at}judged on {dates.long_date(judged.day)})", "RAG (derived)", "flags (derived)"] if judged else []
        for name, rows in (
            ("actions", [[a.id, ";".join(a.metrics), a.action, a.owner, a.due.isoformat(), a.status, a.success_measure, a.note,
                          *([states[a.id].status, states[a.id].rag, ", ".join(states[a.id].flags)] if states else [])]
                         for a in (plan.actions if plan else [])]),
            ("action_updates", [[u.action_id, u.date.isoformat(), u.status, u.note, u.by] for u in (plan.updates if plan else [])]),
        ):
            ws = self.wb.add_worksheet(name)
            self.used.add(name)
            headers = [c.name for c in PLAN_FILES[name]] + (derived if name == "actions" else [])
            for col, h in enumerate(headers):
                ws.write_string(0, col, h, self.f["header"])
                ws.set_column(col, col, 40 if h in ("action", "note", "success_measure") else 16)
            for i, row in enumerate(rows, start=1):
                for col, value in enumerate(row):
                    self.text(ws, i, col, value, "wrap" if headers[col] in ("action", "note", "success_measure") else "text")
            ws.freeze_panes(1, 1)
            if self.report.internal:
                ws.set_header(f'&C&"Arial,Bold"&K{_RED[1:]}{INTERNAL_MARKING}')

    # -- Summary --

    def _group_columns(self, rated: bool = True) -> list[_Column]:
        """Each group's numerator, denominator and (compared groups) rate, headed with the standard's labels."""
        cols = []
        for i, g in enumerate(self.st.groups):
            cols.append(_Column(f"{g.label} numerator", 11, "count", lambda r, g=g.id: _count(r, r.groups[g].numerator)))
            cols.append(_Column(f"{g.label} denominator", 12, "count", lambda r, g=g.id: _count(r, r.groups[g].denominator)))
            if rated and i < 2:
                cols.append(_Column(f"{g.label} rate", 10, "rate", lambda r, g=g.id: _rate(r, r.groups[g])))
        return cols

    def _statistics(self) -> set[str]:
        return {m.statistic for m in self.report.metrics}

    def _figure_columns(self, statistics: set[str]) -> list[_Column]:
        """The headline figure's columns for the statistics shown: the RL, the difference (points), the shares."""
        cols = []
        if "relative_likelihood" in statistics:
            cols += [_Column("Relative likelihood", 11, "ratio", _rl),
                     _Column("95% CI low", 10, "ratio", lambda r: _ci(r, 0)),
                     _Column("95% CI high", 10, "ratio", lambda r: _ci(r, 1))]
        if "percentages" in statistics or "representation" in statistics:
            cols.append(_Column("Difference (percentage points)", 12, "points", _difference))
        if "percentages" in statistics:
            cols += [_Column("Difference 95% CI low", 11, "points", lambda r: _difference_ci(r, 0)),
                     _Column("Difference 95% CI high", 11, "points", lambda r: _difference_ci(r, 1))]
        return cols

    def _result_columns(self) -> list[_Column]:
        mixed = len(self._statistics()) > 1
        return [
            _Column("Metric", 20, "text", lambda r: self.st.metric(r.metric).short),
            _Column("Title", 34, "text", lambda r: r.title),
            _Column(self.st.word("breakdown_heading"), 28, "text", lambda r: self.part(r.service)),
            _Column("Band", 14, "text", lambda r: r.band),
            *self._group_columns(),
            _Column("Declaration rate", 11, "rate", _declaration),
            *self._figure_columns(self._statistics()),
            _Column("Assessment", 30, "text", self.assessment),
            *([_Column("Verdict", 30, "text", lambda r: r.verdict)] if mixed else []),
            *self._evidence_columns(),
            _Column("Sentence", 100, "text", lambda r: r.sentence),
        ]

    def _evidence_columns(self) -> list[_Column]:
        """The evidence of each result, what its data could detect and its change from last year (statistics.md)."""
        cols = [
            _Column("Evidence", 30, "text", evidence.words),
            _Column("Detectable RL above 1", 11, "ratio", lambda r: _detectable(r, "above")),
            _Column("Detectable RL below 1", 11, "ratio", lambda r: _detectable(r, "below")),
        ]
        if any(m.kind == "survey" for m in self.report.metrics):
            cols.append(_Column("Respondents needed", 12, "count", lambda r: r.respondents_needed if r.respondents_needed is not None
                                else (_missing(r) if self.st.metric(r.metric).kind == "survey" else NOT_APPLICABLE)))
        cols.append(_Column("What the data could show", 50, "text", lambda r: evidence.advice(self.st, r) if r.evidence == "inconclusive" else ""))
        if len(self.report.years) > 1:
            cols += [_Column("Previous year's RL", 11, "ratio", lambda r: _change(r, "previous_rl")),
                     _Column("Change (ratio)", 10, "ratio", lambda r: _change(r, "ratio")),
                     _Column("Change z", 9, "ratio", lambda r: _change(r, "z")),
                     _Column("Change p", 9, "pvalue", lambda r: _change(r, "p_value")),
                     _Column("Change note", 40, "text", lambda r: (r.change or {}).get("note") or "")]
        return cols

    def _profile(self) -> tuple[list[tuple[str, Value]], list[tuple[str, Value]]]:
        """Who the authority is (left) and who leads the work (right)."""
        org, doc = self.report.organisation, self.doc
        headcount: Value = self.report.headcount
        if headcount is None:  # every figure Report.headcount reads is withheld, or there is none
            headcount = WITHHELD if self.doc.suppression.get("applied") else NOT_APPLICABLE
        left: list[tuple[str, Value]] = [
            ("Organisation", org.name),
            (self.st.word("code_heading"), org.code or NOT_APPLICABLE),
            ("Region", org.region or NOT_APPLICABLE),
            ("Reporting period", _period_words(doc.period)),
            (self.st.word("headcount_heading"), headcount),
        ]
        right: list[tuple[str, Value]] = []
        sponsors = org.sponsors
        if isinstance(sponsors, dict):
            parts = self.st.breakdown.parts
            right += [(f"{p.label} sponsor", sponsors.get(p.id) or NOT_APPLICABLE) for p in parts]
            right += [(f"Sponsor ({k})", v) for k, v in sponsors.items() if k not in {p.id for p in parts}]
        else:
            right.append(("Sponsor", sponsors or NOT_APPLICABLE))
        right += [
            ("Programme lead", org.programme_lead or NOT_APPLICABLE),
            ("Staff voice lead", org.staff_voice_lead or NOT_APPLICABLE),
        ]
        return left, right

    def summary(self) -> Worksheet:
        r = self.report
        columns = self._result_columns()
        ws, row = self.sheet("Summary", f"{r.organisation.name}: {self.st.word('report_title')}, "
                                        f"{r.year_label()}", [c.width for c in columns])
        # the profile in two pairs of columns (label, value), so the table's header stays near the top
        left, right = self._profile()
        for col, pairs in ((0, left), (2, right)):
            for i, (label, value) in enumerate(pairs):
                self.text(ws, row + i, col, label, "bold")
                if isinstance(value, str):
                    self.text(ws, row + i, col + 1, value)
                else:
                    self.value(ws, row + i, col + 1, value, "count")
        row += max(len(left), len(right)) + 1
        row = self.legend(ws, row)
        self.text(ws, row, 0, f"{self.rl_words()}; the non-adverse "
                              f"range is {_ratio_words(r.range[0])} to {_ratio_words(r.range[1])}. Rates are shown as "
                              f"percentages, relative likelihoods to 2 decimal places (each cell holds the unrounded value). {PERCENT_RULE} "
                              f"{self.st.word('headcount_heading')}: the headcount on the last day of the period."
                              + (f" Differences are {self.st.focus.words} minus {self.st.reference.words}, in percentage points."
                                 if "percentages" in self._statistics() else ""),
                  "note")
        head = row + 1
        last = self.table(ws, head, columns, self.doc.results)
        ws.autofilter(head, 0, max(last, head), len(columns) - 1)
        ws.freeze_panes(head + 1, 0)
        return ws

    # -- one sheet per metric --

    def rl_words(self, m: MetricDef | None = None) -> str:
        """How a relative likelihood is divided: "Relative likelihood = rate for minority ethnic staff ÷ rate for
        white staff", per metric where the standard divides some the other way round."""
        groups = {g.id: g for g in self.st.groups}
        rl = [x for x in self.report.metrics if x.statistic == "relative_likelihood"]
        def one(x: MetricDef) -> str:
            r = next((y for y in self.report.results(x.id) if y.orientation), None)
            num, den = r.orientation if r and r.orientation else self.st.group_ids[:2]
            return f"rate for {groups[num].words} staff ÷ rate for {groups[den].words} staff"
        if m is not None or len({x.orientation for x in rl}) <= 1:
            return "Relative likelihood = " + one(m or (rl[0] if rl else self.st.metrics[0]))
        return "Relative likelihood = " + "; ".join(f"{x.short}: {one(x)}" for x in rl)

    def _metric_columns(self, m: MetricDef, banded: bool) -> list[_Column]:
        cols = [_Column(self.st.word("breakdown_heading"), 24, "text", lambda r: self.part(r.service))]
        if banded:
            cols.append(_Column("Band", 16, "text", lambda r: r.band))
        cols += self._group_columns(rated=m.statistic != "representation")
        cols.append(_Column("All numerator", 11, "count", lambda r: _count(r, r.total.numerator)))
        cols.append(_Column("All denominator", 12, "count", lambda r: _count(r, r.total.denominator)))
        if m.statistic == "representation":
            cols += [_Column(f"{g.label} share", 10, "rate", lambda r, g=g.id: _group_share(r, r.shares, g)) for g in self.st.groups]
            focus = self.st.focus
            cols.append(_Column(f"{focus.label} share of the workforce", 12, "rate", lambda r: _group_share(r, r.workforce_shares, focus.id)))
            cols += self._figure_columns({"representation"})
            return cols
        cols.append(_Column("Declaration rate", 11, "rate", _declaration))
        cols += self._figure_columns({m.statistic})
        cols.append(_Column("Assessment", 30, "text", self.assessment))
        return cols

    def metric_sheet(self, m: MetricDef) -> None:
        rep = self.report
        bands = _bands(rep, m.id)
        results = rep.results(m.id)
        parts = [p.id for p in rep.parts]
        if bands:  # band by band, each with its parts
            results = sorted(results, key=lambda x: (bands.index(x.band) if x.band in bands else len(bands),
                                                     parts.index(x.service) if x.service in parts else 9))
        columns = self._metric_columns(m, bool(bands))
        ws, row = self.sheet(f"{m.short} {m.title}", f"{m.short} {m.title}", [c.width for c in columns])
        name = ws.get_name()
        self.text(ws, row, 0, f"{rep.organisation.name}, {_period_words(self.doc.period)}")
        row += 1
        self.text(ws, row, 0, f"Numerator for each group: {m.numerator}. Denominator for each group: {m.denominator}.")
        row += 1
        if m.statistic == "relative_likelihood":
            orientation = f"{self.rl_words(m)}. " if len({x.orientation for x in rep.metrics if x.statistic == m.statistic}) > 1 else ""
            self.text(ws, row, 0, f"{orientation}Worse for {self.st.focus.words} staff when the relative likelihood is "
                                  f"{_direction_words(m, *rep.range)}.")
        elif m.statistic == "percentages":
            self.text(ws, row, 0, f"Difference = {self.st.focus.words} percentage − {self.st.reference.words} percentage, in percentage "
                                  f"points, with Newcombe's 95% interval. Worse for {self.st.focus.words} staff when "
                                  f"{_direction_words(m, *rep.range)}.")
        else:
            self.text(ws, row, 0, f"Each group's share of the staff in each {'band' if m.kind == 'pay_band' else 'group'}, beside the "
                                  f"{self.st.focus.words} share of the whole workforce; the difference in percentage points. Not assessed.")
        row += 1
        row = self.legend(ws, row) + 1
        head = row
        last = self.table(ws, head, columns, results)
        ws.freeze_panes(head + 1, 0)
        row = last + 2

        if m.kind == "staff_flag" and any(x.representation for x in results):
            row = self.representation(ws, row, results) + 2

        self.text(ws, row, 0, "What the figures say", "subtitle")
        for x in results:
            row += 1
            self.text(ws, row, 0, x.sentence)
        row += 2

        if m.statistic != "relative_likelihood":
            self.column_chart(ws, row, m, results)
            return
        # charts, then the data they plot (a chart draws from its own block, where a missing figure is blank)
        top = bands[-1] if bands else None
        plotted = [rep.result(m.id, s, top) for s in parts]
        rl_chart = any(_plot(_rl(x)) is not None for x in plotted if x)
        if not (rl_chart or bands):
            self.text(ws, row, 0, "No chart: there is no relative likelihood to show.", "note")
            return
        chart_row = row
        row += 18
        self.text(ws, row, 0, "Chart data (a blank cell is a figure withheld or not available: no point is drawn)",
                  "subtitle")
        row += 1
        options = {"x_scale": 1.3, "y_scale": 1.1}
        if rl_chart:
            first = row + 1
            row = self.rl_chart_data(ws, row, plotted)
            label = f"{m.short} {m.title}" + (f", top pay band ({top})" if top else "")
            tops = [v for x in plotted if x for v in (_plot(_rl(x)), _plot(_ci(x, 1))) if v is not None]
            axis = _axis_max(tops, rep.range[1])
            chart = self.rl_chart(name, first, row, f"{m.short}: relative likelihood with 95% CI"
                                  + (" (top pay band)" if top else ""), axis)
            if max(tops) > axis:
                self.text(ws, chart_row + 17, 0, f"An interval that reaches above {axis:g} is cut off at the top of the chart; "
                                      "the table gives its upper end.", "note")
            ws.insert_chart(chart_row, 0, chart, {**options, "description": (
                f"Chart: {label}: {self.rl_words(m).lower()}, for "
                + ", ".join(self.part(p).lower() for p in parts) + ", with 95% confidence intervals and the non-adverse range "
                f"{_ratio_words(rep.range[0])} to {_ratio_words(rep.range[1])}. The figures are in the table above.")})
            row += 2
        else:
            self.text(ws, chart_row, 0, "No chart of the relative likelihood of the top pay band: there is none to show.",
                      "note")
            chart_row += 1
        if bands:
            first = row + 1
            row = self.band_data(ws, row, m.id, bands)
            dist = self.wb.add_chart({"type": "column"})
            for col, colour in ((1, "#1F4E79"), (2, "#A6A6A6")):
                dist.add_series({
                    "name": [name, first - 1, col],
                    "categories": [name, first, 0, row, 0],
                    "values": [name, first, col, row, col],
                    "fill": {"color": colour},
                    "border": {"color": colour},
                    "data_labels": {"value": True, "num_format": "0.0%"},  # as PERCENT_RULE says
                })
            dist.set_title({"name": f"{m.short}: share of each group's staff in each pay band ({rep.standard.breakdown.total.label.lower()})",
                            "name_font": {"size": 11}})
            dist.set_y_axis({"num_format": "0%", "min": 0, "name": "Share of the group's staff",
                             "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
            dist.set_legend({"position": "bottom"})
            ws.insert_chart(chart_row, 8 if rl_chart else 0, dist, {**options, "description": (
                f"Chart: the share of {self.st.focus.words} staff and of {self.st.reference.words} staff in each pay band, {self.st.word('together')}. "
                "The figures are in the table above.")})

    def column_chart(self, ws: Worksheet, row: int, m: MetricDef, results: list[Result]) -> None:
        """Percentages: the two groups' percentages side by side for each part; representation: the focus
        group's share of each band (the whole organisation) beside its share of the workforce. A native column
        chart over its own block of data, a missing figure a blank cell (and its category says [c] or –)."""
        st, name = self.st, ws.get_name()
        total = st.breakdown.total.id
        if m.statistic == "percentages":
            series = [f"{st.focus.label} %", f"{st.reference.label} %"]
            shown = [(self.part(x.service) + (f" {x.band}" if x.band else ""), x, [_plot(_rate(x, x.focus)), _plot(_rate(x, x.reference))])
                     for x in results]
            title = f"{m.short}: percentage of {st.focus.words} and of {st.reference.words} staff"
        else:
            series = [f"{st.focus.label} share", f"{st.focus.label} share of the workforce"]
            shown = [(x.band or x.label, x, [_plot(_group_share(x, x.shares, st.focus.id)), _plot(_group_share(x, x.workforce_shares, st.focus.id))])
                     for x in results if x.service == total]
            title = f"{m.short}: {st.focus.words} share of each band beside the workforce ({st.breakdown.total.label.lower()})"
        if not any(v is not None for _, _, values in shown for v in values):
            self.text(ws, row, 0, "No chart: every figure it would show is withheld or not available.", "note")
            return
        chart_row = row
        row += 18
        self.text(ws, row, 0, "Chart data (a blank cell is a figure withheld or not available: no bar is drawn)", "subtitle")
        row += 1
        self.header(ws, row, ["", *series])
        first = row + 1
        for label, x, values in shown:
            row += 1
            missing = "" if all(v is not None for v in values) else f" {_missing(x)}"
            self.text(ws, row, 0, label + missing)
            for col, v in enumerate(values, start=1):
                self.blank_or_number(ws, row, col, v, "rate")
        chart = self.wb.add_chart({"type": "column"})
        for col, colour in ((1, "#1F4E79"), (2, "#A6A6A6")):
            chart.add_series({"name": [name, first - 1, col], "categories": [name, first, 0, row, 0], "values": [name, first, col, row, col],
                              "fill": {"color": colour}, "border": {"color": colour}, "data_labels": {"value": True, "num_format": "0.0%"}})
        chart.set_title({"name": title, "name_font": {"size": 11}})
        chart.set_y_axis({"num_format": "0%", "min": 0, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("gap")
        ws.insert_chart(chart_row, 0, chart, {"x_scale": 1.3, "y_scale": 1.1, "description": f"Chart: {title}. The figures are in the table above."})

    def rl_chart_data(self, ws: Worksheet, head: int, plotted: list[Result | None]) -> int:
        rep = self.report
        self.header(ws, head, ["Service", "Relative likelihood", "95% CI: length below", "95% CI: length above",
                               f"Non-adverse range, low ({_ratio_words(rep.range[0])})",
                               f"Non-adverse range, high ({_ratio_words(rep.range[1])})"])
        row = head
        for service, x in zip([p.id for p in rep.parts], plotted):
            row += 1
            rl = _rl(x) if x else NOT_APPLICABLE
            lo, hi = (_ci(x, 0), _ci(x, 1)) if x else (NOT_APPLICABLE, NOT_APPLICABLE)
            mark = "" if _plot(rl) is not None else f" {rl}"
            self.text(ws, row, 0, self.part(service) + mark)
            self.blank_or_number(ws, row, 1, _plot(rl), "ratio")
            if _plot(rl) is not None and _plot(lo) is not None and _plot(hi) is not None:
                self.blank_or_number(ws, row, 2, _plot(rl) - _plot(lo), "ratio")  # type: ignore[operator]
                self.blank_or_number(ws, row, 3, _plot(hi) - _plot(rl), "ratio")  # type: ignore[operator]
            ws.write_number(row, 4, rep.range[0], self.f["ratio"])
            ws.write_number(row, 5, rep.range[1], self.f["ratio"])
        return row

    def rl_chart(self, sheet: str, first: int, last: int, title: str, axis_max: float) -> Any:
        ref = lambda col: f"={quote_sheetname(sheet)}!{xl_range_abs(first, col, last, col)}"  # noqa: E731
        chart = self.wb.add_chart({"type": "line"})
        chart.add_series({
            "name": "Relative likelihood (95% CI)",
            "categories": [sheet, first, 0, last, 0],
            "values": [sheet, first, 1, last, 1],
            "line": {"none": True},
            "marker": {"type": "circle", "size": 8, "fill": {"color": "#1F4E79"}, "border": {"color": "#1F4E79"}},
            "y_error_bars": {"type": "custom", "minus_values": ref(2), "plus_values": ref(3), "end_style": 1,
                             "line": {"color": "#1F4E79"}},
            "data_labels": {"value": True, "num_format": "0.00", "position": "right"},
        })
        for col, words in ((4, "low"), (5, "high")):
            chart.add_series({
                "name": f"Non-adverse range, {words} ({_ratio_words(self.report.range[col - 4])})",
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, col, last, col],
                "line": {"color": "#808080", "dash_type": "dash", "width": 1.25},
                "marker": {"type": "none"},
            })
        chart.set_title({"name": title, "name_font": {"size": 11}})
        chart.set_y_axis({"name": "Relative likelihood (1 = equally likely)", "min": 0, "max": axis_max,
                          "num_format": "0.0", "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("gap")
        return chart

    def band_data(self, ws: Worksheet, head: int, metric: str, bands: list[str]) -> int:
        total = self.st.breakdown.total
        self.header(ws, head, [f"Pay band ({total.label.lower()})", self.st.focus.label, self.st.reference.label])
        row = head
        for band in bands:
            row += 1
            x = self.report.result(metric, total.id, band)
            me = _rate(x, x.focus) if x else NOT_APPLICABLE
            wh = _rate(x, x.reference) if x else NOT_APPLICABLE
            missing = [v for v in (me, wh) if _plot(v) is None]
            self.text(ws, row, 0, band + (f" {missing[0]}" if missing else ""))
            self.blank_or_number(ws, row, 1, _plot(me), "rate")
            self.blank_or_number(ws, row, 2, _plot(wh), "rate")
        return row

    def representation(self, ws: Worksheet, row: int, results: list[Result]) -> int:
        self.text(ws, row, 0, f"{self.st.focus.label} share", "subtitle")
        row += 1
        self.header(ws, row, [self.st.word("breakdown_heading"), f"Of {self.st.word('representation_subset')}", "Of the whole workforce",
                              "Of the local population (census)"])
        for x in results:
            row += 1
            self.text(ws, row, 0, self.part(x.service))
            for col, key in enumerate(("senior_managers", "workforce", "local_population"), start=1):
                self.value(ws, row, col, _share(x, key) if x.representation else NOT_APPLICABLE, "rate")
        return row

    # -- Counts --

    def counts_sheet(self) -> None:
        columns = [("metric", 10), ("service", 12), ("band", 16), ("group", 18), ("numerator", 12),
                   ("denominator", 13), ("note", 40)]
        ws, row = self.sheet("Counts", "Every count as published", [w for _, w in columns])
        row = self.legend(ws, row)
        bd = self.st.breakdown
        self.text(ws, row, 0, f"{self.st.word('breakdown_heading')}: {', '.join(p.id for p in bd.parts)}, and {bd.total.id} "
                              f"(together). Groups: {', '.join(self.st.group_ids)}, and {TOTAL} (the three together). "
                              "Names as in the metrics document.",
                  "note")
        row += 2
        head = row
        self.header(ws, head, [h for h, _ in columns])
        for r in self.doc.results:
            for g in (*self.st.group_ids, TOTAL):
                f: Figures = r.total if g == TOTAL else r.groups[g]
                row += 1
                self.text(ws, row, 0, r.metric)
                self.text(ws, row, 1, r.service)
                self.text(ws, row, 2, r.band)
                self.text(ws, row, 3, g)
                self.value(ws, row, 4, _count(r, f.numerator), "count")
                self.value(ws, row, 5, _count(r, f.denominator), "count")
                if r.status == "not_submitted":
                    self.text(ws, row, 6, "not submitted")
        ws.autofilter(head, 0, max(row, head), len(columns) - 1)
        ws.freeze_panes(head + 1, 0)
        ws.repeat_rows(head)

    # -- Method --

    def method_sheet(self) -> None:
        rep = self.report
        low, high = (_ratio_words(x) for x in rep.range)
        ws, row = self.sheet("Method", "How the figures are worked out", [32, 120])
        row += 1
        head = row
        self.header(ws, head, ["Topic", "Explanation"])
        st = self.st
        focus, ref = st.focus.words, st.reference.words
        statistics = self._statistics()
        notes: list[tuple[str, str]] = [
            ("Who is counted", st.word("staff_scope", snapshot=dates.long_date(self.doc.period["end"]))
             + (f" Every metric is given for each {st.word('breakdown_heading').lower()} and for {st.breakdown.total.label.lower()} "
                "(the sum of the parts' counts)." if all(m.breakdown for m in rep.metrics) else
                f" Metrics counted by {st.word('breakdown_heading').lower()} are given for each and for {st.breakdown.total.label.lower()} "
                "(the sum of the parts' counts); the others for the whole organisation.")),
            ("Ethnic groups", f"{st.focus.label} and {ref} staff are compared. {st.reference.label} is {st.word('reference_includes')} "
                              f"of the 2021 census classification; {focus} is {st.word('focus_includes')}. Staff whose ethnicity "
                              "is not known are left out of both groups but counted as 'unknown'."),
        ]
        for m in rep.metrics:
            notes.append((f"{m.short} {m.title}",
                          f"Numerator for each group: {m.numerator}. Denominator for each group: {m.denominator}. "
                          + (f"Worse for {focus} staff when the relative likelihood is {_direction_words(m, *rep.range)}."
                             if m.statistic == "relative_likelihood" else
                             f"Worse for {focus} staff when {_direction_words(m, *rep.range)}." if m.statistic == "percentages" else
                             "Figures only: not assessed.")))
        notes.append(("Rate", "Numerator ÷ denominator, for each group separately."))
        if "relative_likelihood" in statistics:
            notes += [
                ("Relative likelihood", f"{self.rl_words()}. 1 means equally "
                                        "likely; 2 twice as likely; 0.5 half as likely. It cannot be calculated when either "
                                        "group has nobody in the denominator or the dividing rate is 0; the sentence then says why."),
                ("95% confidence interval", "Katz's log method: exp(ln RL ± 1.96 × √(1/a − 1/n1 + 1/c − 1/n2)), where a of n1 "
                                            "staff of the group divided and c of n2 of the other are counted. No interval is given when a "
                                            "or c is 0. An interval that includes 1 means the difference could well be chance "
                                            "at this size."),
                ("Non-adverse range", f"A relative likelihood from {low} to {high} (ends included) is within the non-adverse "
                                      "range (the 'four-fifths rule' used by NHS England). Outside it, the assessment says "
                                      f"whether that is worse or better for {focus} staff, by the metric's direction."),
            ]
        if "percentages" in statistics:
            notes.append(("Difference of percentages", f"The {focus} percentage minus the {ref} percentage, in percentage points, with "
                                                       "a 95% confidence interval by Newcombe's hybrid score method (from each group's "
                                                       "Wilson interval). A difference is clear only when its interval excludes 0."))
        if "representation" in statistics:
            notes.append(("Representation", "A group's share of a band (or of the board): its people there ÷ everyone there, beside its "
                                            "share of the whole workforce; the difference in percentage points. Figures only."))
        words = list(self.words.values())
        notes += [
            ("Assessment", f"'{words[0]}', '{words[1]}' or '{words[2]}'; blank where the figure is not assessed "
                           "(bands below the one assessed, representation) or cannot be calculated; [c] where it is withheld."),
            ("Declaration rate", "The share of people in the denominator whose ethnicity is known."),
        ]
        notes += [("Choice made", c) for c in st.method]
        if self.suppressed:
            notes.append(("Small numbers", (
                f"To protect the people they describe, every count from 1 to {self.threshold - 1} is withheld (counts "
                f"under {self.threshold}), with every rate, relative likelihood and interval that would reveal it. "
                "Further counts are withheld where a withheld count could otherwise be worked out by adding or "
                f"subtracting published ones (groups add up to the total, the parts of the breakdown to {self.st.breakdown.total.label.lower()}, "
                "pay bands to the headcount). A count of 0 is published. Withheld figures are shown as [c].")))
        else:
            notes.append(("Small numbers", (
                f"{INTERNAL_MARKING}. This workbook is internal: nothing is withheld, and it holds counts of fewer "
                f"than {rep.organisation.suppression_threshold} people that the published version withholds.")))
        notes += [
            ("Symbols", f"{WITHHELD}: withheld to protect small numbers. {NOT_APPLICABLE}: no figure, because the metric "
                        "was not submitted or the figure cannot be calculated."),
            ("Rounding", "Cells hold the unrounded values; rates are displayed as percentages to one decimal place and "
                         "relative likelihoods and intervals to two decimal places. Sentences round to two decimal places."),
            ("Produced by", f"wres {__version__}, from the {self.st.organisation}'s return for {_period_words(self.doc.period)}."),
        ]
        notes += [("Note on the data", w) for w in self.doc.warnings]
        for topic, text in notes:
            row += 1
            self.text(ws, row, 0, topic, "bold")
            self.text(ws, row, 1, text, "wrap")
            self.fit(ws, row, {1: text})
        ws.freeze_panes(head + 1, 0)

    # -- Trend --

    def trend_sheet(self) -> None:
        rep = self.report
        n = len(rep.years)
        labels = [rep.year_label(i) for i in range(n)]
        widths = [10, 46] + [10] * n + [10] * (2 * n)
        ws, row = self.sheet("Trend", f"Relative likelihood year by year, {self.st.word('together')}", widths)
        name = ws.get_name()
        withheld = any((d.suppression or {}).get("applied") for d in rep.years)
        row = self.legend(ws, row, withheld)
        self.text(ws, row, 0, "Pay bands: the top pay band of each year. Each year's figures are protected on their own.",
                  "note")
        row += 2
        head = row
        heads = ["Metric", "Title"] + [f"{y} RL" for y in labels]
        for y in labels:
            heads += [f"{y} 95% CI low", f"{y} 95% CI high"]
        self.header(ws, head, heads)
        rows: list[tuple[str, list[Value]]] = []
        total = self.st.breakdown.total.id
        for m in [x for x in rep.metrics if x.statistic == "relative_likelihood"]:
            row += 1
            values: list[Value] = []
            lows: list[Value] = []
            highs: list[Value] = []
            for i in range(n):
                x = next((y for y in rep.headline(m, i) if y.service == total), None)
                values.append(_rl(x) if x else NOT_APPLICABLE)
                lows.append(_ci(x, 0) if x else NOT_APPLICABLE)
                highs.append(_ci(x, 1) if x else NOT_APPLICABLE)
            top = next((y.band for y in rep.headline(m) if y.band), None)
            title = m.title + (f" (top band: {top})" if top else "")
            self.text(ws, row, 0, m.short)
            self.text(ws, row, 1, title)
            for i in range(n):
                self.value(ws, row, 2 + i, values[i], "ratio")
                self.value(ws, row, 2 + n + 2 * i, lows[i], "ratio")
                self.value(ws, row, 3 + n + 2 * i, highs[i], "ratio")
            rows.append((f"{m.short} {m.title}", values))
        ws.freeze_panes(head + 1, 2)
        ws.autofilter(head, 0, row, len(heads) - 1)
        chart_row = row + 2
        data_head = chart_row + 24
        self.text(ws, data_head, 0, "Chart data (a blank cell is a figure withheld or not available: no point is drawn)",
                  "subtitle")
        data_head += 1
        self.header(ws, data_head, ["Series", "", *labels])
        r = data_head
        series_rows = []
        for label, values in rows:
            r += 1
            self.text(ws, r, 0, label)
            for i, v in enumerate(values):
                self.blank_or_number(ws, r, 2 + i, _plot(v), "ratio")
            series_rows.append(r)
        for k, words in enumerate(("low", "high")):
            r += 1
            self.text(ws, r, 0, f"Non-adverse range, {words} ({_ratio_words(rep.range[k])})")
            for i in range(n):
                ws.write_number(r, 2 + i, rep.range[k], self.f["ratio"])
            series_rows.append(r)
        chart = self.wb.add_chart({"type": "line"})
        for j, sr in enumerate(series_rows):
            is_range = j >= len(rows)
            if not is_range and all(_plot(v) is None for v in rows[j][1]):
                continue  # no point in any year: left out of the chart (the table says [c] or –)
            chart.add_series({
                "name": [name, sr, 0],
                "categories": [name, data_head, 2, data_head, 1 + n],
                "values": [name, sr, 2, sr, 1 + n],
                "marker": {"type": "none"} if is_range else {"type": "circle", "size": 6},
                "line": {"color": "#808080", "dash_type": "dash", "width": 1.25} if is_range else {"width": 2},
            })
        chart.set_title({"name": f"Relative likelihood by year ({self.st.breakdown.total.label.lower()}; pay bands: top band)",
                         "name_font": {"size": 11}})
        plotted = [p for _, values in rows for p in map(_plot, values) if p is not None]
        chart.set_y_axis({"name": "Relative likelihood (1 = equally likely)", "min": 0,
                          "max": _axis_max(plotted, rep.range[1], cap=max([5.0, *plotted])), "num_format": "0.0",
                          "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
        chart.set_x_axis({"name": "Reporting year"})
        chart.set_legend({"position": "right"})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 900, "height": 460})
        ws.insert_chart(chart_row, 0, chart, {
            "description": f"Line chart: the relative likelihood of each metric, {self.st.word('together')}, for each "
                           f"reporting year ({', '.join(labels)}), with the non-adverse range. The figures are in the "
                           "table above.",
        })


def write(report: Report | Files, path: Path) -> None:
    """Write the report as one .xlsx workbook at `path` (replaced whole, never left half-written). `report` is
    the Report, or the report set's Files (the registry's write(files, path)), whose report it reads."""
    report = report if isinstance(report, Report) else report.report  # type: ignore[assignment]
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        wb = xlsxwriter.Workbook(str(tmp), OPTIONS)
        _Book(wb, report).build()
        wb.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
