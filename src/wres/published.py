"""Published documents read back, for the audit: one metrics document, or a national output folder."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wres import standards
from wres.problems import Problem
from wres.standards import Standard

NATIONAL = "national.json"
REGIONS = "regions"


@dataclass
class Published:
    tables: dict[str, list[dict[str, Any]]]  # name → results
    sums: list[tuple[str, list[str]]]  # (table, the tables that add up to it)
    threshold: int | None  # as the documents state it
    standard: Standard  # whose groups, breakdown and metrics the results name (the documents' standard_id)


def _load(path: Path) -> dict[str, Any] | Problem:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        return Problem(str(path), "could not be opened", "check that the file is there and that you may read it; give a metrics document written by wres")
    except UnicodeDecodeError:
        return Problem(str(path), "is not text (UTF-8), so it is not a metrics document", "give a metrics document written by wres")
    except json.JSONDecodeError as exc:
        return Problem(str(path), f"is not JSON (line {exc.lineno}: {exc.msg})", "give a metrics document written by wres")
    except RecursionError:  # brackets inside brackets thousands deep: no document wres writes
        return Problem(str(path), "is not a metrics document (its JSON is nested thousands of levels deep)", "give a metrics document written by wres")
    if not isinstance(doc, dict) or doc.get("schema_version") != 1 or not isinstance(doc.get("results"), list):
        return Problem(str(path), "is not a metrics document (schema_version 1 with results)", "give the JSON that wres metrics, wres report or wres national wrote")
    sid = doc.get("standard_id", standards.DEFAULT)  # documents written before standards were values: SC-WRES
    if sid not in standards.available():
        return Problem(str(path), f'is a document of the standard "{sid}", which this wres does not know',
                       f"audit it with a wres that knows it (this one knows {', '.join(standards.available())})")
    if not all(isinstance(r, dict) and isinstance(r.get("metric"), str) and isinstance(r.get("service"), str) for r in doc["results"]):
        return Problem(str(path), "has results without a metric and a service", "give the JSON that wres metrics, wres report or wres national wrote")
    std = standards.load(sid)
    wrong = next(filter(None, (_misshapen(r, std) for r in doc["results"])), None)
    if wrong is not None:  # the audit would read it as some other number, or stop: it proves nothing of such a document
        return Problem(str(path), f"is not a metrics document as wres writes it: {wrong}", "give the JSON that wres metrics, wres report or wres national wrote, unedited")
    return doc


def document(path: Path) -> dict[str, Any] | Problem:
    """One metrics document as wres wrote it, its shape checked as the audit checks it; else what is wrong."""
    return _load(path)


def _count(value: Any) -> bool:
    return value is None or (type(value) is int and value >= 0)


def _number(value: Any) -> bool:
    return value is None or (type(value) in (int, float) and math.isfinite(value))


def _misshapen(r: dict[str, Any], std: Standard) -> str | None:
    """What in a result is not as wres writes it (its counts whole numbers from 0, its rates and shares
    numbers, its metric the standard's), in words; None if nothing."""
    band = r.get("band")
    where = " ".join([r["metric"], r["service"], *([band] if isinstance(band, str) else [])])
    if r["metric"] not in std.metric_ids:
        return f"{where}: the {std.name} has no metric {r['metric']!r}"
    if band is not None and not isinstance(band, str):
        return f"{where}: its band {band!r} is not text"
    for group in (*std.group_ids, "total"):
        figures = r.get(group)
        if figures is None:
            continue
        if not isinstance(figures, dict):
            return f"{where}: {group} is {json.dumps(figures)}, not its figures"
        for kind in ("numerator", "denominator"):
            if not _count(figures.get(kind)):
                return f"{where}: {group} {kind} is {json.dumps(figures.get(kind))}, not a count (a whole number, 0 or more)"
        if not _number(figures.get("rate")):
            return f"{where}: {group} rate is {json.dumps(figures.get('rate'))}, not a number"
    for name in ("difference", "declaration_rate"):
        if not _number(r.get(name)):
            return f"{where}: {name} is {json.dumps(r.get(name))}, not a number"
    for name in ("shares", "workforce_shares", "representation"):
        values = r.get(name)
        if values is not None and not (isinstance(values, dict) and all(_number(v) for v in values.values())):
            return f"{where}: {name} is {json.dumps(values)}, not numbers by group"
    return None


def read(path: Path) -> tuple[Published | None, list[Problem]]:
    """A metrics document, or a folder holding national.json (and regions/*.json, which add up to it)."""
    path = Path(path)
    if path.is_dir():
        for name in (NATIONAL, "metrics.json"):
            if (path / name).is_file():
                break
        else:
            return None, [Problem(str(path), "holds no national.json or metrics.json", "give a metrics document or the folder wres national wrote")]
        files = {"national" if name == NATIONAL else "doc": path / name}
        files.update({f"region:{p.stem}": p for p in sorted((path / REGIONS).glob("*.json"))})
    elif path.is_file():
        files = {"doc": path}
    else:
        return None, [Problem(str(path), "does not exist", "give a metrics document (JSON) or a folder of them")]
    docs, problems = {}, []
    for name, file in files.items():
        doc = _load(file)
        if isinstance(doc, Problem):
            problems.append(doc)
        else:
            docs[name] = doc
    if problems:
        return None, problems
    ids = {d.get("standard_id", standards.DEFAULT) for d in docs.values()}
    if len(ids) > 1:
        return None, [Problem(str(path), f"holds documents of different standards ({', '.join(sorted(ids))})", "give one national output: its documents are of one standard")]
    thresholds = {d.get("suppression", {}).get("threshold") for d in docs.values()}
    regions = [n for n in docs if n.startswith("region:")]
    sums = [("national", regions)] if "national" in docs and regions else []
    stated = max((t for t in thresholds if isinstance(t, int)), default=None)
    return Published({n: d["results"] for n, d in docs.items()}, sums, stated, standards.load(ids.pop())), []
