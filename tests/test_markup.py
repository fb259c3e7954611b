"""Nothing from a link or the data is ever markup (issue 17, finding 3).

Hostile names (tests/hostile.py) go through every page of the app as an administrator and through
the refusal box and the link warnings with crafted `?unit=` and `?from=` links. Every string the app
sends to be drawn as Markdown (bodies, titles, captions, help, labels) carries them escaped; plotly
figures carry them HTML-escaped. The browser's side of it: tests/test_origin_browser.py.
"""

from __future__ import annotations

import json
import re

import hostile
import pytest

from cellboard import charts, text
from cellboard.text import VI, escape_markdown

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}
PAGES = ("overview", "participation", "opinions", "rankings", "supervision", "review", "data", "accounts")
PAGES += ("password",)
# Fields drawn as plain text (verified in Chromium: a selectbox's options and value, st.text), and
# plotly figures, which are checked as HTML below.
PLAIN_FIELDS = {"Selectbox.options", "Selectbox.raw_value", "Selectbox.default", "Text.body"}
# what any one of the hostile names would make if it were rendered as Markdown or HTML
RAW = ("**x**", "](http", "![", "<b>", "<img", "<a ")
ESCAPED_NAME = escape_markdown(hostile.HOSTILE)
PLOTLY_NAME = charts.plain(hostile.HOSTILE)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    return hostile.write(tmp_path_factory.mktemp("hostile") / "hostile.duckdb")


def _strings(message, path: str):
    for field, value in message.ListFields():
        single = isinstance(value, str | bytes | int | float) or hasattr(value, "ListFields")
        for item in [value] if single else value:
            if isinstance(item, str):
                yield f"{path}.{field.name}", item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, f"{path}.{field.name}")


def _nodes(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def drawn(at) -> tuple[list[tuple[str, str]], list[str]]:
    """(field, string) of every string the run sends to be drawn as markdown, and plotly figures' JSON."""
    markdown, figures = [], []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        name = proto.DESCRIPTOR.name
        if name == "PlotlyChart":
            figures.append(proto.spec)
        elif name != "Arrow":  # tables are drawn as text on a canvas
            markdown += [(f, s) for f, s in _strings(proto, name) if f not in PLAIN_FIELDS]
    return markdown, figures


def raw_markup(strings: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The strings holding markup that is not escaped (a backslash and what it escapes are left out)."""
    return [
        (field, value)
        for field, value in strings
        if any(raw in re.sub(r"\\.", "\0", value, flags=re.S) for raw in RAW)
    ]


def plotly_text(spec: str) -> list[str]:
    found = []

    def walk(value):
        if isinstance(value, dict):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)
        elif isinstance(value, str):
            found.append(value)

    walk(json.loads(spec))
    return found


def check_pages(at, pages=PAGES) -> tuple[list[str], list[str]]:
    """Every page: no raw markup in what is drawn as markdown or in a figure; returns what was shown."""
    shown_markdown, shown_plotly = [], []
    for page in pages:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        markdown, figures = drawn(at)
        assert raw_markup(markdown) == [], page
        for spec in figures:
            strings = plotly_text(spec)
            assert [s for s in strings if any(raw in s for raw in ("<b>b", "<img", "<a "))] == [], page
            shown_plotly += [s for s in strings if PLOTLY_NAME in s]
        shown_markdown += [f"{page}: {field}" for field, value in markdown if ESCAPED_NAME in value]
    return shown_markdown, shown_plotly


def test_the_escape_is_exact():
    assert escape_markdown("**x** [a](http://e.example/a) <b>") == (
        "\\*\\*x\\*\\* \\[a\\]\\(http\\:\u2060\\/\\/e\\.example\\/a\\) \\<b\\>"
    )
    assert escape_markdown("![i](x.png) $1$ :red[r] :smile: `c` ~s~ #1 |") == (
        "\\!\\[i\\]\\(x\\.png\\) \\$1\\$ \\:red\\[r\\] \\:smile\\: \\`c\\` \\~s\\~ \\#1 \\|"
    )
    assert escape_markdown("www.e.example a@e.example\nline\r\nend\\") == (
        "www\u2060\\.e\\.example a\\@\u2060e\\.example line end\\\\"
    )
    assert escape_markdown("Xã An Bình") == "Xã An Bình"
    assert charts.plain("<b>b</b> & <a href='x'>") == "&lt;b&gt;b&lt;/b&gt; &amp; &lt;a href='x'&gt;"


def test_hostile_names_in_one_communes_cells_are_text_on_every_page(app_on, hostile_db):
    at = app_on(hostile_db, unit="X1", cell="C3", opinion="O3", **JAN_FEB).run()
    assert not at.exception
    shown_markdown, shown_plotly = check_pages(at)
    # the names are shown, escaped: the unit in every page's header, the commune's cells, a cell's
    # meetings, its ranking and history, the one it was formed from
    headers = {entry.split(":")[0] for entry in shown_markdown if entry.endswith("Markdown.body")}
    assert headers == {"overview", "participation", "opinions", "rankings", "supervision", "review", "data"}
    assert "participation: Heading.body" in shown_markdown  # "Các chi bộ của Xã ..."
    assert "rankings: Heading.body" in shown_markdown  # "Lịch sử của Chi bộ 3 ..."
    captions = [value for field, value in drawn(at)[0] if field == "Markdown.body"]
    assert captions  # the last page (password) shows the account in the sidebar
    at.switch_page("pages/rankings.py").run()
    lineage = [c.value for c in at.caption if c.value.startswith("Chi bộ 3")]
    assert lineage == [
        VI.t(
            "lineage_caption",
            cell=escape_markdown(hostile.NAMES["C3"]),
            predecessors=escape_markdown(hostile.NAMES["C2"]),
        )
    ]
    assert len(shown_plotly) >= 5  # rate bars, heat map, regularity, absences, ranking, history...


def test_hostile_names_across_the_province_and_crafted_page_options(app_on, hostile_db):
    crafted = {"commune": "X1", "cell": "C2", "w_visits": hostile.IMAGE}
    at = app_on(hostile_db, unit="P", **crafted, **JAN_FEB).run()
    assert not at.exception
    at.switch_page("pages/rankings.py").run()
    assert VI.t("bad_weight", value=escape_markdown(hostile.IMAGE)) in [w.value for w in at.warning]
    assert [c.value for c in at.caption if c.value.startswith("Chi bộ 2")] == [
        VI.t(
            "merged_caption",
            cell=escape_markdown(hostile.NAMES["C2"]),
            successor=escape_markdown(hostile.NAMES["C3"]),
            date="01/02/2025",
        )
    ]
    assert raw_markup(drawn(at)[0]) == []
    shown_markdown, shown_plotly = check_pages(at, ("opinions", "supervision", "participation"))
    assert "participation: Selectbox.label" in shown_markdown  # "Các chi bộ của Xã ..." picks a cell
    assert len(shown_plotly) >= 5  # communes' rate bars, heat map, regularity, absences, treemap...
    at.query_params["commune"] = hostile.LINK  # a crafted drill-down
    at.switch_page("pages/participation.py").run()
    assert VI.t("drill_not_here", value=escape_markdown(hostile.LINK)) in [w.value for w in at.warning]
    assert raw_markup(drawn(at)[0]) == []


def test_a_crafted_link_is_text_in_the_refusal_box_and_the_link_warnings(app_on, hostile_db):
    at = app_on(
        hostile_db, as_account="x1", unit=hostile.REFUSAL_LINK_UNIT, **{"from": hostile.BAD_DATE_LINK}
    ).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        VI.t("scope_refused", unit=escape_markdown(hostile.REFUSAL_LINK_UNIT))
    ]
    assert [w.value for w in at.warning] == [VI.t("bad_date", value=escape_markdown(hostile.BAD_DATE_LINK))]
    assert "**Quản" not in at.error[0].value and "](http" not in at.error[0].value
    assert "![" not in at.warning[0].value

    at = app_on(hostile_db, unit=hostile.HOSTILE, **JAN_FEB).run()  # an administrator: an unknown unit
    assert not at.exception
    assert VI.t("unit_unknown", unit=ESCAPED_NAME) in [w.value for w in at.warning]
    assert raw_markup(drawn(at)[0]) == []


def test_a_typed_account_name_is_text_in_the_accounts_error(app_on, hostile_db):
    at = app_on(hostile_db).run()
    at.switch_page("pages/accounts.py").run()
    at.text_input(key="acc_name").input(hostile.LINK)
    at.text_input(key="acc_password").input("mat-khau-moi-1")
    at.text_input(key="acc_again").input("mat-khau-moi-1")
    at.button(key="FormSubmitter:account_add-" + VI.t("accounts_add")).click().run()
    assert not at.exception
    assert len(at.error) == 1 and escape_markdown(hostile.LINK) in at.error[0].value
    assert raw_markup(drawn(at)[0]) == []
    assert text.WORD_JOINER in at.error[0].value  # "http:" + word joiner + "//": no bare-URL link
