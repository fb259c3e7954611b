"""Headline figures pooled from the named queries: one definition for pages and reports.

Every rate is pooled from counts by cellboard/data/metrics.py (docs/DOMAIN.md): sums of numerators over
sums of denominators, never an average of rates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from cellboard.data import metrics
from cellboard.data.periods import Period, previous_period, year_earlier

Runner = Callable[..., pd.DataFrame]  # run(query_name, **params) -> DataFrame

RATE_FIGURES = ("attendance_rate", "regularity", "thematic_coverage", "answered_on_time", "excellent_share")
COUNT_FIGURES = ("meetings", "opinions_raised")
FIGURES = (
    "attendance_rate",
    "meetings",
    "regularity",
    "thematic_coverage",
    "opinions_raised",
    "answered_on_time",
    "excellent_share",
)


def headline(
    run: Runner,
    period: Period,
    unit: str | None,
    rated_before: int | None = None,
    ratings: pd.DataFrame | None = None,
    cells: pd.DataFrame | None = None,
) -> dict[str, float | None]:
    """The seven headline figures for one period and unit. `rated_before`: only ratings of earlier
    years count (a comparison a year back must not compare a rating year with itself). `ratings`:
    rating_distribution over any window that holds the period's rating years (see rated_years).
    `cells`: the unit's rows of cell_ranking for the period, if the caller has them (see cells_within)."""
    params = {"start": period.start, "end": period.end, "unit": unit}
    trend = run("participation_trend", **params)
    if cells is None:
        cells = run("cell_ranking", **params)
    response = run("opinion_response", **params)
    years = rated_years(period)
    if ratings is None:
        ratings = run("rating_distribution", **years, unit=unit)
    # rating_distribution's rows are commune-years whatever its window: the period's years are a
    # choice of rows (its window's)
    ratings = ratings[ratings["year"].between(years["start"].year, years["end"].year)]
    if rated_before is not None:
        ratings = ratings[ratings["year"] < rated_before]
    rating_year = int(ratings["year"].max()) if len(ratings) else None
    ratings = ratings[ratings["year"] == rating_year]
    return {
        "attendance_rate": metrics.ATTENDANCE.pooled(trend),
        "meetings": float(trend["meetings"].sum()),
        "regularity": metrics.REGULARITY.pooled(cells),
        "thematic_coverage": metrics.THEMATIC_COVERAGE.pooled(cells),
        "opinions_raised": float(response["opinions"].sum()),
        "answered_on_time": metrics.ON_TIME.pooled(response),
        "excellent_share": metrics.excellent_share(ratings),
        "rating_year": rating_year,
    }


@dataclass(frozen=True)
class Comparison:
    period: Period
    previous: Period
    year_before: Period
    current_values: dict[str, float | None]
    previous_values: dict[str, float | None]
    year_values: dict[str, float | None]

    def change(self, figure: str, against: str = "previous") -> float | None:
        base = self.previous_values if against == "previous" else self.year_values
        now, then = self.current_values[figure], base[figure]
        return None if now is None or then is None else now - then


def rated_years(period: Period) -> dict[str, dt.date]:
    """The window of rating_distribution a period's headline reads. Ratings are yearly and come
    after the year ends: a period uses the latest rated year it touches, else the year before it."""
    return {"start": dt.date(period.start.year - 1, 1, 1), "end": period.end}


# rating_distribution's window for every year rated: its rows are commune-years whatever the window,
# so one answer (7 ms at M, cached) serves every period's headline of a unit, and a change of period
# asks no rating again
EVERY_YEAR = {"start": dt.date.min, "end": dt.date.max}


def compare(
    run: Runner,
    period: Period,
    unit: str | None,
    cells_for: Callable[[Period], pd.DataFrame] | None = None,
) -> Comparison:
    """Headline figures for the period, the previous period and the same period a year earlier.
    `cells_for(period)`: the unit's rows of cell_ranking for a period, if the caller has a cheaper
    way to them than asking for the unit (the Overview cuts them from its whole scope's)."""
    previous, year_before = previous_period(period), year_earlier(period)
    ratings = run("rating_distribution", **EVERY_YEAR, unit=unit)  # one for the three periods

    def cells(of: Period) -> pd.DataFrame | None:
        return cells_for(of) if cells_for else None

    current = headline(run, period, unit, ratings=ratings, cells=cells(period))
    return Comparison(
        period,
        previous,
        year_before,
        current,
        headline(run, previous, unit, ratings=ratings, cells=cells(previous)),
        # ratings are yearly: a year back means the rating year before the current one (the window a
        # year earlier may reach the same latest rated year)
        headline(
            run,
            year_before,
            unit,
            rated_before=current["rating_year"],
            ratings=ratings,
            cells=cells(year_before),
        ),
    )


def cells_within(rows: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """The rows of a per-cell answer (cell_ranking) whose cell is one of a unit's (`cells`: its
    unit_cells), in the answer's order. The same rows, with the same counts and rates, as the answer
    asked for that unit: those are each cell's own whatever subtree is asked (months met, attendance,
    is_ranked). Not what is relative to the subtree asked: cell_ranking's rank_in_commune below a
    commune and is_bottom_decile stay those of the wider answer."""
    return rows[rows["cell_id"].isin(cells["cell_id"].tolist())]


def attendance_by_commune(cells: pd.DataFrame) -> pd.DataFrame:
    """commune_id and attendance_rate of each commune with a cell among a per-cell answer's rows
    (cell_ranking): pooled from the cells' counts, the same rate as commune_summary's for those
    cells' meetings. A page that has the cells already need not ask commune_summary for it."""
    return metrics.pool(cells, ["commune_id"], [metrics.ATTENDANCE])[["commune_id", "attendance_rate"]]


def below_target(frame: pd.DataFrame, column: str, target: float) -> pd.DataFrame:
    """Rows whose rate fell below the target, worst first."""
    low = frame[frame[column].notna() & (frame[column] < target)]
    return low.sort_values(column)
