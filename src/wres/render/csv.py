"""The metrics document flattened to one CSV row per result, for spreadsheets."""

from __future__ import annotations

import csv
import io

from wres.results import Document

COLUMNS = (
    "metric", "title", "service", "band",
    "minority_ethnic_numerator", "minority_ethnic_denominator", "minority_ethnic_rate",
    "white_numerator", "white_denominator", "white_rate",
    "unknown_numerator", "unknown_denominator", "declaration_rate",
    "relative_likelihood", "ci95_low", "ci95_high", "assessment", "suppressed", "reason", "sentence",
)


def safe_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def render(doc: Document) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if doc.marking:
        w.writerow([f"# {doc.marking}"])
    w.writerow(COLUMNS)
    for r in doc.results:
        ci = r.ci95 or (None, None)
        w.writerow(safe_cell(v) for v in (
            r.metric, r.title, r.service, r.band,
            r.minority_ethnic.numerator, r.minority_ethnic.denominator, r.minority_ethnic.rate,
            r.white.numerator, r.white.denominator, r.white.rate,
            r.unknown.numerator, r.unknown.denominator, r.declaration_rate,
            r.relative_likelihood, ci[0], ci[1], r.assessment, r.suppressed, r.reason, r.sentence,
        ))
    return buf.getvalue()
