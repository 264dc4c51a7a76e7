"""The report set people read: one organisation's figures, this year and earlier years, ready to render.

Renderers (render/html.py, render/pdf.py, render/xlsx.py, render/charts.py) read a Report and never
compute: every figure in it has already passed disclosure control (unless the report is internal).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
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

    An earlier year may also be its published report (its folder, or its metrics.json): what an analyst keeps
    once the year's records are deleted. Its figures are shown as they were published (from_loaded).
    `mapping` reads the return (not the earlier years, which keep their own mapping.toml) with that import mapping.
    """
    loaded: list[pipeline.Loaded] = []
    problems: list[Problem] = []
    reports = {p: _report_document(Path(p)) for p in previous or []}
    documents = [(p, d) for p, d in reports.items() if isinstance(d, Document)]
    problems += [d for d in reports.values() if isinstance(d, Problem)]
    returns = [p for p, d in reports.items() if d is None]
    for p in [*returns, path]:
        try:
            loaded.append(pipeline.load(p, mapping if p == path else None))
        except InvalidInput as exc:
            problems += [replace(prob, file=f"{p}: {prob.file}") if p != path else prob for prob in exc.problems]
    if not problems:
        earlier = [_Year.of(loaded_year.organisation, f"{p}: organisation.toml") for p, loaded_year in zip(returns, loaded)]
        problems = _earlier_years([*earlier, *(_Year.of_document(d, str(p)) for p, d in documents)], path, loaded[-1].organisation)
    if problems:
        raise InvalidInput(problems)
    return from_loaded(loaded, internal, threshold, str(path), accept_placeholders, [(str(p), d) for p, d in documents])


def _report_document(p: Path) -> Document | Problem | None:
    """The metrics document of a --previous that is a report wres wrote (its folder, or its metrics.json);
    None for a return."""
    from wres import published

    if not (p.suffix.lower() == ".json" or (p.is_dir() and (p / "metrics.json").is_file() and not (p / org_mod.FILE).is_file())):
        return None
    found = published.document(p / "metrics.json" if p.is_dir() else p)
    if isinstance(found, Problem):
        return replace(found, fix="give last year's report as wres wrote it (its folder or its metrics.json), or last year's return")
    return Document.from_dict(found)


@dataclass(frozen=True)
class _Year:
    """An earlier year as the checks of --previous see it: of a return's settings, or of a published document."""

    where: str  # how a problem names it
    standard_id: str
    standard_name: str
    name: str
    code: str | None
    start: date
    label: str  # 2023/24

    @classmethod
    def of(cls, o: Organisation, where: str) -> _Year:
        return cls(where, o.standard_id, o.standard.name, o.name, o.code, o.period_start, o.period_label)

    @classmethod
    def of_document(cls, d: Document, where: str) -> _Year:
        return cls(where, d.standard_id, d.standard, str(d.organisation.get("name") or ""), d.organisation.get("code"),
                   date.fromisoformat(d.period["start"]), year_label(d.period["start"], d.period["end"]))


def _earlier_years(earlier: list[_Year], path: Path, current: Organisation) -> list[Problem]:
    """Each --previous return is an earlier year of the same standard. A later one would become the year the
    report headlines, under the settings and action plan of the return given as PATH."""
    problems = []
    for o in earlier:
        if o.standard_id != current.standard_id:
            problems.append(Problem(o.where, f"reports on the {o.standard_name}, but {path} reports on the {current.standard.name}",
                                    "give earlier years of the same standard with --previous", "standard"))
        elif not _same_organisation((o.name, o.code), (current.name, current.code)):
            ours = f"{current.name}{f' ({current.code})' if current.code else ''}"
            problems.append(Problem(o.where, f"is {o.name}{f' ({o.code})' if o.code else ''}'s return, not {ours}'s: a trend is one "
                                    "organisation's years", "give earlier years of the same organisation with --previous; if it is the same one "
                                    "under another name, give both returns its code", "code" if o.code and current.code else "name"))
        elif o.start > current.period_start:
            problems.append(Problem(o.where, f"is for {o.label}, after the year reported on ({current.period_label}, {path})",
                                    f"--previous takes earlier years: give the latest year's return first, then {path} with --previous",
                                    "period_start"))
    return problems


def _same_organisation(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    """By code where both returns give one (a council renamed keeps its code); by name, spacing and case aside, where not."""
    (a_name, a_code), (b_name, b_code) = a, b
    if a_code and b_code:
        return a_code.strip().lower() == b_code.strip().lower()
    return " ".join(a_name.lower().split()) == " ".join(b_name.lower().split())


def from_loaded(loaded: list[pipeline.Loaded], internal: bool = False, threshold: int | None = None, label: str = "the return",
                accept_placeholders: bool = False, published: list[tuple[str, Document]] | None = None) -> Report:
    """A report of counts already loaded (earlier years first, the year reported on last), and of earlier years
    given as their published documents (`published`: where each came from, and the document).

    A published report is refused while the organisation's settings hold the template's placeholder text
    (it would print "Name, Director of Adult Social Care"), unless that is accepted on purpose. An earlier
    year's document is shown as it was published, so a published report takes one only if its small numbers
    were hidden at this report's threshold or above: at a lower one, it would publish again counts this report hides.
    """
    current = loaded[-1]
    if not internal and not accept_placeholders:
        left = placeholder_problems(current.organisation)
        if left:
            raise InvalidInput([replace(p, severity="error", fix="fill it in before publishing (or publish it as it is with --accept-placeholders)")
                                for p in left])
    limit = threshold or current.organisation.suppression_threshold
    unsafe = [Problem(where, f"was published with the threshold {d.suppression.get('threshold')}, below this report's {limit}" if d.suppression.get("applied")
                      else "is an internal document (nothing in it is hidden)",
                      "give that year's return, counted again at this report's threshold; or make this report --internal", "suppression")
              for where, d in published or () if not internal and not (d.suppression.get("applied") and (d.suppression.get("threshold") or 0) >= limit)]
    if unsafe:
        raise InvalidInput(unsafe)
    docs = sorted([*(pipeline.publish(x, internal, limit) for x in loaded), *(d for _, d in published or ())], key=lambda d: d.period["start"])
    starts = [d.period["start"] for d in docs]
    if len(set(starts)) != len(starts):
        raise InvalidInput([Problem(label, "two of the returns given are for the same year", "give each earlier year once, with --previous")])
    # each year's change from the year before it, from the documents as published (results.with_change)
    docs = [docs[0], *(with_change(d, prev) for prev, d in zip(docs, docs[1:]))] if docs else docs
    return Report(current.organisation, docs, internal, plan=current.plan)
