"""The straight path, read → validate → counts → results → disclose, as the library's public entry points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb

from wres import actions
from wres import counts as counts_mod
from wres import disclosure, results
from wres.organisation import Organisation
from wres.problems import InvalidInput, Problem
from wres.read import RECORD_FILES, Return, read_return, replace_source
from wres.validate import Checked, Unknown, unknown_values, validate


SurveyChoice = Literal["", "campaign", "upload"]


@dataclass(frozen=True)
class Campaign:
    """Survey answers gathered elsewhere (the staff survey the web service runs) for one period, written as a
    survey.csv in the contract's own words: for a return of that period they are its survey, read, checked and
    counted as a survey.csv is. `choice` says which to use when the return has survey answers of its own."""

    key: str  # how the caller knows it again (the web service's campaign id)
    title: str
    period_start: date
    period_end: date
    path: Path | None  # its answers as survey.csv; None once they are deleted and only its counts are kept
    choice: SurveyChoice = ""
    counts: counts_mod.Counts | None = None  # its survey metrics' counts as kept (when path is None)

    @property
    def label(self) -> str:
        """How problems name it (in place of survey.csv)."""
        return f'the staff survey "{self.title}"'


@dataclass(frozen=True)
class SurveyUse:
    """What became of a campaign of the return's period: used as its survey, or in conflict with its own."""

    campaign: Campaign
    used: bool
    conflict: bool = False
    own: str | None = None  # the return's own file of survey answers, as problems name it (None: it had none)


def conflict_problem(c: Campaign, own: str) -> Problem:
    return Problem(own, f"holds survey answers, and {c.label} covers the same period: choose which to use",
                   f"choose the staff survey or your {own}; or upload the return again without its survey answers")


@dataclass
class Loaded:
    organisation: Organisation
    counts: counts_mod.Counts
    warnings: list[Problem]
    from_counts_file: bool
    plan: actions.Plan | None = None
    survey: SurveyUse | None = None  # a campaign of the return's period, and whether it gave the survey


@dataclass
class PlanView:
    """What `wres actions` needs: the plan, and the (internal) metrics when the rest of the return is sound."""

    organisation: Organisation
    plan: actions.Plan | None
    document: results.Document | None
    metric_errors: list[Problem]


def check(path: Path, unknown_ethnicities: list[Unknown] | None = None, mapping: Path | None = None) -> list[Problem]:
    """Every problem in a return (errors and warnings), without counting it.

    Given a list, the return's unrecognised ethnicity values are added to it (for `validate --write-map`).
    `mapping` is an import mapping to read the return with, in place of its own mapping.toml.
    """
    ret = read_return(path, mapping=mapping)
    chk = validate(ret)
    if unknown_ethnicities is not None:
        unknown_ethnicities += unknown_values(chk, "ethnicity")
    if "counts" in ret.sources and not chk.errors:
        _, problems = counts_mod.from_counts_file(ret)
        return chk.problems + problems
    if ret.survey_counts is not None:
        _, problems = counts_mod.from_counts_file(ret, ret.survey_counts)
        return chk.problems + problems
    return chk.problems


class Invalid(InvalidInput):
    """InvalidInput, saying also what became of a campaign of the return's period (a conflict to choose)."""

    def __init__(self, problems: list[Problem], survey: SurveyUse | None) -> None:
        super().__init__(problems)
        self.survey = survey


def load(path: Path, mapping: Path | None = None, campaigns: Sequence[Campaign] = ()) -> Loaded:
    """A return reduced to counts; raises InvalidInput (Invalid) with every problem when it has errors.

    A campaign of the return's period (`campaigns`, matched by period_start and period_end) gives the return's
    survey: in place of a survey.csv (record returns) or of counts.csv's survey rows (aggregate returns). When
    the return has survey answers of its own, its `choice` says which is used; none chosen is an error."""
    ret = read_return(path, mapping=mapping)
    org = ret.organisation
    campaign = next((c for c in campaigns if org is not None and (c.period_start, c.period_end) == (org.period_start, org.period_end)), None)
    use, merge = None, campaign if campaign is not None and "counts" in ret.sources else None
    if campaign is not None and "counts" not in ret.sources:
        own = (ret.sources["survey"].label if "survey" in ret.sources else "survey.csv" if "survey" in ret.unreadable
               else ret.survey_counts.label if ret.survey_counts is not None else None)
        use = SurveyUse(campaign, used=own is None or campaign.choice == "campaign", conflict=own is not None and not campaign.choice, own=own)
        if use.conflict:
            ret.problems.append(conflict_problem(campaign, own))  # type: ignore[arg-type]
        elif use.used and campaign.path is not None:
            ret.survey_counts = None
            replace_source(ret, "survey", campaign.path, campaign.label)
        elif use.used:  # only its counts are kept: they replace the survey metrics' counts
            ret.sources.pop("survey", None)
            ret.survey_counts = None
            merge = campaign
    try:
        return _loaded(ret, validate(ret), merge, use)
    except Invalid:
        raise
    except InvalidInput as exc:
        raise Invalid(exc.problems, use) from None


def _loaded(ret: Return, chk: Checked, campaign: Campaign | None = None, use: SurveyUse | None = None) -> Loaded:
    problems = list(chk.problems)
    counts = None
    if not chk.errors:
        if "counts" in ret.sources:
            counts, more = counts_mod.from_counts_file(ret)
            problems += more
        else:
            counts = counts_mod.from_records(chk)
            problems += counts_mod.more_events_than_staff(counts)
            if ret.survey_counts is not None:  # the survey's figures given as counts beside the records
                theirs, more = counts_mod.from_counts_file(ret, ret.survey_counts)
                counts, problems = counts.with_survey(theirs), problems + more
        if campaign is not None and not [p for p in problems if p.severity == "error"]:
            counts, use, more = _campaign_counts(counts, campaign, ret, use)
            problems += more
    errors = [p for p in problems if p.severity == "error"]
    if errors or counts is None or ret.organisation is None:
        raise Invalid(errors, use)
    return Loaded(ret.organisation, counts, [p for p in problems if p.severity == "warning"], "counts" in ret.sources, actions.load(chk), use)


def _campaign_counts(counts: counts_mod.Counts, c: Campaign, ret: Return, use: SurveyUse | None) -> tuple[counts_mod.Counts, SurveyUse, list[Problem]]:
    """The campaign's survey counts in place of the return's survey metrics' counts: an aggregate return's
    (counts.csv's own survey rows and no choice made are an error), or a record return's when only the
    campaign's counts are kept."""
    std = counts.standard
    survey = {m.id for m in std.metrics if m.kind == "survey"}
    if use is None:
        own = bool(survey & counts.submitted)
        use = SurveyUse(c, used=not own or c.choice == "campaign", conflict=own and not c.choice, own=ret.sources["counts"].label if own else None)
        if use.conflict:
            return counts, use, [conflict_problem(c, ret.sources["counts"].label)]
    if not use.used:
        return counts, use, []
    try:
        theirs = c.counts if c.counts is not None else survey_counts(ret.organisation, c.path, c.label)  # type: ignore[arg-type]
    except InvalidInput as exc:
        return counts, use, exc.problems
    return counts.with_survey(theirs), use, []


def survey_counts(organisation: Organisation, path: Path, label: str = "survey.csv") -> counts_mod.Counts:
    """The survey metrics' counts of a survey.csv alone, for `organisation`'s period and standard: read, checked
    and counted as a return's survey.csv is (the staff survey the web service runs, before it joins a return)."""
    ret = Return(path.parent, duckdb.connect(config={"threads": 1}), organisation)
    replace_source(ret, "survey", path, label)
    chk = validate(ret)
    chk.problems = [p for p in chk.problems if p.file == label]  # the other files' absence is not the survey's concern
    errors = [p for p in chk.problems if p.severity == "error"]
    if errors:
        raise InvalidInput(errors)
    return counts_mod.from_records(chk)


def action_plan(path: Path) -> PlanView:
    """The action plan of a return; raises InvalidInput for problems in the plan (or no organisation.toml).

    Problems elsewhere in the return do not stop the plan being shown: they only mean the metrics, and so
    the check for metrics no action addresses, are not available.
    """
    ret = read_return(path)
    chk = validate(ret)
    plan_files = {src.label for name, src in ret.sources.items() if name in ("actions", "action_updates")}
    plan_errors = [p for p in chk.errors if p.file in plan_files or p.file.startswith("organisation")]
    if plan_errors or ret.organisation is None or "*" in ret.unreadable:  # the last: no return there, or none readable
        raise InvalidInput(plan_errors or chk.errors)
    others = [p for p in chk.errors if p not in plan_errors]
    document = None
    if not others:
        try:
            document = publish(_loaded(ret, chk), internal=True)
        except InvalidInput as exc:
            others = exc.problems
    return PlanView(ret.organisation, actions.load(chk), document, others)


def detailed_warnings(problems: list[Problem]) -> list[str]:
    """The analyst's warnings: file, rows and column of each, for the internal document and report."""
    return [f"{p.where}: {p.message}" + (f" ({p.row_count:,} rows)" if p.row_count > 1 else "") for p in problems]


def published_warnings(problems: list[Problem]) -> list[str]:
    """What the warnings concern, for a published document: one line per kind of warning about the records,
    with how many it touched, but no file rows or columns (those are for the analyst's internal report).

    A warning about a whole record file ("has a header but no rows") is said of its data; one about preparing
    the return (a placeholder left in, a file not read) names things no reader needs, so it is only counted.
    """
    by_message: dict[str, list[Problem]] = {}
    preparing = 0
    for p in problems:
        stem = p.file.removesuffix(".csv").removesuffix(".parquet").split(", sheet ")[-1].strip().lower()
        if p.rows:
            by_message.setdefault(p.message, []).append(p)
        elif stem in RECORD_FILES:
            by_message.setdefault(f"the {stem.replace('_', ' ')} file {p.message}", [])
        else:
            preparing += 1
    lines = []
    for message, group in by_message.items():
        records = sum(max(p.row_count, len(p.rows)) for p in group)
        files = sorted({p.file.removesuffix(".csv") for p in group})
        about = f" ({records:,} record{'s' if records != 1 else ''} in the {' and '.join(files)} data)" if files else ""
        lines.append(message[0].upper() + message[1:] + about)
    if preparing:
        lines.append(f"{preparing} other warning{'s' if preparing != 1 else ''} concerned how the return's files were prepared, "
                     "not the figures (listed in the internal report)")
    return lines


def publish(loaded: Loaded, internal: bool = False, threshold: int | None = None) -> results.Document:
    """The metrics document of loaded counts: protected for publication unless internal."""
    warnings = detailed_warnings(loaded.warnings) if internal else published_warnings(loaded.warnings)
    doc = results.compute(loaded.counts, loaded.organisation, warnings, loaded.from_counts_file)
    if internal:
        return doc
    return disclosure.protect(doc, threshold or loaded.organisation.suppression_threshold)


def document(path: Path, internal: bool = False, threshold: int | None = None, mapping: Path | None = None) -> results.Document:
    """The metrics document of a return: protected for publication unless internal."""
    return publish(load(path, mapping), internal, threshold)
