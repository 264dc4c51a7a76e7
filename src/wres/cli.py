"""The `wres` command: thin; each command calls the pipeline and a renderer.

Exit codes: 0 success, 1 invalid input (with every message), 2 usage error, 3 internal error (a bug).
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from wres import output, pipeline
from wres.problems import InvalidInput, Problem
from wres.render import terminal

app = typer.Typer(
    help="SC-WRES for social care: check a return, compute the nine metrics, publish safely.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _fail(problems: list[Problem]) -> None:
    terminal.problems(problems, err)
    err.print("Nothing was written. Fix the errors above and run the command again.")
    raise typer.Exit(1)


PathArg = Annotated[Path, typer.Argument(help="A return: folder of CSV/Parquet files, or an .xlsx workbook.", show_default=False)]


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="New folder to write the demo return into.")],
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = 1,
    staff: Annotated[int, typer.Option(min=10, max=5_000_000, help="Number of staff (scale up for benchmarks).")] = 425,
) -> None:
    """Write a realistic fictional authority's return (all files, with a staff survey)."""
    from wres.demo import write_demo

    try:
        with output.new_directory(directory) as tmp, err.status("Writing demo return…") as status:
            write_demo(tmp, seed=seed, staff=staff, progress=lambda text: status.update(text))
    except FileExistsError:
        err.print(f"{directory} already exists and is not empty: give a new folder name.")
        raise typer.Exit(1)
    err.print(f"Wrote a demo return for {staff:,} staff to {directory}. Next: wres validate {directory}")


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def validate(
    path: PathArg,
    format: Annotated[ProblemFormat, typer.Option("--format", help="text for people; json for machines.")] = ProblemFormat.text,
) -> None:
    """Check a return: every problem, as file, row, column, what is wrong and how to fix it."""
    with err.status("Checking…"):
        problems = pipeline.check(path)
    if format is ProblemFormat.json:
        sys.stdout.write(json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False) + "\n")
    else:
        terminal.problems(problems, out)
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


@app.command()
def metrics(
    path: PathArg,
    format: Annotated[Format, typer.Option("--format", help="table for people; json (the contract) or csv for machines.")] = Format.table,
    internal: Annotated[bool, typer.Option("--internal", help="No suppression; output marked OFFICIAL-SENSITIVE, not for publication.")] = False,
    threshold: Annotated[Optional[int], typer.Option(min=2, max=1000, help="Suppress counts below this (default: organisation.toml, else 10).")] = None,
) -> None:
    """The nine metrics with relative likelihoods, 95% CIs and sentences."""
    try:
        with err.status("Computing metrics…"):
            doc = pipeline.document(path, internal=internal, threshold=threshold)
    except InvalidInput as exc:
        _fail(exc.problems)
    if format is Format.json:
        from wres.render import json as render_json

        sys.stdout.write(render_json.render(doc))
    elif format is Format.csv:
        from wres.render import csv as render_csv

        sys.stdout.write(render_csv.render(doc))
    else:
        terminal.metrics_table(doc, out)


@app.command()
def counts(
    path: PathArg,
    output_file: Annotated[Path, typer.Option("-o", "--output", help="Where to write counts.csv.")],
) -> None:
    """The aggregated return (counts.csv) — record-level data reduced to counts, unsuppressed."""
    try:
        with err.status("Counting…"):
            loaded = pipeline.load(path)
    except InvalidInput as exc:
        _fail(exc.problems)
    output.write_text(output_file, loaded.counts.to_csv())
    for p in loaded.warnings:
        err.print(f"warning: {p.where}: {p.message}", markup=False, highlight=False)
    err.print(f"Wrote {output_file} ({len(loaded.counts.cells):,} rows).", markup=False)


@app.command()
def audit(
    path: Annotated[Path, typer.Argument(help="A published metrics document (JSON), or a folder wres national wrote.", show_default=False)],
    threshold: Annotated[Optional[int], typer.Option(min=2, max=1000, help="The smallest count that may be published (default: as the document says, else 10).")] = None,
) -> None:
    """Prove a published document leaks no small count: exit 1 if any hidden count can be worked out."""
    from wres import disclosure, published

    doc, problems = published.read(path)
    if doc is None:
        _fail(problems)
    limit = threshold or doc.threshold or disclosure.DEFAULT_THRESHOLD
    with err.status("Auditing…"):
        result = disclosure.audit(doc.tables, limit, doc.sums)
    terminal.audit(result, limit, out)
    if result.leaks:
        raise typer.Exit(1)


def main() -> None:
    """Entry point: no traceback reaches a user; a bug says so plainly."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("Interrupted; nothing was written.")
        sys.exit(130)
    except Exception as exc:  # a bug, not bad input: bad input is InvalidInput, handled above
        if os.environ.get("WRES_DEBUG"):
            raise
        err.print(f"wres: internal error ({type(exc).__name__}: {exc}). Nothing was written. "
                  "Please report it; run with WRES_DEBUG=1 to see the details.", markup=False)
        sys.exit(3)


if __name__ == "__main__":
    main()
