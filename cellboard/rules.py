"""The rules the dashboard judges by, set in one place: targets, the minimum to rank, the score's weights.

Python reads them from here (pages, charts, the review, the benchmark's baseline); SQL gets them as
parameters the code binds itself (QUERY_PARAMETERS), never typed by a user.
"""

# Attendance rate below which a commune or cell "fell below target" (docs/DOMAIN.md: most cells 90 %+).
ATTENDANCE_TARGET = 0.90
# Share of opinions answered on time below which a commune is flagged.
ON_TIME_TARGET = 0.80
# A cell with fewer meetings than this in the window is not ranked (docs/DOMAIN.md).
MIN_MEETINGS_TO_RANK = 3
# A cell "needs help" after this many consecutive months below the attendance target.
MONTHS_BELOW_TARGET_FOR_HELP = 3
# An opinion still unanswered this many days after it was raised is a data-quality warning.
UNANSWERED_DAYS = 60
# An unanswered opinion due within this many days (its due day included) is "due soon" on the
# Answers page: a department's week to answer before it is late.
DUE_SOON_DAYS = 7
# The weights of a cell's score (cell_ranking's $w_* when the user gives none): URL key -> weight.
DEFAULT_WEIGHTS = {"w_attendance": 0.4, "w_regularity": 0.3, "w_thematic": 0.2, "w_visits": 0.1}

# The rules as SQL parameters: name -> value. The query layer binds those a query names (DuckDB
# refuses a named parameter a query does not use); they are not parameters a caller may set.
QUERY_PARAMETERS = {
    "attendance_target": ATTENDANCE_TARGET,
    "on_time_target": ON_TIME_TARGET,
    "min_meetings_to_rank": MIN_MEETINGS_TO_RANK,
    "months_below_target_for_help": MONTHS_BELOW_TARGET_FOR_HELP,
    "unanswered_days": UNANSWERED_DAYS,
    "due_soon_days": DUE_SOON_DAYS,
    **{"default_" + key: weight for key, weight in DEFAULT_WEIGHTS.items()},
}


def query_parameters(wanted) -> dict[str, float]:
    """The rules a query names among its parameters (`wanted`), to bind with the caller's."""
    return {name: value for name, value in QUERY_PARAMETERS.items() if name in wanted}
