"""Disclosure control: what may leave the authority.

Primary suppression: a count from 1 to threshold−1 is withheld, with every rate, relative likelihood,
interval, share and sentence that would reveal it. Secondary suppression (cells recoverable by
subtraction across linked tables) is not done yet, and the document says so in `suppression.method`.
"""

from __future__ import annotations

from dataclasses import replace

from wres.results import Document, Figures, Result
from wres.stats import SERVICE_WORDS

DEFAULT_THRESHOLD = 10


def _small(x: int | None, threshold: int) -> bool:
    return x is not None and 1 <= x < threshold


def _withhold(f: Figures, threshold: int) -> tuple[Figures, bool]:
    num = None if _small(f.numerator, threshold) else f.numerator
    den = None if _small(f.denominator, threshold) else f.denominator
    hit = num != f.numerator or den != f.denominator
    return (Figures(num, den, None if hit else f.rate), hit)


def _primary_result(r: Result, threshold: int) -> Result:
    me, me_hit = _withhold(r.minority_ethnic, threshold)
    white, white_hit = _withhold(r.white, threshold)
    unknown, unknown_hit = _withhold(r.unknown, threshold)
    if not (me_hit or white_hit or unknown_hit):
        return r
    denominators_hit = me.denominator != r.minority_ethnic.denominator or white.denominator != r.white.denominator or unknown.denominator != r.unknown.denominator
    out = replace(
        r,
        minority_ethnic=me,
        white=white,
        unknown=unknown,
        declaration_rate=None if denominators_hit else r.declaration_rate,
        suppressed=True,
    )
    if me_hit or white_hit:
        out = replace(
            out,
            relative_likelihood=None,
            ci95=None,
            assessment=None,
            representation={k: None for k in r.representation} if r.representation else None,
            reason=f"too few staff to publish (a count under {threshold})",
            sentence=f"{r.label} in {SERVICE_WORDS[r.service]}: too few staff to publish. "
            f"Counts under {threshold} are withheld to protect the people they describe.",
        )
    else:
        out = replace(out, reason=f"the unknown-ethnicity count is too small to publish (under {threshold})")
    return out


def primary(doc: Document, threshold: int = DEFAULT_THRESHOLD) -> Document:
    """The publishable document under primary suppression."""
    results = [_primary_result(r, threshold) for r in doc.results]
    return replace(
        doc,
        results=results,
        suppression={
            "applied": True,
            "threshold": threshold,
            "method": "primary",
            "cells_suppressed": sum(
                (f.numerator is None) + (f.denominator is None)
                for r, orig in zip(results, doc.results)
                for f, o in ((r.minority_ethnic, orig.minority_ethnic), (r.white, orig.white), (r.unknown, orig.unknown))
                if o.numerator is not None or o.denominator is not None
            ),
        },
        marking=None,
    )
