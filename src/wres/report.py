"""The report set people read: one organisation's figures, this year and earlier years, ready to render.

Renderers (render/html.py, render/pdf.py, render/xlsx.py, render/charts.py) read a Report and never
compute: every figure in it has already passed disclosure control (unless the report is internal).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from wres import organisation as org_mod
from wres import pipeline
from wres.actions import Judgement, Plan, judgement
from wres.dates import year_label
from wres.organisation import Organisation, placeholder_problems
from wres.problems import InvalidInput, Problem
from wres.document import Document, Result
from wres.results import with_change
from wres.standards import MetricDef, Part, Standard, load


@dataclass
class Report:
    organisation: Organisation
    years: list[Document]  # oldest first; the last is the year reported on; each protected on its own
    internal: bool = False
    plan: Plan | None = None  # the action plan of the year reported on

    @property
    def standard(self) -> Standard:
        """The standard the year reported on names: every word and rule a renderer shows comes from it."""
        return load(self.current.standard_id)

    @property
    def metrics(self) -> tuple[MetricDef, ...]:
        return self.standard.metrics

    @property
    def range(self) -> tuple[float, float]:
        return self.standard.range

    @property
    def parts(self) -> tuple[Part, ...]:
        """The breakdown's parts and its total, in the order every table lists them."""
        return self.standard.breakdown.all

    def part_label(self, part_id: str) -> str:
        """A breakdown part as a heading names it: "Adult social care", "Whole trust"."""
        return self.standard.breakdown.part(part_id).label

    def plan_judgement(self) -> Judgement | None:
        """The day the report judges the plan on, and why (a snapshot: wres.actions.judgement says which day)."""
        return judgement(self.plan, self.current.period["end"]) if self.plan is not None else None

    @property
    def current(self) -> Document:
        return self.years[-1]

    def results(self, metric: str, year: int = -1) -> list[Result]:
        return [r for r in self.years[year].results if r.metric == metric]

    def result(self, metric: str, service: str, band: str | None = None, year: int = -1) -> Result | None:
        for r in self.years[year].results:
            if r.metric == metric and r.service == service and r.band == band:
                return r
        return None

    @property
    def headcount(self) -> int | None:
        """The whole organisation's staff headcount, as published: the total denominator of the first metric
        over the headcount (denominator_key) whose whole-organisation figure is not withheld."""
        total = self.standard.breakdown.total.id
        for m in self.metrics:
            if m.denominator_key == "headcount":
                for r in self.results(m.id):
                    if r.service == total and r.total.denominator is not None:
                        return r.total.denominator
        return None

    def headline(self, m: MetricDef, year: int = -1) -> list[Result]:
        """The results a summary shows for a metric: every part; of a metric the standard assesses in one band
        only, that band (the engine's results.assessed_band says which)."""
        from wres.results import assessed_band

        results = self.results(m.id, year)
        band = assessed_band(results, m.id, self.standard)
        return [r for r in results if r.band == band] if band is not None else results

    def year_label(self, year: int = -1) -> str:
        p = self.years[year].period
        return year_label(p["start"], p["end"])


def build(path: Path, previous: list[Path] | None = None, internal: bool = False, threshold: int | None = None,
          accept_placeholders: bool = False, mapping: Path | None = None) -> Report:
    """Load the return and any earlier years' returns; raises InvalidInput with every problem in any of them.

    `mapping` reads the return (not the earlier years, which keep their own mapping.toml) with that import mapping.
    """
    loaded: list[pipeline.Loaded] = []
    problems: list[Problem] = [said for p in previous or [] if (said := _a_report_not_a_return(Path(p))) is not None]
    if problems:
        raise InvalidInput(problems)
    for p in [*(previous or []), path]:
        try:
            loaded.append(pipeline.load(p, mapping if p == path else None))
        except InvalidInput as exc:
            problems += [replace(prob, file=f"{p}: {prob.file}") if p != path else prob for prob in exc.problems]
    if not problems:
        problems = _earlier_years(previous or [], path, loaded)
    if problems:
        raise InvalidInput(problems)
    return from_loaded(loaded, internal, threshold, str(path), accept_placeholders)


def _a_report_not_a_return(p: Path) -> Problem | None:
    """A --previous that is last year's report (its folder, or the metrics.json in it), which is what an analyst
    keeps when the year's HR extracts are deleted: said as that, not as a workbook with no organisation sheet.
    The trend is worked out again from each year's counts, under this year's threshold."""
    if not (p.suffix.lower() == ".json" or (p.is_dir() and (p / "metrics.json").is_file() and not (p / org_mod.FILE).is_file())):
        return None
    return Problem(str(p), "is a report (or its metrics document), not a return: the trend is counted again from each year's return",
                   "give last year's return: its folder, or organisation.toml with the counts.csv that `wres counts` wrote of it")


def _earlier_years(previous: list[Path], path: Path, loaded: list[pipeline.Loaded]) -> list[Problem]:
    """Each --previous return is an earlier year of the same standard. A later one would become the year the
    report headlines, under the settings and action plan of the return given as PATH."""
    current = loaded[-1].organisation
    problems = []
    for p, earlier in zip(previous, loaded):
        o = earlier.organisation
        if o.standard_id != current.standard_id:
            problems.append(Problem(f"{p}: organisation.toml", f"reports on the {o.standard.name}, but {path} reports on the {current.standard.name}",
                                    "give earlier years of the same standard with --previous", "standard"))
        elif not _same_organisation(o, current):
            ours = f"{current.name}{f' ({current.code})' if current.code else ''}"
            problems.append(Problem(f"{p}: organisation.toml", f"is {o.name}{f' ({o.code})' if o.code else ''}'s return, not {ours}'s: a trend is one "
                                    "organisation's years", "give earlier years of the same organisation with --previous; if it is the same one "
                                    "under another name, give both returns its code", "code" if o.code and current.code else "name"))
        elif o.period_start > current.period_start:
            problems.append(Problem(f"{p}: organisation.toml", f"is for {o.period_label}, after the year reported on ({current.period_label}, {path})",
                                    f"--previous takes earlier years: give the latest year's return first, then {path} with --previous",
                                    "period_start"))
    return problems


def _same_organisation(a: Organisation, b: Organisation) -> bool:
    """By code where both returns give one (a council renamed keeps its code); by name, spacing and case aside, where not."""
    if a.code and b.code:
        return a.code.strip().lower() == b.code.strip().lower()
    return " ".join(a.name.lower().split()) == " ".join(b.name.lower().split())


def from_loaded(loaded: list[pipeline.Loaded], internal: bool = False, threshold: int | None = None, label: str = "the return",
                accept_placeholders: bool = False) -> Report:
    """A report of counts already loaded (earlier years first, the year reported on last).

    A published report is refused while the organisation's settings hold the template's placeholder text
    (it would print "Name, Director of Adult Social Care"), unless that is accepted on purpose.
    """
    current = loaded[-1]
    if not internal and not accept_placeholders:
        left = placeholder_problems(current.organisation)
        if left:
            raise InvalidInput([replace(p, severity="error", fix="fill it in before publishing (or publish it as it is with --accept-placeholders)")
                                for p in left])
    limit = threshold or current.organisation.suppression_threshold
    docs = sorted((pipeline.publish(x, internal, limit) for x in loaded), key=lambda d: d.period["start"])
    starts = [d.period["start"] for d in docs]
    if len(set(starts)) != len(starts):
        raise InvalidInput([Problem(label, "two of the returns given are for the same year", "give each earlier year once, with --previous")])
    # each year's change from the year before it, from the documents as published (results.with_change)
    docs = [docs[0], *(with_change(d, prev) for prev, d in zip(docs, docs[1:]))] if docs else docs
    return Report(current.organisation, docs, internal, plan=current.plan)
