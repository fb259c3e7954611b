"""The benchmark's baseline: the named questions answered the way a typical Streamlit app
would, in pandas over DataFrames loaded from the file.

Written as a competent pandas user would (filter before merging, vectorised groupbys,
folded text computed once at load), with no pre-aggregated tables: such an app has the
base tables only. Used by `python -m cellboard bench`, never by the app. It gives the named
queries' answers (tests/test_baseline.py checks every question on the fixture), with the same
rules (cellboard/rules.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cellboard import rules, text

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
        out[column] = out[column].fillna(reported[column].astype("float64")).fillna(0).astype("int64")
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


def with_status(f: Frames, opinions: pd.DataFrame, as_of) -> pd.DataFrame:
    """Due dates, and each opinion answered on time, late, open (not yet due) or overdue on as_of."""
    as_of = _ts(as_of or dt.date.today())
    o = with_due_dates(f, opinions)
    answered = o["answered_on"].notna()
    o["on_time"] = answered & (o["answered_on"] <= o["due_on"])
    o["late"] = answered & (o["answered_on"] > o["due_on"])
    o["overdue"] = ~answered & (o["due_on"] < as_of)
    o["open"] = ~answered & ~o["overdue"]
    return o


def opinion_response(f: Frames, start, end, unit=None, as_of=None) -> pd.DataFrame:
    o = with_status(f, _opinions(f, start, end, unit), as_of)
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


def _month_no(days: pd.Series) -> pd.Series:
    return days.dt.year * 12 + days.dt.month - 1


def _quarter_no(days: pd.Series) -> pd.Series:
    return days.dt.year * 4 + days.dt.quarter - 1


def cell_ranking(f: Frames, start, end, unit=None, as_of=None) -> pd.DataFrame:
    """The cells whose life overlaps the window. Months (quarters) count when the cell existed in them
    (a month: on its 15th) and they are over on as_of; a thematic meeting counts anywhere in such a
    quarter; attendance counts every meeting of the window."""
    first, last, as_of = _ts(start), _ts(end), _ts(as_of or dt.date.today())
    first_month, first_quarter = first.year * 12 + first.month - 1, first.year * 4 + first.quarter - 1
    # the last month (quarter) that counts is over on as_of
    last_month = min(last.year * 12 + last.month - 1, as_of.year * 12 + as_of.month - 2)
    last_quarter = min(last.year * 4 + last.quarter - 1, as_of.year * 4 + as_of.quarter - 2)
    u = f.unit
    cells = u[
        (u["kind"] == "cell")
        & u["unit_id"].isin(subtree(f, unit))
        & (u["valid_from"].isna() | (u["valid_from"] <= last))
        & (u["valid_to"].isna() | (u["valid_to"] >= first))
    ].rename(columns={"unit_id": "cell_id", "name": "cell"})
    life = cells[["cell_id", "cell"]].copy()
    begins, ends = cells["valid_from"], cells["valid_to"]
    life["from_month"] = (
        (_month_no(begins) + (begins.dt.day > 15)).fillna(first_month).clip(lower=first_month)
    )
    life["to_month"] = (_month_no(ends) - (ends.dt.day < 15)).fillna(last_month).clip(upper=last_month)
    life["from_quarter"] = _quarter_no(begins).fillna(first_quarter).clip(lower=first_quarter)
    life["to_quarter"] = _quarter_no(ends).fillna(last_quarter).clip(upper=last_quarter)
    life["months_existed"] = (life["to_month"] - life["from_month"] + 1).clip(lower=0).astype("int64")
    life["quarters_existed"] = (life["to_quarter"] - life["from_quarter"] + 1).clip(lower=0).astype("int64")

    # the meetings of the window's whole quarters: a thematic meeting counts anywhere in its quarter
    quarters_from = first.to_period("Q").start_time
    quarters_to = last.to_period("Q").end_time.normalize()
    stats = meeting_counts(f, quarters_from.date(), quarters_to.date(), unit).merge(life, on="cell_id")
    stats["month_no"], stats["quarter_no"] = _month_no(stats["held_on"]), _quarter_no(stats["held_on"])
    in_window = (stats["held_on"] >= first) & (stats["held_on"] <= last)
    in_life = stats["month_no"].between(stats["from_month"], stats["to_month"])
    met = in_window & stats["kind"].isin(["regular", "thematic"]) & in_life
    visited = in_window & stats["meeting_id"].isin(f.visit["meeting_id"]) & in_life
    thematic = (stats["kind"] == "thematic") & stats["quarter_no"].between(
        stats["from_quarter"], stats["to_quarter"]
    )
    window = stats[in_window]
    per_cell = window.groupby("cell_id").agg(
        meetings=("meeting_id", "size"),
        expected=("expected", "sum"),
        exempt=("exempt", "sum"),
        present=("present", "sum"),
    )
    per_cell = per_cell.reindex(life["cell_id"])
    per_cell["months_met"] = stats[met].groupby("cell_id")["month_no"].nunique()
    per_cell["visit_months"] = stats[visited].groupby("cell_id")["month_no"].nunique()
    per_cell["quarters_thematic"] = stats[thematic].groupby("cell_id")["quarter_no"].nunique()
    out = life.set_index("cell_id").join(per_cell).fillna(
        {c: 0 for c in ("meetings", "expected", "exempt", "present", "months_met", "visit_months",
                        "quarters_thematic")}
    )  # fmt: skip
    out["attendance_rate"] = out["present"] / (out["expected"] - out["exempt"]).replace(0, np.nan)
    out["regularity"] = out["months_met"] / out["months_existed"].replace(0, np.nan)
    out["thematic_coverage"] = out["quarters_thematic"] / out["quarters_existed"].replace(0, np.nan)
    out["visit_coverage"] = out["visit_months"] / out["months_existed"].replace(0, np.nan)
    weights = rules.DEFAULT_WEIGHTS
    out["score"] = (
        weights["w_attendance"] * out["attendance_rate"].fillna(0)
        + weights["w_regularity"] * out["regularity"].fillna(0)
        + weights["w_thematic"] * out["thematic_coverage"].fillna(0)
        + weights["w_visits"] * out["visit_coverage"].fillna(0)
    ) / sum(weights.values())
    out["commune_id"] = f.commune_of.reindex(out.index)
    out["is_ranked"] = out["meetings"] >= rules.MIN_MEETINGS_TO_RANK
    out["rank_in_commune"] = (
        out[out["is_ranked"]].groupby("commune_id")["score"].rank(ascending=False, method="min")
    )
    return out.reset_index().sort_values(["commune_id", "rank_in_commune"])


def supervision(f: Frames, start, end, unit=None) -> pd.DataFrame:
    interval = {"province": 6, "district": 3, "commune": 1}
    c = f.committee_member
    people = c[
        c["unit_id"].isin(subtree(f, unit))
        & (c["from_date"].isna() | (c["from_date"] <= _ts(end)))
        & (c["to_date"].isna() | (c["to_date"] >= _ts(start)))
    ]
    meetings = f.meeting[(f.meeting["held_on"] >= _ts(start)) & (f.meeting["held_on"] <= _ts(end))]
    visits = f.visit.merge(meetings[["meeting_id", "held_on"]], on="meeting_id").merge(
        people[["person_id", "level"]], on="person_id"
    )
    first = _ts(start).to_period("M")
    first_month = first.year * 12 + first.month - 1
    months_in = _month_no(visits["held_on"]) - first_month
    visits["interval"] = months_in // visits["level"].map(interval).astype("int64")
    per = visits.groupby("person_id").agg(
        visits=("meeting_id", "size"),
        intervals_visited=("interval", "nunique"),
        last_visit=("held_on", "max"),
    )
    months = (_ts(end).to_period("M") - first).n + 1
    out = people.set_index("person_id").join(per, how="left").fillna({"visits": 0, "intervals_visited": 0})
    out["interval_months"] = out["level"].map(interval)
    out["required_visits"] = np.ceil(months / out["interval_months"]).astype(int)
    out["compliant"] = out["intervals_visited"] >= out["required_visits"]
    return out.reset_index()


def commune_summary(f: Frames, start, end, unit=None, as_of=None) -> pd.DataFrame:
    stats = meeting_counts(f, start, end, unit)
    stats["commune_id"] = stats["cell_id"].map(f.commune_of)
    meetings = stats.groupby("commune_id").agg(
        cells=("cell_id", "nunique"),
        meetings=("meeting_id", "size"),
        expected=("expected", "sum"),
        exempt=("exempt", "sum"),
        present=("present", "sum"),
        excused=("excused", "sum"),
        absent=("absent", "sum"),
    )
    o = with_status(f, _opinions(f, start, end, unit), as_of)
    opinions = o.groupby("commune_id").agg(
        opinions=("opinion_id", "size"),
        answered_on_time=("on_time", "sum"),
        overdue=("overdue", "sum"),
        open=("open", "sum"),
    )
    out = meetings.join(opinions, how="outer").fillna(0).astype("int64")
    out["attendance_rate"] = out["present"] / (out["expected"] - out["exempt"]).replace(0, np.nan)
    out["on_time_rate"] = out["answered_on_time"] / (out["opinions"] - out["open"]).replace(0, np.nan)
    names = f.unit.set_index("unit_id")["name"]
    out["commune"] = names.reindex(out.index).to_numpy()
    return out.rename_axis("commune_id").reset_index()


# The baseline for each named query the benchmark times
QUESTIONS = {
    "participation_trend": participation_trend,
    "category_shares": category_shares,
    "opinion_response": opinion_response,
    "cell_ranking": cell_ranking,
    "supervision": supervision,
    "opinions_list": opinions_list,
    "commune_summary": commune_summary,
}
# The questions judged on a day (as_of: overdue opinions, months and quarters over): the bench passes
# them the day it passes the query.
JUDGED_ON = ("opinion_response", "opinions_list", "commune_summary", "cell_ranking")
