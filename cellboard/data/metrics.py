"""Every pooled figure, defined once (docs/DOMAIN.md, "Definitions the dashboard uses").

A rate over many meetings, cells, opinions or communes pools the counts: the sum of the numerators
over the sum of the denominators, never an average of the rows' rates. Each figure is a `Rate` over
the count columns of the named queries, usable three ways:
  - `rate.of(counts)`: one value from counts (a dict, a row, a Series of sums);
  - `rate.pooled(frame)`: one value pooled over a frame's rows;
  - `rate.per_row(frame)`: a value per row (NaN where the denominator is 0).
and as small functions over counts (`attendance_rate(present, expected, exempt)`, ...).
A figure with nothing to divide by is None (shown "–"), not 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator as a float; None when the denominator is 0."""
    return float(numerator) / float(denominator) if denominator else None


@dataclass(frozen=True)
class Rate:
    """column `numerator` / (column `denominator` - column `less`), over count columns."""

    name: str  # the column the rate is shown in
    numerator: str
    denominator: str
    less: str | None = None  # counts taken off the denominator (exempt members, opinions not yet due)

    @property
    def counts(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator) + ((self.less,) if self.less else ())

    def base(self, counts: Mapping) -> float:
        return float(counts[self.denominator]) - (float(counts[self.less]) if self.less else 0.0)

    def of(self, counts: Mapping) -> float | None:
        """From counts: a dict, a query row or a Series of sums."""
        return ratio(counts[self.numerator], self.base(counts))

    def pooled(self, frame: pd.DataFrame) -> float | None:
        """Pooled over the frame's rows: the sums' ratio (None for no rows)."""
        return self.of({column: frame[column].sum() for column in self.counts})

    def per_row(self, frame: pd.DataFrame) -> pd.Series:
        """Each row's own rate, NaN where its denominator is 0."""
        base = frame[self.denominator].astype("float64")
        if self.less:
            base = base - frame[self.less].astype("float64")
        return frame[self.numerator].astype("float64") / base.where(base != 0)


# Attendance rate = present / (members expected - exempt): the exempt are outside the denominator.
ATTENDANCE = Rate("attendance_rate", "present", "expected", "exempt")
# Regularity = months with a regular or thematic meeting / months the cell existed (on the 15th).
REGULARITY = Rate("regularity", "months_met", "months_existed")
# Thematic coverage = quarters with a thematic meeting / quarters of the period in the cell's life.
THEMATIC_COVERAGE = Rate("thematic_coverage", "quarters_thematic", "quarters_existed")
# Visit coverage = months with a committee member's visit / months the cell existed.
VISIT_COVERAGE = Rate("visit_coverage", "visit_months", "months_existed")
# Answered on time = answered on or before due / opinions answered or due: an opinion still open
# (unanswered, not yet due) cannot be late yet and stays out of the denominator.
ON_TIME = Rate("on_time_rate", "answered_on_time", "opinions", "open")
# Cells visited = cells a committee member visited in the window / cells that existed in it.
CELLS_VISITED = Rate("coverage", "cells_visited", "cells")

RATES = {
    rate.name: rate
    for rate in (ATTENDANCE, REGULARITY, THEMATIC_COVERAGE, VISIT_COVERAGE, ON_TIME, CELLS_VISITED)
}


def attendance_rate(present: float, expected: float, exempt: float) -> float | None:
    return ratio(present, float(expected) - float(exempt))


def regularity(months_met: float, months_existed: float) -> float | None:
    return ratio(months_met, months_existed)


def thematic_coverage(quarters_thematic: float, quarters_existed: float) -> float | None:
    return ratio(quarters_thematic, quarters_existed)


def visit_coverage(visit_months: float, months_existed: float) -> float | None:
    return ratio(visit_months, months_existed)


def on_time_rate(answered_on_time: float, opinions: float, open_: float) -> float | None:
    return ratio(answered_on_time, float(opinions) - float(open_))


def pool(frame: pd.DataFrame, by: list[str], rates: Iterable[Rate], **extra) -> pd.DataFrame:
    """One row per group of `by`: the sums of the rates' counts and each rate pooled from them;
    `extra` are further named aggregations (pandas' `agg(name=(column, function))`)."""
    rates = list(rates)
    counts = list(dict.fromkeys(column for rate in rates for column in rate.counts))
    pooled = (
        frame.groupby(by, sort=False, dropna=False)
        .agg(**extra, **{column: (column, "sum") for column in counts})
        .reset_index()
    )
    for rate in rates:
        pooled[rate.name] = rate.per_row(pooled)
    return pooled


# ---- ratings, supervision ---------------------------------------------------------------------------

EXCELLENT = "excellent"


def grade_share(cells_in_grade: float, cells_rated: float) -> float | None:
    """Share of the rated cells in one grade (excellent share: the grade excellent)."""
    return ratio(cells_in_grade, cells_rated)


def excellent_share(ratings: pd.DataFrame) -> float | None:
    """Cells rated excellent / cells rated, pooled over rating_distribution rows (grade, cells);
    the caller picks the year."""
    excellent = ratings.loc[ratings["grade"] == EXCELLENT, "cells"].sum()
    return grade_share(excellent, ratings["cells"].sum())


def compliant_share(supervision: pd.DataFrame) -> float | None:
    """Committee members who kept the visits rule / members listed (supervision rows)."""
    return ratio(int(supervision["compliant"].astype(bool).sum()), len(supervision))


# ---- the cell score ---------------------------------------------------------------------------------

# Each component of cell_ranking's score and the column (and URL key) of its weight.
SCORE_WEIGHTS = {
    "attendance_rate": "w_attendance",
    "regularity": "w_regularity",
    "thematic_coverage": "w_thematic",
    "visit_coverage": "w_visits",
}


def weight_shares(weights: Mapping) -> dict[str, float | None]:
    """Each weight divided by their sum (the score is the weighted mean): weight key -> share."""
    total = sum(float(weights[key]) for key in SCORE_WEIGHTS.values())
    return {key: ratio(weights[key], total) for key in SCORE_WEIGHTS.values()}


def score_parts(ranking: pd.DataFrame) -> pd.DataFrame:
    """cell_ranking rows with each component's part of the score, `<component>_points` = weight / sum
    of weights x component (a missing component counts 0): the parts add up to the score."""
    parts = ranking.copy()
    total = sum(parts[weight] for weight in SCORE_WEIGHTS.values())
    for component, weight in SCORE_WEIGHTS.items():
        parts[component + "_points"] = parts[weight] / total * parts[component].fillna(0)
    return parts
