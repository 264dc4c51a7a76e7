"""Template filters for dates as people read them: wres.dates' one style, loaded in every template (settings
TEMPLATES builtins), so no page writes a date format of its own.

    {{ sub.period_end|long_date }}      → 31 March 2025
    {{ job.finished_at|long_date }}     → 31 March 2025, 14:05 (a date and time: in the service's time zone)
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from wres import dates

register = template.Library()


def _local(value: date | datetime | str | None) -> date | datetime | None:
    """A stored ISO string (documents and build records keep dates so) read as the date or date and time it
    is; a date and time in local time."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value


@register.filter
def long_date(value: date | datetime | str | None) -> str:
    """A date as "31 March 2025"; a date and time with its time as well, in local time ("…, 14:05")."""
    value = _local(value)
    if value is None:
        return ""
    return dates.long_datetime(value) if isinstance(value, datetime) else dates.long_date(value)


@register.filter
def long_day(value: date | datetime | str | None) -> str:
    """Only the day of a date or date and time ("31 March 2025"), where the time does not matter."""
    value = _local(value)
    if value is None:
        return ""
    return dates.long_date(value.date() if isinstance(value, datetime) else value)


@register.filter
def long_month(value: date | None) -> str:
    """The month of a date in words ("March 2025")."""
    return dates.long_month(value) if value else ""
