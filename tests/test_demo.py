"""The seeded demo generator: deterministic, valid against the schema, shaped like docs/DOMAIN.md's figures."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cellboard import demo
from cellboard.data import store

END = dt.date(2026, 10, 1)
SEED = 7


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return path, demo.build_demo(path, "S", seed=SEED, end_month=END)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return demo.demo_tables("S", seed=SEED, end_month=END)


@pytest.fixture(scope="module")
def communes(tables) -> pd.DataFrame:
    """Each cell with its commune's id and name."""
    unit = tables["unit"]
    cells = unit[unit["kind"] == "cell"][["unit_id", "parent_id"]]
    names = unit[unit["kind"] == "commune"][["unit_id", "name"]]
    return cells.merge(names, left_on="parent_id", right_on="unit_id", suffixes=("", "_commune")).rename(
        columns={"unit_id": "cell_id", "parent_id": "commune_id", "name": "commune"}
    )[["cell_id", "commune_id", "commune"]]


def test_same_seed_gives_the_same_tables(tables):
    again = demo.demo_tables("S", seed=SEED, end_month=END)
    assert again.keys() == tables.keys()
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(again[name], frame, obj=name)


def test_another_seed_gives_other_tables(tables):
    other = demo.demo_tables("S", seed=SEED + 1, end_month=END)
    assert not other["member"].equals(tables["member"])
    assert not other["opinion"].equals(tables["opinion"])


def test_every_base_table_with_schema_columns(tables):
    expected = {
        "unit": ["unit_id", "name", "kind", "parent_id", "admin_code", "cell_type"],
        "member": ["member_id", "full_name", "sex", "birth_year", "joined_on"],
        "membership": ["member_id", "cell_id", "from_date", "to_date", "status"],
        "meeting": ["meeting_id", "cell_id", "held_on", "kind", "topic", "expected", "present", "excused"],
        "attendance": ["meeting_id", "member_id", "status", "reason"],
        "committee_member": ["person_id", "full_name", "level", "unit_id", "from_date", "to_date"],
        "visit": ["meeting_id", "person_id"],
        "briefing": ["briefing_id", "unit_id", "held_on", "secretaries_expected", "secretaries_present"],
        "opinion": ["opinion_id", "raised_on", "unit_id", "briefing_id", "category", "kind", "text"],
        "rating": ["cell_id", "year", "grade"],
    }
    assert set(tables) == set(expected)
    for name, columns in expected.items():
        assert set(columns) <= set(tables[name].columns), name
        assert len(tables[name]) > 0, name


def test_written_database_passes_the_schema(built):
    path, counts = built
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert store.get_meta(con.cursor(), "source") == "demo"
        for name, rows in counts.items():
            assert con.cursor().table(name).shape[0] == rows, name
        stats = con.cursor().table("meeting_stats").df()
    finally:
        con.close()
    assert len(stats) == counts["meeting"]
    assert stats["commune_id"].notna().all()
    assert stats["from_counts"].any() and not stats["from_counts"].all()


def test_default_end_month_is_the_last_full_month():
    assert demo.default_end_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)
    assert demo.default_end_month(dt.date(2026, 11, 1)) == dt.date(2026, 10, 1)


def test_sixty_months_of_meetings_ending_at_end_month(tables):
    months = tables["meeting"]["held_on"].dt.to_period("M")
    assert months.nunique() == 60
    assert months.max() == pd.Period(END, "M")
    assert months.min() == pd.Period(END, "M") - 59
    assert tables["meeting"]["meeting_id"].is_unique


def test_unit_tree_on_real_communes(tables):
    unit = tables["unit"]
    root = unit[unit["kind"] == "province"]
    assert root[["unit_id", "admin_code", "name"]].values.tolist() == [["P22", "22", "Tỉnh Quảng Ninh"]]
    communes = unit[unit["kind"] == "commune"]
    assert len(communes) == 30
    assert (communes["parent_id"] == "P22").all()
    assert communes["name"].str.match(r"^(Phường|Xã|Đặc khu) ").all()
    assert (communes["unit_id"] == "X" + communes["admin_code"]).all()
    cells = unit[unit["kind"] == "cell"]
    assert 300 <= len(cells) <= 550
    assert cells["parent_id"].isin(communes["unit_id"]).all()
    assert not cells.duplicated(["parent_id", "name"]).any()
    assert cells["name"].str.startswith("Chi bộ ").all()
    assert {"village", "urban_block", "agency", "school", "armed_forces"} <= set(cells["cell_type"])


def test_members_look_like_a_party_roll(tables):
    member, membership = tables["member"], tables["membership"]
    per_cell = membership[membership["to_date"].isna()].groupby("cell_id").size()
    assert 15 <= per_cell.mean() <= 25
    assert per_cell.max() >= 50
    assert member["full_name"].str.split().str.len().ge(3).all()
    assert 0.3 <= member["full_name"].str.startswith("Nguyễn ").mean() <= 0.45
    assert set(member["sex"]) == {"male", "female"}
    status = membership["status"].value_counts(normalize=True)
    assert 0.02 <= status["exempt"] <= 0.08
    assert 0.03 <= status["away"] <= 0.09
    first = membership.groupby("member_id")["from_date"].min()
    joined = member.set_index("member_id")["joined_on"]
    assert (first >= joined.reindex(first.index)).all()
    assert (membership["to_date"].isna() | (membership["to_date"] >= membership["from_date"])).all()


def test_exactly_one_commune_merges_its_cells(tables):
    unit, meeting, membership = tables["unit"], tables["meeting"], tables["membership"]
    old = unit[unit["merged_into"].notna()]
    assert old["parent_id"].nunique() == 1
    new = unit.set_index("unit_id").loc[old["merged_into"].unique()]
    assert (new["kind"] == "cell").all() and (new["parent_id"] == old["parent_id"].iloc[0]).all()
    merge_day = new["valid_from"].iloc[0]
    assert (new["valid_from"] == merge_day).all()
    assert (old["valid_to"] == merge_day - pd.Timedelta(days=1)).all()
    held = meeting.set_index("cell_id")["held_on"]
    assert (held.loc[held.index.isin(old["unit_id"])] < merge_day).all()
    assert (held.loc[held.index.isin(new.index)] >= merge_day).all()
    old_rows = membership[membership["cell_id"].isin(old["unit_id"])]
    assert (old_rows["to_date"] < merge_day).all()
    moved = membership[membership["cell_id"].isin(new.index)]
    assert set(moved["member_id"]) & set(old_rows["member_id"])


def test_attendance_rows_are_the_roll_on_the_day(tables):
    meeting, attendance, membership = tables["meeting"], tables["attendance"], tables["membership"]
    rows = attendance.merge(meeting[["meeting_id", "cell_id", "held_on"]], on="meeting_id")
    rolls = rows.merge(membership, on=["member_id", "cell_id"])
    valid = (rolls["from_date"] <= rolls["held_on"]) & (
        rolls["to_date"].isna() | (rolls["held_on"] <= rolls["to_date"])
    )
    on_roll = rolls[valid]
    assert len(on_roll) == len(attendance)
    assert ((on_roll["status_x"] == "exempt") == (on_roll["status_y"] == "exempt")).all()
    assert attendance.loc[attendance["status"].isin(["present", "exempt"]), "reason"].isna().all()
    away = on_roll[on_roll["status_y"] == "away"]
    assert (away["status_x"] != "present").mean() > 0.7


def test_attendance_rate_like_the_published_figures(tables):
    meeting, attendance = tables["meeting"], tables["attendance"]
    status = attendance["status"].value_counts()
    counted = meeting.dropna(subset=["expected"])
    present = status["present"] + counted["present"].sum()
    expected = len(attendance) + counted["expected"].sum()
    exempt = status["exempt"] + counted["exempt"].sum()
    assert 0.88 <= present / (expected - exempt) <= 0.97
    per_cell = (
        attendance.merge(meeting[["meeting_id", "cell_id"]], on="meeting_id")
        .groupby("cell_id")["status"]
        .value_counts()
        .unstack(fill_value=0)
    )
    rate = per_cell["present"] / (per_cell.sum(axis=1) - per_cell["exempt"])
    assert rate.between(0.85, 0.98).mean() >= 0.65
    assert (rate < 0.82).any()


def test_some_cells_report_counts_only(tables):
    meeting, attendance = tables["meeting"], tables["attendance"]
    counted = meeting[meeting["expected"].notna()]
    share = counted["cell_id"].nunique() / meeting["cell_id"].nunique()
    assert 0.02 <= share <= 0.12
    parts = counted[["present", "excused", "absent", "exempt"]].sum(axis=1)
    assert (parts == counted["expected"]).all()
    with_rows = set(attendance["meeting_id"].unique())
    assert not with_rows & set(counted["meeting_id"])
    named = meeting[meeting["expected"].isna()]
    assert named[["present", "excused", "absent", "exempt"]].isna().all().all()
    assert with_rows == set(named["meeting_id"])


def test_thematic_meetings_in_most_quarters(tables):
    meeting = tables["meeting"]
    quarters = meeting.assign(quarter=meeting["held_on"].dt.to_period("Q"))
    covered = quarters.groupby(["cell_id", "quarter"])["kind"].agg(lambda kinds: (kinds == "thematic").any())
    assert 0.78 <= covered.mean() <= 0.92
    regular = meeting[meeting["kind"] != "extraordinary"]
    assert (
        not regular.assign(month=regular["held_on"].dt.to_period("M")).duplicated(["cell_id", "month"]).any()
    )
    assert regular["held_on"].dt.day.between(3, 20).all()


def test_ratings_about_a_fifth_excellent(tables):
    rating = tables["rating"]
    share = rating["grade"].value_counts(normalize=True)
    assert 0.15 <= share["excellent"] <= 0.25
    assert 0.45 <= share["good"] <= 0.65
    assert share["incomplete"] < 0.1
    assert sorted(rating["year"].unique()) == [2022, 2023, 2024, 2025]
    assert not rating.duplicated(["cell_id", "year"]).any()


def test_briefings_collect_reflections_and_recommendations(tables, communes):
    briefing, opinion = tables["briefing"], tables["opinion"]
    per = opinion.groupby(["briefing_id", "kind"]).size().unstack()
    assert per["reflection"].between(8, 10).all()
    assert per["recommendation"].between(6, 8).all()
    assert set(per.index) == set(briefing["briefing_id"])
    assert (briefing["secretaries_present"] <= briefing["secretaries_expected"]).all()
    assert briefing["held_on"].dt.day.between(22, 28).all()
    # the raising cell belongs to the briefing's commune
    raised = opinion.merge(briefing[["briefing_id", "unit_id"]], on="briefing_id", suffixes=("", "_briefing"))
    raised = raised.merge(communes, left_on="unit_id", right_on="cell_id")
    assert len(raised) == len(opinion)
    assert (raised["commune_id"] == raised["unit_id_briefing"]).all()
    assert (
        opinion["raised_on"] == raised.set_index("opinion_id").loc[opinion["opinion_id"], "raised_on"].values
    ).all()


def test_opinions_answered_mostly_by_the_next_briefing(tables):
    briefing, opinion = tables["briefing"], tables["opinion"]
    answered = opinion["answered_on"].notna()
    assert (opinion.loc[answered, "answered_on"] >= opinion.loc[answered, "raised_on"]).all()
    assert opinion["answered_on"].max() <= pd.Timestamp(2026, 10, 31)
    assert (opinion["answer"].notna() == answered).all()
    ordered = briefing.sort_values(["unit_id", "held_on"])
    following = ordered.assign(next_on=ordered.groupby("unit_id")["held_on"].shift(-1))
    due = opinion.merge(following[["briefing_id", "next_on"]], on="briefing_id")["next_on"]
    due = due.fillna(opinion["raised_on"] + pd.Timedelta(days=30))
    on_time = (answered & (opinion["answered_on"] <= due)).mean()
    assert 0.65 <= on_time <= 0.82
    assert 0.05 <= (~answered).mean() <= 0.25
    recent = opinion["raised_on"] >= pd.Timestamp(2026, 9, 1)
    assert (~answered[recent]).mean() > (~answered[~recent]).mean()


def test_rural_opinions_dominated_by_agriculture_and_transport(tables, communes):
    opinion = tables["opinion"].merge(communes, left_on="unit_id", right_on="cell_id")
    rural = opinion[opinion["commune"].str.startswith("Xã ")]["category"].value_counts(normalize=True)
    assert list(rural.index[:2]) == ["agriculture", "transport_construction"]
    assert rural["agriculture"] + rural["transport_construction"] > 0.55
    urban = opinion[opinion["commune"].str.startswith("Phường ")]["category"].value_counts(normalize=True)
    assert urban["agriculture"] < 0.15
    assert set(tables["opinion"]["category"]) <= {
        "agriculture",
        "transport_construction",
        "environment",
        "services",
        "social_policy",
        "security_order",
        "party_work",
        "other",
    }
    texts = tables["opinion"]["text"]
    assert not texts.str.contains(r"[{}]").any()
    assert texts.str.contains("thôn |khu phố |tổ dân phố ").mean() > 0.8


def test_committee_members_visit_cells(tables, communes):
    committee, visit, meeting = tables["committee_member"], tables["visit"], tables["meeting"]
    assert committee["person_id"].is_unique
    seats = committee[committee["to_date"].isna()].groupby("level").size()
    assert seats["province"] == 15
    assert seats["commune"] == 3 * 30
    assert not visit.duplicated().any()
    visits = visit.merge(committee, on="person_id").merge(meeting[["meeting_id", "cell_id", "held_on"]])
    visits = visits.merge(communes, on="cell_id")
    local = visits[visits["level"] == "commune"]
    assert (local["unit_id"] == local["commune_id"]).all()
    serving = (visits["held_on"] >= visits["from_date"]) & (
        visits["to_date"].isna() | (visits["held_on"] <= visits["to_date"])
    )
    assert serving.all()
    months = visits.assign(month=visits["held_on"].dt.to_period("M")).groupby(["level", "person_id"])["month"]
    per_person = months.nunique()
    assert 2 <= 60 / per_person["province"].median() <= 6
    assert per_person["commune"].median() >= 40


def test_scales_are_defined():
    assert set(demo.SCALES) == {"S", "M", "L"}
    with pytest.raises(ValueError):
        demo.demo_tables("XL")


def test_no_sql_in_the_generator():
    source = Path(demo.__file__).read_text(encoding="utf-8")
    sql = r"\bselect\b[^\n]*\bfrom\b|\binsert\s+into\b|\bcreate\s+table\b|\bdelete\s+from\b"
    assert not re.search(sql, source, flags=re.IGNORECASE)
