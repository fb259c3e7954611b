"""Demo data on real commune names, shaped like the figures users have published (docs/DOMAIN.md).

One seeded generator makes every demo and benchmark database. It is vectorised with
numpy/pandas: loops run only over provinces, communes, quarters, years and templates,
never over members, meetings, attendance rows or opinions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from vietnam_provinces import Province, Ward

from cellboard import demo_words as words
from cellboard.data import store
from cellboard.ingest.spec import ENUMS

N_MONTHS = 60
# Internal stand-in for an open-ended to_date; written out as null.
OPEN = np.datetime64("2200-01-01", "D")
# Residential cells of one commune merge on this date when it falls well inside the range.
MERGE_MONTH = np.datetime64("2025-07", "M")
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Scale:
    """How big a demo is: the provinces (codes), communes kept per province, mean cells per commune."""

    provinces: tuple[int, ...]
    communes: int | None
    cells_per_commune: float


SCALES: dict[str, Scale] = {
    # ~30 communes of Quảng Ninh, ~400 cells
    "S": Scale((22,), 30, 13.5),
    # all 54 communes of Quảng Ninh, ~3,000 cells
    "M": Scale((22,), None, 55.0),
    # Quảng Ninh and its neighbours Lạng Sơn, Cao Bằng, Bắc Ninh: 274 communes, ~12,000 cells
    "L": Scale((22, 20, 4, 24), None, 44.0),
}

# The codes, as the import format defines them (cellboard/ingest/spec.py); the generator draws
# indexes into these.
STATUSES = tuple(ENUMS["attendance_status"])  # present, excused, absent, exempt
REASONS = tuple(ENUMS["absence_reason"])  # away, illness, work, other
MEMBERSHIP_STATUSES = tuple(ENUMS["membership_status"])
ACTIVE, EXEMPT, AWAY = (MEMBERSHIP_STATUSES.index(code) for code in ("active", "exempt", "away"))
MEETING_KINDS = tuple(ENUMS["meeting_kind"])
GRADES = tuple(reversed(ENUMS["grade"]))  # worst first: the grade drawn grows with a cell's quantile

# Median members per cell and share of women, by cell type.
CELL_SIZE = {
    "village": 19,
    "urban_block": 17,
    "agency": 12,
    "school": 10,
    "armed_forces": 14,
    "enterprise": 11,
    "other": 12,
}
CELL_FEMALE = {
    "village": 0.30,
    "urban_block": 0.38,
    "agency": 0.40,
    "school": 0.68,
    "armed_forces": 0.08,
    "enterprise": 0.35,
    "other": 0.35,
}
# Attendance outcomes: (status code into STATUSES, reason code into REASONS or -1).
OUTCOMES = (
    (0, -1),  # 0 present
    (3, -1),  # 1 exempt
    (1, 1),  # 2 excused: illness
    (1, 2),  # 3 excused: work
    (1, 3),  # 4 excused: other
    (2, 2),  # 5 absent: work
    (2, 3),  # 6 absent: other
    (2, -1),  # 7 absent, no reason given
    (1, 0),  # 8 excused: away
    (2, 0),  # 9 absent: away
    (2, -1),  # 10 absent, no reason given
)
OUTCOME_STATUS = np.array([status for status, _ in OUTCOMES], dtype=np.int64)
OUTCOME_REASON = np.array([reason for _, reason in OUTCOMES], dtype=np.int64)
# Cumulative shares of outcomes 2..7 for active members who are not present: 72% excused.
ACTIVE_CUTS = np.array([0.288, 0.612, 0.72, 0.762, 0.79], dtype=np.float32)
# Members working away: 20% come; of the rest, outcomes 8..10.
AWAY_PRESENT = 0.2
AWAY_CUTS = np.array([0.6, 0.94], dtype=np.float32)
# Attendance dips at Tết (February) and at the harvests (June, October).
SEASON = np.array([0.99, 0.965, 1, 1, 1, 0.99, 1, 1, 1, 0.99, 1, 1])


def default_end_month(today: dt.date | None = None) -> dt.date:
    """The first day of the last full month before `today`."""
    today = today or dt.date.today()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def demo_tables(
    scale: str | Scale = "S", seed: int = 42, end_month: dt.date | None = None
) -> dict[str, pd.DataFrame]:
    """DataFrames for every base table, columns named as in schema.sql; same arguments, same tables.

    `scale` is a name in SCALES or a Scale of its own (the national trial builds one per province).
    """
    if isinstance(scale, Scale):
        cfg = scale
    elif scale in SCALES:
        cfg = SCALES[scale]
    else:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    rng = np.random.default_rng(seed)
    cal = _Calendar.ending(end_month or default_end_month())

    communes = _communes(rng, cfg)
    merge_commune, merge_m = _merge_plan(rng, communes, cal)
    cells = _cells(rng, cfg, communes, merge_commune, merge_m)
    members, memberships = _members(rng, cells, cal, merge_m)
    meetings = _meetings(rng, cells, communes, cal)
    attendance = _attendance(rng, meetings, memberships, members, cells, cal)
    committee = _committee(rng, communes, cfg.provinces, cal)
    visits = _visits(rng, committee, meetings, cells, communes, cal)
    briefings = _briefings(rng, cells, communes, cal)
    opinions = _opinions(rng, briefings, cells, communes, cal)
    ratings = _ratings(rng, meetings, cells, cal)

    meeting_ids = _meeting_ids(meetings, cells, cal)
    cell_ids = cells["cell_id"].to_numpy(dtype=object)
    member_ids = members["member_id"].to_numpy(dtype=object)
    person_ids = committee["person_id"]
    opinions.insert(2, "unit_id", _take(cell_ids, opinions.pop("cell").to_numpy()))
    return {
        "unit": _unit_table(cfg, communes, cells, cal, merge_m),
        "member": _member_table(members),
        "membership": pd.DataFrame(
            {
                "member_id": _take(member_ids, memberships["member"]),
                "cell_id": _take(cell_ids, memberships["cell"]),
                "from_date": _date_col(memberships["from"]),
                "to_date": _date_col(memberships["to"]),
                "status": _take(MEMBERSHIP_STATUSES, memberships["status"]),
            }
        ),
        "meeting": _meeting_table(meetings, meeting_ids, cell_ids, communes, cells, cal),
        "attendance": pd.DataFrame(
            {
                "meeting_id": _take(meeting_ids, attendance["meeting"]),
                "member_id": _take(member_ids, attendance["member"]),
                "status": _take(STATUSES, attendance["status"]),
                "reason": _take(REASONS, attendance["reason"]),
            }
        ),
        "committee_member": pd.DataFrame(
            {
                "person_id": _text(person_ids),
                "full_name": _text(committee["full_name"]),
                "level": _text(committee["level"]),
                "unit_id": _text(committee["unit_id"]),
                "from_date": _date_col(committee["from"]),
                "to_date": _date_col(committee["to"]),
            }
        ),
        "visit": pd.DataFrame(
            {
                "meeting_id": _take(meeting_ids, visits["meeting"]),
                "person_id": _take(person_ids, visits["person"]),
            }
        ),
        "briefing": pd.DataFrame(
            {
                "briefing_id": _text(briefings["briefing_id"]),
                "unit_id": _take(communes["unit_id"].to_numpy(dtype=object), briefings["commune"]),
                "held_on": _date_col(briefings["held_on"]),
                "secretaries_expected": briefings["expected"].astype("int32"),
                "secretaries_present": briefings["present"].astype("int32"),
            }
        ),
        "opinion": opinions,
        "rating": pd.DataFrame(
            {
                "cell_id": _take(cell_ids, ratings["cell"]),
                "year": ratings["year"].astype("int32"),
                "grade": _take(GRADES, ratings["grade"]),
            }
        ),
    }


def build_demo(
    path: str | Path, scale: str | Scale = "S", seed: int = 42, end_month: dt.date | None = None
) -> dict[str, int]:
    """Write a demo database at `path` (atomically, via store.write_database); rows per table."""
    tables = demo_tables(scale, seed, end_month)
    store.write_database(Path(path), tables, source="demo")
    return {name: len(frame) for name, frame in tables.items()}


# --- calendar and small helpers -------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    months: np.ndarray  # datetime64[M], N_MONTHS of them

    @classmethod
    def ending(cls, end_month: dt.date) -> _Calendar:
        last = np.datetime64(f"{end_month.year:04d}-{end_month.month:02d}", "M")
        return cls(np.arange(last - (N_MONTHS - 1), last + 1))

    @property
    def first_days(self) -> np.ndarray:
        return self.months.astype("datetime64[D]")

    @property
    def start(self) -> np.datetime64:
        return self.months[0].astype("datetime64[D]")

    @property
    def end(self) -> np.datetime64:
        """The last day of the data."""
        return (self.months[-1] + 1).astype("datetime64[D]") - 1

    @property
    def years(self) -> np.ndarray:
        return self.months.astype("datetime64[Y]").astype(int) + 1970

    @property
    def month_numbers(self) -> np.ndarray:
        return self.months.astype(int) % 12 + 1

    @property
    def yyyymm(self) -> np.ndarray:
        return np.array([f"{y:04d}{m:02d}" for y, m in zip(self.years, self.month_numbers, strict=True)])

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Index into `months` of each day (may fall outside 0..N_MONTHS-1)."""
        return (days.astype("datetime64[M]") - self.months[0]).astype(int)


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes: each row's group and its position within the group."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(counts.size), counts)
    offsets = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - offsets[owner]


class _Groups:
    """Rows grouped by an integer key, for drawing rows of a key at random."""

    def __init__(self, keys: np.ndarray, n_keys: int) -> None:
        self.order = np.argsort(keys, kind="stable")
        self.count = np.bincount(keys, minlength=n_keys)
        self.start = np.cumsum(self.count) - self.count

    def pick(self, rng: np.random.Generator, keys: np.ndarray) -> np.ndarray:
        """One random row for each key; -1 where the key has no rows."""
        count = self.count[keys]
        if self.order.size == 0:
            return np.full(keys.size, -1)
        offset = (rng.random(keys.size) * count).astype(np.int64)
        rows = self.order[np.minimum(self.start[keys] + offset, self.order.size - 1)]
        return np.where(count > 0, rows, -1)


def _weighted(rng: np.random.Generator, table: Mapping[str, float], n: int) -> np.ndarray:
    keys = np.array(list(table), dtype=object)
    p = np.array(list(table.values()), dtype=float)
    return keys[rng.choice(keys.size, size=n, p=p / p.sum())]


def _full_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    n = female.size
    surname = _weighted(rng, words.SURNAMES, n)
    middle = np.where(female, _weighted(rng, words.MIDDLE_FEMALE, n), _weighted(rng, words.MIDDLE_MALE, n))
    women, men = np.array(words.GIVEN_FEMALE, dtype=object), np.array(words.GIVEN_MALE, dtype=object)
    pick_w, pick_m = rng.integers(0, women.size, n), rng.integers(0, men.size, n)
    given = np.where(female, women[pick_w], men[pick_m])
    # no "Trần Ngọc Ngọc": take the next given name when it repeats the middle one
    again = given == middle
    given[again] = np.where(female, women[(pick_w + 1) % women.size], men[(pick_m + 1) % men.size])[again]
    full = _text(surname) + " " + _text(middle) + " " + _text(given)
    return full.to_numpy(dtype=object)


def _fill(templates: list[str], choice: np.ndarray, fields: Mapping[str, np.ndarray]) -> np.ndarray:
    """Row i gets templates[choice[i]] with `{field}` replaced by fields[field][i] (one loop per template)."""
    out = np.empty(choice.size, dtype=object)
    for t, template in enumerate(templates):
        rows = np.flatnonzero(choice == t)
        if rows.size == 0:
            continue
        parts = re.split(r"\{(\w+)\}", template)
        text = _text(np.full(rows.size, parts[0], dtype=object))
        for i in range(1, len(parts), 2):
            text = text + _text(fields[parts[i]][rows]) + parts[i + 1]
        out[rows] = text.to_numpy(dtype=object)
    return out


def _text(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype="str")


def _take(labels: np.ndarray | tuple[str, ...], codes: np.ndarray) -> pd.Series:
    """labels[codes] as a text column (code -1 is null), decoded by Arrow: fast for millions of rows."""
    codes = np.asarray(codes, dtype=np.int64)
    missing = codes < 0
    indices = pa.array(np.where(missing, 0, codes), mask=missing if missing.any() else None)
    dictionary = pa.array(np.asarray(labels, dtype=object), type=pa.large_string())
    decoded = pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.large_string())
    return pd.Series(pd.array(decoded, dtype="str"))


def _date_col(days: np.ndarray) -> pd.Series:
    days = np.asarray(days, dtype="datetime64[D]")
    out = days.astype("datetime64[s]")
    out[np.isnat(days) | (days >= OPEN)] = np.datetime64("NaT")
    return pd.Series(out)


def _days(base: np.ndarray | np.datetime64, offsets: np.ndarray) -> np.ndarray:
    return base + np.asarray(offsets).astype("timedelta64[D]")


def _in_sentence(name: str) -> str:
    """'Xã Hải Hòa' -> 'xã Hải Hòa', for use inside a sentence."""
    return name[:1].lower() + name[1:]


# --- units ---------------------------------------------------------------------------------


def _communes(rng: np.random.Generator, cfg: Scale) -> pd.DataFrame:
    frames = []
    for p, code in enumerate(cfg.provinces):
        wards = sorted(Ward.iter_by_province(code), key=lambda w: int(w.code))
        if cfg.communes is not None and cfg.communes < len(wards):
            keep = np.sort(rng.choice(len(wards), cfg.communes, replace=False))
            wards = [wards[i] for i in keep]
        frames.append(
            pd.DataFrame(
                {
                    "province": p,
                    "unit_id": [f"X{int(w.code):05d}" for w in wards],
                    "name": [w.name for w in wards],
                    "admin_code": [f"{int(w.code):05d}" for w in wards],
                    "level": [w.division_type.value for w in wards],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _merge_plan(rng: np.random.Generator, communes: pd.DataFrame, cal: _Calendar) -> tuple[int, int]:
    """The commune whose residential cells merge (a ward where possible) and the month they do."""
    wards = np.flatnonzero(communes["level"].to_numpy() == "phường")
    candidates = wards if wards.size else np.arange(len(communes))
    commune = int(rng.choice(candidates))
    month = int((MERGE_MONTH - cal.months[0]).astype(int))
    if not 12 <= month <= N_MONTHS - 6:
        month = N_MONTHS // 2
    return commune, month


def _cells(
    rng: np.random.Generator, cfg: Scale, communes: pd.DataFrame, merge_commune: int, merge_m: int
) -> pd.DataFrame:
    n_communes = len(communes)
    sizes = np.maximum(8, np.rint(cfg.cells_per_commune * rng.lognormal(0, 0.3, n_communes))).astype(int)
    named_share = rng.uniform(0.3, 1.0, n_communes)
    urban_style = rng.choice(["khu phố", "tổ dân phố"], n_communes)
    village_pool = np.array(words.VILLAGES, dtype=object)
    frames = []
    # One pass per commune over its few dozen cells (the names need per-commune choices).
    for c, commune in enumerate(communes.itertuples()):
        n_other = int(min(len(words.NON_RESIDENTIAL), max(4, round(sizes[c] * 0.14))))
        n_res = int(sizes[c]) - n_other
        merging = c == merge_commune
        if commune.level == "phường":
            style = "tổ dân phố" if merging else str(urban_style[c])
            places = [f"{style} {i}" for i in range(1, n_res + 1)]
            res_type, new_style = "urban_block", "khu phố"
        else:
            k = min(len(village_pool), round(n_res * named_share[c]))
            named = [f"thôn {v}" for v in rng.choice(village_pool, k, replace=False)]
            places = named + [f"thôn {i}" for i in range(1, n_res - k + 1)]
            res_type, new_style = "village", "khu dân cư số"
        other = words.NON_RESIDENTIAL[:n_other]
        frame = pd.DataFrame(
            {
                "commune": c,
                "name": [f"Chi bộ {p}" for p in places] + [t.format(level=commune.level) for t, _ in other],
                "cell_type": [res_type] * n_res + [kind for _, kind in other],
                "residential": [True] * n_res + [False] * n_other,
                "locality": places + [None] * n_other,
                "new": False,
                "merge_group": -1,
            }
        )
        if merging:
            n_new = max(2, round(n_res / 2.5))
            groups = np.concatenate(
                [np.full(len(g), j) for j, g in enumerate(np.array_split(np.arange(n_res), n_new))]
            )
            frame.loc[: n_res - 1, "merge_group"] = groups
            new_places = [f"{new_style} {j}" for j in range(1, n_new + 1)]
            new = pd.DataFrame(
                {
                    "commune": c,
                    "name": [f"Chi bộ {p}" for p in new_places],
                    "cell_type": res_type,
                    "residential": True,
                    "locality": new_places,
                    "new": True,
                    "merge_group": np.arange(n_new),
                }
            )
            frame = pd.concat([frame, new], ignore_index=True)
        frame["cell_id"] = [f"{commune.unit_id}-{k:03d}" for k in range(1, len(frame) + 1)]
        frames.append(frame)
    cells = pd.concat(frames, ignore_index=True)

    n = len(cells)
    new = cells["new"].to_numpy()
    group = cells["merge_group"].to_numpy()
    old = (group >= 0) & ~new
    # each old cell merges into the new cell with its group number
    new_index = np.full(max(group.max() + 1, 1), -1)
    new_index[group[new]] = np.flatnonzero(new)
    cells["merged_into"] = np.where(old, new_index[np.maximum(group, 0)], -1)
    cells["from_m"] = np.where(new, merge_m, 0)
    cells["to_m"] = np.where(old, merge_m, N_MONTHS)

    # Weak cells miss meetings, skip thematic ones and attend less.
    cells["weak"] = rng.random(n) < 0.05
    healthy_p = 1 - rng.beta(2.0, 150.0, n)
    cells["p_present"] = np.where(cells["weak"], rng.uniform(0.76, 0.88, n), healthy_p)
    cells["habit_day"] = rng.integers(3, 21, n)
    # Whole communes report counts only: about 5% of the cells (never the merging commune).
    per_commune = np.bincount(cells["commune"], minlength=n_communes)
    order = rng.permutation(np.setdiff1d(np.arange(n_communes), [merge_commune]))
    covered = np.cumsum(per_commune[order])
    counts_only = order[: int(np.searchsorted(covered, 0.05 * n)) + 1]
    cells["counts_only"] = np.isin(cells["commune"], counts_only)
    return cells


def _unit_table(
    cfg: Scale, communes: pd.DataFrame, cells: pd.DataFrame, cal: _Calendar, merge_m: int
) -> pd.DataFrame:
    province_names = [Province.from_code(code).name for code in cfg.provinces]
    province_ids = np.array([f"P{code:02d}" for code in cfg.provinces], dtype=object)
    provinces = pd.DataFrame(
        {
            "unit_id": province_ids,
            "name": [n if n.startswith("Thành phố") else f"Tỉnh {n}" for n in province_names],
            "kind": "province",
            "parent_id": None,
            "admin_code": [f"{code:02d}" for code in cfg.provinces],
            "cell_type": None,
        }
    )
    commune_units = pd.DataFrame(
        {
            "unit_id": communes["unit_id"],
            "name": communes["name"],
            "kind": "commune",
            "parent_id": province_ids[communes["province"].to_numpy()],
            "admin_code": communes["admin_code"],
            "cell_type": None,
        }
    )
    cell_ids = cells["cell_id"].to_numpy(dtype=object)
    merged_into = cells["merged_into"].to_numpy()
    merge_day = cal.first_days[merge_m]
    cell_units = pd.DataFrame(
        {
            "unit_id": cells["cell_id"],
            "name": cells["name"],
            "kind": "cell",
            "parent_id": communes["unit_id"].to_numpy(dtype=object)[cells["commune"].to_numpy()],
            "admin_code": None,
            "cell_type": cells["cell_type"],
            "valid_from": _date_col(np.where(cells["new"], merge_day, OPEN)),
            "valid_to": _date_col(np.where(merged_into >= 0, merge_day - 1, OPEN)),
            "merged_into": np.where(merged_into >= 0, cell_ids[np.maximum(merged_into, 0)], None),
        }
    )
    unit = pd.concat([provinces, commune_units, cell_units], ignore_index=True)
    for column in ("valid_from", "valid_to"):
        unit[column] = unit[column].astype("datetime64[s]")
    for column in ("unit_id", "name", "kind", "parent_id", "admin_code", "cell_type", "merged_into"):
        unit[column] = unit[column].astype("str")
    return unit


# --- members and memberships ---------------------------------------------------------------


def _members(
    rng: np.random.Generator, cells: pd.DataFrame, cal: _Calendar, merge_m: int
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    n_cells = len(cells)
    median = cells["cell_type"].map(CELL_SIZE).to_numpy(dtype=float)
    size = np.clip(np.rint(median * rng.lognormal(0, 0.5, n_cells)), 5, 160).astype(int)
    size[cells["new"].to_numpy()] = 0  # merged cells take over the old cells' members
    joiners = rng.poisson(size * 0.02 * N_MONTHS / 12)
    cell = np.concatenate([np.repeat(np.arange(n_cells), size), np.repeat(np.arange(n_cells), joiners)])
    joiner = np.concatenate([np.zeros(size.sum(), bool), np.ones(joiners.sum(), bool)])
    n = cell.size
    residential = cells["residential"].to_numpy()[cell]
    start, end = cal.start, cal.end
    span = int((end - start).astype(int))

    # Members already in the party: residential cells keep many retired members.
    elder = residential & (rng.random(n) < 0.42)
    age_at_end = np.where(
        elder, 60 + np.minimum(rng.exponential(9.0, n), 34), 24 + rng.beta(1.6, 1.6, n) * 36
    )
    birth_year = cal.years[-1] - np.floor(age_at_end).astype(int)
    birth_old = _days(
        (birth_year - 1970).astype("datetime64[Y]").astype("datetime64[D]"), rng.integers(0, 365, n)
    )
    join_age = 18 + np.minimum(rng.gamma(2.0, 4.5, n), 30)
    joined_old = _days(birth_old, np.rint(join_age * DAYS_PER_YEAR))
    latest = start - 30
    earliest = _days(birth_old, np.full(n, int(18 * DAYS_PER_YEAR)))
    room = np.maximum((latest - earliest).astype(int), 0)
    joined_old = np.where(
        joined_old > latest, _days(earliest, (rng.random(n) * room).astype(int)), joined_old
    )
    # some moved into their cell after joining the party
    moved = rng.random(n) < 0.3
    since = np.maximum((start - 1 - joined_old).astype(int), 0)
    from_old = np.where(moved, _days(joined_old, (rng.random(n) * since).astype(int)), joined_old)

    # Members admitted during the period start in their cell that day.
    joined_new = _days(start, rng.integers(1, span + 1, n))
    birth_new = _days(joined_new, -np.rint((18 + np.minimum(rng.gamma(2.0, 3.0, n), 22)) * DAYS_PER_YEAR))

    joined_on = np.where(joiner, joined_new, joined_old)
    birth_day = np.where(joiner, birth_new, birth_old)
    from_date = np.where(joiner, joined_new, from_old)
    leaves = ~joiner & (rng.random(n) < 0.06)
    to_date = np.where(leaves, _days(start, rng.integers(30, span, n)), OPEN)

    # Status: older members exempt, working-age residents away (đi làm ăn xa).
    age_mid = ((start + span // 2) - birth_day).astype(int) / DAYS_PER_YEAR
    p_exempt = np.where(age_mid >= 78, 0.6, np.where(age_mid >= 70, 0.3, np.where(age_mid >= 65, 0.08, 0.0)))
    p_away = np.where(residential & (age_mid >= 22) & (age_mid <= 50), 0.085, 0.0)
    u = rng.random(n)
    status = np.where(u < p_exempt, EXEMPT, np.where(u > 1 - p_away, AWAY, ACTIVE))
    status[joiner] = ACTIVE
    # A few change status once: go away to work, come back, or become exempt with age.
    later = np.full(n, -1)
    later[(status == ACTIVE) & (age_mid >= 62)] = EXEMPT
    later[(status == ACTIVE) & residential & (age_mid <= 50)] = AWAY
    later[status == AWAY] = ACTIVE
    low = np.maximum(from_date, start) + 30
    high = np.minimum(to_date, end) - 30
    changes = (later >= 0) & (high > low) & (rng.random(n) < 0.06)
    change_day = _days(low, (rng.random(n) * np.maximum((high - low).astype(int), 0)).astype(int))

    # Number members cell by cell, oldest membership first.
    order = np.lexsort((from_date, cell))
    cell, joined_on, birth_day, from_date, to_date = (
        a[order] for a in (cell, joined_on, birth_day, from_date, to_date)
    )
    status, later, changes, change_day = (a[order] for a in (status, later, changes, change_day))
    female = rng.random(n) < cells["cell_type"].map(CELL_FEMALE).to_numpy(dtype=float)[cell]
    members = pd.DataFrame(
        {
            "member_id": _text(
                np.char.add("DV", np.char.zfill(np.arange(1, n + 1).astype(str), 6)).astype(object)
            ),
            "full_name": _full_names(rng, female),
            "sex": np.where(female, "female", "male"),
            "birth_year": birth_day.astype("datetime64[Y]").astype(int) + 1970,
            "joined_on": joined_on,
            "cell": cell,
            "chronic": rng.random(n) < 0.025,
        }
    )

    changed = np.flatnonzero(changes)
    memberships = {
        "member": np.concatenate([np.arange(n), changed]),
        "cell": np.concatenate([cell, cell[changed]]),
        "from": np.concatenate([from_date, change_day[changed]]),
        "to": np.concatenate([np.where(changes, change_day - 1, to_date), to_date[changed]]),
        "status": np.concatenate([status, later[changed]]),
    }
    return members, _split_at_merge(memberships, cells, cal.first_days[merge_m])


def _split_at_merge(ms: dict[str, np.ndarray], cells: pd.DataFrame, merge_day: np.datetime64) -> dict:
    """Members of merged cells move to the new cell on the merge day (a new membership row)."""
    target = cells["merged_into"].to_numpy()[ms["cell"]]
    old = target >= 0
    move = old & (ms["from"] >= merge_day)
    split = old & (ms["from"] < merge_day) & (ms["to"] >= merge_day)
    cell = np.where(move, target, ms["cell"])
    to = np.where(split, merge_day - 1, ms["to"])
    rows = np.flatnonzero(split)
    out = {
        "member": np.concatenate([ms["member"], ms["member"][rows]]),
        "cell": np.concatenate([cell, target[rows]]),
        "from": np.concatenate([ms["from"], np.full(rows.size, merge_day)]),
        "to": np.concatenate([to, ms["to"][rows]]),
        "status": np.concatenate([ms["status"], ms["status"][rows]]),
    }
    order = np.lexsort((out["from"], out["member"]))
    return {key: value[order] for key, value in out.items()}


def _member_table(members: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member_id": members["member_id"],
            "full_name": _text(members["full_name"].to_numpy(dtype=object)),
            "sex": _text(members["sex"].to_numpy(dtype=object)),
            "birth_year": members["birth_year"].astype("int32"),
            "joined_on": _date_col(members["joined_on"].to_numpy()),
        }
    )


# --- meetings and attendance ---------------------------------------------------------------


def _meetings(
    rng: np.random.Generator, cells: pd.DataFrame, communes: pd.DataFrame, cal: _Calendar
) -> dict[str, np.ndarray]:
    n = len(cells)
    months = np.arange(N_MONTHS)
    exists = (cells["from_m"].to_numpy()[:, None] <= months) & (months < cells["to_m"].to_numpy()[:, None])
    weak = cells["weak"].to_numpy()
    held = exists & (rng.random((n, N_MONTHS)) >= np.where(weak, 0.15, 0.01)[:, None])

    # One meeting a quarter is thematic (in most quarters), replacing that month's regular one.
    thematic = np.zeros((n, N_MONTHS), bool)
    key = np.where(held, rng.random((n, N_MONTHS)), -1.0)
    quarter = (cal.years * 12 + cal.month_numbers - 1) // 3
    p_thematic = np.where(weak, 0.35, 0.9)
    for q in np.unique(quarter):
        columns = np.flatnonzero(quarter == q)
        best = columns[key[:, columns].argmax(axis=1)]
        chosen = (key[np.arange(n), best] >= 0) & (rng.random(n) < p_thematic)
        thematic[np.flatnonzero(chosen), best[chosen]] = True
    extra = exists & (rng.random((n, N_MONTHS)) < np.where(weak, 0.005, 0.02)[:, None])

    cell_r, month_r = np.nonzero(held)
    cell_e, month_e = np.nonzero(extra)
    day_r = np.clip(cells["habit_day"].to_numpy()[cell_r] + rng.integers(-2, 3, cell_r.size), 3, 20)
    day_e = rng.integers(22, 29, cell_e.size)
    cell = np.concatenate([cell_r, cell_e])
    month = np.concatenate([month_r, month_e])
    kind = np.concatenate([np.where(thematic[cell_r, month_r], 1, 0), np.full(cell_e.size, 2)])
    held_on = _days(cal.first_days[month], np.concatenate([day_r, day_e]) - 1)
    order = np.lexsort((held_on, cell))
    meetings = {"cell": cell, "month": month, "kind": kind, "held_on": held_on}
    meetings = {k: v[order] for k, v in meetings.items()}
    meetings["topic_pick"] = rng.integers(0, 1 << 30, order.size)
    return meetings


def _meeting_ids(meetings: Mapping[str, np.ndarray], cells: pd.DataFrame, cal: _Calendar) -> np.ndarray:
    ids = (
        _take(cells["cell_id"].to_numpy(dtype=object), meetings["cell"])
        + "-"
        + _take(cal.yyyymm, meetings["month"])
        + _take(("", "-BT"), (meetings["kind"] == 2).astype(int))
    )
    return ids.to_numpy(dtype=object)


def _meeting_table(
    meetings: Mapping[str, np.ndarray],
    meeting_ids: np.ndarray,
    cell_ids: np.ndarray,
    communes: pd.DataFrame,
    cells: pd.DataFrame,
    cal: _Calendar,
) -> pd.DataFrame:
    kind = meetings["kind"]
    pick = meetings["topic_pick"]
    # Every possible topic once; each meeting picks one by its kind.
    regular = [
        f"Sinh hoạt thường kỳ tháng {m}/{y}" for y, m in zip(cal.years, cal.month_numbers, strict=True)
    ]
    themes = [words.THEMATIC_RURAL, *words.THEMATIC_TOPICS[1:], words.THEMATIC_URBAN]
    thematic = [f"Chuyên đề: {t}" for t in themes]
    extraordinary = [f"Sinh hoạt bất thường: {t}" for t in words.EXTRAORDINARY_TOPICS]
    n_themes = len(words.THEMATIC_TOPICS)
    theme = pick % n_themes
    # topic 0 is the rural or the urban one, by the commune
    urban = (communes["level"].to_numpy() == "phường")[cells["commune"].to_numpy()][meetings["cell"]]
    theme = np.where((theme == 0) & urban, n_themes, theme)
    topic = np.where(
        kind == 0,
        meetings["month"],
        np.where(kind == 1, N_MONTHS + theme, N_MONTHS + len(thematic) + pick % len(extraordinary)),
    )
    counts = {
        k: pd.array(meetings[k], dtype="Int32")
        for k in ("expected", "present", "excused", "absent", "exempt")
    }
    return pd.DataFrame(
        {
            "meeting_id": _text(meeting_ids),
            "cell_id": _take(cell_ids, meetings["cell"]),
            "held_on": _date_col(meetings["held_on"]),
            "kind": _take(MEETING_KINDS, kind),
            "topic": _take(np.array(regular + thematic + extraordinary, dtype=object), topic),
            **counts,
        }
    )


def _attendance(
    rng: np.random.Generator,
    meetings: dict[str, np.ndarray],
    ms: Mapping[str, np.ndarray],
    members: pd.DataFrame,
    cells: pd.DataFrame,
    cal: _Calendar,
) -> dict[str, np.ndarray]:
    """Everyone on the roll on the meeting day gets a row; counts-only cells keep only the counts.

    Adds expected/present/excused/absent/exempt to `meetings` (null where rows are kept)
    and the simulated counts of every meeting (`n_present`, `n_counted`) for the ratings.
    """
    n_meetings = meetings["cell"].size
    groups = _Groups(ms["cell"], len(cells))
    meeting, pos = _expand(groups.count[meetings["cell"]])
    row = groups.order[groups.start[meetings["cell"][meeting]] + pos]
    day = meetings["held_on"][meeting]
    on_roll = (ms["from"][row] <= day) & (day <= ms["to"][row])
    meeting, row = meeting[on_roll], row[on_roll]
    member = ms["member"][row]
    roll_status = ms["status"][row]
    n = meeting.size

    # Chance of attending: the cell's habit, the season, a slow improvement, and the member.
    month = meetings["month"]
    per_meeting = (
        cells["p_present"].to_numpy()[meetings["cell"]]
        * SEASON[cal.month_numbers[month] - 1]
        * (0.99 + 0.01 * month / (N_MONTHS - 1))
    )
    p = per_meeting[meeting] * np.where(members["chronic"].to_numpy()[member], 0.7, 1.0)
    u = rng.random(n, dtype=np.float32)
    v = rng.random(n, dtype=np.float32)
    # active: present with probability p, else an outcome drawn from ACTIVE_CUTS;
    # away: seldom present, else excused or absent for that reason
    outcome = np.where(
        roll_status == ACTIVE,
        np.where(u < p, 0, 2 + np.searchsorted(ACTIVE_CUTS, v, side="right")),
        np.where(u < AWAY_PRESENT, 0, 8 + np.searchsorted(AWAY_CUTS, v, side="right")),
    ).astype(np.int8)
    outcome[roll_status == EXEMPT] = 1
    status = OUTCOME_STATUS[outcome]
    reason = OUTCOME_REASON[outcome]

    tally_all = np.bincount(meeting * 4 + status, minlength=n_meetings * 4).reshape(n_meetings, 4)
    tally = {name: tally_all[:, code] for code, name in enumerate(STATUSES)}
    expected = np.bincount(meeting, minlength=n_meetings)
    meetings["n_present"] = tally["present"]
    meetings["n_counted"] = expected - tally["exempt"]
    counted = cells["counts_only"].to_numpy()[meetings["cell"]]
    for name, values in (("expected", expected), *tally.items()):
        meetings[name] = np.where(counted, values, pd.NA).astype(object)
    keep = ~counted[meeting]
    return {"meeting": meeting[keep], "member": member[keep], "status": status[keep], "reason": reason[keep]}


# --- committee members and visits ----------------------------------------------------------


def _committee(
    rng: np.random.Generator, communes: pd.DataFrame, provinces: tuple[int, ...], cal: _Calendar
) -> dict[str, np.ndarray]:
    """15 provincial members per province and 3 per commune; a few seats change hands mid-range."""
    n_provinces = len(provinces)
    n_communes = len(communes)
    level = np.concatenate([np.full(15 * n_provinces, "province"), np.full(3 * n_communes, "commune")])
    area = np.concatenate([np.repeat(np.arange(n_provinces), 15), np.repeat(np.arange(n_communes), 3)])
    n = level.size
    first_from = _days(cal.start, -rng.integers(0, 400, n))
    changes = rng.random(n) < 0.12
    change_day = cal.first_days[rng.integers(6, N_MONTHS - 6, n)]
    changed = np.flatnonzero(changes)
    seat = np.concatenate([np.arange(n), changed])
    holder = {
        "seat": seat,
        "from": np.concatenate([first_from, change_day[changed]]),
        "to": np.concatenate([np.where(changes, change_day - 1, OPEN), np.full(changed.size, OPEN)]),
    }
    order = np.lexsort((holder["from"], seat))
    holder = {k: v[order] for k, v in holder.items()}
    seat = holder["seat"]
    count = seat.size
    province_ids = np.array([f"P{code:02d}" for code in provinces], dtype=object)
    commune_ids = communes["unit_id"].to_numpy(dtype=object)
    province_of_commune = communes["province"].to_numpy()
    is_province = level[seat] == "province"
    return {
        "person_id": np.char.add("CU-", np.char.zfill(np.arange(1, count + 1).astype(str), 4)).astype(object),
        "full_name": _full_names(rng, rng.random(count) < 0.3),
        "level": level[seat].astype(object),
        "area": area[seat],
        "province": np.where(
            is_province, area[seat], province_of_commune[np.where(is_province, 0, area[seat])]
        ),
        "unit_id": np.where(is_province, province_ids[area[seat] * is_province], commune_ids[area[seat]]),
        "from": holder["from"],
        "to": holder["to"],
    }


def _visits(
    rng: np.random.Generator,
    committee: dict[str, np.ndarray],
    meetings: Mapping[str, np.ndarray],
    cells: pd.DataFrame,
    communes: pd.DataFrame,
    cal: _Calendar,
) -> dict[str, np.ndarray]:
    """Commune members visit a cell of their commune most months; provincial ones every few months."""
    n = committee["level"].size
    mid_month = cal.first_days + 14
    serving = (committee["from"][:, None] <= mid_month) & (mid_month <= committee["to"][:, None])
    is_province = committee["level"] == "province"

    # commune level: most months (some members fall short of the monthly rule)
    diligence = rng.beta(14, 2, n)
    visit_c = serving & ~is_province[:, None] & (rng.random((n, N_MONTHS)) < diligence[:, None])
    # provincial level: every 2-5 months; a few are lax (gaps up to 9 months)
    lax = rng.random(n) < 0.15
    gaps = np.where(lax[:, None], rng.integers(4, 10, (n, 30)), rng.integers(2, 6, (n, 30)))
    first = np.where(lax, rng.integers(0, 9, n), rng.integers(0, 5, n))
    steps = first[:, None] + np.concatenate([np.zeros((n, 1), int), np.cumsum(gaps[:, :-1], axis=1)], axis=1)
    visit_p = np.zeros((n, N_MONTHS), bool)
    person, step = np.nonzero(steps < N_MONTHS)
    visit_p[person, steps[person, step]] = True
    visit_p &= serving & is_province[:, None]

    cell_commune = cells["commune"].to_numpy()[meetings["cell"]]
    cell_province = communes["province"].to_numpy()[cell_commune]
    usual = meetings["kind"] < 2
    by_commune = _Groups(
        np.where(usual, cell_commune * N_MONTHS + meetings["month"], len(communes) * N_MONTHS),
        len(communes) * N_MONTHS + 1,
    )
    n_provinces = int(communes["province"].max()) + 1
    by_province = _Groups(
        np.where(usual, cell_province * N_MONTHS + meetings["month"], n_provinces * N_MONTHS),
        n_provinces * N_MONTHS + 1,
    )

    person_c, month_c = np.nonzero(visit_c)
    twice = rng.random(person_c.size) < 0.1  # a second cell in some months
    person_c = np.concatenate([person_c, person_c[twice]])
    month_c = np.concatenate([month_c, month_c[twice]])
    meeting_c = by_commune.pick(rng, committee["area"][person_c] * N_MONTHS + month_c)
    person_p, month_p = np.nonzero(visit_p)
    meeting_p = by_province.pick(rng, committee["province"][person_p] * N_MONTHS + month_p)

    visits = pd.DataFrame(
        {"meeting": np.concatenate([meeting_c, meeting_p]), "person": np.concatenate([person_c, person_p])}
    )
    visits = visits[visits["meeting"] >= 0].drop_duplicates().sort_values(["person", "meeting"])
    return {"meeting": visits["meeting"].to_numpy(), "person": visits["person"].to_numpy()}


# --- briefings and opinions ----------------------------------------------------------------


def _briefings(
    rng: np.random.Generator, cells: pd.DataFrame, communes: pd.DataFrame, cal: _Calendar
) -> dict[str, np.ndarray]:
    """Each commune's monthly briefing of its cell secretaries, in commune then month order."""
    n_communes = len(communes)
    months = np.arange(N_MONTHS)
    exists = (cells["from_m"].to_numpy()[:, None] <= months) & (months < cells["to_m"].to_numpy()[:, None])
    cell, month = np.nonzero(exists)
    expected = np.bincount(
        cells["commune"].to_numpy()[cell] * N_MONTHS + month, minlength=n_communes * N_MONTHS
    )
    commune = np.repeat(np.arange(n_communes), N_MONTHS)
    month = np.tile(months, n_communes)
    held_on = _days(cal.first_days[month], rng.integers(21, 28, commune.size))
    suffix = _take(communes["unit_id"].to_numpy(dtype=object), commune) + "-" + _take(cal.yyyymm, month)
    return {
        "commune": commune,
        "month": month,
        "held_on": held_on,
        "suffix": suffix.to_numpy(dtype=object),
        "briefing_id": ("GB-" + suffix).to_numpy(dtype=object),
        "expected": expected,
        "present": expected - rng.binomial(expected, 0.05),
    }


def _opinions(
    rng: np.random.Generator,
    briefings: Mapping[str, np.ndarray],
    cells: pd.DataFrame,
    communes: pd.DataFrame,
    cal: _Calendar,
) -> pd.DataFrame:
    """8-10 reflections and 6-8 recommendations at every briefing, answered mostly by the next one."""
    n_briefings = briefings["commune"].size
    n_reflections = rng.integers(8, 11, n_briefings)
    per_briefing = n_reflections + rng.integers(6, 9, n_briefings)
    briefing, pos = _expand(per_briefing)
    n = briefing.size
    is_reflection = pos < n_reflections[briefing]
    commune = briefings["commune"][briefing]
    key = commune * N_MONTHS + briefings["month"][briefing]

    # The raising secretary's cell (mostly a residential one) and the place the text names.
    months = np.arange(N_MONTHS)
    exists = (cells["from_m"].to_numpy()[:, None] <= months) & (months < cells["to_m"].to_numpy()[:, None])
    pair_cell, pair_month = np.nonzero(exists)
    pair_key = cells["commune"].to_numpy()[pair_cell] * N_MONTHS + pair_month
    residential = cells["residential"].to_numpy()
    n_keys = len(communes) * N_MONTHS + 1
    any_cell = _Groups(pair_key, n_keys)
    res_cell = _Groups(np.where(residential[pair_cell], pair_key, n_keys - 1), n_keys)
    picked_any = pair_cell[any_cell.pick(rng, key)]
    picked_res = pair_cell[res_cell.pick(rng, key)]
    cell = np.where(rng.random(n) < 0.85, picked_res, picked_any)
    place_cell = np.where(residential[cell], cell, picked_res)
    place = cells["locality"].to_numpy(dtype=object)[place_cell]

    level = communes["level"].to_numpy(dtype=object)[commune]
    category = np.zeros(n, dtype=np.int64)
    for name, mix in words.CATEGORY_MIX.items():
        rows = np.flatnonzero(level == name)
        category[rows] = rng.choice(len(words.CATEGORIES), size=rows.size, p=np.array(mix) / sum(mix))

    # Texts: a template for the category and kind, with the place filled in.
    templates: list[str] = []
    offset = np.zeros((len(words.CATEGORIES), 2), dtype=np.int64)
    count = np.zeros((len(words.CATEGORIES), 2), dtype=np.int64)
    for c, code in enumerate(words.CATEGORIES):
        for k, group in enumerate(words.OPINION_TEMPLATES[code]):
            offset[c, k], count[c, k] = len(templates), len(group)
            templates.extend(group)
    kind_code = np.where(is_reflection, 0, 1)
    choice = offset[category, kind_code] + (rng.random(n) * count[category, kind_code]).astype(np.int64)
    commune_phrase = np.array([_in_sentence(s) for s in communes["name"]], dtype=object)[commune]
    text = _fill(templates, choice, {"place": place, "commune": commune_phrase})

    # The department answering depends on the category and on xã / phường / đặc khu.
    levels = list(words.CATEGORY_MIX)
    departments = np.empty((len(words.CATEGORIES), len(levels)), dtype=object)
    for c, code in enumerate(words.CATEGORIES):
        rural, urban = words.DEPARTMENTS[code]
        departments[c] = [rural, urban, rural.replace("Công an xã", "Công an đặc khu")]
    level_code = pd.Series(level).map({name: i for i, name in enumerate(levels)}).to_numpy(dtype=int)
    assigned_to = departments[category, level_code]

    # Answers: most by the next briefing, some late, the rest open; nothing after the data ends.
    raised_on = briefings["held_on"][briefing]
    has_next = briefings["month"][briefing] < N_MONTHS - 1
    due = np.where(has_next, briefings["held_on"][np.minimum(briefing + 1, n_briefings - 1)], raised_on + 30)
    window = (due - raised_on).astype(int)
    u = rng.random(n)
    on_time = np.where(
        rng.random(n) < 0.45, due, _days(raised_on, 1 + (rng.random(n) * window).astype(np.int64))
    )
    late = _days(due, rng.integers(5, 61, n))
    answered_on = np.where(u < 0.75, on_time, np.where(u < 0.88, late, np.datetime64("NaT")))
    answered_on = np.where(answered_on > cal.end, np.datetime64("NaT"), answered_on)
    answered = ~np.isnat(answered_on)
    year = np.where(answered, answered_on, raised_on).astype("datetime64[Y]").astype(int) + 1970
    answer = _fill(
        list(words.ANSWERS),
        np.where(answered, rng.integers(0, len(words.ANSWERS), n), -1),
        {"dept": assigned_to, "year": year.astype(str).astype(object), "commune": commune_phrase},
    )

    seq = np.char.zfill((pos + 1).astype(str), 2).astype(object)
    return pd.DataFrame(
        {
            "opinion_id": "YK-" + _take(briefings["suffix"], briefing) + "-" + _text(seq),
            "raised_on": _date_col(raised_on),
            "cell": cell,
            "briefing_id": _take(briefings["briefing_id"], briefing),
            "category": _take(words.CATEGORIES, category),
            "kind": _take(("reflection", "recommendation"), kind_code),
            "channel": _take(("meeting", "written"), (rng.random(n) >= 0.75).astype(int)),
            "text": _text(text),
            "assigned_to": _text(assigned_to),
            "answered_on": _date_col(answered_on),
            "answer": _text(answer),
        }
    )


# --- ratings -------------------------------------------------------------------------------


def _ratings(
    rng: np.random.Generator, meetings: Mapping[str, np.ndarray], cells: pd.DataFrame, cal: _Calendar
) -> dict[str, np.ndarray]:
    """A grade per cell and full calendar year, ranked on attendance and regularity plus judgement."""
    n_cells = len(cells)
    years = cal.years
    first = years[0] if cal.month_numbers[0] == 1 else years[0] + 1
    last = years[-1] if cal.month_numbers[-1] == 12 else years[-1] - 1
    n_years = years[-1] - years[0] + 1
    year_of = years[meetings["month"]] - years[0]
    key = meetings["cell"] * n_years + year_of
    present = np.bincount(key, weights=meetings["n_present"], minlength=n_cells * n_years)
    counted = np.bincount(key, weights=meetings["n_counted"], minlength=n_cells * n_years)
    usual = meetings["kind"] < 2
    held = np.bincount(key[usual], minlength=n_cells * n_years)
    months = np.arange(N_MONTHS)
    exists = (cells["from_m"].to_numpy()[:, None] <= months) & (months < cells["to_m"].to_numpy()[:, None])
    cell_m, month_m = np.nonzero(exists)
    lived = np.bincount(cell_m * n_years + years[month_m] - years[0], minlength=n_cells * n_years)

    rate = np.divide(present, counted, out=np.zeros_like(present), where=counted > 0)
    regularity = np.divide(held, lived, out=np.zeros(lived.size), where=lived > 0)
    out_cell, out_year, out_grade = [], [], []
    for year in range(first, last + 1):
        december = int(np.flatnonzero((years == year) & (cal.month_numbers == 12))[0])
        cell = np.flatnonzero(exists[:, december])
        index = cell * n_years + (year - years[0])
        score = _z(rate[index]) + 0.5 * _z(regularity[index]) + rng.normal(0, 0.8, cell.size)
        quantile = np.argsort(np.argsort(score)) / max(cell.size - 1, 1)
        out_cell.append(cell)
        out_year.append(np.full(cell.size, year))
        out_grade.append(np.searchsorted([0.05, 0.25, 0.80], quantile, side="right"))
    return {
        "cell": np.concatenate(out_cell) if out_cell else np.zeros(0, int),
        "year": np.concatenate(out_year) if out_year else np.zeros(0, int),
        "grade": np.concatenate(out_grade) if out_grade else np.zeros(0, int),
    }


def _z(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros(values.size)
