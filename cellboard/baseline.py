"""The benchmark's baseline: the named questions answered the way a typical Streamlit app
would, in pandas over DataFrames loaded from the file.

Written as a competent pandas user would (filter before merging, vectorised groupbys,
folded text computed once at load), with no pre-aggregated tables: such an app has the
base tables only. Used by `python -m cellboard bench`, never by the app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cellboard import text

BASE_TABLES = ("unit", "meeting", "attendance", "opinion", "briefing", "visit", "committee_member", "rating")


@dataclass
class Frames:
    unit: pd.DataFrame
    meeting: pd.DataFrame
    attendance: pd.DataFrame
    opinion: pd.DataFrame
    briefing: pd.DataFrame
    visit: pd.DataFrame
    committee_member: pd.DataFrame
    rating: pd.DataFrame
    children: dict[str, list[str]]
    commune_of: pd.Series  # cell_id -> commune_id


def load(con) -> Frames:
    """Load the base tables into pandas (what such an app does at start-up)."""
    frames = {name: con.table(name).df() for name in BASE_TABLES}
    unit = frames["unit"]
    children: dict[str, list[str]] = {}
    for parent, child in zip(unit["parent_id"], unit["unit_id"], strict=True):
        if isinstance(parent, str):
            children.setdefault(parent, []).append(child)
    kinds = dict(zip(unit["unit_id"], unit["kind"], strict=True))
    parents = dict(zip(unit["unit_id"], unit["parent_id"], strict=True))

    def commune(cell: str) -> str | None:
        node = parents.get(cell)
        while isinstance(node, str) and kinds.get(node) != "commune":
            node = parents.get(node)
        return node if isinstance(node, str) else parents.get(cell)

    cells = unit.loc[unit["kind"] == "cell", "unit_id"]
    frames["opinion"]["text_folded"] = frames["opinion"]["text"].map(text.fold)
    return Frames(**frames, children=children, commune_of=pd.Series({c: commune(c) for c in cells}))


def subtree(f: Frames, root: str | None) -> set[str]:
    if root is None:
        return set(f.unit["unit_id"])
    found, stack = set(), [root]
    while stack:
        node = stack.pop()
        found.add(node)
        stack.extend(f.children.get(node, ()))
    return found


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def meeting_counts(f: Frames, start: dt.date, end: dt.date, unit: str | None) -> pd.DataFrame:
    """Per meeting in the window: expected, exempt, present, excused, absent (rows or counts)."""
    scope = subtree(f, unit)
    meetings = f.meeting[
        (f.meeting["held_on"] >= _ts(start))
        & (f.meeting["held_on"] <= _ts(end))
        & f.meeting["cell_id"].isin(scope)
    ]
    rows = f.attendance[f.attendance["meeting_id"].isin(meetings["meeting_id"])]
    counted = pd.crosstab(rows["meeting_id"], rows["status"]).reindex(
        columns=["present", "excused", "absent", "exempt"], fill_value=0
    )
    counted["expected"] = counted.sum(axis=1)
    out = meetings.set_index("meeting_id")[["cell_id", "held_on", "kind"]].join(counted, how="left")
    reported = meetings.set_index("meeting_id")[["expected", "present", "excused", "absent", "exempt"]]
    for column in ("expected", "present", "excused", "absent", "exempt"):
        out[column] = out[column].fillna(reported[column]).fillna(0).astype("int64")
    return out.reset_index()


def participation_trend(f: Frames, start, end, unit=None) -> pd.DataFrame:
    stats = meeting_counts(f, start, end, unit)
    stats["month"] = stats["held_on"].dt.to_period("M").dt.to_timestamp()
    monthly = stats.groupby("month").agg(
        meetings=("meeting_id", "size"),
        expected=("expected", "sum"),
        exempt=("exempt", "sum"),
        present=("present", "sum"),
        excused=("excused", "sum"),
        absent=("absent", "sum"),
    )
    months = pd.date_range(_ts(start).to_period("M").to_timestamp(), _ts(end), freq="MS")
    monthly = monthly.reindex(months, fill_value=0).rename_axis("month").reset_index()
    monthly["attendance_rate"] = monthly["present"] / (monthly["expected"] - monthly["exempt"]).replace(
        0, np.nan
    )
    return monthly


def _opinions(f: Frames, start, end, unit) -> pd.DataFrame:
    scope = subtree(f, unit)
    o = f.opinion
    return o[(o["raised_on"] >= _ts(start)) & (o["raised_on"] <= _ts(end)) & o["unit_id"].isin(scope)]


def category_shares(f: Frames, start, end, unit=None) -> pd.DataFrame:
    now = _opinions(f, start, end, unit)["category"].value_counts()
    before = _opinions(f, _ts(start) - pd.DateOffset(years=1), _ts(end) - pd.DateOffset(years=1), unit)
    then = before["category"].value_counts()
    out = pd.DataFrame({"opinions": now, "opinions_prev": then}).fillna(0).astype("int64")
    out["share"] = out["opinions"] / out["opinions"].sum()
    out["delta"] = out["opinions"] - out["opinions_prev"]
    return out.rename_axis("category").reset_index()


def with_due_dates(f: Frames, opinions: pd.DataFrame) -> pd.DataFrame:
    """Due = the next briefing of the opinion's commune after raising, else raised + 30 days."""
    o = opinions.copy()
    o["commune_id"] = o["unit_id"].map(f.commune_of).fillna(o["unit_id"])
    briefings = f.briefing[["unit_id", "held_on"]].rename(
        columns={"unit_id": "commune_id", "held_on": "due_on"}
    )
    o = o.sort_values("raised_on")
    merged = pd.merge_asof(
        o,
        briefings.sort_values("due_on"),
        left_on="raised_on",
        right_on="due_on",
        by="commune_id",
        direction="forward",
        allow_exact_matches=False,
    )
    merged["due_on"] = merged["due_on"].fillna(merged["raised_on"] + pd.Timedelta(days=30))
    return merged


def opinion_response(f: Frames, start, end, unit=None, as_of=None) -> pd.DataFrame:
    as_of = _ts(as_of or dt.date.today())
    o = with_due_dates(f, _opinions(f, start, end, unit))
    answered = o["answered_on"].notna()
    o["on_time"] = answered & (o["answered_on"] <= o["due_on"])
    o["late"] = answered & (o["answered_on"] > o["due_on"])
    o["overdue"] = ~answered & (o["due_on"] < as_of)
    o["open"] = ~answered & ~o["overdue"]
    o["days"] = (o["answered_on"] - o["raised_on"]).dt.days
    return (
        o.groupby("category")
        .agg(
            opinions=("opinion_id", "size"),
            answered=("answered_on", "count"),
            answered_on_time=("on_time", "sum"),
            answered_late=("late", "sum"),
            open=("open", "sum"),
            overdue=("overdue", "sum"),
            median_days_to_answer=("days", "median"),
        )
        .reset_index()
    )


def opinions_list(f: Frames, start, end, unit=None, as_of=None, category=None, search=None, limit=None):
    o = _opinions(f, start, end, unit)
    if category:
        o = o[o["category"] == category]
    if search:
        o = o[o["text_folded"].str.contains(text.fold(search), regex=False)]
    o = with_due_dates(f, o).sort_values(["raised_on", "opinion_id"], ascending=[False, True])
    return o.head(limit) if limit else o


def cell_ranking(f: Frames, start, end, unit=None) -> pd.DataFrame:
    stats = meeting_counts(f, start, end, unit)
    stats["month"] = stats["held_on"].dt.to_period("M")
    cells = f.unit[(f.unit["kind"] == "cell") & f.unit["unit_id"].isin(subtree(f, unit))]
    months = pd.period_range(_ts(start), _ts(end), freq="M")
    grid = cells[["unit_id", "valid_from", "valid_to"]].merge(pd.DataFrame({"month": months}), how="cross")
    mid = grid["month"].dt.to_timestamp() + pd.Timedelta(days=14)
    grid = grid[
        (grid["valid_from"].isna() | (grid["valid_from"] <= mid))
        & (grid["valid_to"].isna() | (grid["valid_to"] >= mid))
    ]
    existed = grid.groupby("unit_id").size()
    met = stats[stats["kind"].isin(["regular", "thematic"])].drop_duplicates(["cell_id", "month"])
    met = (
        met.merge(grid, left_on=["cell_id", "month"], right_on=["unit_id", "month"]).groupby("cell_id").size()
    )
    quarters = stats[stats["kind"] == "thematic"].assign(q=lambda s: s["held_on"].dt.to_period("Q"))
    thematic = quarters.drop_duplicates(["cell_id", "q"]).groupby("cell_id").size()
    n_quarters = len(pd.period_range(_ts(start), _ts(end), freq="Q"))
    visited = stats[stats["meeting_id"].isin(f.visit["meeting_id"])].drop_duplicates(["cell_id", "month"])
    visits = visited.groupby("cell_id").size()
    per_cell = stats.groupby("cell_id").agg(
        meetings=("meeting_id", "size"),
        expected=("expected", "sum"),
        exempt=("exempt", "sum"),
        present=("present", "sum"),
    )
    out = cells.set_index("unit_id")[["name"]].join(per_cell, how="left").fillna({"meetings": 0})
    out["attendance_rate"] = out["present"] / (out["expected"] - out["exempt"])
    out["regularity"] = met.reindex(out.index, fill_value=0) / existed.reindex(out.index)
    out["thematic_coverage"] = thematic.reindex(out.index, fill_value=0) / n_quarters
    out["visit_coverage"] = visits.reindex(out.index, fill_value=0) / existed.reindex(out.index)
    out["score"] = (
        0.4 * out["attendance_rate"].fillna(0)
        + 0.3 * out["regularity"].fillna(0)
        + 0.2 * out["thematic_coverage"].fillna(0)
        + 0.1 * out["visit_coverage"].fillna(0)
    )
    out["commune_id"] = f.commune_of.reindex(out.index)
    out["is_ranked"] = out["meetings"] >= 3
    out["rank_in_commune"] = (
        out[out["is_ranked"]].groupby("commune_id")["score"].rank(ascending=False, method="min")
    )
    return out.reset_index().sort_values(["commune_id", "rank_in_commune"])


def supervision(f: Frames, start, end, unit=None) -> pd.DataFrame:
    interval = {"province": 6, "district": 3, "commune": 1}
    people = f.committee_member[f.committee_member["unit_id"].isin(subtree(f, unit))]
    meetings = f.meeting[(f.meeting["held_on"] >= _ts(start)) & (f.meeting["held_on"] <= _ts(end))]
    visits = f.visit.merge(meetings[["meeting_id", "held_on"]], on="meeting_id").merge(
        people[["person_id", "level"]], on="person_id"
    )
    first = _ts(start).to_period("M")
    visits["interval"] = (visits["held_on"].dt.to_period("M") - first).map(lambda d: d.n) // visits[
        "level"
    ].map(interval)
    per = visits.groupby("person_id").agg(
        visits=("meeting_id", "size"), intervals=("interval", "nunique"), last_visit=("held_on", "max")
    )
    months = (_ts(end).to_period("M") - first).n + 1
    out = people.set_index("person_id").join(per, how="left").fillna({"visits": 0, "intervals": 0})
    out["required_visits"] = np.ceil(months / out["level"].map(interval)).astype(int)
    out["compliant"] = out["intervals"] >= out["required_visits"]
    return out.reset_index()


def commune_summary(f: Frames, start, end, unit=None, as_of=None) -> pd.DataFrame:
    stats = meeting_counts(f, start, end, unit)
    stats["commune_id"] = stats["cell_id"].map(f.commune_of)
    meetings = stats.groupby("commune_id").agg(
        meetings=("meeting_id", "size"),
        expected=("expected", "sum"),
        exempt=("exempt", "sum"),
        present=("present", "sum"),
    )
    meetings["attendance_rate"] = meetings["present"] / (meetings["expected"] - meetings["exempt"])
    answers = opinion_response(f, start, end, unit, as_of)
    return meetings.reset_index().assign(opinions=int(answers["opinions"].sum()))


# The baseline for each named query the benchmark times; (function, takes as_of)
QUESTIONS = {
    "participation_trend": participation_trend,
    "category_shares": category_shares,
    "opinion_response": opinion_response,
    "cell_ranking": cell_ranking,
    "supervision": supervision,
    "opinions_list": opinions_list,
    "commune_summary": commune_summary,
}
