"""Fill docs/PERFORMANCE.md's measured tables and growth chart from bench JSON files.

    python -m cellboard bench --scale S --json > docs/bench/S.json   (and M, L)
    python -m cellboard bench --national 34 --json > docs/bench/national.json
    .venv/bin/python docs/make_performance.py

The tables sit between `<!-- measured:begin -->` and `<!-- measured:end -->`; the chart is
docs/performance-growth.png. Nothing here measures: it only lays out what the bench printed.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent
BENCH = DOCS / "bench"
SCALES = ("S", "M", "L")
TARGET_M_MS = 25
TARGET_L_MS = 60
CHARTED = (
    "participation_trend",
    "cell_ranking",
    "chronic_absentees",
    "recurring_opinions",
    "opinions_list",
    "opinions_list_search",
    "data_quality_warnings",
    "unit_tree",
)


def load() -> dict[str, dict]:
    return {scale: json.loads((BENCH / f"{scale}.json").read_text()) for scale in SCALES}


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def overview_table(runs: dict[str, dict]) -> list[str]:
    lines = [
        "| | S | M | L |",
        "| --- | ---: | ---: | ---: |",
        "| cells | " + " | ".join(number(cells(runs[s]), 0) for s in SCALES) + " |",
        "| members | " + " | ".join(number(runs[s]["rows"]["member"], 0) for s in SCALES) + " |",
        "| attendance rows | " + " | ".join(number(runs[s]["rows"]["attendance"], 0) for s in SCALES) + " |",
        "| meetings | " + " | ".join(number(runs[s]["rows"]["meeting"], 0) for s in SCALES) + " |",
        "| opinions | " + " | ".join(number(runs[s]["rows"]["opinion"], 0) for s in SCALES) + " |",
        "| file (MiB) | " + " | ".join(number(runs[s]["db_bytes"] / 2**20) for s in SCALES) + " |",
        "| demo build (s) | " + " | ".join(number(runs[s]["demo_seconds"]) for s in SCALES) + " |",
        "| commune-month import (ms) | "
        + " | ".join(number(runs[s]["import_commune_month_ms"], 0) for s in SCALES)
        + " |",
        "| review report, DOCX (ms) | " + " | ".join(number(runs[s]["report_ms"], 0) for s in SCALES) + " |",
        "| pandas: loading the tables (ms) | "
        + " | ".join(number(runs[s]["pandas_load_ms"], 0) for s in SCALES)
        + " |",
        "| peak memory of the bench (MiB) | "
        + " | ".join(number(runs[s]["peak_rss_mb"], 0) for s in SCALES)
        + " |",
    ]
    return lines


def cells(run: dict) -> int:
    return run["rows"].get("cell_facts") or run["rows"]["cell_commune"]


def query_table(runs: dict[str, dict]) -> list[str]:
    lines = [
        "| query | S | M | M min–max | M one commune | M pandas | M ratio | L | L one commune |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    order = sorted(runs["M"]["queries"], key=lambda name: -runs["M"]["queries"][name]["median_ms"])
    for name in order:
        m = runs["M"]["queries"][name]
        pandas_ms = m.get("pandas_median_ms")
        ratio = f"{number(pandas_ms / m['median_ms'])}×" if pandas_ms else "–"
        flag_m = " ⚠" if m["median_ms"] > TARGET_M_MS else ""
        large = runs["L"]["queries"].get(name, {})
        limit = 200 if name == "opinions_list_search" else TARGET_L_MS
        flag_l = " ⚠" if large.get("median_ms", 0) > limit else ""
        lines.append(
            f"| {name} | {number(runs['S']['queries'][name]['median_ms'])} "
            f"| {number(m['median_ms'])}{flag_m} | {number(m['min_ms'])}–{number(m['max_ms'])} "
            f"| {number(m.get('commune_median_ms'))} | {number(pandas_ms)} | {ratio} "
            f"| {number(large.get('median_ms'))}{flag_l} | {number(large.get('commune_median_ms'))} |"
        )
    return lines


def page_table(runs: dict[str, dict]) -> list[str]:
    lines = [
        "| page | S cold | S warm | M cold | M warm | L cold | L warm |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in runs["M"]["pages"]:
        cells_ = []
        for scale in SCALES:
            page = runs[scale]["pages"][name]
            cells_ += [number(page["cold_ms"], 0), number(page["warm_ms"], 0)]
        lines.append(f"| {name} | " + " | ".join(cells_) + " |")
    return lines


def national_table() -> list[str]:
    path = BENCH / "national.json"
    if not path.exists():
        return ["(no national trial on record: `python -m cellboard bench --national N --json`)"]
    trial = json.loads(path.read_text())
    lines = [
        f"{len(trial['provinces'])} provinces, {number(trial['attendance_rows'], 0)} attendance rows, "
        f"{number(trial['meeting_stats_rows'], 0)} meetings, {number(trial['db_bytes'] / 2**30, 2)} GiB of "
        f"DuckDB files; meeting_stats as Parquet: {number(trial['parquet_bytes'] / 2**20)} MiB, written in "
        f"{number(trial['parquet_write_seconds'])} s.",
        "",
        "| national question (6 months) | province files, ATTACH (ms) | Parquet by province (ms) |",
        "| --- | ---: | ---: |",
    ]
    for name in trial["attach_ms"]:
        lines.append(f"| {name} | {number(trial['attach_ms'][name])} | {number(trial['parquet_ms'][name])} |")
    return lines


def chart(runs: dict[str, dict], out: Path) -> None:
    import plotly.graph_objects as go

    rows = [runs[s]["rows"]["attendance"] for s in SCALES]
    figure = go.Figure()
    for name in CHARTED:
        figure.add_trace(
            go.Scatter(
                x=rows,
                y=[runs[s]["queries"][name]["median_ms"] for s in SCALES],
                mode="lines+markers",
                name=name,
            )
        )
    figure.add_trace(
        go.Scatter(
            x=rows,
            y=[max(p["warm_ms"] for p in runs[s]["pages"].values()) for s in SCALES],
            mode="lines+markers",
            name="slowest page, warm",
            line={"dash": "dash"},
        )
    )
    for target, label in ((TARGET_M_MS, "25 ms: M target"), (TARGET_L_MS, "60 ms: L target")):
        figure.add_hline(y=target, line_dash="dot", line_color="grey")
        # annotations on a log axis are placed by the logarithm of the value
        figure.add_annotation(x=1, xref="paper", y=math.log10(target), text=label, showarrow=False, yshift=8)
    figure.update_layout(
        title="Median time against attendance rows (S, M, L demos; this machine, 2 cores)",
        xaxis={"title": "attendance rows (log)", "type": "log"},
        yaxis={"title": "ms (log)", "type": "log", "range": [0, math.log10(400)]},
        width=1000,
        height=600,
        template="plotly_white",
    )
    figure.write_image(str(out))


def slowest(run: dict, count: int = 3) -> str:
    ranked = sorted(run["queries"].items(), key=lambda item: -item[1]["median_ms"])
    shown = ", ".join(f"{name} {number(entry['median_ms'])}" for name, entry in ranked[:count])
    rest = ranked[count][1]["median_ms"]
    return f"slowest: {shown}; all others ≤ {number(rest)}"


def pages_line(run: dict) -> str:
    warm = max(run["pages"].items(), key=lambda item: item[1]["warm_ms"])
    cold = max(run["pages"].items(), key=lambda item: item[1]["cold_ms"])
    return f"≤ {number(warm[1]['warm_ms'], 0)} ms warm ({warm[0]}), ≤ {number(cold[1]['cold_ms'], 0)} ms cold ({cold[0]})"


def targets_table(runs: dict[str, dict]) -> list[str]:
    m, large = runs["M"], runs["L"]
    ratios = {
        name: entry["pandas_median_ms"] / entry["median_ms"]
        for name, entry in m["queries"].items()
        if entry.get("pandas_median_ms")
    }
    low = min(ratios, key=ratios.get)
    search = large["queries"]["opinions_list_search"]["median_ms"]
    return [
        "| scale | target | measured (tables below) |",
        "| --- | --- | --- |",
        f"| M | every named query ≤ 25 ms median | {slowest(m)} |",
        f"| M | none slower than pandas; trend and ranking ≥ 3× faster | {number(ratios[low])}× ({low}) to "
        f"{number(max(ratios.values()))}×; trend {number(ratios['participation_trend'])}×, ranking "
        f"{number(ratios['cell_ranking'])}× |",
        f"| M | pages ≤ 250 ms warm, ≤ 1,5 s cold | {pages_line(m)} |",
        f"| M | demo ≤ 30 s, commune-month import ≤ 3 s, report ≤ 10 s | {number(m['demo_seconds'])} s; "
        f"{number(m['import_commune_month_ms'] / 1000, 2)} s; {number(m['report_ms'] / 1000)} s |",
        f"| L | every named query ≤ 60 ms (text search ≤ 200 ms) | {slowest(large, 2)}; search {number(search)} |",
        f"| L | pages ≤ 500 ms warm | {pages_line(large)} |",
    ]


# Issue 15's targets: (figure, M, L); each a limit in ms (MiB for memory).
CLICK_TARGETS = (
    ("Chromium page switch, median over pages", 400, 450),
    ("Chromium page switch, worst page", 500, 600),
    ("Chromium period change, median", 400, 500),
    ("Chromium period change, worst", 500, 700),
    ("first load including login", 3000, 3000),
    ("server rerun with nothing changed, worst page", 100, 120),
    ("server commune or period change, worst page", 150, 250),
    ("server peak memory after every page (MiB)", 350, 400),
    ("heaviest named query", 17, 50),
)


def second_runs() -> dict[str, dict]:
    """The second run of each scale the click targets are checked in (the bench file of the scale with "-2" after its name)."""
    found = {}
    for scale in ("M", "L"):
        path = BENCH / f"{scale}-2.json"
        if path.exists():
            found[scale] = json.loads(path.read_text())
    return found


def click_figures(run: dict) -> list[float | None]:
    """CLICK_TARGETS' figures of one bench run, both accounts' pages together."""
    pages = [page for key in ("interactions", "interactions_commune") for page in run[key].values()]

    def values(field: str) -> list[float]:
        return [page[field] for page in pages if page.get(field) is not None]

    switch, period = values("browser_switch_ms"), values("browser_period_change_ms")
    changes = values("server_unit_change_ms") + values("server_period_change_ms")
    heaviest = max(
        entry["median_ms"] for name, entry in run["queries"].items() if name != "opinions_list_search"
    )
    return [
        median(switch),
        max(switch),
        median(period),
        max(period),
        run["first_load_ms"],
        max(values("server_rerun_ms")),
        max(changes),
        run["server_peak_rss_mb"],
        heaviest,
    ]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def click_targets_table(runs: dict[str, dict], seconds: dict[str, dict]) -> list[str]:
    columns = [
        (scale, label, run)
        for scale in ("M", "L")
        for label, run in (("run 1", runs[scale]), ("run 2", seconds.get(scale)))
    ]
    figures = {
        (scale, label): click_figures(run) if run and "interactions" in run else None
        for scale, label, run in columns
    }
    lines = [
        "| figure | M target | M run 1 | M run 2 | L target | L run 1 | L run 2 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row, (name, m_limit, l_limit) in enumerate(CLICK_TARGETS):
        cells = []
        for scale, label, _ in columns:
            found = figures[(scale, label)]
            value = None if found is None else found[row]
            limit = m_limit if scale == "M" else l_limit
            mark = "" if value is None or value <= limit else " ⚠"
            cells.append(number(value, 0 if limit >= 100 else 1) + mark)
        lines.append(
            f"| {name} | ≤ {number(m_limit, 0)} | {cells[0]} | {cells[1]} | ≤ {number(l_limit, 0)} | {cells[2]} | {cells[3]} |"
        )
    return lines


def click_table(run: dict) -> list[str]:
    """One run's `interactions` and `interactions_commune`, page by page, and its floor."""
    fields = (
        "server_open_ms",
        "server_rerun_ms",
        "server_unit_change_ms",
        "server_period_change_ms",
        "browser_switch_ms",
        "browser_period_change_ms",
    )
    lines = [
        "| account | page | server open | server rerun | server commune change | server period change | "
        "Chromium page switch | Chromium period change |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, who in (("interactions", "administrator"), ("interactions_commune", "commune")):
        for page, entry in run[key].items():
            if all(entry.get(field) is None for field in fields):
                continue  # a page the account may not open
            lines.append(
                f"| {who} | {page} | " + " | ".join(number(entry.get(field), 0) for field in fields) + " |"
            )
    floor = run["floor"]
    lines += [
        "",
        f"First load with login {number(run['first_load_ms'], 0)} ms; server peak memory "
        f"{number(run['server_peak_rss_mb'], 0)} MiB; medians of {run['interaction_runs']}. Streamlit's floor "
        f"in the same run (the same sidebar, no data work): rerun {number(floor['server_rerun_ms'], 0)} ms, "
        f"page switch {number(floor['browser_switch_ms'], 0)} ms.",
    ]
    return lines


def click_sections(runs: dict[str, dict]) -> list[str]:
    seconds = second_runs()
    sections = [
        "### Clicks: what a person waits for (issue 15's targets)",
        "",
        *click_targets_table(runs, seconds),
    ]
    for scale in ("M", "L"):
        for label, run in (("run 1", runs[scale]), ("run 2", seconds.get(scale))):
            if run and "interactions" in run:
                sections += ["", f"#### {scale}, {label} (ms)", "", *click_table(run)]
    return sections


def main() -> None:
    runs = load()
    sections = [
        "### Where the targets stand",
        "",
        *targets_table(runs),
        "",
        *click_sections(runs),
        "",
        "### The demos and the one-off costs",
        "",
        *overview_table(runs),
        "",
        "### Named queries (median of 7 warm runs, whole tree unless marked; ⚠ over target)",
        "",
        *query_table(runs),
        "",
        "### Pages (server-side render in AppTest, as an administrator, ms)",
        "",
        *page_table(runs),
        "",
        "### National trial",
        "",
        *national_table(),
    ]
    doc = DOCS / "PERFORMANCE.md"
    text = doc.read_text(encoding="utf-8")
    filled = re.sub(
        r"<!-- measured:begin -->.*<!-- measured:end -->",
        lambda _: "<!-- measured:begin -->\n" + "\n".join(sections) + "\n<!-- measured:end -->",
        text,
        flags=re.S,
    )
    doc.write_text(filled, encoding="utf-8")
    chart(runs, DOCS / "performance-growth.png")


if __name__ == "__main__":
    main()
