"""Disclosure control: what may leave the authority, and the audit that proves nothing small leaks.

A published table set is a set of counts and the additive relations a reader can use on them:
minority ethnic + white + unknown = total; adults + children = all; the pay bands of M1 add up to the
headcount, which is also the denominator of M3, M5, M8 and M9; a national table is the sum of its
regions. Hiding the small counts (primary suppression) is not enough, because a hidden count can be
worked out by subtraction. So:

1. primary: every count from 1 to threshold−1 is hidden;
2. secondary: further cells are hidden, smallest adequate first, until the audit passes;
3. audit: for every hidden count, a linear programme (scipy's HiGHS) finds the largest value consistent
   with everything published (counts ≥ 0, numerators within their denominators, every relation, every
   published rate). A hidden count is safe when that largest value reaches the threshold: nobody can pin
   it below the threshold. The same audit runs on any published document (`wres audit`).

Rates, relative likelihoods, intervals, shares and sentences that would reveal a hidden count are hidden
with it. Counts of 0 are published: zero people is not a small group of identifiable people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from wres.counts import EVENTS_MAY_EXCEED
from wres.results import Document, Figures, Result
from wres.standards.sc_wres import METRICS
from wres.stats import SERVICE_WORDS

DEFAULT_THRESHOLD = 10
GROUPS = ("minority_ethnic", "white", "unknown", "total")
KINDS = ("numerator", "denominator")
PARTS = {"all": ("adults", "children"), "total": ("minority_ethnic", "white", "unknown")}
_DEN_KEY = {m.id: m.denominator_key for m in METRICS}
_BANDED = {m.id for m in METRICS if m.kind == "pay_band"}
_METRIC = {m.id: m for m in METRICS}

Cell = tuple[str, str, str, str, str, str]  # table, metric, service, band ("" if none), group, kind
# Hiding a minority ethnic or white count costs the reader a relative likelihood; an unknown or total count
# costs much less. Secondary suppression prefers the cheap ones.
_WEIGHT = {"minority_ethnic": 1.0, "white": 1.0, "unknown": 0.05, "total": 0.05}


@dataclass
class TableSet:
    """Counts of one or more published tables as variables, and what a reader knows about them."""

    var: dict[Cell, int] = field(default_factory=dict)  # cell → variable (one definition, one variable)
    values: list[int | None] = field(default_factory=list)  # None: not published (or unknown to the auditor)
    weight: list[float] = field(default_factory=list)  # what hiding it costs a reader, per person counted
    relations: set[tuple[int, tuple[int, ...]]] = field(default_factory=set)  # total = sum(parts)
    at_most: set[tuple[int, int]] = field(default_factory=set)  # x[a] <= x[b]
    ratios: list[tuple[tuple[tuple[int, float], ...], float]] = field(default_factory=list)  # sum(coef·x) = rhs

    def relations_of(self) -> dict[int, list[tuple[int, ...]]]:
        """Each variable → the relations (as member tuples, total first) it appears in."""
        out: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for total, parts in self.relations:
            members = (total, *parts)
            for v in members:
                out[v].append(members)
        return out


def _cells(table: str, results: Iterable[dict[str, Any]]) -> Iterable[tuple[Cell, int | None]]:
    for r in results:
        if r.get("reason") == "not submitted":
            continue
        for group in GROUPS:
            figures = r.get(group)
            if figures is None:
                continue
            for kind in KINDS:
                yield (table, r["metric"], r["service"], r["band"] or "", group, kind), figures.get(kind)


def _definition(cell: Cell) -> tuple[str, ...]:
    """Cells with the same definition hold the same number: the staff headcount appears in five metrics."""
    table, metric, service, _band, group, kind = cell
    key = _DEN_KEY.get(metric)
    if kind == "denominator" and key:
        return (table, "denominator", key, service, group)
    return cell


def build(tables: dict[str, list[dict[str, Any]]], sums: Sequence[tuple[str, Sequence[str]]] = (), rates: bool = False) -> TableSet:
    """The table set of published results (dicts as in the JSON). `sums`: (table, tables it adds up)."""
    ts = TableSet()
    by_definition: dict[tuple[str, ...], list[tuple[Cell, int | None]]] = defaultdict(list)
    for table, results in tables.items():
        for cell, value in _cells(table, results):
            by_definition[_definition(cell)].append((cell, value))
    for members in by_definition.values():
        # one variable per distinct published value (a conflict means they are not the same number after all)
        known = sorted({v for _, v in members if v is not None})
        index = {v: len(ts.values) + i for i, v in enumerate(known)} or {None: len(ts.values)}
        ts.values += known or [None]
        ts.weight += [_WEIGHT[members[0][0][4]]] * len(index)
        for cell, value in members:
            ts.var[cell] = index.get(value, next(iter(index.values())))

    def rel(total: Cell, parts: Sequence[Cell]) -> None:
        if total in ts.var and parts and all(p in ts.var for p in parts):
            ts.relations.add((ts.var[total], tuple(sorted(ts.var[p] for p in parts))))

    for (table, metric, service, band, group, kind) in list(ts.var):
        if service == "all":
            rel((table, metric, "all", band, group, kind), [(table, metric, s, band, group, kind) for s in PARTS["all"]])
        if group == "total":
            rel((table, metric, service, band, "total", kind), [(table, metric, service, band, g, kind) for g in PARTS["total"]])
        if metric in _BANDED and kind == "denominator":
            bands = [c for c in ts.var if c[:3] == (table, metric, service) and c[4] == group and c[5] == "numerator"]
            rel((table, metric, service, band, group, kind), bands)
        if kind == "numerator" and not EVENTS_MAY_EXCEED.get(metric, True):
            den = (table, metric, service, band, group, "denominator")
            if den in ts.var:
                ts.at_most.add((ts.var[(table, metric, service, band, group, kind)], ts.var[den]))
    for parent, children in sums:
        for cell in [c for c in ts.var if c[0] == parent]:
            parts = [(child, *cell[1:]) for child in children if (child, *cell[1:]) in ts.var]
            rel(cell, parts)
    if rates:
        _published_rates(ts, tables)
    return ts


def _published_rates(ts: TableSet, tables: dict[str, list[dict[str, Any]]]) -> None:
    """A published rate or declaration rate is a linear relation too: numerator = rate × denominator."""
    for table, results in tables.items():
        for r in results:
            key = (table, r["metric"], r["service"], r["band"] or "")
            for group in ("minority_ethnic", "white"):
                rate = (r.get(group) or {}).get("rate")
                num, den = (*key, group, "numerator"), (*key, group, "denominator")
                if rate is not None and num in ts.var and den in ts.var:
                    ts.ratios.append((((ts.var[num], 1.0), (ts.var[den], -rate)), 0.0))
            d = r.get("declaration_rate")
            dens = [(*key, g, "denominator") for g in ("minority_ethnic", "white", "unknown")]
            if d is not None and all(c in ts.var for c in dens):
                me, wh, un = (ts.var[c] for c in dens)
                ts.ratios.append((((me, 1 - d), (wh, 1 - d), (un, -d)), 0.0))


# --- the audit -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Leak:
    cell: Cell
    low: float
    high: float  # the largest value consistent with what is published (< threshold: a leak)


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    binding: tuple[int, ...]  # published variables in the relations that hold `high` down


_CAP = 1e12  # stands for "unbounded": keeps every programme bounded, so a solution can always be read


class _Programme:
    """The reader's linear programme over the hidden counts, given everything published."""

    def __init__(self, ts: TableSet, hidden: set[int]):
        from scipy.optimize import linprog  # imported here: only publication pays for it
        from scipy.sparse import csr_array

        self._linprog = linprog
        self.col = {v: i for i, v in enumerate(sorted(hidden))}
        eq = [_row([(total, 1.0)] + [(p, -1.0) for p in parts], ts.values, self.col) for total, parts in ts.relations]
        eq += [_row(list(terms), ts.values, self.col, rhs) for terms, rhs in ts.ratios]
        ub = [_row([(a, 1.0), (b, -1.0)], ts.values, self.col) for a, b in ts.at_most]
        self.eq = [r for r in eq if r[0]]
        self.ub = [r for r in ub if r[0]]
        n = len(self.col)

        def matrix(rows: list[tuple[dict[int, float], float, tuple[int, ...]]]) -> tuple[Any, Any]:
            if not rows:
                return None, None
            ri = [i for i, (coefs, _, _) in enumerate(rows) for _ in coefs]
            ci = [j for coefs, _, _ in rows for j in coefs]
            data = [c for coefs, _, _ in rows for c in coefs.values()]
            return csr_array((data, (ri, ci)), shape=(len(rows), n)), [rhs for _, rhs, _ in rows]

        self.a_eq, self.b_eq = matrix(self.eq)
        self.a_ub, self.b_ub = matrix(self.ub)

    def solve(self, objective: dict[int, float]) -> Any:
        c = [0.0] * len(self.col)
        for v, w in objective.items():
            c[self.col[v]] = w
        return self._linprog(c, A_ub=self.a_ub, b_ub=self.b_ub, A_eq=self.a_eq, b_eq=self.b_eq, bounds=(0, _CAP), method="highs")

    def value(self, res: Any, v: int) -> float:
        return float(res.x[self.col[v]])

    def range(self, v: int, low_too: bool = True) -> Range:
        high = self.solve({v: -1.0})
        low = self.solve({v: 1.0}) if low_too else None
        if high.status != 0 or (low is not None and low.status != 0):  # the figures contradict each other: claim nothing
            return Range(float("nan"), float("inf"), ())
        binding: set[int] = set()
        for rows, duals in ((self.eq, high.eqlin.marginals if self.eq else []), (self.ub, high.ineqlin.marginals if self.ub else [])):
            binding.update(p for (_, _, pub), y in zip(rows, duals) if abs(y) > 1e-9 for p in pub)
        return Range(low.fun if low is not None else float("nan"), -high.fun, tuple(sorted(binding)))


def pinned(ts: TableSet, hidden: set[int], targets: Iterable[int], threshold: int, low_too: bool = True) -> dict[int, Range]:
    """The targets a reader can pin below the threshold, with their ranges.

    One solution in which a count reaches the threshold proves that count safe, so each programme
    maximises all unproven counts together; only those left over get a programme of their own.
    """
    unproven = set(targets)
    if not unproven:
        return {}
    lp = _Programme(ts, hidden)
    while unproven:
        res = lp.solve({v: -1.0 for v in unproven})
        proven = {v for v in unproven if res.status == 0 and lp.value(res, v) >= threshold - 1e-6}
        if not proven:
            break
        unproven -= proven
    found = {v: lp.range(v, low_too) for v in sorted(unproven)}
    return {v: r for v, r in found.items() if r.high < threshold - 1e-6}


def _row(terms: list[tuple[int, float]], values: list[int | None], col: dict[int, int], rhs: float = 0.0) -> tuple[dict[int, float], float, tuple[int, ...]]:
    """One linear relation over the hidden variables, the published ones moved to the right (and named)."""
    coefs: dict[int, float] = defaultdict(float)
    published = []
    for v, c in terms:
        if v in col:
            coefs[col[v]] += c
        else:
            rhs -= c * (values[v] or 0)
            published.append(v)
    return {k: c for k, c in coefs.items() if c}, rhs, tuple(published)


@dataclass
class Audit:
    leaks: list[Leak]
    hidden: int
    published: int


def audit(tables: dict[str, list[dict[str, Any]]], threshold: int, sums: Sequence[tuple[str, Sequence[str]]] = ()) -> Audit:
    """Check published documents: can any hidden count be pinned below the threshold?"""
    ts = build(tables, sums, rates=True)
    hidden = {v for v, x in enumerate(ts.values) if x is None}
    cell_of = {v: c for c, v in ts.var.items()}
    leaks = [Leak(cell_of[v], r.low, r.high) for v, r in sorted(pinned(ts, hidden, hidden, threshold).items())]
    # and a small count published outright is a leak by definition
    leaks += [Leak(cell_of[v], x, x) for v, x in enumerate(ts.values) if x is not None and 0 < x < threshold]
    return Audit(leaks, len(hidden), len(ts.values) - len(hidden))


# --- protection --------------------------------------------------------------------------------------

def _choose(ts: TableSet, hidden: set[int], candidates: Iterable[int]) -> int | None:
    """The cheapest adequate cell to hide next: the smallest non-zero count, unknown and total counts
    before minority ethnic and white ones (which cost a relative likelihood); a zero only if nothing else."""
    left = [v for v in candidates if v not in hidden]
    return min(left, key=lambda v: (ts.values[v] == 0, (ts.values[v] or 0) * ts.weight[v], v)) if left else None


def suppress(ts: TableSet, threshold: int, forced: set[int] = frozenset()) -> tuple[set[int], set[int]]:  # type: ignore[assignment]
    """Primary and secondary hidden variables such that the audit finds no leak.

    `forced` are hidden whatever their size (a table that is not published) and protected like the rest.
    """
    values = ts.values
    primary = {v for v, x in enumerate(values) if x is not None and 0 < x < threshold}
    hidden = primary | forced
    # 1. relation by relation (cheap, and it settles most cells): a hidden total needs a hidden part, or it is
    #    the sum of the parts; hidden parts of a published total need at least two of them adding to the
    #    threshold, or each is at most the total minus the published parts
    changed = True
    while changed:
        changed = False
        for total, parts in ts.relations:
            hidden_parts = [p for p in parts if p in hidden]
            if total in hidden:
                short = not hidden_parts
            else:
                short = bool(hidden_parts) and (len(hidden_parts) == 1 or sum(values[p] or 0 for p in hidden_parts) < threshold)
            if short:
                pick = _choose(ts, hidden, (total, *parts) if total not in hidden else parts)
                if pick is not None:
                    hidden.add(pick)
                    changed = True
    # 2. while a hidden count can be pinned below the threshold, hide the smallest published count
    #    among those that pin it (the binding relations of its linear programme)
    relations = ts.relations_of()
    check = {v for v in hidden if (values[v] or 0) < threshold and not (v in forced and not values[v])}
    while check:
        leaking = pinned(ts, hidden, check, threshold, low_too=False)
        check = set(leaking)
        before = len(hidden)
        for v, r in leaking.items():
            pick = _choose(ts, hidden, r.binding)
            if pick is None and set(r.binding) <= hidden and len(hidden) > before:
                continue  # its binding counts were hidden for another count just now: look again next round
            if pick is None:  # held down by no published count we can name: hide a neighbour
                pick = _choose(ts, hidden, (m for members in relations.get(v, []) for m in members))
            if pick is None:
                continue
            hidden.add(pick)
            if (values[pick] or 0) < threshold:
                check.add(pick)
        if leaking and len(hidden) == before:
            raise RuntimeError(f"disclosure control could not protect {len(leaking)} count(s)")
        # hiding more only widens what a reader cannot know, so a count found safe stays safe
    return primary, hidden - primary


# --- applying it to documents ------------------------------------------------------------------------

def _withhold(f: Figures, hide_num: bool, hide_den: bool) -> Figures:
    if not (hide_num or hide_den):
        return f
    return Figures(None if hide_num else f.numerator, None if hide_den else f.denominator, None)


def _apply(table: str, r: Result, ts: TableSet, primary: set[int], secondary: set[int], threshold: int) -> Result:
    if r.reason == "not submitted":
        return r
    key = (table, r.metric, r.service, r.band or "")

    def hidden(group: str, kind: str) -> str | None:
        v = ts.var[(*key, group, kind)]
        return "primary" if v in primary else "secondary" if v in secondary else None

    status = {(g, k): hidden(g, k) for g in GROUPS for k in KINDS}
    if not any(status.values()):
        return r
    me, white, unknown, total = (
        _withhold(getattr(r, g), bool(status[(g, "numerator")]), bool(status[(g, "denominator")])) for g in GROUPS
    )
    any_den = any(status[(g, "denominator")] for g in GROUPS)
    out = replace(r, groups={"minority_ethnic": me, "white": white, "unknown": unknown}, total=total, suppressed=True,
                  declaration_rate=None if any_den else r.declaration_rate)
    compared = [status[(g, k)] for g in ("minority_ethnic", "white") for k in KINDS]
    where = SERVICE_WORDS[r.service]
    if any(compared):
        small = small_counts(r, status, threshold)
        out = replace(
            out, relative_likelihood=None, ci95=None, assessment=None,
            representation=_representation(r, status),
            reason=small or "withheld so that a small count elsewhere cannot be worked out by subtraction",
            sentence=(f"{r.label} in {where}: withheld, because {small}. Counts under {threshold} are withheld "
                      "to protect the people they describe.") if small
            else (f"{r.label} in {where}: withheld, so that small numbers elsewhere in the tables cannot be "
                  "worked out by subtraction."),
        )
    elif r.reason is None:  # an undefined RL keeps its own reason
        out = replace(out, reason="some unknown-ethnicity or total counts are withheld to protect small numbers")
    return out


def small_counts(r: Result, status: dict[tuple[str, str], str | None], threshold: int) -> str | None:
    """Which of a result's compared counts are small, in words: "fewer than 10 minority ethnic applicants were
    appointed". The count itself stays hidden; saying that it is under the threshold is what [c] means anyway."""
    metric = _METRIC[r.metric]
    said = []
    for kind, template in (("numerator", metric.small_numerator), ("denominator", metric.small_denominator)):
        groups = [words for group, words in (("minority_ethnic", "minority ethnic"), ("white", "white")) if status[(group, kind)] == "primary"]
        if groups:  # "fewer than 10 minority ethnic and fewer than 10 white staff left the authority"
            said.append(f"fewer than {threshold} " + template.format(group=f" and fewer than {threshold} ".join(groups), band=r.band or ""))
    return " and ".join(said) or None


def _representation(r: Result, status: dict[tuple[str, str], str | None]) -> dict[str, float | None] | None:
    """M9's shares: of senior managers (needs both numerators), of the workforce (both denominators)."""
    if r.representation is None:
        return None
    needs = {"senior_managers": "numerator", "workforce": "denominator"}
    return {k: None if k in needs and any(status[(g, needs[k])] for g in ("minority_ethnic", "white")) else v
            for k, v in r.representation.items()}


def protect_tables(
    docs: dict[str, Document], threshold: int, sums: Sequence[tuple[str, Sequence[str]]] = (), unpublished: Sequence[str] = (),
) -> dict[str, Document]:
    """Publishable versions of linked documents (e.g. a nation and its regions), protected together.

    `unpublished` tables take part (their counts add up to a published total) but are not returned.
    """
    ts = build({name: [r.as_dict() for r in d.results] for name, d in docs.items()}, sums)
    forced = {v for c, v in ts.var.items() if c[0] in unpublished}
    primary, secondary = suppress(ts, threshold, forced)
    out = {}
    for name, doc in docs.items():
        if name in unpublished:
            continue
        results = [_apply(name, r, ts, primary, secondary, threshold) for r in doc.results]
        mine = {v for c, v in ts.var.items() if c[0] == name}
        out[name] = replace(
            doc,
            results=results,
            suppression={
                "applied": True,
                "threshold": threshold,
                "method": "primary and secondary, audited by linear programming",
                "counts_published": len(mine - primary - secondary),
                "counts_suppressed": {"primary": len(mine & primary), "secondary": len(mine & secondary)},
            },
            marking=None,
        )
    return out


def protect(doc: Document, threshold: int = DEFAULT_THRESHOLD) -> Document:
    """The publishable document: primary and secondary suppression, proven by the audit."""
    return protect_tables({"doc": doc}, threshold)["doc"]
