"""The straight path, read → validate → counts → results → disclose, as the library's public entry points."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wres import actions
from wres import counts as counts_mod
from wres import disclosure, results
from wres.organisation import Organisation
from wres.problems import InvalidInput, Problem
from wres.read import RECORD_FILES, Return, read_return
from wres.validate import Checked, Unknown, unknown_values, validate


@dataclass
class Loaded:
    organisation: Organisation
    counts: counts_mod.Counts
    warnings: list[Problem]
    from_counts_file: bool
    plan: actions.Plan | None = None


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
    return chk.problems


def load(path: Path, mapping: Path | None = None) -> Loaded:
    """A return reduced to counts; raises InvalidInput with every problem when it has errors."""
    ret = read_return(path, mapping=mapping)
    return _loaded(ret, validate(ret))


def _loaded(ret: Return, chk: Checked) -> Loaded:
    problems = list(chk.problems)
    counts = None
    if not chk.errors:
        if "counts" in ret.sources:
            counts, more = counts_mod.from_counts_file(ret)
            problems += more
        else:
            counts = counts_mod.from_records(chk)
            problems += counts_mod.more_events_than_staff(counts)
    errors = [p for p in problems if p.severity == "error"]
    if errors or counts is None or ret.organisation is None:
        raise InvalidInput(errors)
    return Loaded(ret.organisation, counts, [p for p in problems if p.severity == "warning"], "counts" in ret.sources, actions.load(chk))


def action_plan(path: Path) -> PlanView:
    """The action plan of a return; raises InvalidInput for problems in the plan (or no organisation.toml).

    Problems elsewhere in the return do not stop the plan being shown: they only mean the metrics, and so
    the check for metrics no action addresses, are not available.
    """
    ret = read_return(path)
    chk = validate(ret)
    plan_files = {src.label for name, src in ret.sources.items() if name in ("actions", "action_updates")}
    plan_errors = [p for p in chk.errors if p.file in plan_files or p.file.startswith("organisation")]
    if plan_errors or ret.organisation is None:
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
