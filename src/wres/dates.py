"""Dates as people read them: one style everywhere a person reads a date (web pages, the report, the terminal).

The GOV.UK style: "31 March 2025", "1 April 2024" (day without a leading zero, month in full). Machine
outputs (JSON, CSV, the workbook's data sheets that are read back as files) keep ISO 8601 (2025-03-31).
The web's templates use the same function through the `long_date` filter (wres.web.templatetags.dates).
"""

from __future__ import annotations

from datetime import date, datetime


def long_date(d: date | str) -> str:
    """31 March 2025 (an ISO string is read first, so documents' ISO dates print the same way)."""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return f"{d.day} {d:%B %Y}"


def long_datetime(d: datetime) -> str:
    """31 March 2025, 14:05 (in the time zone the caller has already chosen)."""
    return f"{long_date(d)}, {d:%H:%M}"


def long_month(d: date) -> str:
    """March 2025: a month named in words (the plan's "no update in March 2025")."""
    return f"{d:%B %Y}"


def year_label(start: date | str, end: date | str) -> str:
    """2024/25: a reporting year as people write it (an ISO string is read first, as long_date reads one)."""
    start, end = (date.fromisoformat(d[:10]) if isinstance(d, str) else d for d in (start, end))
    return f"{start:%Y}/{end:%y}"


def period(start: date | str, end: date | str) -> str:
    """1 April 2024 to 31 March 2025."""
    return f"{long_date(start)} to {long_date(end)}"
