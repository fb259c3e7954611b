"""The filter bar in the URL: `from`, `to`, `unit` (and the problems a hand-edited link has), so a
link reopens the same view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from cellboard.data.periods import Period, default_period, parse_date


@dataclass(frozen=True)
class FilterState:
    period: Period
    unit: str | None
    problems: tuple[str, ...] = ()


def from_query_params(params: Mapping[str, str], today: dt.date) -> FilterState:
    """Read `from`, `to` and `unit` from the URL; fall back to defaults, noting why."""
    period = default_period(today)
    problems: list[str] = []
    start, end = period.start, period.end
    for key in ("from", "to"):
        raw = params.get(key)
        if not raw:
            continue
        try:
            value = parse_date(raw)
        except ValueError:
            problems.append(f"bad_date:{raw}")
            start, end = period.start, period.end
            break
        if key == "from":
            start = value
        else:
            end = value
    if start > end:
        problems.append("period_reversed")
        start, end = end, start
    unit = params.get("unit") or None
    return FilterState(Period(start, end), unit, tuple(problems))


def to_query_params(state: FilterState) -> dict[str, str]:
    params = {"from": state.period.start.isoformat(), "to": state.period.end.isoformat()}
    if state.unit:
        params["unit"] = state.unit
    return params
