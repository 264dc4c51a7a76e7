"""The readers under hostile input (issue 15, point 8): whatever bytes arrive, the answer is a problem list.

A small demo return (40 staff: organisation.toml, staff.csv, leavers.csv), and the same as a workbook, as
Parquet and as a council's export read through mapping.toml, is each fed to the real pipeline
(`pipeline.load`, as `wres metrics` runs it) with one file replaced: by random bytes, cut short, or
mutated a few bytes at a time (bytes a CSV, TOML or XML reader cares about are drawn more often). A
workbook is also mutated inside, its sheet's XML changed and zipped again, so the XML reader meets it and
not only the zip check. Each run must either succeed or raise InvalidInput with at least one problem,
and no problem may name a Python exception or carry traceback text. `wres map`'s reader of exports
(mapping.read_export, which the web's import pages use too) gets the same workbooks and CSV files.

Then the limits, as properties: a sheet, CSV or Parquet file has the row-limit problem exactly when it has
more rows than the limit (set low through the environment, as wres.limits reads it), and a workbook
declaring more than the unpacked limit is refused unread.

Examples are few and small, so the module runs in well under a minute; hypothesis keeps any failure it
finds (.hypothesis/) and replays it first next time. No test is timed: speed is bench/bench_workbook.py's.
"""

from __future__ import annotations

import builtins
import csv
import io
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_bad_inputs import declared_size, rewrite_sheet, workbook_bytes
from wres import mapping, pipeline, read
from wres.demo import write_demo
from wres.problems import InvalidInput, Problem

# Few examples each: a run of the pipeline on this return costs a tenth of a second or two. The fixture
# is the module's (built once, read only), which hypothesis would otherwise warn about. WRES_FUZZ_SCALE=20
# runs twenty times as many, for a longer hunt.
SCALE = int(os.environ.get("WRES_FUZZ_SCALE", "1"))
FUZZ = settings(max_examples=12 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Every name a problem must not show: Python's exceptions, and those of the libraries the readers use.
EXCEPTION_NAMES = {n for n in dir(builtins) if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), BaseException)}
EXCEPTION_NAMES |= {n for n in dir(duckdb) if isinstance(getattr(duckdb, n), type) and issubclass(getattr(duckdb, n), BaseException)}
EXCEPTION_NAMES |= {"BadZipFile", "LargeZipFile", "ParseError", "InvalidFileException", "TOMLDecodeError", "ValidationError",
                    "ArrowInvalid", "ArrowException", "XMLSyntaxError", "Refused", "InvalidInput"}
EXCEPTION_NAMES -= {"Error", "Exception", "Warning"}  # words a message may use; a class's name is one word with them
NAMED = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, EXCEPTION_NAMES), key=len, reverse=True)) + r"|[A-Z]\w*(?:Error|Exception))\b")
TRACEBACK = re.compile(r"Traceback|File \"|line \d+, in |<class '|\bErrno\b|\b[A-Z]\w*(?: [A-Z]\w*)* Error: ")  # the last: DuckDB's "IO Error: "

# Bytes a reader treats specially: quotes, separators, line ends, TOML's and XML's syntax, a NUL, a BOM's start, not UTF-8.
SPECIAL = [b'"', b",", b"\n", b"\r", b"\r\n", b"=", b"[", b"]", b"{", b"<", b">", b"&", b"\x00", b"\xef\xbb\xbf", b"\xff", b"\\", b"'", b"#"]


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with one to eight changes: a byte replaced, bytes inserted, a run deleted or repeated."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(out)))
        kind = draw(st.sampled_from(("replace", "insert", "delete", "repeat")))
        piece = draw(st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=4))
        if kind == "replace" and at < len(out):
            out[at:at + len(piece)] = piece
        elif kind == "insert":
            out[at:at] = piece
        elif kind == "delete":
            del out[at:at + draw(st.integers(1, 64))]
        else:
            out[at:at] = out[at:at + draw(st.integers(1, 256))]
    return bytes(out)


def assert_plain(problems: list[Problem], what: str) -> None:
    """Every problem says what is wrong in words: no exception's name, no traceback text."""
    for p in problems:
        for text in (p.file, p.message, p.fix, p.column or ""):
            assert not NAMED.search(text), f"{what}: a problem names a Python exception: {p}"
            assert not TRACEBACK.search(text), f"{what}: a problem holds traceback text: {p}"
        assert p.message.strip() and p.fix.strip(), f"{what}: a problem without words: {p}"


def run_pipeline(root: Path, what: str) -> None:
    """The return through the real pipeline: counts, or InvalidInput with its problems, and nothing else."""
    try:
        loaded = pipeline.load(root)
    except InvalidInput as exc:
        assert exc.problems, f"{what}: refused with no problem to show"
        assert_plain(exc.problems, what)
    else:
        assert_plain(loaded.warnings, what)


# --- the returns fuzzed: one file of each replaced by the bytes drawn -----------------------------------

class Fixture:
    """A return's files (name → bytes) and the one file that is fuzzed."""

    def __init__(self, files: dict[str, bytes], target: str) -> None:
        self.files, self.target = files, target

    @contextmanager
    def written(self, data: bytes) -> Iterator[Path]:
        """The return in a fresh folder, the target file holding `data` (each example starts clean)."""
        with tempfile.TemporaryDirectory(prefix="wres-fuzz-") as tmp:
            root = Path(tmp) / "return"
            root.mkdir()
            for name, body in self.files.items():
                (root / name).write_bytes(data if name == self.target else body)
            yield root


def _organisation_sheet(toml: bytes) -> list[dict[str, object]]:
    """organisation.toml's top-level settings as the organisation sheet's rows."""
    return [{"setting": k, "value": str(v)} for k, v in tomllib.loads(toml.decode()).items() if not isinstance(v, dict)]


def _rows(text: bytes) -> list[dict[str, object]]:
    return [dict(r) for r in csv.DictReader(io.StringIO(text.decode("utf-8")))]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Fixture]:
    """The fuzzed returns, each valid as built (checked here, so a failure below is the fuzzing's)."""
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, seed=3, staff=40, action_plan=False)
    base = {n: (folder / n).read_bytes() for n in ("organisation.toml", "staff.csv", "leavers.csv")}
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{folder / 'staff.csv'}', all_varchar=true)) TO '{folder / 'staff.parquet'}' (FORMAT parquet)")
    con.close()
    book = workbook_bytes({"staff": _rows(base["staff.csv"]), "leavers": _rows(base["leavers.csv"]),
                           "organisation": _organisation_sheet(base["organisation.toml"])})
    export = base["staff.csv"].replace(b"ethnicity,", b"Ethnic Origin,", 1)
    mapping_toml = b'[staff]\nfile = "HR export *.csv"\n[staff.columns]\nethnicity = "Ethnic Origin"\n'
    fixtures = {
        "staff.csv": Fixture(base, "staff.csv"),
        "leavers.csv": Fixture(base, "leavers.csv"),
        "organisation.toml": Fixture(base, "organisation.toml"),
        "staff.parquet": Fixture({**{k: v for k, v in base.items() if k != "staff.csv"}, "staff.parquet": (folder / "staff.parquet").read_bytes()},
                                 "staff.parquet"),
        "return.xlsx": Fixture({"return.xlsx": book}, "return.xlsx"),
        "mapping.toml": Fixture({"organisation.toml": base["organisation.toml"], "leavers.csv": base["leavers.csv"],
                                 "HR export 2025.csv": export, "mapping.toml": mapping_toml}, "mapping.toml"),
    }
    for name, fx in fixtures.items():
        with fx.written(fx.files[fx.target]) as root:
            pipeline.load(root)  # raises if the unfuzzed return is not valid
    return fixtures


TARGETS = ["staff.csv", "leavers.csv", "organisation.toml", "staff.parquet", "return.xlsx", "mapping.toml"]


@pytest.mark.parametrize("target", TARGETS)
@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes(demo: dict[str, Fixture], target: str, data: bytes) -> None:
    fx = demo[target]
    with fx.written(data) as root:
        run_pipeline(root, f"{target} as {data[:40]!r}…")


@pytest.mark.parametrize("target", TARGETS)
@FUZZ
@given(cut=st.floats(0, 1))
def test_cut_short(demo: dict[str, Fixture], target: str, cut: float) -> None:
    fx = demo[target]
    data = fx.files[target]
    data = data[: int(len(data) * cut)]
    with fx.written(data) as root:
        run_pipeline(root, f"{target} cut to {len(data)} bytes")


@pytest.mark.parametrize("target", TARGETS)
@settings(FUZZ, max_examples=25 * SCALE)
@given(st.data())
def test_mutated(demo: dict[str, Fixture], target: str, data: st.DataObject) -> None:
    fx = demo[target]
    changed = data.draw(mutations(fx.files[target]), label="bytes")
    with fx.written(changed) as root:
        run_pipeline(root, f"{target} mutated")


def _sheet_xml_mutated(book: bytes, data: st.DataObject) -> bytes:
    """The workbook with its staff sheet's XML mutated and the zip made again (sound as a zip)."""
    change: Callable[[bytes], bytes] = lambda xml: data.draw(mutations(xml), label="sheet XML")  # noqa: E731
    return rewrite_sheet(book, "staff", change)


@settings(FUZZ, max_examples=25 * SCALE)
@given(st.data())
def test_workbook_sheet_xml_mutated(demo: dict[str, Fixture], data: st.DataObject) -> None:
    fx = demo["return.xlsx"]
    with fx.written(_sheet_xml_mutated(fx.files["return.xlsx"], data)) as root:
        run_pipeline(root, "return.xlsx with its staff sheet's XML mutated")


@settings(FUZZ, max_examples=25 * SCALE)
@given(st.data(), st.sampled_from(["bytes", "sheet XML", "csv"]))
def test_export_reader(demo: dict[str, Fixture], data: st.DataObject, how: str) -> None:
    """`wres map` (and the web's import pages) read an export: a damaged one is problems, never a failure."""
    book = demo["return.xlsx"].files["return.xlsx"]
    body = (data.draw(mutations(book)) if how == "bytes" else _sheet_xml_mutated(book, data) if how == "sheet XML"
            else data.draw(mutations(demo["staff.csv"].files["staff.csv"])))
    with tempfile.TemporaryDirectory(prefix="wres-fuzz-") as tmp:
        path = Path(tmp) / ("export.csv" if how == "csv" else "export.xlsx")
        path.write_bytes(body)
        exports, problems = mapping.read_export(path)
        assert exports or problems
        assert_plain(problems, f"wres map on an export ({how})")


# --- the limits, as properties -------------------------------------------------------------------------

def staff_rows(n: int) -> list[dict[str, object]]:
    return [{"staff_id": f"S{i}", "ethnicity": "Indian", "service": "adults", "senior_manager": "no",
             "registered_professional": "no", "annual_salary": 30000} for i in range(n)]


def write_staff(root: Path, kind: str, n: int) -> None:
    if kind == "sheet":
        (root / "return.xlsx").write_bytes(workbook_bytes({"staff": staff_rows(n)}))
        return
    rows = staff_rows(n)
    text = ",".join(rows[0]) + "\n" + "".join(",".join(str(v) for v in r.values()) + "\n" for r in rows)
    (root / "staff.csv").write_text(text)
    if kind == "parquet":
        con = duckdb.connect()
        con.execute(f"COPY (SELECT * FROM read_csv('{root / 'staff.csv'}', all_varchar=true)) TO '{root / 'staff.parquet'}' (FORMAT parquet)")
        con.close()
        (root / "staff.csv").unlink()


@settings(FUZZ, max_examples=20 * SCALE)
@given(kind=st.sampled_from(["sheet", "csv", "parquet"]), rows=st.integers(1, 12), limit=st.integers(1, 12))
def test_row_limit(kind: str, rows: int, limit: int) -> None:
    """Over the row limit exactly when there are more rows than it; the problem says so, the file named."""
    with tempfile.TemporaryDirectory(prefix="wres-fuzz-") as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setenv("WRES_MAX_ROWS", str(limit))
        root = Path(tmp)
        write_staff(root, kind, rows)
        ret = read.read_return(root)
        over = [p for p in ret.problems if "more than a return may hold" in p.message]
        label = {"sheet": "return.xlsx, sheet staff", "csv": "staff.csv", "parquet": "staff.parquet"}[kind]
        if rows > limit:
            assert [(p.file, p.message) for p in over] == [(label, f"has more than {limit:,} rows, more than a return may hold")]
            assert "staff" in ret.unreadable
        else:
            assert over == [] and "staff" in ret.sources
        ret.con.close()


@settings(FUZZ, max_examples=10 * SCALE)
@given(declared=st.integers((500 << 20) + 1, 0xFFFF_FFFF))
def test_a_workbook_declaring_more_than_the_limit_is_refused_unread(demo: dict[str, Fixture], declared: int) -> None:
    fx = demo["return.xlsx"]
    with fx.written(declared_size(fx.files["return.xlsx"], declared)) as root:
        ret = read.read_return(root)
        assert [(p.file, p.message) for p in ret.problems] == [("return.xlsx", "unpacks to more than 500 MB, more than a return may hold")]
        assert ret.unreadable == {"*"} and not ret.sources
        ret.con.close()


def test_no_problem_found_names_an_exception_in_the_readers_source() -> None:
    """The source of the readers builds no message from an exception's class name (as '(KeyError)' was)."""
    src = Path(read.__file__).parent
    for module in ("read.py", "mapping.py", "published.py", "organisation.py", "validate.py", "cli.py"):
        text = (src / module).read_text(encoding="utf-8")
        assert not re.search(r"type\(\w+\)\.__name__|__class__\.__name__", text), f"{module} names an exception's class in a message"



def test_an_export_with_a_quote_left_open_is_said_in_words(tmp_path: Path) -> None:
    """A quote left open runs a value past the csv module's 128 KB field limit: said in words, not its text."""
    path = tmp_path / "HR export.csv"
    path.write_text('staff_id,ethnicity\nS1,"White\n' + "S2,Indian\n" * 20_000, encoding="utf-8")
    exports, problems = mapping.read_export(path)
    assert exports == []
    assert [(p.file, p.message) for p in problems] == [
        ("HR export.csv", "could not be read as CSV: a value is longer than any real cell (a quote left open?)")]
    assert_plain(problems, "an export with a quote left open")
