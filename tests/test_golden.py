"""The SC-WRES figures never move: the documents written before standards became values, kept in
tests/golden, are written again now, and every field they had holds the same value (fields may be added).

The golden files were written by the engine as it was before issue 16 (commit 4b56ebc):
`wres demo d1`, `wres demo --seed 7 --staff 60 d2` (a small authority: most counts suppressed),
`wres demo --authorities 12 --seed 3 --staff 200 la` and `wres national la/la-* --named`, and a counts.csv
return (d2's counts with its organisation.toml).

One change since, on purpose (commit 337691a): disclosure control protects linked counts group by group with
ties in a fixed order, and publishes again every secondary count the audit does not need. Which cells are
withheld moved in six of these files (more published, no headline figure lost), and they were rewritten with
their own fields only; no computed value moved.

And one more, on purpose (2026-12-08): the benchmark shows an authority's relative likelihood only where its own
published report shows it too (national.own_figures), since a figure its report withheld, shown beside the counts
the report did show, gave back a small count. nat/benchmark.json and .csv, and funnel.csv (its limits span the
figures shown), were written again: of the 12 authorities' 432 figures, 27 are shown where 56 were; no figure
shown moved, and none is newly shown.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).parent / "golden"


# Issue 17 changed one thing on purpose: a result's sentence now states the evidence (the whole 95% CI against
# the range) beside the official assessment, so its words differ from the golden ones. Its key must still be
# there; its value is not compared. Every other field keeps its value.
REWORDED = frozenset({"sentence"})


def contains(old: Any, new: Any, where: str = "$") -> list[str]:
    """Where `new` differs from `old`, other than by keys `old` lacked (added fields) and the words of REWORDED keys."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [f"{where}: was an object"]
        out = []
        for k, v in old.items():
            if k not in new:
                out.append(f"{where}.{k}: missing")
            elif k in REWORDED:
                continue
            else:
                out += contains(v, new[k], f"{where}.{k}")
        return out
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            return [f"{where}: list of {len(old)} became {len(new) if isinstance(new, list) else type(new).__name__}"]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in contains(a, b, f"{where}[{i}]")]
    return [] if old == new and type(old) is type(new) else [f"{where}: {old!r} became {new!r}"]


def test_contains_finds_a_changed_value_but_allows_an_added_field():
    assert contains({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2, "c": 3}], "d": 4}) == []
    assert contains({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2.5}]}) == ["$.a[1].b: 2 became 2.5"]
    assert contains({"a": None}, {}) == ["$.a: missing"]
    assert contains({"sentence": "old words"}, {"sentence": "new words"}) == []
    assert contains({"sentence": "old words"}, {}) == ["$.sentence: missing"]
    assert same_csv("a,sentence\n1,old\n", "a,sentence\n1,new\n")
    assert not same_csv("a,sentence\n1,old\n", "a,sentence\n2,old\n")


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> Path:
    from wres.demo import write_authorities, write_demo

    root = tmp_path_factory.mktemp("golden")
    for name in ("d1", "d2", "la"):
        (root / name).mkdir()
    write_demo(root / "d1", seed=1, staff=425)
    write_demo(root / "d2", seed=7, staff=60)
    write_authorities(root / "la", 12, seed=3, staff=200)
    (root / "c1").mkdir()
    shutil.copy(root / "d2" / "organisation.toml", root / "c1")
    shutil.copy(GOLDEN / "d2.counts.csv", root / "c1" / "counts.csv")
    return root


def same_csv(old: str, new: str) -> bool:
    """A CSV as it was, but for the words of REWORDED columns (the columns themselves stay, in their order)."""
    rows_old, rows_new = list(csv.reader(io.StringIO(old))), list(csv.reader(io.StringIO(new)))
    if not rows_old or rows_old[0] != rows_new[0] or len(rows_old) != len(rows_new):
        return old == new
    keep = [i for i, name in enumerate(rows_old[0]) if name not in REWORDED]
    return all([a[i] for i in keep] == [b[i] for i in keep] for a, b in zip(rows_old, rows_new))


def _json(run, *args: str) -> dict[str, Any]:
    r = run(*args)
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("name, args", [
    ("d1.pub.json", ["d1"]), ("d1.int.json", ["d1", "--internal"]),
    ("d2.pub.json", ["d2"]), ("d2.int.json", ["d2", "--internal"]), ("c1.pub.json", ["c1"]),
])
def test_metrics_documents_keep_every_figure(cli, returns, name, args):
    new = _json(cli, "metrics", str(returns / args[0]), "--format", "json", *args[1:])
    assert contains(json.loads((GOLDEN / name).read_text()), new) == []


@pytest.mark.parametrize("name", ["d1", "d2"])
def test_counts_and_published_csv_are_unchanged(cli, returns, tmp_path, name):
    out = tmp_path / "counts.csv"
    assert cli("counts", str(returns / name), "-o", str(out)).code == 0
    assert out.read_text() == (GOLDEN / f"{name}.counts.csv").read_text()
    r = cli("metrics", str(returns / name), "--format", "csv")
    assert r.code == 0
    assert same_csv((GOLDEN / f"{name}.pub.csv").read_text(), r.stdout)


def test_national_documents_keep_every_figure(cli, returns, tmp_path):
    out = tmp_path / "nat"
    r = cli("national", *sorted(str(p) for p in (returns / "la").glob("la-*")), "-o", str(out), "--named")
    assert r.code == 0, r.stderr
    for old in sorted((GOLDEN / "nat").rglob("*.json")):
        rel = old.relative_to(GOLDEN / "nat")
        assert contains(json.loads(old.read_text()), json.loads((out / rel).read_text())) == [], rel
    for old in sorted((GOLDEN / "nat").glob("*.csv")):
        assert same_csv(old.read_text(), (out / old.name).read_text()), old.name
