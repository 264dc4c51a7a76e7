"""National pooling and benchmark: many authorities' counts summed, each authority set beside the nation.

Pooling is a sum of counts, never an average of rates, and only of returns of one standard. What is published is protected: the national and
regional documents together (a region is part of the nation, so its hidden counts must not be the nation
minus the other regions), and each authority's relative likelihood in the benchmark only where none of
its four counts is under the threshold and its own published report shows it too. Authorities are pseudonymised unless asked for by name: the
pseudonym is a keyed hash of the authority's code, so it is stable for as long as the key is kept, and
cannot be reversed by hashing the list of councils (there are only about 150) without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
import statistics
from collections import Counter as Tally
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import NormalDist
from typing import Any

from wres import disclosure, output, pipeline, results, stats
from wres.counts import Counts
from wres.organisation import Organisation
from wres.problems import InvalidInput, Problem
from wres.standards import Standard
from wres.standards import load as load_standard

Z95 = stats.Z95
Z998 = NormalDist().inv_cdf(0.999)
MIN_AUTHORITIES_PER_REGION = 3  # a region of one or two authorities would all but name them
FUNNEL_POINTS = 40


@dataclass
class Authority:
    path: Path
    organisation: Organisation
    counts: Counts
    label: str = ""  # the name shown: a pseudonym unless --named
    # the figures (metric, service, band) whose relative likelihood its own published report shows: the benchmark
    # shows no more (own_figures); None until worked out
    published: frozenset[tuple[str, str, str]] | None = None


def published_figures(doc: dict[str, Any]) -> frozenset[tuple[str, str, str]]:
    """The figures whose relative likelihood a published metrics document shows (metric, service, band)."""
    return frozenset((r["metric"], r["service"], r.get("band") or "") for r in doc["results"] if r.get("relative_likelihood") is not None)


def own_figures(loaded: pipeline.Loaded) -> frozenset[tuple[str, str, str]]:
    """What an authority's own published report shows, at its own threshold (pipeline.publish, as `wres metrics`
    and `wres report` make it). The benchmark sets its figures beside the nation's only where the report shows
    them too: a figure the report withheld, shown in the benchmark beside the counts the report did show, gives
    back the small count it was withheld for (a children's service of six minority ethnic staff, recovered from
    the adults' relative likelihood and the report's counts by subtraction)."""
    return published_figures(pipeline.publish(loaded).to_dict())


def pseudonym(key: bytes, organisation: Organisation) -> str:
    """A stable code such as LA-7KQ2M from the authority's ONS code (or name): HMAC-SHA256 with the key."""
    ident = (organisation.code or organisation.name).strip().upper().encode()
    digest = hmac.new(key, ident, hashlib.sha256).digest()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I
    n = int.from_bytes(digest[:8], "big")
    return "LA-" + "".join(alphabet[(n >> (5 * i)) & 31] for i in range(6))


def key_from(path: Path, create: bool = True) -> bytes:
    """The pseudonym key kept in a file (made on first use): same key, same pseudonyms."""
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:  # a folder, a file not of text, one that may not be read
            reason = "it is a folder" if path.is_dir() else "it is not text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
            raise InvalidInput([Problem(str(path), f"could not be read as a pseudonym key ({reason})",
                                        "give the key file used before (text wres wrote), or a new file name to make one")]) from None
        if len(text) < 32:
            raise InvalidInput([Problem(str(path), "is too short to be a pseudonym key", "delete it to make a new one (pseudonyms will change), or restore the kept key")])
        return text.encode()
    if not create:
        raise InvalidInput([Problem(str(path), "does not exist", "give the key file used before")])
    output.write_once(path, secrets.token_hex(32) + "\n")
    return key_from(path, create=False)


def _load_one(path: Path) -> tuple[Path, pipeline.Loaded | None, list[Problem]]:
    try:
        return path, pipeline.load(path), []
    except InvalidInput as exc:
        return path, None, [replace(p, file=f"{path}: {p.file}") for p in exc.problems]


def _load_sent(path: Path) -> tuple[Path, tuple[Organisation, dict, list[str]] | None, list[Problem]]:
    """_load_one in a worker process, sending back only what national uses: the organisation and the counts'
    cells and bands, without their standard (11 KB of a return's 13 KB pickled, unpickled as a copy per return:
    a quarter of a second at 1,000 returns). The parent makes the counts again with the standard it has loaded."""
    path, loaded, problems = _load_one(path)
    if loaded is None:
        return path, None, problems
    return path, (loaded.organisation, loaded.counts.cells, loaded.counts.bands, own_figures(loaded)), problems


def load(paths: Sequence[Path], progress: Callable[[str], None] | None = None, workers: int | None = None) -> tuple[list[Authority], list[Problem]]:
    """Every authority's counts; every problem in every return, each named by its return.

    Returns are independent, so many are read in parallel processes (one per core).
    """
    say = progress or (lambda text: None)
    workers = workers or min(os.cpu_count() or 1, 8)
    authorities, problems = [], []
    if workers > 1 and len(paths) >= 8:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool_:
            for path, sent, found in _progress(pool_.map(_load_sent, paths, chunksize=4), say, len(paths)):
                problems += found
                if sent is not None:
                    org, cells, bands, own = sent
                    authorities.append(Authority(Path(path), org, Counts(cells, bands, org.standard), published=own))
    else:
        for path, loaded, found in _progress(map(_load_one, paths), say, len(paths)):
            problems += found
            if loaded is not None:
                authorities.append(Authority(Path(path), loaded.organisation, loaded.counts, published=own_figures(loaded)))
    problems += consistency(authorities)
    return authorities, problems


def _progress(items: Any, say: Callable[[str], None], total: int) -> Any:
    for i, item in enumerate(items):
        say(f"Read {item[0]} ({i + 1} of {total})")
        yield item


def consistency(authorities: list[Authority]) -> list[Problem]:
    problems = []
    kinds = Tally(a.organisation.standard_id for a in authorities)
    if len(kinds) > 1:
        common = kinds.most_common(1)[0][0]
        for a in authorities:
            if a.organisation.standard_id != common:
                problems.append(Problem(
                    f"{a.path}: organisation.toml", f"reports on the {a.organisation.standard.name}, but most returns report on the "
                    f"{load_standard(common).name}",
                    "pool the returns of one standard at a time", "standard",
                ))
    periods = Tally((a.organisation.period_start, a.organisation.period_end) for a in authorities)
    if len(periods) > 1:
        common = periods.most_common(1)[0][0]
        for a in authorities:
            if (a.organisation.period_start, a.organisation.period_end) != common:
                problems.append(Problem(
                    f"{a.path}: organisation.toml", f"is for {a.organisation.period_start} to {a.organisation.period_end}, "
                    f"but most returns are for {common[0]} to {common[1]}", "pool one reporting year at a time", "period_start",
                ))
    seen: dict[str, Path] = {}
    for a in authorities:
        ident = (a.organisation.code or a.organisation.name).strip().upper()
        if ident in seen:
            word = a.organisation.standard.organisation  # "authority", "trust"
            problems.append(Problem(f"{a.path}: organisation.toml", f"is the same {word} as {seen[ident]}", f"give each {word} once", "code"))
        seen[ident] = a.path
    return problems


def pool(authorities: Sequence[Authority]) -> tuple[Counts, list[str]]:
    """National counts: the sum. A pay-band metric only over returns that use the common pay bands (warned)."""
    std = authorities[0].counts.standard
    banded = {m.id for m in std.metrics if m.kind == "pay_band"}
    bands = Tally(tuple(a.counts.bands) for a in authorities if banded & a.counts.submitted)
    common = list(bands.most_common(1)[0][0]) if bands else []
    warnings = []
    total = replace(authorities[0].counts, cells={}, bands=[])
    for a in authorities:
        counts = a.counts
        if banded & counts.submitted and counts.bands != common:
            counts = replace(counts, cells={k: v for k, v in counts.cells.items() if k[0] not in banded}, bands=common)
            titles = " and ".join(std.metric(m).short or std.metric(m).title for m in sorted(banded))
            warnings.append(f"{a.label}: pay bands {a.counts.bands} differ from the common {common}; left out of {titles}")
        total = total + counts
    total.bands = common
    return total, warnings


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "region"


def _document(counts: Counts, org: Organisation, name: str, warnings: list[str]) -> results.Document:
    # the local population share is an organisation's own figure, not the nation's
    national_org = org.model_copy(update={"name": name, "code": None, org.local_population_setting: None})
    return results.compute(counts, national_org, warnings)


# --- benchmark ---------------------------------------------------------------------------------------

def _position(rl: float, se: float, centre: float) -> str:
    z = (math.log(rl) - math.log(centre)) / se
    if abs(z) <= Z95:
        return "within 95% limits"
    side = "above" if z > 0 else "below"
    return f"{side} 99.8% limits" if abs(z) > Z998 else f"{side} 95% limits"


def _quartiles(values: list[float]) -> list[float] | None:
    if len(values) < 4:
        return None
    q = statistics.quantiles(values, n=4, method="inclusive")
    return [q[0], q[1], q[2]]


def benchmark(authorities: Sequence[Authority], national: results.Document, threshold: int, own: bool = True) -> list[dict[str, Any]]:
    """Per relative-likelihood metric × part × band: the national RL, quartiles, funnel limits, and each
    authority beside it (`not_benchmarked` says why the other metrics are left out).

    An authority's figures are shown only where all four counts are 0 or at least the threshold, its relative
    likelihood is defined, and (with `own`, for publication) its own published report shows it too
    (Authority.published); quartiles are taken over what is shown.
    """
    std = national.get_standard()
    focus, reference = std.focus.id, std.reference.id
    # What is the same for every figure is worked out once (at 1,000 authorities and 36 figures, the sort, each
    # return's submitted metrics and the metric's direction, done per row, were most of the benchmark's time).
    ordered = [(a, a.counts.submitted) for a in sorted(authorities, key=lambda a: a.label)]
    out = []
    for r in national.results:
        m = std.metric(r.metric)
        if r.status == "not_submitted" or m.statistic != "relative_likelihood":
            continue
        band = r.band or ""
        direction = _direction(m, r, national)
        rows, ses = [], []
        centre = r.relative_likelihood
        for a, submitted in ordered:
            if r.metric not in submitted:
                continue
            (x, n1), (c, n2) = (a.counts.get(r.metric, r.service, band, g) for g in (focus, reference))
            # the relative likelihood only of a row that may be shown (a suppressed row shows none)
            mine = not own or (r.metric, r.service, band) in a.published  # type: ignore[operator]  # (run() works it out)
            lk = stats.oriented(std, m, (x, n1), (c, n2)) if mine and all(v == 0 or v >= threshold for v in (x, n1, c, n2)) else None
            shown = lk is not None and lk.rl is not None
            row: dict[str, Any] = {"authority": a.label, "relative_likelihood": None, "ci95": None, "assessment": None,
                                   "se_log": None, "funnel": None, "suppressed": not shown}
            if lk is not None and lk.rl is not None:
                se = stats.katz_se(x, n1, c, n2)  # symmetric: the same whichever way the RL is oriented
                row.update(relative_likelihood=lk.rl, ci95=list(lk.ci95) if lk.ci95 else None, se_log=se,
                           assessment=stats.assess(lk.exact, direction, std))
                if se is not None and centre:
                    row["funnel"] = _position(lk.rl, se, centre)  # type: ignore[arg-type]
                    ses.append(se)
            rows.append(row)
        shown_rls = [row["relative_likelihood"] for row in rows if row["relative_likelihood"] is not None]
        limits = []
        if centre and ses:
            lo, hi = min(ses), max(ses)
            for i in range(FUNNEL_POINTS):
                se = lo + (hi - lo) * i / (FUNNEL_POINTS - 1)
                limits.append({"se_log": se, **{f"{side}{level}": math.exp(math.log(centre) + sign * z * se)
                               for level, z in (("95", Z95), ("998", Z998)) for side, sign in (("lower", -1), ("upper", 1))}})
        out.append({
            "metric": r.metric, "service": r.service, "band": r.band, "title": r.title,
            "national": {"relative_likelihood": r.relative_likelihood, "ci95": list(r.ci95) if r.ci95 else None, "assessment": r.assessment},
            "quartiles": _quartiles(shown_rls),
            "authorities_shown": len(shown_rls),
            "authorities_suppressed": sum(row["suppressed"] for row in rows),
            "authorities": rows,
            "funnel_limits": limits,
        })
    return out


def _direction(m: Any, r: results.Result, national: results.Document) -> Any:
    """The metric's direction where the standard assesses the figure (of a pay-band metric, its assessed band)."""
    bands = [x.band or "" for x in national.results if x.metric == m.id]
    return m.direction if results.is_assessed(m, r.band or "", list(dict.fromkeys(bands))) else None


def not_benchmarked(standard: Standard) -> list[str]:
    """Why some metrics have no benchmark (one warning, or none): an organisation is set beside the nation by
    its relative likelihood, and percentages and shares are figures with no common scale of chance to plot."""
    left = [m.short or m.title for m in standard.metrics if m.statistic != "relative_likelihood"]
    if not left:
        return []
    names = left[0] if len(left) == 1 else f"{', '.join(left[:-1])} and {left[-1]}"
    return [f"{names} {'is' if len(left) == 1 else 'are'} not benchmarked: the benchmark compares relative likelihoods "
            "only; percentages and shares are in the national document beside each organisation's own report"]


# --- the funnel with overdispersion and between-authority heterogeneity (statistics.md §4–5) ------------

MIN_FUNNEL = 10  # fewer authorities than this: the overdispersion cannot be estimated (τ² = 0)
FLAGS = ("above_99.8", "above_95", "within", "below_95", "below_99.8")


def _flag(y: float, theta: float, s: float, tau2: float) -> str:
    spread = math.sqrt(s * s + tau2)
    for z, above, below in ((Z998, "above_99.8", "below_99.8"), (Z95, "above_95", "below_95")):
        if y > theta + z * spread:
            return above
        if y < theta - z * spread:
            return below
    return "within"


def _sum(values: Sequence[float]) -> float:
    """The sum as numpy adds doubles (pairwise, eight running sums in blocks of up to 128), so that φ and τ²
    are to the last bit what they were when numpy computed them; numpy's import alone took a quarter of a
    150-authority national run."""

    def pairwise(lo: int, n: int) -> float:
        if n < 8:
            res = 0.0
            for i in range(lo, lo + n):
                res += values[i]
            return res
        if n <= 128:
            r = list(values[lo:lo + 8])
            i = 8
            while i < n - n % 8:
                for j in range(8):
                    r[j] += values[lo + i + j]
                i += 8
            res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            for k in range(lo + i, lo + n):
                res += values[k]
            return res
        half = n // 2
        half -= half % 8
        return pairwise(lo, half) + pairwise(lo + half, n - half)

    return pairwise(0, len(values))


def _percentile(values: Sequence[float], q: float) -> float:
    """numpy.percentile's default (linear interpolation between order statistics at (n − 1)·q), as numpy
    computes it: the lower neighbour plus the gap times the fraction, or from the upper one past a half."""
    v = sorted(values)
    at = (len(v) - 1) * (q / 100)
    if at >= len(v) - 1:
        return v[-1]
    below = math.floor(at)
    a, b, t = v[below], v[below + 1], at - below
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def overdispersion(points: Sequence[tuple[float, float]], target_rl: float) -> tuple[float | None, float]:
    """(φ, τ²) of (RL, SE of ln RL) pairs about the target RL: winsorised z at the 10th and 90th percentiles
    (numpy's default linear interpolation), φ the mean squared winsorised z, additive τ² (Spiegelhalter 2005,
    FunnelPlotR's default); τ² is 0 with fewer than MIN_FUNNEL authorities."""
    k = len(points)
    if k == 0:
        return None, 0.0
    theta = math.log(target_rl)
    z = [(math.log(rl) - theta) / se for rl, se in points]
    low, high = _percentile(z, 10), _percentile(z, 90)
    phi = _sum([c * c for c in (min(max(x, low), high) for x in z)]) / k  # x * x, as numpy squares
    if k < MIN_FUNNEL:
        return phi, 0.0
    w = [1 / (se * se) for _, se in points]
    return phi, max(0.0, float((k * phi - (k - 1)) / (_sum(w) - _sum([x * x for x in w]) / _sum(w))))


def funnel(points: Sequence[tuple[str, float, float]], target_rl: float, orgs: str = "organisations") -> dict[str, Any]:
    """The funnel of (authority, RL, SE of ln RL) about the target (the pooled national RL): k, φ, τ², and each
    authority's 95% and 99.8% limits, θ ± z√(s² + τ²) back-transformed, with its flag."""
    phi, tau2 = overdispersion([(rl, se) for _, rl, se in points], target_rl)
    theta = math.log(target_rl)
    rows = []
    for label, rl, se in points:
        spread = math.sqrt(se * se + tau2)
        rows.append({"authority": label, "rl": rl, "se_log": se,
                     **{f"{side}{level}": math.exp(theta + sign * z * spread)
                        for level, z in (("95", Z95), ("998", Z998)) for side, sign in (("lower", -1), ("upper", 1))},
                     "flag": _flag(math.log(rl), theta, se, tau2)})
    k = len(points)
    reason = None
    if k < MIN_FUNNEL:
        reason = (f"fewer than {MIN_FUNNEL} {orgs} with a relative likelihood ({k}): the overdispersion could not be "
                  "estimated, so τ² is 0 and the limits allow for chance only")
    return {"k": k, "phi": phi, "tau2": tau2, "target_rl": target_rl, "reason": reason,
            "authorities": rows, "sentence": funnel_sentence(rows, tau2, orgs)}


def _count(n: int, orgs: str) -> str:
    return f"{n} {orgs if n != 1 else _one(orgs)}"


def _one(orgs: str) -> str:
    return orgs[:-3] + "y" if orgs.endswith("ies") else orgs[:-1] if orgs.endswith("s") else orgs


def funnel_sentence(rows: list[dict[str, Any]], tau2: float, orgs: str = "organisations") -> str:
    """In words: how many lie outside each limit (the 99.8% ones are outside the 95% ones too)."""
    if not rows:
        return f"No {_one(orgs)} has a relative likelihood to set in the funnel."
    flags = Tally(r["flag"] for r in rows)
    out95 = sum(n for f, n in flags.items() if f != "within")
    out998 = flags["above_99.8"] + flags["below_99.8"]
    allowing = " (allowing for the real variation between them)" if tau2 > 0 else ""
    return (f"Of {_count(len(rows), orgs)}, {out95} {'lies' if out95 == 1 else 'lie'} outside the 95% limits{allowing} "
            f"({flags['above_99.8'] + flags['above_95']} above, {flags['below_99.8'] + flags['below_95']} below) "
            f"and {out998} outside the 99.8% limits ({flags['above_99.8']} above, {flags['below_99.8']} below).")


def heterogeneity(points: Sequence[tuple[float, float]], pooled: tuple[float, tuple[float, float] | None] | None = None,
                  orgs: str = "organisations") -> dict[str, Any]:
    """Cochran's Q, I² and the DerSimonian–Laird random-effects RL with its 95% CI of (RL, SE of ln RL) pairs."""
    k = len(points)
    out: dict[str, Any] = {"k": k, "q": None, "i2": None, "tau2": None, "rl_random": None, "ci95": None}
    if k < 2:
        out["sentence"] = f"Fewer than two {orgs} have a relative likelihood, so how much they differ cannot be said."
        return out
    y = [math.log(rl) for rl, _ in points]
    w = [1 / (se * se) for _, se in points]
    sw = sum(w)
    ybar = sum(wi * yi for wi, yi in zip(w, y)) / sw
    q = sum(wi * (yi - ybar) ** 2 for wi, yi in zip(w, y))
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    tau2 = max(0.0, (q - (k - 1)) / (sw - sum(wi * wi for wi in w) / sw))
    ws = [1 / (se * se + tau2) for _, se in points]
    yre = sum(wi * yi for wi, yi in zip(ws, y)) / sum(ws)
    half = Z95 * math.sqrt(1 / sum(ws))
    out.update(q=q, i2=i2, tau2=tau2, rl_random=math.exp(yre), ci95=[math.exp(yre - half), math.exp(yre + half)])
    out["sentence"] = heterogeneity_sentence(out, pooled, orgs)
    return out


def heterogeneity_sentence(h: dict[str, Any], pooled: tuple[float, tuple[float, float] | None] | None, orgs: str) -> str:
    i2 = h["i2"]
    if i2 == 0:
        differ = f"The {orgs} differ no more than chance would make them (I² 0%)"
    else:
        size = "a little" if i2 < 0.25 else "moderately" if i2 < 0.5 else "substantially" if i2 < 0.75 else "greatly"
        differ = (f"The {orgs} differ {size} more than chance would make them: I² {i2 * 100:.0f}% of the variation "
                  "between them is real rather than chance")
    re = f"the random-effects relative likelihood is {stats.fmt(h['rl_random'])} (95% CI {stats.fmt(h['ci95'][0])} to {stats.fmt(h['ci95'][1])})"
    if pooled is not None:
        rl, ci = pooled
        ci_words = f" (95% CI {stats.fmt(ci[0])} to {stats.fmt(ci[1])})" if ci else ""
        return f"{differ}. The pooled relative likelihood is {stats.fmt(rl)}{ci_words}; {re}."
    return f"{differ}; {re}."


def funnels(bench: list[dict[str, Any]], orgs: str = "organisations") -> tuple[dict[str, Any], dict[str, Any]]:
    """The national funnel and heterogeneity of each benchmarked metric × service × band (keyed so, band "-"
    where none), over the authorities the benchmark shows (its disclosure rule) whose Katz SE is defined;
    about the published national RL (none where it is withheld)."""
    fun: dict[str, Any] = {}
    het: dict[str, Any] = {}
    for m in bench:
        target = m["national"]["relative_likelihood"]
        if not target:
            continue
        points = [(row["authority"], row["relative_likelihood"], row["se_log"]) for row in m["authorities"]
                  if row["relative_likelihood"] and row["se_log"]]
        f = funnel(points, target, orgs)
        band = m["band"] or "-"
        fun.setdefault(m["metric"], {}).setdefault(m["service"], {})[band] = f
        ci = m["national"]["ci95"]
        het.setdefault(m["metric"], {}).setdefault(m["service"], {})[band] = heterogeneity(
            [(rl, se) for _, rl, se in points], (target, tuple(ci) if ci else None), orgs)
        flags = {row["authority"]: row["flag"] for row in f["authorities"]}
        m["overdispersion"] = {"k": f["k"], "phi": f["phi"], "tau2": f["tau2"], "reason": f["reason"]}
        for row in m["authorities"]:
            row["flag"] = flags.get(row["authority"])
    return fun, het


# --- the whole run -----------------------------------------------------------------------------------

@dataclass
class NationalOutput:
    national: results.Document
    regions: dict[str, results.Document]
    benchmark: list[dict[str, Any]]
    authorities: list[Authority]
    counts: Counts
    warnings: list[str]


def run(authorities: list[Authority], key: bytes | None, threshold: int, internal: bool = False) -> NationalOutput:
    """Pool, break down by region, benchmark, and protect everything that will be published."""
    for a in authorities:
        a.label = a.organisation.name if key is None else pseudonym(key, a.organisation)
    org = authorities[0].organisation
    counts, warnings = pool(authorities)
    std = counts.standard
    orgs = std.words.get("organisations", "organisations")  # "authorities", "trusts"
    national = _document(counts, org, f"England — {len(authorities)} {orgs}", warnings)
    by_region: dict[str, list[Authority]] = {}
    for a in authorities:
        by_region.setdefault((a.organisation.region or "").strip() or "(no region given)", []).append(a)
    # Every region is protected together with the nation (they add up to it); only regions of three or more
    # authorities are published, and the others' counts are hidden but still may not be worked out.
    regions = {region: _document(pool(members)[0], org, f"{region} — {len(members)} {orgs}", [])
               for region, members in sorted(by_region.items())}
    small = [r for r, members in by_region.items() if len(members) < MIN_AUTHORITIES_PER_REGION or r.startswith("(")]
    for region in sorted(small):
        warnings.append(f"{region}: fewer than {MIN_AUTHORITIES_PER_REGION} {orgs} (or no region given), so no regional breakdown is published")
    if not internal:
        names = {f"region:{slug(k)}": v for k, v in regions.items()}
        protected = disclosure.protect_tables(
            {"national": national, **names}, threshold, [("national", list(names))],
            unpublished=[f"region:{slug(k)}" for k in small],
        )
        national = protected.pop("national")
        regions = {k: protected[f"region:{slug(k)}"] for k in regions if k not in small}
    else:
        regions = {k: v for k, v in regions.items() if k not in small}
    # after protection: the benchmark repeats the national figures, so it may only repeat published ones
    if not internal:
        for a in authorities:  # returns loaded by load() come with it, worked out in its processes
            if a.published is None:
                a.published = own_figures(pipeline.Loaded(a.organisation, a.counts, [], True))
    bench = benchmark(authorities, national, 1 if internal else threshold, own=not internal)
    warnings += not_benchmarked(std)
    national.warnings = warnings
    national.funnel, national.heterogeneity = funnels(bench, orgs)
    return NationalOutput(national, regions, bench, authorities, counts, warnings)
