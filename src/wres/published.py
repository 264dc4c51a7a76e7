"""Published documents read back, for the audit: one metrics document, or a national output folder."""

from __future__ import annotations

import json
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
    if not isinstance(doc, dict) or doc.get("schema_version") != 1 or not isinstance(doc.get("results"), list):
        return Problem(str(path), "is not a metrics document (schema_version 1 with results)", "give the JSON that wres metrics, wres report or wres national wrote")
    sid = doc.get("standard_id", standards.DEFAULT)  # documents written before standards were values: SC-WRES
    if sid not in standards.available():
        return Problem(str(path), f'is a document of the standard "{sid}", which this wres does not know',
                       f"audit it with a wres that knows it (this one knows {', '.join(standards.available())})")
    if not all(isinstance(r, dict) and isinstance(r.get("metric"), str) and isinstance(r.get("service"), str) for r in doc["results"]):
        return Problem(str(path), "has results without a metric and a service", "give the JSON that wres metrics, wres report or wres national wrote")
    return doc


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
