"""Targets the dashboard judges against, set in one place."""

# Attendance rate below which a commune or cell "fell below target" (docs/DOMAIN.md: most cells 90 %+).
ATTENDANCE_TARGET = 0.90
# Share of opinions answered on time below which a commune is flagged.
ON_TIME_TARGET = 0.80
# A cell with fewer meetings than this in the window is not ranked (docs/DOMAIN.md).
MIN_MEETINGS_TO_RANK = 3
