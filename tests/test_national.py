"""National pooling: the sum of every authority's counts, a protected national view and an anonymous benchmark."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_command
from wres import national, pipeline
from wres.counts import Counts

AUTHORITIES = 80
ID_COLUMNS = ("staff_id", "applicant_id", "respondent_id", "case_id")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("national") / "returns"
    run = run_command("demo", root, "--authorities", AUTHORITIES, "--staff", 120)
    assert run.code == 0, run.stderr
    return root


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("key") / "pseudonym.key"


@pytest.fixture(scope="module")
def aggregated(demo: Path) -> Path:
    """The same authorities as counts.csv returns (as the national programme receives them)."""
    root = demo.parent / "aggregated"
    authorities, problems = national.load(sorted(demo.iterdir()))
    assert problems == []
    for a in authorities:
        (root / a.path.name).mkdir(parents=True)
        shutil.copy(a.path / "organisation.toml", root / a.path.name)
        (root / a.path.name / "counts.csv").write_text(a.counts.to_csv())
    return root


@pytest.fixture(scope="module")
def published(demo: Path, key: Path) -> Path:
    out = demo.parent / "published"
    run = run_command("national", demo, "-o", out, "--key-file", key)
    assert run.code == 0, run.stderr
    return out


def _union(returns: list[Path], target: Path) -> Path:
    """All authorities' records as one return (ids made unique per authority)."""
    target.mkdir()
    shutil.copy(returns[0] / "organisation.toml", target)
    writers: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for r in returns:
        for f in sorted(r.glob("*.csv")):
            with f.open(newline="", encoding="utf-8") as src:
                rows = list(csv.DictReader(src))
            if f.name not in writers:
                files[f.name] = (target / f.name).open("w", newline="", encoding="utf-8")
                writers[f.name] = csv.DictWriter(files[f.name], fieldnames=list(rows[0]) if rows else next(csv.reader(f.open())))
                writers[f.name].writeheader()
            for row in rows:
                writers[f.name].writerow({k: (f"{r.name}:{v}" if k in ID_COLUMNS and v else v) for k, v in row.items()})
    for h in files.values():
        h.close()
    return target


def test_national_counts_equal_the_counts_of_all_records_together(demo: Path, key: Path) -> None:
    internal = demo.parent / "internal"
    run = run_command("national", demo, "-o", internal, "--key-file", key, "--internal")
    assert run.code == 0, run.stderr
    pooled = (internal / "counts.csv").read_text()
    union = pipeline.load(_union(sorted(demo.iterdir()), demo.parent / "union")).counts
    assert pooled == union.to_csv()
    doc = json.loads((internal / "national.json").read_text())
    assert doc["marking"].startswith("OFFICIAL-SENSITIVE") and doc["suppression"]["applied"] is False


def test_published_output_has_the_benchmark_and_funnel_and_passes_the_audit(published: Path) -> None:
    names = {p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()}
    assert {"national.json", "benchmark.json", "benchmark.csv", "funnel.csv"} <= names
    assert "counts.csv" not in names  # pooled counts are not published
    doc = json.loads((published / "national.json").read_text())
    assert doc["suppression"]["applied"] is True and "marking" not in doc
    assert doc["organisation"]["name"] == f"England — {AUTHORITIES} authorities"
    bench = json.loads((published / "benchmark.json").read_text())
    assert bench["authorities"] == AUTHORITIES and bench["named"] is False
    m3 = next(m for m in bench["metrics"] if m["metric"] == "M3" and m["service"] == "all")
    assert len(m3["authorities"]) == AUTHORITIES
    assert m3["national"]["relative_likelihood"] == pytest.approx(next(
        r["relative_likelihood"] for r in doc["results"] if r["metric"] == "M3" and r["service"] == "all"))
    # training (M5) is common enough that most authorities can be shown
    m2 = next(m for m in bench["metrics"] if m["metric"] == "M5" and m["service"] == "all")
    assert m2["authorities_shown"] >= 4
    assert m2["quartiles"] is not None and m2["quartiles"][0] <= m2["quartiles"][1] <= m2["quartiles"][2]
    assert m2["funnel_limits"], "funnel limits for drawing"
    for p in m2["funnel_limits"]:
        assert p["lower998"] < p["lower95"] < m2["national"]["relative_likelihood"] < p["upper95"] < p["upper998"]
    shown = [a for a in m2["authorities"] if not a["suppressed"]]
    assert shown and all(a["funnel"] for a in shown if a["se_log"])
    run = run_command("audit", published)
    assert run.code == 0 and "No leak" in run.stdout


def test_benchmark_shows_an_authority_only_where_its_counts_are_publishable(aggregated: Path, published: Path, key: Path) -> None:
    bench = json.loads((published / "benchmark.json").read_text())
    authorities, problems = national.load(sorted(aggregated.iterdir()), workers=1)
    assert problems == []
    by_label = {national.pseudonym(national.key_from(key, create=False), a.organisation): a for a in authorities}
    for m in bench["metrics"]:
        for row in m["authorities"]:
            counts: Counts = by_label[row["authority"]].counts
            cells = [counts.get(m["metric"], m["service"], m["band"] or "", g) for g in ("minority_ethnic", "white")]
            small = any(0 < v < 10 for cell in cells for v in cell)
            if small:
                assert row["suppressed"] and row["relative_likelihood"] is None and row["ci95"] is None
    shown_rls = [row["relative_likelihood"] for m in bench["metrics"] for row in m["authorities"] if row["relative_likelihood"] is not None]
    assert shown_rls, "some authorities are large enough to show"


def test_the_benchmark_shows_no_figure_an_authoritys_own_report_withholds(aggregated: Path, published: Path, key: Path) -> None:
    """An authority's report withholds a figure (the adults' relative likelihood, say) so that a small count cannot
    be worked out by subtraction from the figures it shows; the same figure in the benchmark, with the counts the
    report shows, gave that count back (six minority ethnic staff in a children's service). The benchmark shows an
    authority's relative likelihood only where its own published report shows it; without that rule it would
    show figures the reports withhold (so this test can fail)."""
    bench = json.loads((published / "benchmark.json").read_text())
    authorities, problems = national.load(sorted(aggregated.iterdir()), workers=1)
    assert problems == []
    secret = national.key_from(key, create=False)
    own = {national.pseudonym(secret, a.organisation): national.published_figures(pipeline.document(a.path).to_dict()) for a in authorities}
    shown = [(row["authority"], (m["metric"], m["service"], m["band"] or "")) for m in bench["metrics"] for row in m["authorities"]
             if row["relative_likelihood"] is not None]
    assert shown and all(figure in own[label] for label, figure in shown)
    doc = national.run(authorities, secret, 10).national
    before = national.benchmark(authorities, doc, 10, own=False)  # the rule of the four counts alone
    assert any((m["metric"], m["service"], m["band"] or "") not in own[row["authority"]]
               for m in before for row in m["authorities"] if row["relative_likelihood"] is not None)


def test_pseudonyms_are_stable_secret_and_named_on_request(demo: Path, aggregated: Path, published: Path, key: Path) -> None:
    # from counts.csv returns this time: the same output as from the records, pseudonyms included
    again = demo.parent / "again"
    assert run_command("national", aggregated, "-o", again, "--key-file", key).code == 0
    for name in ("benchmark.json", "national.json", "funnel.csv"):
        assert (again / name).read_text() == (published / name).read_text()
    other = demo.parent / "other-key"
    assert run_command("national", aggregated, "-o", other, "--key-file", demo.parent / "other.key").code == 0
    first = json.loads((published / "benchmark.json").read_text())["metrics"][0]["authorities"]
    second = json.loads((other / "benchmark.json").read_text())["metrics"][0]["authorities"]
    assert {a["authority"] for a in first}.isdisjoint({a["authority"] for a in second})
    names = {(r / "organisation.toml").read_text().split('name = "')[1].split('"')[0] for r in demo.iterdir()}
    text = (published / "benchmark.json").read_text() + (published / "benchmark.csv").read_text()
    assert not any(n in text for n in names), "no authority name in the pseudonymised output"
    assert all(a["authority"].startswith("LA-") for a in first)
    named = demo.parent / "named"
    assert run_command("national", aggregated, "-o", named, "--named").code == 0
    shown = {a["authority"] for a in json.loads((named / "benchmark.json").read_text())["metrics"][0]["authorities"]}
    assert shown == names


def test_regions_are_published_only_with_three_or_more_authorities(demo: Path, published: Path) -> None:
    regions: dict[str, int] = {}
    for r in demo.iterdir():
        region = (r / "organisation.toml").read_text().split('region = "')[1].split('"')[0]
        regions[region] = regions.get(region, 0) + 1
    files = {p.stem for p in (published / "regions").glob("*.json")}
    for region, n in regions.items():
        slug = region.lower().replace(" ", "-")
        assert (slug in files) == (n >= 3)
    london = json.loads((published / "regions" / "london.json").read_text())
    assert london["organisation"]["name"].startswith("London — ")


def test_one_bad_return_stops_the_run_and_names_it(demo: Path, tmp_path: Path, key: Path) -> None:
    returns = tmp_path / "returns"
    for r in sorted(demo.iterdir())[:9]:
        shutil.copytree(r, returns / r.name)
    staff = returns / "la-004" / "staff.csv"
    lines = staff.read_text().splitlines()
    lines[3] = lines[3].replace(",adults,", ",martians,").replace(",children,", ",martians,")
    staff.write_text("\n".join(lines) + "\n")
    (returns / "la-007" / "organisation.toml").write_text(
        (returns / "la-007" / "organisation.toml").read_text().replace("period_start = 2024-04-01", "period_start = 2023-04-01").replace("period_end = 2025-03-31", "period_end = 2024-03-31"))
    out = tmp_path / "out"
    run = run_command("national", returns, "-o", out, "--key-file", key)
    assert run.code == 1
    assert "la-004: staff.csv, row 4, column service" in " ".join(run.stderr.split())
    assert "la-007: organisation.toml" in run.stderr and "2023-04-01" in run.stderr
    assert not out.exists() and "Traceback" not in run.stderr


def test_the_same_authority_twice_is_an_error(demo: Path, tmp_path: Path, key: Path) -> None:
    first = sorted(demo.iterdir())[0]
    run = run_command("national", first, first, "-o", tmp_path / "out", "--key-file", key)
    assert run.code == 1 and "same authority" in run.stderr


def test_national_replaces_its_own_earlier_output_but_nothing_else(demo: Path, tmp_path: Path, key: Path) -> None:
    few = sorted(demo.iterdir())[:3]
    out = tmp_path / "out"
    assert run_command("national", *few, "-o", out, "--key-file", key).code == 0
    assert run_command("national", *few, "-o", out, "--key-file", key).code == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    run = run_command("national", *few, "-o", other, "--key-file", key)
    assert run.code == 1 and (other / "notes.txt").read_text() == "mine"


def test_the_pseudonym_key_is_made_for_its_owner_only_and_a_bad_one_is_said(demo: Path, tmp_path: Path) -> None:
    """Made on first use, readable by its owner only from the start and never half-written; a folder, a file
    that is not text, or a place it cannot be made, said as such (each was "a fault in wres")."""
    made = tmp_path / "keys" / "new.key"
    assert national.key_from(made) == national.key_from(made, create=False)
    assert made.stat().st_mode & 0o777 == 0o600 and [p.name for p in made.parent.iterdir()] == ["new.key"]
    assert len(made.read_text(encoding="utf-8").strip()) == 64
    (tmp_path / "binary.key").write_bytes(bytes(range(128, 256)))
    first = sorted(demo.iterdir())[0]
    for key, said in ((tmp_path / "keys", "could not be read as a pseudonym key (it is a folder)"),
                      (tmp_path / "binary.key", "could not be read as a pseudonym key (it is not text)"),
                      (Path("/proc/wres.key"), "Could not write /proc/wres.key: the folder does not exist or cannot hold files. Nothing was written.")):
        run = run_command("national", first, "-o", tmp_path / "out", "--key-file", key)
        assert run.code == 1 and said in " ".join(run.stderr.split()), run.stderr
        assert "internal error" not in run.stderr and not (tmp_path / "out").exists()


def test_two_processes_making_the_key_at_once_agree_on_it(tmp_path: Path) -> None:
    """Two web workers opening the national view first: each makes a key, one wins, both use the winner's."""
    from concurrent.futures import ProcessPoolExecutor

    made = tmp_path / "pseudonym.key"
    with ProcessPoolExecutor(4) as pool:
        keys = list(pool.map(national.key_from, [made] * 8))
    assert len(set(keys)) == 1 and keys[0] == made.read_text(encoding="utf-8").strip().encode()
    assert [p.name for p in tmp_path.iterdir()] == ["pseudonym.key"]


# --- the NHS WRES: trusts pooled by NHS region ------------------------------------------------------------

def test_nhs_trusts_pool_by_region_and_the_published_output_passes_the_audit(tmp_path: Path, key: Path, cli: Any) -> None:
    from wres.demo import write_authorities

    root = tmp_path / "trusts"
    root.mkdir()
    write_authorities(root, 7, seed=5, staff=400, standard="nhs-wres")
    out = tmp_path / "out"
    run = cli("national", *sorted(root.iterdir()), "-o", out, "--key-file", key)
    assert run.code == 0, run.stderr
    doc = json.loads((out / "national.json").read_text())
    assert (doc["standard"], doc["standard_id"]) == ("NHS WRES", "nhs-wres")
    assert doc["organisation"]["name"] == "England — 7 trusts"
    assert any("are not benchmarked: the benchmark compares relative likelihoods only" in w for w in doc["warnings"])
    bench = json.loads((out / "benchmark.json").read_text())
    rl_metrics = {r["metric"] for r in doc["results"] if r["statistic"] == "relative_likelihood"}
    assert bench["metrics"] and {row["metric"] for row in bench["metrics"]} <= rl_metrics
    audit = cli("audit", out)
    assert audit.code == 0 and "No leak" in audit.stdout


def test_returns_of_different_standards_are_refused(demo: Path, tmp_path: Path, key: Path, cli: Any) -> None:
    from wres.demo import write_authorities

    trusts = tmp_path / "trusts"
    trusts.mkdir()
    write_authorities(trusts, 2, seed=5, staff=300, standard="nhs-wres")
    returns = [*sorted(demo.iterdir())[:3], *sorted(trusts.iterdir())]
    run = cli("national", *returns, "-o", tmp_path / "out", "--key-file", key)
    assert run.code == 1 and "pool the returns of one standard at a time" in run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("standard,word", [("sc-wres", "authority"), ("nhs-wres", "trust")])
def test_one_organisation_given_twice_is_refused_in_its_standards_word(tmp_path: Path, key: Path, cli: Any, standard: str, word: str) -> None:
    """The same return copied into two folders would count its staff twice: refused, naming both folders."""
    from wres.demo import write_authorities

    returns = tmp_path / "returns"
    returns.mkdir()
    write_authorities(returns, 3, seed=5, staff=200, standard=standard)
    first = sorted(returns.iterdir())[0]
    shutil.copytree(first, returns / "copy")
    run = cli("national", *sorted(returns.iterdir()), "-o", tmp_path / "out", "--key-file", key)
    said = " ".join((run.stdout + run.stderr).split())  # as one line: the terminal wraps a long folder's name
    assert run.code == 1 and f"is the same {word} as" in said and f"give each {word} once" in said, said
    assert not (tmp_path / "out").exists()


def test_one_threshold_rule_for_the_nation_and_the_audit() -> None:
    from wres import disclosure

    assert disclosure.national_threshold([10, 10]) == 10
    assert disclosure.national_threshold([10, 20]) == 20  # one return's stricter threshold holds nationally
    assert disclosure.national_threshold([5, 5]) == disclosure.DEFAULT_THRESHOLD  # a lower one never lowers it
    assert disclosure.national_threshold([10, 12], requested=30) == 30
    assert disclosure.national_threshold([10, 12], requested=11) == 12
    assert disclosure.audit_threshold(None, 15) == 15 and disclosure.audit_threshold(8, 15) == 8
    assert disclosure.audit_threshold(None, None) == disclosure.DEFAULT_THRESHOLD


def test_csv_cells_never_run_as_formulas() -> None:
    from wres import output

    assert [output.csv_cell(v) for v in ("=SUM(A1)", "+1", "-2", "@x", "Band 5", None, 3)] == ["'=SUM(A1)", "'+1", "'-2", "'@x", "Band 5", "", 3]
    assert output.csv_text([["=1+1", 2]], ["band", "n"]) == "band,n\n'=1+1,2\n"


def test_national_funnel_and_heterogeneity_follow_the_benchmark(published: Path) -> None:
    """statistics.md §4–5: keyed metric → service → band ("-" where none); the funnel's authorities are exactly
    those the benchmark shows with a defined SE (its disclosure rule), with the same figures; a funnel plot per
    metric and the sentences in funnels.md."""
    from wres.document import Document

    doc = json.loads((published / "national.json").read_text())
    assert Document.from_dict(doc).to_dict() == doc
    bench = json.loads((published / "benchmark.json").read_text())
    drawn = 0
    for m in bench["metrics"]:
        band = m["band"] or "-"
        if not m["national"]["relative_likelihood"]:
            assert m["metric"] not in doc["funnel"] or band not in doc["funnel"][m["metric"]].get(m["service"], {})
            continue
        f = doc["funnel"][m["metric"]][m["service"]][band]
        h = doc["heterogeneity"][m["metric"]][m["service"]][band]
        shown = {r["authority"]: r for r in m["authorities"] if r["relative_likelihood"] and r["se_log"]}
        assert {a["authority"] for a in f["authorities"]} == set(shown)
        assert f["k"] == h["k"] == len(shown) and f["target_rl"] == m["national"]["relative_likelihood"]
        for a in f["authorities"]:
            assert a["rl"] == shown[a["authority"]]["relative_likelihood"] and a["flag"] == shown[a["authority"]]["flag"]
            assert a["lower998"] <= a["lower95"] <= f["target_rl"] <= a["upper95"] <= a["upper998"]
        assert (f["reason"] is not None) == (f["k"] < 10) and (f["tau2"] == 0 or f["k"] >= 10)
        assert f["sentence"] and f["sentence"] in (published / "funnels.md").read_text()
        drawn += bool(shown)
    assert drawn and any(published.glob("funnel-*.svg"))
    assert "<svg" in next(published.glob("funnel-*.svg")).read_text()
