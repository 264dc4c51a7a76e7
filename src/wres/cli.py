"""The `wres` command: thin; each command calls the pipeline and a renderer.

Exit codes: 0 success, 1 invalid input (with every message), 2 usage error, 3 internal error (a bug).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from contextlib import AbstractContextManager, nullcontext
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from rich.console import Console

from wres import INTERRUPTED, output, pipeline, standards
from wres.problems import InvalidInput, Problem
from wres.read import command_word
from wres import render

app = typer.Typer(
    help="Workforce race equality standards (SC-WRES, NHS WRES): check a return, compute its metrics, publish safely.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output (a log, a file) has no terminal width: use a wide one rather than rich's 80 columns,
# which would wrap the metrics table past reading.
_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 150
out = Console(width=_WIDTH)
err = Console(stderr=True, width=_WIDTH)


# The formats `wres metrics` can print, from the one registry of output formats (wres.render.FORMATS).
Format = Enum("Format", {name: name for name in render.printable()}, type=str)  # type: ignore[misc]


def _busy(text: str) -> AbstractContextManager[Any]:
    """rich's spinner while the user waits, on a terminal only: elsewhere (a pipe, a log, a test) it shows
    nothing, yet its import and its refresh thread cost a small command 10-15 ms of CPU and more of waiting."""
    return err.status(text) if err.is_terminal else nullcontext()


def _fail(problems: list[Problem]) -> None:
    from wres.render import terminal  # here, not at the top: `wres metrics --format json` never needs it

    terminal.problems(problems, err)
    err.print("Nothing was written. Fix the errors above and run the command again.")
    raise typer.Exit(1)


PathArg = Annotated[Path, typer.Argument(help="A return: folder of CSV/Parquet files, or an .xlsx workbook.", show_default=False)]
MappingOpt = Annotated[Optional[Path], typer.Option("--mapping", help="Read the return through this import mapping (default: the return's mapping.toml, if any; see wres map).", show_default=False)]


# The standards wres knows (one data file each): `wres demo --standard` offers them.
StandardId = Enum("StandardId", {name: name for name in standards.available()}, type=str)  # type: ignore[misc]


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="New folder to write the demo return into.")],
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = 1,
    staff: Annotated[Optional[int], typer.Option(min=10, max=5_000_000, help="Number of staff (with --authorities: the median organisation's); default 425 for an authority, 4,000 for an NHS trust.", show_default=False)] = None,
    authorities: Annotated[int, typer.Option(min=0, max=288, help="Write this many organisations' returns (la-001 …, or trust-001 … for the NHS WRES) for the national view.")] = 0,
    standard: Annotated[StandardId, typer.Option("--standard", help="The standard of the return: sc-wres (a council's social care) or nhs-wres (an NHS trust).")] = StandardId(standards.DEFAULT),  # type: ignore[misc]
) -> None:
    """Write a realistic fictional organisation's return (all files, with a staff survey), or many."""
    from wres.demo import DEMOS, write_authorities, write_demo

    chosen = DEMOS.get(standard.value)
    if chosen is None:
        err.print(f"There is no demo return for {standard.value} yet (there is one for {', '.join(DEMOS)}).")
        raise typer.Exit(2)
    staff = staff or chosen.staff
    try:
        with output.new_directory(directory) as tmp, err.status("Writing demo return…") as status:
            if authorities:
                write_authorities(tmp, authorities, seed=seed, staff=staff, progress=lambda text: status.update(text), standard=standard.value)
            else:
                write_demo(tmp, seed=seed, staff=staff, progress=lambda text: status.update(text), standard=standard.value)
    except FileExistsError:
        err.print(f"{directory} already exists and is not empty: give a new folder name.")
        raise typer.Exit(1)
    if authorities:
        err.print(f"Wrote {authorities} organisations' demo returns to {directory}. Next: wres national {directory}/{chosen.folder}-* -o national")
    else:
        err.print(f"Wrote a demo return for {staff:,} staff to {directory}. Next: wres validate {command_word(directory)}")


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def validate(
    path: PathArg,
    format: Annotated[ProblemFormat, typer.Option("--format", help="text for people; json for machines.")] = ProblemFormat.text,
    write_map: Annotated[bool, typer.Option("--write-map", help="Write the ethnicity values not recognised into ethnicity_map.csv in the return folder, the nearest accepted label filled in, ready to check and finish (an existing map only gets new rows added).")] = False,
    map_file: Annotated[Optional[Path], typer.Option("--map-file", help="With --write-map: write the map here instead.", show_default=False)] = None,
    mapping: MappingOpt = None,
) -> None:
    """Check a return: every problem, as file, row, column, what is wrong and how to fix it."""
    unknown: list[pipeline.Unknown] | None = [] if write_map or map_file else None
    with _busy("Checking…"):
        problems = pipeline.check(path, unknown, mapping=mapping)
    if format is ProblemFormat.json:
        sys.stdout.write(json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False) + "\n")
    else:
        from wres.render import terminal

        terminal.problems(problems, out)
    unrecognised = lambda p: p.column == "ethnicity" and p.message.endswith('" is not a recognised ethnicity')  # noqa: E731
    if unknown is not None and Path(path).exists():
        _write_map(Path(path), map_file, unknown)
    # the command, where a fix points at wres map (headings of the export's own): a typo is put right in the file
    elif format is ProblemFormat.text and any(p.mappable and p.severity == "error" and "wres map" in p.fix for p in problems):
        err.print(f"To read your own headings and spellings through an import mapping, run: {_map_command(Path(path))}",
                  markup=False, highlight=False)
    elif any(unrecognised(p) for p in problems) and format is ProblemFormat.text:
        err.print(f"To map the values not recognised, run: wres validate {command_word(Path(path))} --write-map", markup=False, highlight=False)
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


def _map_command(path: Path) -> str:
    """`wres map` for a return as the user named it, writing the mapping where validate will read it: a
    folder's own, or beside a workbook (wres map would write it here)."""
    from wres.mapping import FILE

    if path.is_dir() or str(path.parent) in ("", "."):
        return f"wres map {command_word(path)}"
    return f"wres map {command_word(path)} -o {command_word(path.parent / FILE)}"


def _write_map(path: Path, chosen: Path | None, unknown: list[pipeline.Unknown]) -> None:
    """validate --write-map: the ready-to-edit ethnicity map, and what to do with it (said on stderr)."""
    from wres import ethnicity
    from wres.read import KNOWN

    say = lambda text: err.print(text, markup=False, highlight=False)  # noqa: E731
    root = path.parent if path.is_file() else path
    # A workbook return reads its map from a sheet, and a CSV beside it would turn the folder into a CSV
    # return: the map is written under another name, to be copied into the workbook.
    workbook = path if path.is_file() else None
    if workbook is None and not any(p.suffix.lower() in (".csv", ".parquet") and p.stem.strip().lower() in KNOWN for p in root.iterdir()):
        workbook = next(iter(sorted(p for p in root.glob("*.xlsx") if not p.name.startswith("~$"))), None)
    default = root / (f"{workbook.stem} ethnicity_map.csv" if workbook else "ethnicity_map.csv")
    target = chosen or default
    if not unknown:
        say("Every ethnicity value is recognised: no map to write.")
        return
    try:
        done = ethnicity.write_map(target, [(u.value, u.rows, u.files) for u in unknown])
    except output.CannotWrite:
        raise  # said by main()
    except (ValueError, OSError) as exc:
        say(f"Could not write the ethnicity map: {exc}. Nothing was written.")
        raise typer.Exit(1)
    if not done.suggested + done.blank:
        say(f"{target} already lists every value not recognised ({done.already}): fill in its ethnicity column.")
        return
    added = f"{done.suggested + done.blank} value{'s' if done.suggested + done.blank != 1 else ''} not recognised"
    said = f"Added {added} to {target} (its rows are kept as they were)" if done.appended else f"Wrote {added} to {target}"
    say(f"{said}: {done.suggested} with the nearest accepted label filled in, {done.blank} left blank.")
    where = (
        f"copy its local_value and ethnicity columns into a sheet named ethnicity_map in {workbook.name}"
        if workbook else "" if target.resolve() == (root / "ethnicity_map.csv").resolve()
        else f"put it in {root} as ethnicity_map.csv"
    )
    steps = [
        *(["check each filled-in label (it is only the nearest spelling: correct it if the value means something else)"] if done.suggested else []),
        *(["write the ethnicity of each blank row (an accepted label such as Indian or White British, or Not stated)"] if done.blank else []),
        *([where] if where else []),
        f"run: wres validate {command_word(path)}",
    ]
    say("Next: open it, " + "; ".join(steps) + ".")


@app.command()
def metrics(
    path: PathArg,
    format: Annotated[Format, typer.Option("--format", help="; ".join(f"{f.name}: {f.writes}" for f in render.FORMATS.values() if f.prints) + ".")] = Format.table,  # type: ignore[attr-defined]
    internal: Annotated[bool, typer.Option("--internal", help="No suppression; output marked OFFICIAL-SENSITIVE, not for publication.")] = False,
    threshold: Annotated[Optional[int], typer.Option(min=2, max=1000, help="Suppress counts below this (default: organisation.toml, else 10).")] = None,
    mapping: MappingOpt = None,
) -> None:
    """Every metric of the return's standard: its figures (relative likelihoods, percentages and their difference, shares), 95% CIs and sentences."""
    try:
        with _busy("Computing metrics…"):
            doc = pipeline.document(path, internal=internal, threshold=threshold, mapping=mapping)
    except InvalidInput as exc:
        _fail(exc.problems)
    render.get(format.value).load().show(doc, out)


@app.command()
def counts(
    path: PathArg,
    output_file: Annotated[Path, typer.Option("-o", "--output", help="Where to write counts.csv.")],
    mapping: MappingOpt = None,
) -> None:
    """The aggregated return (counts.csv) — record-level data reduced to counts, unsuppressed."""
    try:
        with _busy("Counting…"):
            loaded = pipeline.load(path, mapping)
    except InvalidInput as exc:
        _fail(exc.problems)
    output.write_text(output_file, loaded.counts.to_csv())
    for p in loaded.warnings:
        err.print(f"warning: {p.where}: {p.message}", markup=False, highlight=False)
    err.print(f"Wrote {output_file} ({len(loaded.counts.cells):,} rows).", markup=False)


@app.command()
def report(
    path: PathArg,
    output_dir: Annotated[Path, typer.Option("-o", "--output", help="New folder for the report set (an earlier report there is replaced).")],
    previous: Annotated[Optional[list[Path]], typer.Option("--previous", help="An earlier year's return, or the report wres wrote of it (its folder or metrics.json), for the trend (repeat for more years).")] = None,
    internal: Annotated[bool, typer.Option("--internal", help="No suppression; every page marked OFFICIAL-SENSITIVE, not for publication.")] = False,
    threshold: Annotated[Optional[int], typer.Option(min=2, max=1000, help="Suppress counts below this (default: organisation.toml, else 10).")] = None,
    accept_placeholders: Annotated[bool, typer.Option("--accept-placeholders", help="Publish even though organisation settings still hold the template's placeholder text.")] = False,
    mapping: MappingOpt = None,
) -> None:
    """The report people read: report.html, report.pdf, workbook.xlsx, charts/ and metrics.json, all or none."""
    from wres import report as report_mod
    from wres.render import report_set

    report_set.prepare(fork=True)  # the chart engines load in the helper (forked: nothing is read yet) while this process reads the return
    try:
        with _busy("Computing metrics…"):
            built = report_mod.build(path, previous or [], internal=internal, threshold=threshold, accept_placeholders=accept_placeholders,
                                     mapping=mapping)
        with output.new_directory(output_dir, replaces="report.html") as tmp, err.status("Writing the report…") as status:
            report_set.write(built, tmp, progress=lambda text: status.update(text))
    except InvalidInput as exc:
        _fail(exc.problems)
    except FileExistsError:
        err.print(f"{output_dir} exists and is not an earlier report: give a new folder name.", markup=False)
        raise typer.Exit(1)
    finally:
        report_set.close()  # at once, even mid-warm-up: a return refused must not wait for the engines
    err.print(f"Wrote {', '.join(report_set.FILES)} to {output_dir}.", markup=False)


@app.command()
def actions(
    path_or_suggest: Annotated[str, typer.Argument(metavar="[suggest] PATH", help="A return; or 'suggest' then a return, for evidence-informed actions.", show_default=False)],
    path: Annotated[Optional[Path], typer.Argument(help="The return, after 'suggest'.", show_default=False)] = None,
    month: Annotated[Optional[str], typer.Option(help="Judge the plan at this month's end (2025-06 or June 2025); default: as the report does, at the end of the reporting period or of the month of the latest update if later.")] = None,
) -> None:
    """The action plan as the steering group reads it: by metric, RAG, overdue and stale actions, uncovered metrics."""
    from wres import actions as actions_mod
    from wres.render import terminal

    suggest = path_or_suggest == "suggest"
    target = path if suggest else Path(path_or_suggest)
    if target is None or (not suggest and path is not None):
        err.print("Usage: wres actions PATH [--month YYYY-MM]   or   wres actions suggest PATH", markup=False)
        raise typer.Exit(2)
    try:
        view = pipeline.action_plan(target)
    except InvalidInput as exc:
        _fail(exc.problems)
    if suggest and view.document is None:  # suggestions are for the metrics outside the range: none without them
        _fail(view.metric_errors)
    if view.metric_errors:
        err.print(f"The return has {len(view.metric_errors)} problem(s) outside the action plan (run wres validate), so the "
                  "metrics no action addresses cannot be checked.", markup=False)
    results = view.document.results if view.document else []
    if suggest:
        from wres.standards import action_catalogue as catalogue

        std = view.organisation.standard
        if std.id != catalogue.STANDARD.id:  # its ideas are the SC-WRES's metrics': saying "none outside" would be false
            out.print(f"The catalogue of evidence-informed actions is written for the {catalogue.STANDARD.name}'s metrics: it has "
                      f"none for the {std.name} yet.", markup=False)
            for u in actions_mod.uncovered(view.plan, results, std):
                out.print(f"! {u}", markup=False, highlight=False)
            return
        terminal.suggestions(catalogue.suggest(results), view.plan, out, std)
        return
    if view.plan is None:
        out.print(f"{target} has no action plan (actions.csv, action_updates.csv; see templates/).", markup=False)
        for u in actions_mod.uncovered(None, results, view.organisation.standard):
            out.print(f"! {u}", markup=False, highlight=False)
        return
    try:  # the same day the report judges the plan on, unless a month is asked for
        judged = actions_mod.judgement(view.plan, view.organisation.period_end, month)
    except ValueError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2)
    states = view.plan.as_of(judged.day)
    terminal.action_plan(view.organisation.name, states, judged, actions_mod.uncovered(view.plan, results, view.organisation.standard), out,
                         view.organisation.standard)


@app.command(name="map")
def map_(
    exports: Annotated[list[Path], typer.Argument(help="Your export(s) as they are: CSV or .xlsx (each sheet with headings is read), or the "
                                                  "return's folder (its files not named as the contract's, else those validate finds a mapping "
                                                  "could put right).", show_default=False)],
    output_file: Annotated[Optional[Path], typer.Option("-o", "--output", help="The mapping to write; an existing one is kept and only what is "
                                                        "new is added. Default: mapping.toml in the folder given, else here.", show_default=False)] = None,
    file: Annotated[Optional[str], typer.Option("--file", help="Which contract file the export(s) are (staff, recruitment, leavers, …); default: guessed.", show_default=False)] = None,
) -> None:
    """Suggest an import mapping for your own export: which file it is, its headings and spellings → the contract's."""
    from wres import encoding, mapping as mapping_mod, organisation
    from wres.schema import all_files

    if file is not None and file.strip().lower() not in all_files():
        err.print(f"--file {file}: not a file of the data contract; use one of {', '.join(all_files())}.", markup=False)
        raise typer.Exit(2)
    folders = [p for p in exports if p.is_dir()]
    if output_file is None:  # beside the return, where wres validate reads it
        output_file = folders[0] / mapping_mod.FILE if len(folders) == 1 else Path(mapping_mod.FILE)
    exports, problems = _exports_in(exports)
    if problems:
        _fail(problems)
    existing = None
    if output_file.exists():  # saved again as UTF-8 below: a warning that it was not is moot
        existing, problems = mapping_mod.load(output_file)
        problems = [p for p in problems if p.severity == "error"]
    with err.status("Reading your export…") as status:  # every row is read for its spellings: a large export takes seconds
        if not problems:
            done, problems = mapping_mod.suggest_exports(exports, existing, file.strip().lower() if file else None,
                                                         lambda path: status.update(f"Reading {path.name}…"),
                                                         organisation.named_standard(output_file.parent / organisation.FILE))
    if problems or done is None:
        _fail(problems)
    if not done.mapping.files:
        each = [f"wres map {command_word(p)} --file NAME" for p in exports if p.name in done.unplaced] or ["wres map EXPORT --file NAME"]
        _fail([Problem(", ".join(p.name for p in exports), "could not be matched to a file of the data contract",
                       f"say which file {'each' if len(each) > 1 else 'it'} is: {'; '.join(each)} (NAME: {', '.join(mapping_mod.MAPPABLE)})")])
    earlier = encoding.settings_text(output_file) if existing else None  # added to, so its comments stay
    mapping_mod.save(done.mapping, output_file, done.notes, earlier=earlier[0] if earlier else None)  # one it cannot write is said by main()
    for line in done.summary:
        out.print(line, markup=False, highlight=False)
    for name in done.unplaced:  # the command for that export alone: --file with a folder would say it of every export
        path = next(p for p in exports if p.name == name)
        out.print(f"  to say which file {name} is, run: wres map {command_word(path)} --file NAME -o {command_word(output_file)} "
                  f"(NAME: {', '.join(mapping_mod.MAPPABLE)})", markup=False, highlight=False)
    said = "Updated" if existing else "Wrote"
    left = done.todo + (mapping_mod.undecided(existing) if existing else 0)  # the earlier file's TODOs still to answer too
    todo = f"; {left} decision{'s' if left != 1 else ''} left (TODO)" if left else ""
    folder = output_file.parent
    # the exports already in the return (the folder here only if it is one: it holds organisation.toml)
    beside = all(p.parent == folder for p in exports) and (str(folder) not in ("", ".") or (folder / organisation.FILE).exists())
    next_step = (f"run: wres validate {command_word(folder)}" if folder in folders or beside
                 else f"put the export in {folder} beside it (with organisation.toml) and run: wres validate {command_word(folder)}" if str(folder) not in ("", ".")
                 else "put it in the return folder beside the export and run: wres validate FOLDER")
    err.print(f"{said} {output_file}{todo}. Check what it guessed, then {next_step}", markup=False, highlight=False)


def _exports_in(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The exports named: a folder stands for its CSV files and workbooks not named as a file of the return,
    else for those named as one that keep their system's headings or spellings (an export renamed staff.csv)."""
    from wres.read import KNOWN

    out: list[Path] = []
    problems: list[Problem] = []
    for p in paths:
        if not p.is_dir():
            out.append(p)
            continue
        found = sorted(q for q in p.iterdir() if q.suffix.lower() in (".csv", ".xlsx") and q.is_file() and not q.name.startswith("~$")
                       and q.stem.strip().lower() not in KNOWN) or _needing_a_mapping(p)
        if not found:
            problems.append(Problem(p.name, "holds no export to map: its files are named as the return's, and nothing in them is for an "
                                    "import mapping to put right (or it has no files)", "give the export file(s) themselves, or run "
                                    "wres validate on the folder to see what it finds"))
        out += found
    return out, problems


def _needing_a_mapping(folder: Path) -> list[Path]:
    """The return's files (named as the contract's) with an error an import mapping could put right, as
    validate decides it (Problem.mappable): a heading, a spelling, headings below a title."""
    with _busy("Checking the return…"):
        named = {p.file.split(", sheet ")[0] for p in pipeline.check(folder) if p.mappable and p.severity == "error"}
    return sorted(q for q in folder.iterdir() if q.name in named and q.suffix.lower() in (".csv", ".xlsx") and q.is_file())


def _returns(paths: list[Path]) -> list[Path]:
    """The returns named; a folder of returns (each with organisation.toml) stands for all of them."""
    out: list[Path] = []
    for p in paths:
        inner = sorted(q.parent for q in p.glob("*/organisation.toml")) if p.is_dir() and not (p / "organisation.toml").exists() else []
        out += inner or [p]
    return out


DEFAULT_KEY = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "wres" / "pseudonym.key"


@app.command()
def national(
    returns: Annotated[list[Path], typer.Argument(help="Authorities' returns (folders, workbooks, or folders of counts.csv); a folder of returns stands for each.", show_default=False)],
    output_dir: Annotated[Path, typer.Option("-o", "--output", help="New folder for the national output (an earlier one is replaced).")],
    named: Annotated[bool, typer.Option("--named", help="Name authorities in the benchmark instead of pseudonyms.")] = False,
    key_file: Annotated[Path, typer.Option(help="Secret key for pseudonyms (made on first use): same key, same pseudonyms.")] = DEFAULT_KEY,
    threshold: Annotated[Optional[int], typer.Option(min=2, max=1000, help="Smallest count published (default 10, and never below a return's own threshold).")] = None,
    internal: Annotated[bool, typer.Option("--internal", help="No suppression, pooled counts.csv too; marked OFFICIAL-SENSITIVE.")] = False,
) -> None:
    """Pool many authorities into the national document, regional breakdowns and an anonymous benchmark."""
    from rich.progress import Progress

    from wres import disclosure
    from wres import national as national_mod
    from wres.render import national as render_national

    paths = _returns(returns)
    drawer = render_national.Drawer()  # the funnel plots' engine starts now, while the returns are read
    try:
        try:
            key = None if named else national_mod.key_from(key_file)
            with Progress(console=err, transient=True) as bar:
                task = bar.add_task("Reading returns", total=len(paths))
                authorities, problems = national_mod.load(paths, progress=lambda text: bar.advance(task))
                if problems:
                    raise InvalidInput(problems)
                drawer.widen()  # a second engine starts while the returns are pooled and protected
                limit = disclosure.national_threshold((a.organisation.suppression_threshold for a in authorities), threshold)
                bar.update(task, description="Pooling and protecting")
                result = national_mod.run(authorities, key, limit, internal)
        except InvalidInput as exc:
            _fail(exc.problems)
        try:
            with output.new_directory(output_dir, replaces="national.json") as tmp:
                written = render_national.write(result, tmp, limit, named, internal, drawer)
        except FileExistsError:
            err.print(f"{output_dir} exists and is not an earlier national output: give a new folder name.", markup=False)
            raise typer.Exit(1)
    finally:
        drawer.close()
    for w in result.warnings:
        err.print(f"warning: {w}", markup=False, highlight=False)
    which = authorities[0].organisation.standard.word("organisations") if authorities else "returns"
    err.print(f"Pooled {len(authorities)} {which} into {output_dir}: {', '.join(written[:3])}{' …' if len(written) > 3 else ''}", markup=False)


@app.command()
def audit(
    path: Annotated[Path, typer.Argument(help="A published metrics document (JSON), or a folder wres national wrote.", show_default=False)],
    threshold: Annotated[Optional[int], typer.Option(min=2, max=1000, help="The smallest count that may be published (default: as the document says, else 10).")] = None,
) -> None:
    """Prove a published document leaks no small count: exit 1 if any hidden count can be worked out."""
    from wres import disclosure, published
    from wres.render import terminal

    doc, problems = published.read(path)
    if doc is None:
        _fail(problems)
    limit = disclosure.audit_threshold(threshold, doc.threshold)
    with _busy("Auditing…"):
        result = disclosure.audit(doc.tables, limit, doc.sums, standard=doc.standard)
    terminal.audit(result, limit, out)
    if result.leaks:
        raise typer.Exit(1)


_interrupted = False


def _on_interrupt(signum: int, frame: Any) -> None:
    """Ctrl+C, remembered: DuckDB turns it, mid-query, into an error of its own ("Query interrupted"), which
    must be said as the interrupt it is, not as a fault in wres."""
    global _interrupted
    _interrupted = True
    signal.default_int_handler(signum, frame)


def _stop_interrupted() -> NoReturn:
    err.print(INTERRUPTED)
    sys.exit(130)


def main() -> None:
    """Entry point: no traceback reaches a user; a bug says so plainly."""
    global _interrupted
    _interrupted = False
    before = signal.getsignal(signal.SIGINT)
    # not where Ctrl+C is ignored (a job started in the background), nor outside the main thread (a test's)
    ours = before is signal.default_int_handler and threading.current_thread() is threading.main_thread()
    if ours:
        signal.signal(signal.SIGINT, _on_interrupt)
    try:
        app()
    except SystemExit as exc:
        if _interrupted and exc.code == 130:  # typer's own answer to Ctrl+C: silent
            _stop_interrupted()
        raise
    except KeyboardInterrupt:
        _stop_interrupted()
    except output.CannotWrite as exc:  # where the user asked for it: no space, no permission, a file in the way
        err.print(f"{exc}. Nothing was written.", markup=False, highlight=False)
        sys.exit(1)
    except Exception as exc:  # a bug, not bad input: bad input is InvalidInput, handled above
        if _interrupted:
            _stop_interrupted()
        if os.environ.get("WRES_DEBUG"):
            raise
        err.print("wres: internal error: a fault in wres, not in your return, stopped it. Nothing was written. "
                  "Please report it; run with WRES_DEBUG=1 to see the details.", markup=False)
        sys.exit(3)
    finally:
        if ours:
            signal.signal(signal.SIGINT, before)


def run() -> None:
    """The `wres` command itself (its console script through wres.main, and python -m wres.cli): main(), then leave()."""
    code: object = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    leave(code)


def leave(code: object) -> None:
    """Exit as sys.exit(code) would, but without the interpreter's teardown once nothing else runs: freeing
    every imported module's objects one by one cost `wres validate` 0.07-0.15 s, a sixth of its time, after
    its work was done. Output is flushed first, and every file a command writes is whole by then (wres.output).
    With a thread or child process still running, or DuckDB's spill folder in use (its files go at teardown),
    it exits as usual."""
    status = code if isinstance(code, int) else 0 if code is None else 1
    try:
        if isinstance(code, str):
            print(code, file=sys.stderr)  # as sys.exit says a message
            code = status
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a closed pipe: as usual
        sys.exit(code)  # type: ignore[arg-type]
    mp = sys.modules.get("multiprocessing")
    if threading.active_count() == 1 and not (mp and mp.active_children()) and not os.path.isdir(".tmp"):
        os._exit(status)
    sys.exit(code)  # type: ignore[arg-type]


if __name__ == "__main__":
    run()
