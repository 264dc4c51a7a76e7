"""Disclosure control: what may leave the authority, and the audit that proves nothing small leaks.

A published table set is a set of counts and the additive relations a reader can use on them, all read
from the standard: its groups add up to the total (SC-WRES: minority ethnic + white + unknown); the parts
of its breakdown add up to their total (adults + children = all) for a metric counted by it; the pay bands
of a pay-band metric add up to the headcount, which is also the denominator of every metric sharing its
`denominator_key`; a national table is the sum of its regions. Hiding the small counts (primary suppression) is not enough, because a hidden count can be
worked out by subtraction. So:

1. primary: every count from 1 to threshold−1 is hidden;
2. secondary: further cells are hidden, smallest adequate first, until the audit passes; then each is
   published again, the costliest to a reader first, if the audit still passes (none is hidden for nothing).
   Linked counts are protected group by group, ties taken in the document's order, so a table withholds the
   same cells in any document that holds it;
3. audit: for every hidden count, a linear programme (HiGHS, wres.lp) finds the largest value consistent
   with everything published (counts ≥ 0, numerators within their denominators, every relation, every
   published rate). A hidden count is safe when that largest value reaches the threshold: nobody can pin
   it below the threshold. The same audit runs on any published document (`wres audit`).

Rates, relative likelihoods, differences, intervals, shares and sentences that would reveal a hidden count
are hidden with it; a published rate or share is a linear relation the audit uses. Counts of 0 are published: zero people is not a small group of identifiable people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from wres import lp, stats
from wres.document import Document, Figures, Result
from wres.standards import MetricDef, Standard
from wres.standards import load as load_standard

DEFAULT_THRESHOLD = 10
TOTAL = "total"  # the figures of all groups together, in every result
KINDS = ("numerator", "denominator")

Cell = tuple[str, str, str, str, str, str]  # table, metric, service, band ("" if none), group, kind
# Hiding a compared group's count (the focus or reference) costs the reader a headline figure; an unknown or
# total count costs much less. Secondary suppression prefers the cheap ones.
COMPARED_WEIGHT, OTHER_WEIGHT = 1.0, 0.05


def national_threshold(thresholds: Iterable[int], requested: int | None = None) -> int:
    """The smallest count a national output publishes: the one asked for (else the default), but never below
    any pooled organisation's own threshold, so one return's lower threshold cannot lower the nation's and
    no organisation's counts are published more finely nationally than it publishes them itself."""
    return max([requested or DEFAULT_THRESHOLD, *thresholds])


def audit_threshold(requested: int | None, stated: int | None) -> int:
    """The threshold a published document is audited against: the one asked for, else the one it states."""
    return requested or stated or DEFAULT_THRESHOLD


def _groups(r: dict[str, Any]) -> list[str]:
    """A result dict's groups in order (focus, reference, unknown), then the total: the keys holding figures."""
    return [k for k, v in r.items() if k != TOTAL and isinstance(v, dict) and "numerator" in v] + [TOTAL]


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
        for total, parts in sorted(self.relations):
            members = (total, *parts)
            for v in members:
                out[v].append(members)
        return out


def _cells(table: str, results: Iterable[dict[str, Any]]) -> Iterable[tuple[Cell, int | None]]:
    for r in results:
        if r.get("reason") == "not submitted":
            continue
        for group in _groups(r):
            figures = r.get(group)
            if figures is None:
                continue
            for kind in KINDS:
                yield (table, r["metric"], r["service"], r["band"] or "", group, kind), figures.get(kind)


def _definition(cell: Cell, metrics: dict[str, MetricDef]) -> tuple[str, ...]:
    """Cells with the same definition hold the same number: the staff headcount appears in several metrics."""
    table, metric, service, _band, group, kind = cell
    m = metrics.get(metric)
    if kind == "denominator" and m is not None and m.denominator_key:
        return (table, "denominator", m.denominator_key, service, group)
    return cell


def build(
    tables: dict[str, list[dict[str, Any]]], sums: Sequence[tuple[str, Sequence[str]]] = (), rates: bool = False, *,
    standard: Standard,
) -> TableSet:
    """The table set of published results (dicts as in the JSON) of one standard. `sums`: (table, tables it adds up)."""
    std = standard
    metrics = {m.id: m for m in std.metrics}
    parts = tuple(p.id for p in std.breakdown.parts)
    ts = TableSet()
    by_definition: dict[tuple[str, ...], list[tuple[Cell, int | None]]] = defaultdict(list)
    weights: dict[Cell, float] = {}
    for table, results in tables.items():
        for r in results:
            for i, g in enumerate(_groups(r)):
                for kind in KINDS:
                    weights[(table, r["metric"], r["service"], r["band"] or "", g, kind)] = COMPARED_WEIGHT if i < 2 else OTHER_WEIGHT
        for cell, value in _cells(table, results):
            by_definition[_definition(cell, metrics)].append((cell, value))
    for members in by_definition.values():
        # one variable per distinct published value (a conflict means they are not the same number after all)
        known = sorted({v for _, v in members if v is not None})
        index = {v: len(ts.values) + i for i, v in enumerate(known)} or {None: len(ts.values)}
        ts.values += known or [None]
        ts.weight += [weights[members[0][0]]] * len(index)
        for cell, value in members:
            ts.var[cell] = index.get(value, next(iter(index.values())))

    def rel(total: Cell, members: Sequence[Cell]) -> None:
        if total in ts.var and members and all(p in ts.var for p in members):
            ts.relations.add((ts.var[total], tuple(sorted(ts.var[p] for p in members))))

    group_ids = {c[:4]: [] for c in ts.var}  # type: dict[tuple[str, ...], list[str]]
    for c in ts.var:
        if c[4] != TOTAL and c[4] not in group_ids[c[:4]]:
            group_ids[c[:4]].append(c[4])
    numerators: dict[tuple[str, ...], list[Cell]] = defaultdict(list)  # (table, metric, service, group) → its numerators
    for c in ts.var:
        if c[5] == "numerator":
            numerators[(*c[:3], c[4])].append(c)
    for (table, metric, service, band, group, kind) in list(ts.var):
        m = metrics.get(metric)
        if service == std.breakdown.total.id:
            rel((table, metric, service, band, group, kind), [(table, metric, s, band, group, kind) for s in parts])
        if group == TOTAL:
            rel((table, metric, service, band, TOTAL, kind), [(table, metric, service, band, g, kind) for g in group_ids[(table, metric, service, band)]])
        if m is not None and m.kind == "pay_band" and not m.bands and kind == "denominator":  # the bands add up to the headcount
            rel((table, metric, service, band, group, kind), numerators[(table, metric, service, group)])
        if kind == "numerator" and m is not None and not m.events_may_exceed:
            den = (table, metric, service, band, group, "denominator")
            if den in ts.var:
                ts.at_most.add((ts.var[(table, metric, service, band, group, kind)], ts.var[den]))
    for parent, children in sums:
        for cell in [c for c in ts.var if c[0] == parent]:
            members = [(child, *cell[1:]) for child in children if (child, *cell[1:]) in ts.var]
            rel(cell, members)
    if rates:
        _published_rates(ts, tables)
    return ts


def _published_rates(ts: TableSet, tables: dict[str, list[dict[str, Any]]]) -> None:
    """A published rate, share or difference is a linear relation too: numerator = rate × denominator;
    a group's count in a part = its share × the part's total; a difference of rates with one of them
    published gives the other."""
    for table, results in tables.items():
        for r in results:
            key = (table, r["metric"], r["service"], r["band"] or "")
            groups = _groups(r)
            focus, reference = groups[0], groups[1]

            def ratio(num: Cell, den: Cell, value: float) -> None:
                if num in ts.var and den in ts.var:
                    ts.ratios.append((((ts.var[num], 1.0), (ts.var[den], -value)), 0.0))

            rate = {g: (r.get(g) or {}).get("rate") for g in (focus, reference)}
            diff = r.get("difference")
            if r.get("statistic") == "percentages" and diff is not None:  # the other rate, from one and the gap
                if rate[focus] is None and rate[reference] is not None:
                    rate[focus] = rate[reference] + diff
                elif rate[reference] is None and rate[focus] is not None:
                    rate[reference] = rate[focus] - diff
            for g in (focus, reference):
                if rate[g] is not None:
                    ratio((*key, g, "numerator"), (*key, g, "denominator"), rate[g])
            for field_, kind in (("shares", "numerator"), ("workforce_shares", "denominator")):
                shares = dict(r.get(field_) or {})
                if field_ == "workforce_shares" and diff is not None and r.get("statistic") == "representation":
                    s = (r.get("shares") or {}).get(focus)
                    if shares.get(focus) is None and s is not None:
                        shares[focus] = s - diff
                elif field_ == "shares" and diff is not None and r.get("statistic") == "representation":
                    w = (r.get("workforce_shares") or {}).get(focus)
                    if shares.get(focus) is None and w is not None:
                        shares[focus] = w + diff
                for g, share in shares.items():
                    if share is not None:
                        ratio((*key, g, kind), (*key, TOTAL, kind), share)
            for name, share in (r.get("representation") or {}).items():  # SC-WRES's senior-manager shares
                kind = "denominator" if name == "workforce" else None if name == "local_population" else "numerator"
                cells = [(*key, g, kind) for g in (focus, reference)]
                if kind and share is not None and all(c in ts.var for c in cells):  # focus = share × (focus + reference)
                    ts.ratios.append((((ts.var[cells[0]], 1 - share), (ts.var[cells[1]], -share)), 0.0))
            d = r.get("declaration_rate")
            dens = [(*key, g, "denominator") for g in groups[:-1]]
            if d is not None and len(dens) == 3 and all(c in ts.var for c in dens):
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
        self.col = {v: i for i, v in enumerate(sorted(hidden))}
        self.values = ts.values
        eq = [_row([(total, 1.0)] + [(p, -1.0) for p in parts], ts.values, self.col) for total, parts in sorted(ts.relations)]
        eq += [_row(list(terms), ts.values, self.col, rhs) for terms, rhs in ts.ratios]
        ub = [_row([(a, 1.0), (b, -1.0)], ts.values, self.col) for a, b in sorted(ts.at_most)]
        self.eq = [r for r in eq if r[0]]
        self.ub = [r for r in ub if r[0]]
        self._lp = lp.Programme(len(self.col), [(c, rhs) for c, rhs, _ in self.ub], [(c, rhs) for c, rhs, _ in self.eq], 0, _CAP)

    def solve(self, objective: dict[int, float]) -> lp.Solution:
        return self._lp.solve({self.col[v]: w for v, w in objective.items()})

    def publish(self, v: int, shown: bool) -> None:
        """Show a hidden count at its value (or hide it again), for `highest` only."""
        self._lp.fix(self.col[v], (self.values[v] or 0) if shown else None)  # as _row reads a published count

    def highest(self, targets: Iterable[int]) -> dict[int, float]:
        """The targets' values in one solution maximising their sum, or none if the figures contradict each other
        (then nothing is claimed). Warm-started: the vertex may differ from `solve`'s, never the optimum."""
        ok, x = self._lp.best({self.col[v]: -1.0 for v in targets})
        return {v: float(x[i]) for v, i in self.col.items()} if ok else {}

    def range(self, v: int, low_too: bool = True) -> Range:
        high = self.solve({v: -1.0})
        low = self.solve({v: 1.0}) if low_too else None
        if not high.optimal or (low is not None and not low.optimal):  # the figures contradict each other: claim nothing
            return Range(float("nan"), float("inf"), ())
        binding: set[int] = set()
        for rows, duals in ((self.eq, high.eq_duals), (self.ub, high.ub_duals)):
            binding.update(p for (_, _, pub), y in zip(rows, duals) if abs(y) > 1e-9 for p in pub)
        return Range(low.fun if low is not None else float("nan"), -high.fun, tuple(sorted(binding)))


def pinned(
    ts: TableSet, hidden: set[int], targets: Iterable[int], threshold: int, low_too: bool = True, first: bool = False,
) -> dict[int, Range]:
    """The targets a reader can pin below the threshold, with their ranges (`first`: only the first found).

    One solution in which a count reaches the threshold proves that count safe, so each programme
    maximises all unproven counts together; only those left over get a programme of their own, in the
    order of `targets` (the likeliest first, when only the first is wanted).
    """
    order = list(dict.fromkeys(targets))
    return _pinned(_Programme(ts, hidden), order, threshold, low_too, first) if order else {}


def _pinned(prog: _Programme, order: list[int], threshold: int, low_too: bool, first: bool) -> dict[int, Range]:
    unproven = set(order)
    while unproven:  # which counts a solution proves varies with its vertex; which are left for ranges does not
        x = prog.highest(unproven)
        proven = {v for v in unproven if x.get(v, 0.0) >= threshold - 1e-6}
        if not proven:
            break
        unproven -= proven
    found = {}
    for v in (v for v in order if v in unproven):
        # `first` only asks whether one is pinned: the warm solver's optimum is enough, with no binding counts
        r = Range(float("nan"), prog.highest([v]).get(v, _CAP), ()) if first else prog.range(v, low_too)
        if r.high < threshold - 1e-6:
            found[v] = r
            if first:
                break
    return found


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


def audit(
    tables: dict[str, list[dict[str, Any]]], threshold: int, sums: Sequence[tuple[str, Sequence[str]]] = (), *,
    standard: Standard,
) -> Audit:
    """Check published documents (of one standard): can any hidden count be pinned below the threshold?"""
    ts = build(tables, sums, rates=True, standard=standard)
    hidden = {v for v, x in enumerate(ts.values) if x is None}
    cell_of = {v: c for c, v in ts.var.items()}
    leaks = [Leak(cell_of[v], r.low, r.high) for v, r in sorted(pinned(ts, hidden, sorted(hidden), threshold).items())]
    # and a small count published outright is a leak by definition
    leaks += [Leak(cell_of[v], x, x) for v, x in enumerate(ts.values) if x is not None and 0 < x < threshold]
    return Audit(leaks, len(hidden), len(ts.values) - len(hidden))


# --- protection --------------------------------------------------------------------------------------

def _choose(ts: TableSet, hidden: set[int], candidates: Iterable[int]) -> int | None:
    """The cheapest adequate cell to hide next: the smallest non-zero count, unknown and total counts
    before the compared groups' (which cost a headline figure); a zero only if nothing else."""
    left = [v for v in candidates if v not in hidden]
    return min(left, key=lambda v: (ts.values[v] == 0, (ts.values[v] or 0) * ts.weight[v], v)) if left else None


def suppress(ts: TableSet, threshold: int, forced: set[int] = frozenset()) -> tuple[set[int], set[int]]:  # type: ignore[assignment]
    """Primary and secondary hidden variables such that the audit finds no leak.

    `forced` are hidden whatever their size (a table that is not published) and protected like the rest.
    Each group of linked counts (a component: counts joined by relations) is protected on its own, taking
    ties in the order of the document, so a table's pattern depends on its own counts only: the same table
    published in two documents (a survey campaign's results and the return it feeds) withholds the same
    cells, and two patterns of one table cannot be laid side by side to difference a count out.
    """
    values = ts.values
    primary = {v for v, x in enumerate(values) if x is not None and 0 < x < threshold}
    hidden = primary | forced
    for part in _components(ts):
        hidden |= _protect(part, hidden & part.members, primary, forced, threshold)
    return primary, hidden - primary


@dataclass
class _Part(TableSet):
    members: frozenset[int] = frozenset()


def _components(ts: TableSet) -> list[_Part]:
    """The table set split into groups of counts linked by relations, in the document's order (variables keep
    their numbers: the values and weights are shared)."""
    root = list(range(len(ts.values)))

    def find(v: int) -> int:
        while root[v] != v:
            root[v] = root[root[v]]
            v = root[v]
        return v

    links = [(t, *ps) for t, ps in ts.relations] + [tuple(pair) for pair in ts.at_most] + [tuple(v for v, _ in terms) for terms, _ in ts.ratios]
    for members in links:
        for m in members[1:]:
            root[find(m)] = find(members[0])
    groups: dict[int, list[int]] = defaultdict(list)
    for v in range(len(ts.values)):
        groups[find(v)].append(v)
    parts = {r: _Part(values=ts.values, weight=ts.weight, members=frozenset(vs)) for r, vs in groups.items()}
    for rel in ts.relations:
        parts[find(rel[0])].relations.add(rel)
    for pair in ts.at_most:
        parts[find(pair[0])].at_most.add(pair)
    for terms, rhs in ts.ratios:
        parts[find(terms[0][0])].ratios.append((terms, rhs))
    return [parts[r] for r in sorted(parts, key=lambda r: groups[r][0]) if parts[r].relations or parts[r].at_most or parts[r].ratios]


def _protect(ts: _Part, hidden: set[int], primary: set[int], forced: set[int], threshold: int) -> set[int]:
    """The hidden variables of one component: primary and forced, plus the secondary ones the audit needs."""
    values = ts.values
    hidden = set(hidden)
    in_order = sorted(ts.relations)
    # 1. relation by relation (cheap, and it settles most cells): a hidden total needs a hidden part, or it is
    #    the sum of the parts; hidden parts of a published total need at least two of them adding to the
    #    threshold, or each is at most the total minus the published parts
    changed = True
    while changed:
        changed = False
        for total, parts in in_order:
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
    check = {v for v in hidden if _needs_checking(v, values, forced, threshold)}
    while check:
        leaking = pinned(ts, hidden, sorted(check), threshold, low_too=False)
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
    # 3. a cell hidden early can be made unnecessary by one hidden later: publish again each secondary cell,
    #    the costliest to a reader first, that the audit finds can be shown (a relation left with one hidden
    #    small count pins it exactly, so that needs no programme). One programme over all the component's
    #    counts serves every try: a published count is a column fixed at its value.
    secondary = sorted(hidden - primary - forced, key=lambda v: (-(values[v] or 0) * ts.weight[v], v))
    small = sum(1 for v in hidden if _needs_checking(v, values, forced, threshold))
    if small * len(ts.members) > STEP3_WORK:
        return hidden  # too dear to try: step 2's pattern, as safe (see STEP3_WORK)
    if secondary:
        prog = _Programme(ts, set(ts.members))
        for v in ts.members - hidden:
            prog.publish(v, True)
        seen = _Witnesses(prog, threshold)
    for v in secondary:
        fewer = hidden - {v}
        check = {u for u in fewer if _needs_checking(u, values, forced, threshold)}
        alone = ([m for m in members if m in fewer] for members in relations.get(v, []))
        if any(len(left) == 1 and left[0] in check for left in alone):
            continue
        prog.publish(v, True)
        if seen.pins(v, check, {m for members in relations.get(v, []) for m in members}):
            prog.publish(v, False)
        else:
            hidden = fewer
            seen.shown(v)
    return hidden


class _Witnesses:
    """Step 3's proofs: solutions of the reader's programme, each proving safe the counts it puts at or above the
    threshold. Publishing a count at its value keeps every solution that already gives it that value a
    solution, so the counts those prove need no programme of their own: in a national table set of a thousand
    hidden counts, a try otherwise cost dozens of solves. Only which counts leak decides a try, never which
    solutions prove the rest, so the pattern is the one a programme per count would give."""

    def __init__(self, prog: _Programme, threshold: int):
        self.prog, self.threshold = prog, threshold
        self.found: list[tuple[dict[int, float], frozenset[int]]] = []  # a solution, and the counts it proves safe

    def _add(self, x: dict[int, float]) -> frozenset[int]:
        proves = frozenset(u for u, value in x.items() if value >= self.threshold - 1e-6)
        self.found.append((x, proves))
        return proves

    def pins(self, v: int, check: set[int], near: set[int]) -> bool:
        """Whether, with v published (fixed at its value), a reader can pin one of `check` below the threshold."""
        value = self.prog.values[v] or 0
        unproven = set(check)
        for x, proves in self.found:
            if abs(x.get(v, value) - value) < 1e-6:
                unproven -= proves
        # the counts v shares a relation with are the likeliest to be pinned by it: tried on their own first
        for u in sorted(unproven & near):
            if u in unproven:
                x = self.prog.highest([u])
                if x.get(u, _CAP) < self.threshold - 1e-6:
                    return True
                if x:  # none where the figures contradict each other: nothing is claimed
                    unproven -= self._add(x)
        while unproven:  # all together, then one by one what no solution reaches (as _pinned)
            x = self.prog.highest(unproven)
            proven = unproven & self._add(x) if x else set()
            if not proven:
                break
            unproven -= proven
        for u in sorted(unproven):
            x = self.prog.highest([u])
            if x.get(u, _CAP) < self.threshold - 1e-6:
                return True
            if x:
                self._add(x)
        return False

    def shown(self, v: int) -> None:
        """v is published: only the solutions that give it its value are still solutions."""
        value = self.prog.values[v] or 0
        self.found = [(x, proves) for x, proves in self.found if abs(x.get(v, value) - value) < 1e-6]


# Step 3 tries each secondary count with programmes over the whole component, proving every small hidden count
# safe again: its cost grows with both. Past this (small hidden counts × counts in the component) it is not
# tried and the component keeps step 2's pattern, which the audit passes as well. Every SC-WRES table set
# measured is far below it (a return's: under 5,000; 150 or 7 authorities' national tables: 32,000 and
# 41,000); a national table set of a few NHS trusts, nearly all withheld, is above it (7 trusts: 590,000,
# where step 3 took 40 s, against 1.2 s without it). Which side a component falls depends on its own counts
# only, so a table's pattern still does not depend on what else the document holds.
STEP3_WORK = 200_000


def _needs_checking(v: int, values: list[int | None], forced: set[int], threshold: int) -> bool:
    """A hidden count the audit must keep from being pinned: a small one (a forced cell's unknown value too)."""
    return (values[v] or 0) < threshold and not (v in forced and not values[v])


# --- applying it to documents ------------------------------------------------------------------------

def _headline(r: Result, std: Standard) -> list[tuple[str, str]]:
    """The counts a result's headline figure is computed from: the compared groups' for a relative likelihood
    or a difference; for a representation the focus group's count and the part's total, in the part and in
    the workforce (its share of each)."""
    focus, reference = std.focus.id, std.reference.id
    if r.statistic == "representation":
        return [(focus, "numerator"), (TOTAL, "numerator"), (focus, "denominator"), (TOTAL, "denominator")]
    return [(g, k) for g in (focus, reference) for k in KINDS]


def _apply(table: str, r: Result, ts: TableSet, primary: set[int], secondary: set[int], threshold: int, std: Standard) -> Result:
    if r.status == "not_submitted":
        return r
    key = (table, r.metric, r.service, r.band or "")

    def hidden(group: str, kind: str) -> str | None:
        v = ts.var[(*key, group, kind)]
        return "primary" if v in primary else "secondary" if v in secondary else None

    names = [*r.groups, TOTAL]
    status = {(g, k): hidden(g, k) for g in names for k in KINDS}
    if not any(status.values()):
        return r
    m = std.metric(r.metric)

    def withhold(f: Figures, g: str) -> Figures:
        hide_num, hide_den = bool(status[(g, "numerator")]), bool(status[(g, "denominator")])
        return Figures(None if hide_num else f.numerator, None if hide_den else f.denominator, None) if hide_num or hide_den else f

    def shares(values: dict[str, float | None] | None, kind: str) -> dict[str, float | None] | None:
        """A group's share is its count over the total's: withheld when either is."""
        if values is None:
            return None
        return {g: None if status.get((g, kind)) or status[(TOTAL, kind)] else v for g, v in values.items()}

    any_den = any(status[(g, "denominator")] for g in names)
    out = replace(
        r, groups={g: withhold(f, g) for g, f in r.groups.items()}, total=withhold(r.total, TOTAL), suppressed=True,
        declaration_rate=None if any_den else r.declaration_rate,
        shares=shares(r.shares, "numerator"), workforce_shares=shares(r.workforce_shares, "denominator"),
    )
    headline = [status[c] for c in _headline(r, std)]
    where = stats.where(std, r.service, m.breakdown)
    if any(headline):
        small = small_counts(r, status, threshold, std)
        out = replace(
            out, relative_likelihood=None, ci95=None, assessment=None, difference=None, difference_ci95=None,
            # evidence, detectable_rl, respondents_needed and change are functions of the headline figure's
            # counts (its CI; n1, n2 and the second group's rate): withheld with it. Where the headline is
            # published those four counts are published too, so these fields tell a reader nothing the counts
            # do not (the change: nothing the two published years do not): the audit needs no new relation.
            evidence=None, detectable_rl=None, respondents_needed=None, change=None,
            representation=_representation(r, status, std),
            status="withheld_primary" if "primary" in headline else "withheld_secondary",
            assessed=False, verdict=stats.STATUS_VERDICTS["withheld_primary"],
            reason=small or "withheld so that a small count elsewhere cannot be worked out by subtraction",
            sentence=(f"{r.label}{where}: withheld, because {small}. Counts under {threshold} are withheld "
                      "to protect the people they describe.") if small
            else (f"{r.label}{where}: withheld, so that small numbers elsewhere in the tables cannot be "
                  "worked out by subtraction."),
        )
    elif r.reason is None:  # an undefined figure keeps its own reason
        others = std.words.get("withheld_others", "some {unknown} or total counts are withheld to protect small numbers")
        out = replace(out, reason=others.format(unknown=std.unknown.words))
    return out


def small_counts(r: Result, status: dict[tuple[str, str], str | None], threshold: int, standard: Standard) -> str | None:
    """Which of a result's headline counts are small, in words: "fewer than 10 minority ethnic applicants were
    appointed". The count itself stays hidden; saying that it is under the threshold is what [c] means anyway."""
    std = standard
    metric = std.metric(r.metric)
    said = []
    own = set(_headline(r, std))
    band = stats.band_words(metric, r.band or "")
    for kind, template in (("numerator", metric.small_numerator), ("denominator", metric.small_denominator)):
        small = {g for g in (std.focus.id, std.reference.id, TOTAL) if (g, kind) in own and status.get((g, kind)) == "primary"}
        groups = [w for g, w in ((std.focus.id, std.focus.words), (std.reference.id, std.reference.words)) if g in small]
        if groups:  # "fewer than 10 minority ethnic and fewer than 10 white staff left the authority"
            said.append(f"fewer than {threshold} " + template.format(group=f" and fewer than {threshold} ".join(groups), band=band))
            if TOTAL in small:  # the part's own total: "…, and fewer than 10 staff in all"
                said[-1] += f", and fewer than {threshold} {metric.subject} in all"
        elif TOTAL in small:  # "fewer than 10 staff were in Band 9"
            said.append(f"fewer than {threshold} " + " ".join(template.format(group="", band=band).split()))
    return " and ".join(said) or None


def _representation(r: Result, status: dict[tuple[str, str], str | None], std: Standard) -> dict[str, float | None] | None:
    """SC-WRES's senior-manager shares: of the subset (needs both numerators), of the workforce (both denominators)."""
    if r.representation is None:
        return None
    compared = (std.focus.id, std.reference.id)
    needs = {"workforce": "denominator", "local_population": None}  # the subset's share needs the numerators

    def hidden(k: str) -> bool:
        kind = needs.get(k, "numerator")
        return kind is not None and any(status[(g, kind)] for g in compared)

    return {k: None if hidden(k) else v for k, v in r.representation.items()}


def standard_of(docs: Iterable[Document]) -> Standard:
    """The one standard of documents protected or audited together."""
    found = {d.standard_id: d.get_standard() for d in docs}
    if len(found) > 1:
        raise ValueError(f"documents of different standards cannot be protected together: {sorted(found)}")
    return next(iter(found.values()), load_standard())


def protect_tables(
    docs: dict[str, Document], threshold: int, sums: Sequence[tuple[str, Sequence[str]]] = (), unpublished: Sequence[str] = (),
) -> dict[str, Document]:
    """Publishable versions of linked documents (e.g. a nation and its regions), protected together.

    `unpublished` tables take part (their counts add up to a published total) but are not returned.
    """
    std = standard_of(docs.values())
    ts = build({name: [r.to_dict() for r in d.results] for name, d in docs.items()}, sums, standard=std)
    forced = {v for c, v in ts.var.items() if c[0] in unpublished}
    primary, secondary = suppress(ts, threshold, forced)
    out = {}
    for name, doc in docs.items():
        if name in unpublished:
            continue
        results = [_apply(name, r, ts, primary, secondary, threshold, std) for r in doc.results]
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
