"""Collecting the review: every figure from the named queries through `db.run`, within the caller's
scope, and the headline figures from `cellboard.figures`, so the review says what the pages say for the
same period and unit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cellboard import text
from cellboard.data import db, figures
from cellboard.data.periods import Period
from cellboard.review.model import ReportError, Review
from cellboard.review.prose import (
    assessment,
    attendance_section,
    headline_section,
    notes_section,
    opinions_section,
    party_names,
    period_name,
    ratings_section,
    regularity_section,
    review_kind,
    signature_line,
    supervision_section,
)


class _Runner:
    """db.run with the report's path and scope, remembering answers: figures and sections share them."""

    def __init__(self, path: Path | None, scope: db.Scope) -> None:
        self.path, self.scope = path, scope
        self._answers: dict[tuple, pd.DataFrame] = {}

    def __call__(self, name: str, **params: object) -> pd.DataFrame:
        key = (name, tuple(sorted(params.items())))
        if key not in self._answers:
            self._answers[key] = db.run(name, params, path=self.path, scope=self.scope)
        return self._answers[key]


def collect(loc: text.Locale, run: _Runner, period: Period, unit: str | None) -> Review:
    """Every section's narrative and tables, from the named queries. Overdue is judged today, as on the
    pages (db.run fills $as_of)."""
    comparison = figures.compare(run, period, unit)
    previous, year_before = comparison.previous, comparison.year_before
    window = {"start": period.start, "end": period.end, "unit": unit}
    prev_window = {"start": previous.start, "end": previous.end, "unit": unit}
    year_window = {"start": year_before.start, "end": year_before.end, "unit": unit}
    review = {
        "name": period_name(loc, period),
        "name_text": period_name(loc, period, in_text=True),
        "previous_name": period_name(loc, previous),
        "previous_text": period_name(loc, previous, in_text=True),
        "year_differs": year_before != previous,
        "as_of": dt.date.today(),
    }

    tree = run("unit_tree", unit=unit)
    if unit is not None and not (tree["unit_id"] == unit).any():
        raise ReportError(loc.t("rv_unknown_unit", unit=unit))
    roots = tree[tree["depth"] == 0]
    top = roots.iloc[0] if len(roots) == 1 else None
    whole = run("unit_tree")
    parent_row = None
    if top is not None and not text.is_missing(top["parent_id"]):
        match = whole[whole["unit_id"] == top["parent_id"]]
        parent_row = match.iloc[0] if len(match) else None
    committee, organisation = party_names(str(top["name"])) if top is not None else ("…", "…")
    upper = party_names(str(parent_row["name"]))[1] if parent_row is not None else None

    trend = run("participation_trend", **window)
    trend_year = run("participation_trend", **year_window)
    communes = run("commune_summary", **window)
    communes_prev = run("commune_summary", **prev_window)
    cells = run("cell_ranking", **window)
    supervision = run("supervision", **window)
    shares = run("category_shares", **window)
    shares_prev = run("category_shares", **prev_window)
    response = run("opinion_response", **window)
    departments = run("opinion_response_by_department", **window)
    opinions = run("opinions_list", **window)
    # from the year before the previous period: the latest rated year is what figures.headline uses
    ratings = run(
        "rating_distribution", start=dt.date(previous.start.year - 1, 1, 1), end=period.end, unit=unit
    )
    info = {
        key: None if text.is_missing(value) else str(value)
        for key, value in zip(run("database_info")["key"], run("database_info")["value"], strict=True)
    }

    sections = [
        headline_section(loc, comparison, review),
        attendance_section(loc, comparison, review, trend, trend_year, communes, communes_prev),
        regularity_section(loc, comparison, review, cells),
        supervision_section(loc, review, supervision, cells),
        opinions_section(loc, comparison, review, shares, shares_prev, response, departments, opinions),
        ratings_section(loc, comparison, review, ratings, cells),
    ]
    strengths, weaknesses, directions = assessment(
        loc, comparison, review, communes, cells, supervision, response, departments, ratings
    )
    notes = notes_section(loc, review, info, trend, tree, communes, cells, period, previous)
    kind = review_kind(period)
    title_key = {"year": "rv_title_year", "half": "rv_title_half"}.get(kind, "rv_title_other")
    notices = [loc.t("rv_demo_notice")] if info.get("source") == "demo" else []
    return Review(
        period=period,
        previous=previous,
        year_before=year_before,
        unit=unit,
        kind=kind,
        upper_body=upper,
        issuing_body=committee,
        organisation=organisation,
        signature=loc.t(signature_line(None if top is None else str(top["kind"]))),
        title=loc.t(title_key, period=review["name"]),
        intro=loc.t(
            "rv_intro",
            organisation=organisation,
            period=review["name_text"],
            dates=""
            if kind == "other"
            else loc.t("rv_intro_dates", start=loc.date(period.start), end=loc.date(period.end)),
        ),
        notices=notices,
        sections=sections,
        strengths=strengths,
        weaknesses=weaknesses,
        directions=directions,
        notes=notes,
    )
