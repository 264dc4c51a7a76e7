"""How much a return may hold: the reading limits, in one place, for the command line and the web service alike.

A file can claim to be far larger than it is (a 3.6 MB workbook unpacked to 874 MB of sheet XML and held a
web worker for seven minutes), so every reader checks these before and while it reads, and refuses what is
over them with a problem that says what to do. Both are set well above the largest real return, so no
council meets them with its own data:

- MAX_UNPACKED_BYTES: what a return's files may unpack to. A zip's or a workbook's members as they declare
  themselves (reading never yields more than a member declares: CPython's zipfile cuts a member off at its
  declared size), or a CSV or Parquet file as it lies on disk. 500 MB holds about 2 million staff rows.
- MAX_ROWS: the rows of one file or sheet (not counting the header). The largest real return is about
  2,000,000 staff; the limit is a little above it. A sheet is also held to Excel's own 1,048,576 rows
  (EXCEL_ROWS): Excel cannot save more, so a sheet with more was not made by Excel.

Both can be set in the environment (WRES_MAX_UNPACKED_MB, WRES_MAX_ROWS), read when a limit is used, so a
test or a deployment can change them without reloading anything.
"""

from __future__ import annotations

import os

DEFAULT_UNPACKED_MB = 500
DEFAULT_ROWS = 2_100_000
EXCEL_ROWS = 1_048_575  # data rows below the header in Excel's 1,048,576-row sheet
# The columns a sheet may have up to its last heading. Each row costs its width to read, and a hand-made
# header can be 16,384 columns wide in a few hundred kilobytes; a return's sheets have a dozen columns and
# an HR system's export perhaps a hundred or two.
MAX_COLUMNS = 1_000


def _positive(name: str, default: int) -> int:
    """An environment setting as a positive whole number; the default when unset or not one (never a crash)."""
    try:
        value = int(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default
    return value if value > 0 else default


def max_unpacked_bytes() -> int:
    """What a return's files may unpack to, in bytes (WRES_MAX_UNPACKED_MB, default 500)."""
    return _positive("WRES_MAX_UNPACKED_MB", DEFAULT_UNPACKED_MB) << 20


def max_rows() -> int:
    """The rows one file or sheet may hold below its header (WRES_MAX_ROWS, default 2,100,000)."""
    return _positive("WRES_MAX_ROWS", DEFAULT_ROWS)


def max_sheet_rows() -> int:
    """The rows one workbook sheet may hold below its header: the row limit, or Excel's own if that is lower."""
    return min(max_rows(), EXCEL_ROWS)


def megabytes(n: int) -> str:
    """A size as messages give it: '500 MB'."""
    return f"{n / (1 << 20):,.0f} MB"
