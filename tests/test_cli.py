"""The `wres` command as a user meets it: the acceptance chain in real processes, then each command's output.

The acceptance chain (`wres demo D && wres validate D && wres metrics D --format json --internal`) runs once
per module in real processes; the other tests read its demo return and run the command in-process (fast),
except where a real process is the point (colour off, exit codes from the entry point, narrow terminals).
"""

from __future__ import annotations

import csv
import io
import json
import re
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ORG, Run, person, run_command, write_return
from wres import cli as cli_module
from wres import pipeline
from wres.output import csv_cell
from wres.standards import load

METRIC_IDS = ("M1", "M2", "M3", "M4", "M5", "M6", "M7a", "M7b", "M8", "M9")
SERVICES = ("adults", "children", "all")
DEFAULT_BANDS = ("under 30k", "30k to 70k", "70k and over")

# The keys of one result, as data-contract.md fixes them.
CONTRACT_KEYS = {
    "metric", "service", "band", "minority_ethnic", "white", "unknown", "declaration_rate",
    "relative_likelihood", "ci95", "assessment", "suppressed", "reason", "sentence",
}
# Extensions beyond the contract. Adding one is a deliberate change: list it here.
EXTENSION_KEYS = {"title", "total",
                  # issue 16: what each figure is, decided in the engine (common.md §4)
                  "statistic", "status", "assessed", "verdict", "label", "orientation", "difference", "difference_ci95",
                  # issue 17: the evidence a figure carries (statistics.md §1–3)
                  "evidence", "detectable_rl", "respondents_needed", "change"}
EXTENSION_KEYS_BY_METRIC = {"M9": {"representation"}}
REPRESENTATION_KEYS = {"senior_managers", "workforce", "local_population"}
TOP_LEVEL_KEYS = {"schema_version", "standard", "standard_id", "standard_version", "organisation", "period", "suppression", "warnings", "results"}

ASSESSMENT_WORDS = {
    "worse_for_minority_ethnic": "worse for ME",
    "within_range": "within range",
    "better_for_minority_ethnic": "better for ME",
}


@dataclass
class Chain:
    root: Path
    demo: Run
    validate: Run
    metrics: Run
    published: Run

    @property
    def internal_doc(self) -> dict[str, Any]:
        return json.loads(self.metrics.stdout)

    @property
    def published_doc(self) -> dict[str, Any]:
        return json.loads(self.published.stdout)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    root = tmp_path_factory.mktemp("accept") / "D"
    demo = run_command("demo", root)
    validate = run_command("validate", root)
    metrics = run_command("metrics", root, "--format", "json", "--internal")
    published = run_command("metrics", root, "--format", "json")
    return Chain(root, demo, validate, metrics, published)


def groups_of(r: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(g, r[g]) for g in ("minority_ethnic", "white", "unknown", "total")]


def table_rows(stdout: str) -> list[list[str]]:
    """The body rows of a rich table printed without colour: cells between the │ rules."""
    rows = []
    for line in stdout.splitlines():
        if line.startswith("│"):
            rows.append([c.strip() for c in line.strip().strip("│").split("│")])
    return rows


# --- the acceptance chain, in real processes ---------------------------------------------------------------

def test_acceptance_chain_exits_zero(chain: Chain) -> None:
    for step in (chain.demo, chain.validate, chain.metrics, chain.published):
        assert step.code == 0, step.stderr
        assert "Traceback" not in step.stdout + step.stderr
    assert (chain.root / "organisation.toml").is_file()
    for name in ("staff", "recruitment", "disciplinary", "fitness_to_practise", "training", "leavers", "survey"):
        assert (chain.root / f"{name}.csv").is_file()
    assert "0 errors" in chain.validate.stdout


def test_acceptance_document(chain: Chain) -> None:
    doc = chain.internal_doc
    assert TOP_LEVEL_KEYS <= set(doc)
    assert doc["schema_version"] == 1
    assert doc["standard"] == "SC-WRES"
    assert doc["organisation"] == {"name": "London Borough of Eastmere", "code": "E09000099"}
    assert doc["period"] == {"start": "2024-04-01", "end": "2025-03-31"}
    assert doc["suppression"]["applied"] is False
    assert doc["marking"].startswith("OFFICIAL-SENSITIVE")
    assert any("outside the reporting period" in w for w in doc["warnings"])


@pytest.mark.parametrize("which", ["internal", "published"])
def test_results_cover_every_metric_service_and_band(chain: Chain, which: str) -> None:
    doc = chain.internal_doc if which == "internal" else chain.published_doc
    keys = [(r["metric"], r["service"], r["band"]) for r in doc["results"]]
    expected = {("M1", s, b) for s in SERVICES for b in DEFAULT_BANDS} | {(m, s, None) for m in METRIC_IDS[1:] for s in SERVICES}
    assert len(keys) == len(set(keys)) == len(expected) == 36
    assert set(keys) == expected
    for s in SERVICES:  # M1 once per band, lowest first
        assert [r["band"] for r in doc["results"] if r["metric"] == "M1" and r["service"] == s] == list(DEFAULT_BANDS)


@pytest.mark.parametrize("which", ["internal", "published"])
def test_every_result_has_exactly_the_contract_keys(chain: Chain, which: str) -> None:
    doc = chain.internal_doc if which == "internal" else chain.published_doc
    for r in doc["results"]:
        assert set(r) == CONTRACT_KEYS | EXTENSION_KEYS | EXTENSION_KEYS_BY_METRIC.get(r["metric"], set()), r["metric"]
        assert set(r["minority_ethnic"]) == {"numerator", "denominator", "rate"}
        assert set(r["white"]) == {"numerator", "denominator", "rate"}
        assert set(r["unknown"]) == {"numerator", "denominator"}
        assert set(r["total"]) == {"numerator", "denominator"}
        assert r["ci95"] is None or len(r["ci95"]) == 2
        assert isinstance(r["suppressed"], bool)
        assert isinstance(r["sentence"], str) and r["sentence"]
        if r["metric"] == "M9":
            assert set(r["representation"]) == REPRESENTATION_KEYS


# --- published (default): suppression -------------------------------------------------------------------------

def test_published_document_is_suppressed_at_ten(chain: Chain) -> None:
    doc = chain.published_doc
    assert doc["suppression"]["applied"] is True
    assert doc["suppression"]["threshold"] == 10
    assert "marking" not in doc
    small = [
        (r["metric"], r["service"], r["band"], g, k, f[k])
        for r in doc["results"] for g, f in groups_of(r) for k in ("numerator", "denominator")
        if f[k] is not None and 1 <= f[k] <= 9
    ]
    assert small == []


def test_suppressed_results_withhold_what_would_reveal_a_count(chain: Chain) -> None:
    doc = chain.published_doc
    suppressed = [r for r in doc["results"] if r["suppressed"]]
    assert suppressed, "the default demo has small cells"
    withheld_me_or_white = 0
    for r in suppressed:
        hidden = {g for g, f in groups_of(r) if f["numerator"] is None or f["denominator"] is None}
        assert hidden, f"{r['metric']} {r['service']}: suppressed but every count is shown"
        if hidden & {"minority_ethnic", "white"}:
            withheld_me_or_white += 1
            assert r["relative_likelihood"] is None and r["ci95"] is None and r["assessment"] is None
            # primary (a small count in the row) or secondary (hidden so a small count elsewhere stays hidden)
            # the reason names the small count itself: "fewer than 10 minority ethnic applicants were appointed"
            assert re.search(r"fewer than \d+ (minority ethnic|white) (staff|applicants|respondents|registered)", r["reason"]) \
                or "worked out by subtraction" in r["reason"]
            assert r["reason"] in r["sentence"] or "cannot be worked out by subtraction" in r["sentence"]
            if r.get("representation"):  # each share is withheld when a count it is made of is
                if any(r[g]["numerator"] is None for g in ("minority_ethnic", "white")):
                    assert r["representation"]["senior_managers"] is None
                if any(r[g]["denominator"] is None for g in ("minority_ethnic", "white")):
                    assert r["representation"]["workforce"] is None
        else:
            # only the unknown or total counts are hidden: the minority ethnic and white figures (and so the RL) stand,
            # and an RL that was undefined anyway keeps its own reason
            assert "unknown" in r["reason"] or r["relative_likelihood"] is None
        for g, f in groups_of(r):
            if g in ("minority_ethnic", "white") and (f["numerator"] is None or f["denominator"] is None):
                assert f["rate"] is None
    assert withheld_me_or_white > 0


def test_published_results_that_are_not_suppressed_equal_the_internal_ones(chain: Chain) -> None:
    internal = {(r["metric"], r["service"], r["band"]): r for r in chain.internal_doc["results"]}
    for r in chain.published_doc["results"]:
        if not r["suppressed"]:
            assert r == internal[(r["metric"], r["service"], r["band"])]


# --- wres demo ----------------------------------------------------------------------------------------------------

def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_demo_is_deterministic(tmp_path: Path, cli: Any) -> None:
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        run = cli("demo", tmp_path / name, "--seed", seed, "--staff", "120")
        assert run.code == 0, run.stderr
    a, b, c = (_files(tmp_path / n) for n in "abc")
    assert a == b
    assert set(a) == set(c)
    assert a["staff.csv"] != c["staff.csv"]
    assert a["recruitment.csv"] != c["recruitment.csv"]


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path, cli: Any) -> None:
    target = tmp_path / "full"
    target.mkdir()
    (target / "keep.txt").write_text("mine\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    run = cli("demo", target)
    assert run.code == 1
    assert "already exists" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert _files(target) == {"keep.txt": b"mine\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no stray temporary folder beside it


def test_demo_into_an_empty_existing_folder(tmp_path: Path, cli: Any) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert cli("demo", target, "--staff", "50").code == 0
    assert (target / "staff.csv").is_file()


def test_demo_with_twenty_staff(tmp_path: Path, cli: Any) -> None:
    d = tmp_path / "small"
    assert cli("demo", d, "--staff", "20").code == 0
    with (d / "staff.csv").open(newline="", encoding="utf-8") as f:
        assert len(list(csv.reader(f))) == 21
    assert cli("validate", d).code == 0
    run = cli("metrics", d, "--format", "json")
    assert run.code == 0, run.stderr
    assert len(json.loads(run.stdout)["results"]) == 36


# --- wres metrics: the table ------------------------------------------------------------------------------------------

def _check_table(stdout: str, doc: dict[str, Any]) -> None:
    assert "London Borough of Eastmere" in stdout
    assert "\x1b[" not in stdout  # NO_COLOR: no escape codes
    rows = table_rows(stdout)
    parts = load(doc["standard_id"]).breakdown  # the table names each part as the standard labels it
    assert [(r[0], r[1], r[2] or None) for r in rows] == [(r["metric"], parts.part(r["service"]).label, r["band"]) for r in doc["results"]]
    for cells, r in zip(rows, doc["results"]):
        shown = cells[-1]
        if r["assessment"]:
            assert shown == ASSESSMENT_WORDS[r["assessment"]], (r["metric"], r["service"], r["band"])
        elif r["reason"] == "not submitted":
            assert shown == "not submitted"
        else:
            assert shown not in ASSESSMENT_WORDS.values()
    for m in METRIC_IDS:
        assert any(cells[0] == m for cells in rows)


def test_metrics_table_published_in_a_real_process(chain: Chain) -> None:
    run = run_command("metrics", chain.root)
    assert run.code == 0, run.stderr
    _check_table(run.stdout, chain.published_doc)
    assert "OFFICIAL-SENSITIVE" not in run.stdout


def test_metrics_table_internal(chain: Chain, cli: Any) -> None:
    run = cli("metrics", chain.root, "--internal")
    assert run.code == 0, run.stderr
    doc = chain.internal_doc
    _check_table(run.stdout, doc)
    assert "OFFICIAL-SENSITIVE" in run.stdout
    assessed = {r["assessment"] for r in doc["results"]}
    assert {"worse_for_minority_ethnic", "within_range"} <= assessed  # so both words were checked above
    assert "worse for ME" in run.stdout and "within range" in run.stdout


def test_metrics_table_says_not_submitted(chain: Chain, tmp_path: Path, cli: Any) -> None:
    root = tmp_path / "no_ftp"
    shutil.copytree(chain.root, root)
    (root / "fitness_to_practise.csv").unlink()
    run = cli("metrics", root)
    assert run.code == 0, run.stderr
    rows = table_rows(run.stdout)
    assert [c[1] for c in rows if c[-1] == "not submitted"] == ["Adult social care", "Children's social care", "Both services"]
    assert all(c[0] == "M4" for c in rows if c[-1] == "not submitted")
    doc = json.loads(cli("metrics", root, "--format", "json").stdout)
    _check_table(run.stdout, doc)


# --- wres metrics --format csv ------------------------------------------------------------------------------------------

def _csv(stdout: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(stdout)))


def test_metrics_csv_has_a_header_and_one_row_per_result(chain: Chain, cli: Any) -> None:
    run = cli("metrics", chain.root, "--format", "csv")
    assert run.code == 0, run.stderr
    rows = _csv(run.stdout)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["metric", "title", "service", "band"]
    assert {"relative_likelihood", "ci95_low", "ci95_high", "assessment", "suppressed", "reason", "sentence"} <= set(header)
    assert all(len(r) == len(header) for r in body)
    doc = chain.published_doc
    col = {c: header.index(c) for c in ("metric", "service", "band")}
    assert [(r[col["metric"]], r[col["service"]], r[col["band"]] or None) for r in body] == [
        (r["metric"], r["service"], r["band"]) for r in doc["results"]
    ]


def test_metrics_csv_internal_is_marked(chain: Chain, cli: Any) -> None:
    rows = _csv(cli("metrics", chain.root, "--format", "csv", "--internal").stdout)
    assert rows[0][0].startswith("# OFFICIAL-SENSITIVE")
    assert rows[1][0] == "metric"
    assert len(rows) == 2 + 36


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def test_input_text_cannot_reach_the_csv_as_a_formula(tmp_path: Path, cli: Any) -> None:
    # Pay band labels come from organisation.toml and are written to the CSV's band column.
    bands = [
        {"label": '=HYPERLINK("http://example.invalid","x")', "below": 30000},
        {"label": "@SUM(A1:A9)", "below": 50000},
        {"label": "+top", "below": 70000},
        {"label": "-cmd|' /C calc'!A0"},
    ]
    staff = [person(f"S{i}", ("Indian", "White")[i % 2], ("adults", "children")[i % 3 == 0], salary=20000 + 1500 * i) for i in range(40)]
    root = write_return(tmp_path / "r", {"staff": staff}, {**ORG, "name": "=1+1", "pay_bands": bands})
    run = cli("metrics", root, "--format", "csv", "--internal")
    assert run.code == 0, run.stderr
    rows = _csv(run.stdout)[1:]
    header, body = rows[0], rows[1:]
    band = header.index("band")
    assert [r[band] for r in body if r[0] == "M1"][::3] == ["'" + b["label"] for b in bands]
    for r in body:
        for cell in r:
            assert not cell.startswith(FORMULA_START) or _is_number(cell), cell


@pytest.mark.parametrize("value", ["=1+1", "+44 20", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cell_escapes_formula_text(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize(("value", "out"), [("Pay bands", "Pay bands"), (None, ""), (-1.5, -1.5), (0, 0), (True, True), ("", "")])
def test_csv_cell_leaves_other_values(value: Any, out: Any) -> None:
    assert csv_cell(value) == out


# --- wres counts ---------------------------------------------------------------------------------------------------------

def test_counts_writes_the_counts_table(chain: Chain, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out.csv"
    run = cli("counts", chain.root, "-o", out)
    assert run.code == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    rows = _csv(text)
    assert text.startswith("metric,service,band,group,numerator,denominator\n")
    body = rows[1:]
    assert body
    assert f"({len(body)} rows)" in run.stderr
    assert not [r for r in body if r[1] == "all"]
    assert {r[1] for r in body} == {"adults", "children"}
    assert {r[3] for r in body} == {"minority_ethnic", "white", "unknown"}
    assert {r[0] for r in body} == set(METRIC_IDS)
    assert all((r[2] != "") == (r[0] == "M1") for r in body)
    assert all(r[4].isdigit() and r[5].isdigit() for r in body)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary file left beside it


def test_counts_creates_a_new_sub_folder(chain: Chain, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "new" / "deeper" / "counts.csv"
    run = cli("counts", chain.root, "-o", out)
    assert run.code == 0, run.stderr
    assert out.read_text(encoding="utf-8").startswith("metric,service,band,group,numerator,denominator\n")
    assert sorted(p.name for p in out.parent.iterdir()) == ["counts.csv"]


# --- wres validate --format json ---------------------------------------------------------------------------------------------

PROBLEM_KEYS = {"file", "rows", "column", "message", "fix"}


def test_validate_json_lists_problems(chain: Chain, cli: Any) -> None:
    run = cli("validate", chain.root, "--format", "json")
    assert run.code == 0, run.stderr
    problems = json.loads(run.stdout)
    assert isinstance(problems, list) and problems  # the demo's out-of-period rows are warnings
    for p in problems:
        assert PROBLEM_KEYS <= set(p)
        assert isinstance(p["rows"], list)
    assert any("outside the reporting period" in p["message"] for p in problems)


def test_validate_json_on_a_bad_return(tmp_path: Path, cli: Any) -> None:
    root = write_return(tmp_path / "bad", {"staff": [person("S1", "White"), person("S2", "Martian"), person("S3", "Indian")]})
    run = cli("validate", root, "--format", "json")
    assert run.code == 1
    problems = json.loads(run.stdout)
    errors = [p for p in problems if p.get("severity", "error") == "error"]
    assert len(errors) == 1
    (p,) = errors
    assert p["file"] == "staff.csv" and p["rows"] == [3] and p["column"] == "ethnicity"
    assert "Martian" in p["message"] and p["fix"]
    assert p["mappable"] is True  # a spelling of the export's own: an import mapping could say what it means
    negative = write_return(tmp_path / "negative", {"staff": [person("S1", "White", salary=-5)]})
    (q,) = [p for p in json.loads(cli("validate", negative, "--format", "json").stdout) if p["severity"] == "error"]
    assert "negative" in q["message"] and q["mappable"] is False


def test_machine_output_is_clean_json_on_a_narrow_terminal(chain: Chain) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "30"}
    env.pop("WRES_DEBUG", None)
    for args in (("validate", chain.root, "--format", "json"), ("metrics", chain.root, "--format", "json")):
        proc = subprocess.run([sys.executable, "-m", "wres.cli", *map(str, args)], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        json.loads(proc.stdout)


# --- usage errors and internal errors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "args",
    [
        ("metrics",),
        ("metrics", "{D}", "--format", "xml"),
        ("validate", "{D}", "--format", "xml"),
        ("metrics", "{D}", "--threshold", "1"),
        ("counts", "{D}"),  # no -o
        ("demo", "{T}/new", "--staff", "5"),
        ("no-such-command",),
    ],
    ids=["metrics-no-path", "metrics-format-xml", "validate-format-xml", "threshold-1", "counts-no-output", "demo-staff-5", "unknown-command"],
)
def test_usage_errors_exit_2(args: tuple[str, ...], chain: Chain, tmp_path: Path, cli: Any) -> None:
    run = cli(*(a.format(D=chain.root, T=tmp_path) for a in args))
    assert run.code == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stdout + run.stderr
    assert not (tmp_path / "new").exists()


def test_usage_error_in_a_real_process(chain: Chain) -> None:
    for args in (("metrics",), ("metrics", chain.root, "--format", "xml")):
        run = run_command(*args)
        assert run.code == 2
        assert "Usage" in run.stderr
        assert "Traceback" not in run.stdout + run.stderr
        assert run.stdout == ""


def test_internal_error_prints_no_traceback(chain: Chain, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug in the pipeline")

    monkeypatch.setattr(pipeline, "document", broken)
    monkeypatch.setattr(sys, "argv", ["wres", "metrics", str(chain.root), "--format", "json"])
    monkeypatch.delenv("WRES_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exc:
        cli_module.main()
    assert exc.value.code == 3
    out, err = capsys.readouterr()
    assert "internal error" in err
    assert "RuntimeError" not in err and "a bug in the pipeline" not in err  # no Python exception named
    assert "Traceback" not in out + err
    assert out == ""


LEAVE = """
import sys, threading, time
from pathlib import Path
from wres.cli import leave
kind, out = sys.argv[1], Path(sys.argv[2])
print("x" * 200_000)  # more than a pipe holds: flushed before the process goes
if kind == "thread":  # a thread still at work is waited for, as sys.exit would
    threading.Thread(target=lambda: (time.sleep(0.3), out.write_text("done"))).start()
leave({"code": 4, "none": None, "message": "a message", "thread": 0}[kind])
"""


@pytest.mark.parametrize("kind, code", [("code", 4), ("none", 0), ("message", 1), ("thread", 0)])
def test_leaving_without_teardown_keeps_what_sys_exit_does(kind: str, code: int, tmp_path: Path) -> None:
    """wres.cli.leave skips the interpreter's teardown (a sixth of `wres validate`), and nothing else: the exit
    status, output that fills a pipe, sys.exit's message, a thread left running."""
    run = subprocess.run([sys.executable, "-c", LEAVE, kind, str(tmp_path / "t")], capture_output=True, text=True, timeout=60)
    assert run.returncode == code and run.stdout == "x" * 200_000 + "\n"
    assert run.stderr == ("a message\n" if kind == "message" else "")
    assert (tmp_path / "t").exists() == (kind == "thread")


def test_ctrl_c_inside_a_query_is_said_as_an_interrupt(chain: Chain, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """DuckDB turns Ctrl+C mid-query into an error of its own ("Query interrupted", a RuntimeError): the user
    is told it was interrupted (exit 130), not that wres has a fault, and Ctrl+C is as it was afterwards."""
    import signal

    def interrupted(*args: Any, **kwargs: Any) -> None:
        try:
            signal.raise_signal(signal.SIGINT)  # the user's Ctrl+C, while the query runs
        except KeyboardInterrupt:
            raise RuntimeError("Query interrupted") from None  # what DuckDB raises in its place

    monkeypatch.setattr(pipeline, "check", interrupted)
    monkeypatch.setattr(sys, "argv", ["wres", "validate", str(chain.root)])
    with pytest.raises(SystemExit) as exit_:
        cli_module.main()
    err = capsys.readouterr().err
    assert exit_.value.code == 130 and "Interrupted; nothing was written." in err and "internal error" not in err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # Ctrl+C in wres's own code, which typer turns into a silent exit 130: said the same way
    monkeypatch.setattr(pipeline, "check", lambda *a, **k: signal.raise_signal(signal.SIGINT))
    with pytest.raises(SystemExit) as exit_:
        cli_module.main()
    assert exit_.value.code == 130 and "Interrupted; nothing was written." in capsys.readouterr().err
    # a RuntimeError without a Ctrl+C is still a fault, said as one
    monkeypatch.setattr(pipeline, "check", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("Query interrupted")))
    with pytest.raises(SystemExit) as exit_:
        cli_module.main()
    assert exit_.value.code == 3 and "internal error" in capsys.readouterr().err


def test_ctrl_c_while_the_report_is_written_prints_no_traceback(chain: Chain, tmp_path: Path) -> None:
    """Ctrl+C reaches every process of the terminal's group: the report's helper, idle once the charts and
    their PNGs are made, leaves it to the command (which removes its unfinished folder and stops the helper)."""
    import signal
    import time

    out = tmp_path / "report"
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "wres.cli", "report", str(chain.root), "-o", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a terminal's foreground job
    try:
        deadline = time.monotonic() + 60
        # every chart's PNG made: the helper waits for work while this process lays out the PDF
        while not (svgs := list(tmp_path.glob(".report.*/charts/*.svg"))) or len(list(tmp_path.glob(".report.*/charts/*.png"))) < len(svgs):
            assert proc.poll() is None and time.monotonic() < deadline, "the report ended before it could be interrupted"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130 and "Traceback" not in err and "Interrupted; nothing was written." in err, err
    assert not out.exists() and not list(tmp_path.glob(".report.*"))


def test_ctrl_c_while_the_command_loads_prints_no_traceback(chain: Chain) -> None:
    """The console script imports the command inside wres.main: Ctrl+C in its first quarter second (Python
    loading wres, DuckDB, typer) is said as any other, not as the traceback of the import it stopped."""
    import signal
    import time

    script = Path(sys.executable).with_name("wres")  # the console script pip installs beside the venv's Python
    assert script.exists(), f"{script} is missing: the project is not installed in this Python's environment"
    for delay in (0.05, 0.1):
        proc = subprocess.Popen([str(script), "validate", str(chain.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        assert proc.returncode == 130 and "Interrupted; nothing was written." in err, (proc.returncode, err)


# Python as the console script runs it, with an import that fails the way a C extension does when Ctrl+C
# reaches it mid-initialisation (DuckDB raises ImportError from the KeyboardInterrupt), or fails for itself.
_FAILING_IMPORT = """
import sys
how = sys.argv[1]
class Fail:
    def find_spec(self, name, path=None, target=None):
        if name == "duckdb" and how == "ctrl-c":  # Ctrl+C arrives while DuckDB loads: held until it has loaded
            import os, signal, time
            try:  # an unheld Ctrl+C is raised here: inside the extension's loading, as nanobind cannot bear
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)
            except KeyboardInterrupt:
                sys.stderr.write("interrupted while DuckDB loaded\\n")
                raise
            sys.stderr.write("DuckDB loaded\\n")
            return None  # the real DuckDB is loaded
        if name == "duckdb":
            if how == "interrupted":
                try:
                    raise KeyboardInterrupt
                except KeyboardInterrupt as stop:
                    raise ImportError("Encountered an error while initializing the extension.") from stop
            raise ImportError("duckdb is broken")
sys.meta_path.insert(0, Fail())
sys.argv[1:] = ["--help"]
import wres
wres.main()
"""


@pytest.mark.parametrize("how", ["interrupted", "broken", "ctrl-c"])
def test_an_import_ctrl_c_stopped_is_an_interrupt_and_a_broken_one_is_not(how: str) -> None:
    """Ctrl+C while DuckDB's extension initialises comes out of the import as ImportError (seen in CI): it is
    an interrupt (exit 130, no traceback); an import that fails for itself is not hidden behind one. Ctrl+C is
    held while DuckDB loads (nanobind, cut off mid-way, printed "Critical nanobind error" and a traceback, seen
    under load), then said as any other."""
    done = subprocess.run([sys.executable, "-c", _FAILING_IMPORT, how], capture_output=True, text=True, timeout=60)
    if how == "ctrl-c":
        assert done.returncode == 130 and done.stderr == "DuckDB loaded\nInterrupted; nothing was written.\n", done.stderr
    elif how == "interrupted":
        assert done.returncode == 130 and done.stderr == "Interrupted; nothing was written.\n", done.stderr
    else:
        assert done.returncode == 1 and "duckdb is broken" in done.stderr and "Interrupted" not in done.stderr, done.stderr


def test_a_command_told_next_runs_as_said_when_its_path_has_a_space(tmp_path: Path, cli) -> None:  # noqa: ANN001
    """A council's folder is "SC-WRES return 2025": the command wres says to run next quotes it, in double
    quotes, which cmd, PowerShell and a Unix shell all read as one word."""
    import shlex

    folder = tmp_path / "SC-WRES return 2025"
    run = cli("demo", folder)
    said = " ".join(run.stderr.split())  # (the console wraps a long line)
    assert run.code == 0 and f'Next: wres validate "{folder}"' in said, said
    command = shlex.split(said.split("Next: ")[1])
    assert command[:2] == ["wres", "validate"] and cli(*command[1:]).code == 0
