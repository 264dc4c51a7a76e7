"""Writing outputs all at once or not at all (a failed or interrupted command leaves nothing half-written),
and CSV cells that no spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def write_text(path: Path, text: str, codec: str = "utf-8") -> None:
    """Write to a temporary file beside `path`, then rename it into place (atomic on one filesystem)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=codec, newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def new_directory(path: Path, replaces: str | None = None) -> Iterator[Path]:
    """Yield a temporary folder beside `path` and move it to `path` only when the block succeeds.

    `path` must not exist or be empty, unless it holds the file named by `replaces` (an earlier run of the
    same command), which is then replaced whole.
    """
    path = Path(path)
    earlier = path.is_dir() and replaces is not None and (path / replaces).is_file()
    if path.exists() and (not path.is_dir() or (any(path.iterdir()) and not earlier)):
        raise FileExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        yield tmp
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, old / "x")
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell as a CSV file holds it: text a spreadsheet would run as a formula (it starts with = + - @, a tab
    or a carriage return) is written as text, with a leading apostrophe; None is an empty cell. Band labels
    and names are an organisation's own text, so every CSV wres writes (CLI and web) passes through here."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value


def csv_text(rows: Iterable[Sequence[object]], header: Sequence[str] | None = None) -> str:
    """CSV text of rows, every cell made safe by csv_cell (the header too)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header is not None:
        w.writerow([csv_cell(h) for h in header])
    w.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()
