"""Periods: whole months, the presets of the filter bar, the previous period and a year earlier
(docs/DOMAIN.md), and the dates a user may type. Domain logic; the URL round trip is the app's
(cellboard/app/filters.py)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

PRESETS = ("last_6_months", "this_month", "last_month", "first_half", "second_half", "year", "custom")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.end)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def default_period(today: dt.date) -> Period:
    """The last 6 full months before `today`."""
    return preset_period("last_6_months", today)


def preset_period(preset: str, today: dt.date, year: int | None = None) -> Period:
    """The period a preset names, judged from `today` (year presets take `year`)."""
    this_month = month_start(today)
    year = year or today.year
    if preset == "this_month":
        return Period(this_month, month_end(today))
    if preset == "last_month":
        start = add_months(this_month, -1)
        return Period(start, month_end(start))
    if preset == "last_6_months":
        return Period(add_months(this_month, -6), this_month - dt.timedelta(days=1))
    if preset == "first_half":
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30))
    if preset == "second_half":
        return Period(dt.date(year, 7, 1), dt.date(year, 12, 31))
    if preset == "year":
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    raise ValueError(f"unknown preset: {preset}")


def previous_period(period: Period) -> Period:
    """The period just before: the same number of whole months, else of days (docs/DOMAIN.md)."""
    if period.is_whole_months():
        start = add_months(period.start, -period.months())
        return Period(start, period.start - dt.timedelta(days=1))
    days = (period.end - period.start).days + 1
    return Period(period.start - dt.timedelta(days=days), period.start - dt.timedelta(days=1))


def year_earlier(period: Period) -> Period:
    """The same window a year earlier (29 February becomes 28 February)."""
    end = add_months(period.end, -12)
    if period.is_whole_months():
        end = month_end(end)
    return Period(add_months(period.start, -12), end)


def parse_date(text: str) -> dt.date:
    """`yyyy-mm-dd` or `dd/mm/yyyy`; ValueError otherwise."""
    text = text.strip()
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    return dt.date.fromisoformat(text)
