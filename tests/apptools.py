"""Reading what an AppTest drew: plotly figures (plotly 7 sends numbers as base64 arrays)."""

from __future__ import annotations

import base64
import json

import numpy as np


def figure(at, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def values(array) -> list:
    """A plotly array as a list, whether plain or {"dtype", "bdata"}."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def trace_values(at, chart: int = 0, trace: int = 0, axis: str = "y") -> list:
    return values(figure(at, chart)["data"][trace][axis])


def shown(table):
    """The text an st.dataframe element shows, cell by cell, under its headers: the display values of
    its Styler (the app's tables keep numbers as numbers and show them formatted), else its values."""
    from streamlit import dataframe_util

    values = table.value
    display = table.proto.arrow_data.styler.display_values
    if not display:
        return values
    text = dataframe_util.convert_arrow_bytes_to_pandas_df(display)
    text.columns = values.columns
    return text.reset_index(drop=True)


TABLE_KEY = "table_open_"  # cellboard.app.tables.table_key: a chart's "show the table" expander


def closed_tables(at) -> list[str]:
    """The keys of the chart-table expanders the page drew closed (their tables are not built)."""
    keys = []
    for expander in at.expander:
        element_id = expander.proto.id
        if TABLE_KEY in element_id and not expander.proto.expanded:
            keys.append(element_id[element_id.index(TABLE_KEY) :])
    return keys


def open_tables(at) -> None:
    """Open every chart's table, as a click on each "show the table" would, until none is left closed
    (an opened table can lead to no new one, but a drill-down's chart may appear on the same run)."""
    for _ in range(5):
        keys = closed_tables(at)
        if not keys:
            return
        for key in keys:
            at.session_state[key] = True
        at.run()
    raise AssertionError(f"tables still closed: {closed_tables(at)}")


def recorded_downloads(monkeypatch, *, made: bool) -> list[tuple[str, object]]:
    """Every file a download button offers during the test, in order: (file name, content). With
    `made`, the content as bytes (a function Streamlit would call on the click is called now, a
    file read, text encoded) and handed on so; else as the page handed it, a function or bytes."""
    from functools import partial

    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    files: list[tuple[str, object]] = []
    original = DeltaGenerator.download_button

    def recording(self, label, data, file_name=None, *args, **kwargs):
        if made:
            data = data() if callable(data) else data
            data = data.read() if hasattr(data, "read") else data
            data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        files.append((file_name or label, data))
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    # st.download_button is the main area's method, bound when Streamlit was imported
    monkeypatch.setattr(st, "download_button", partial(recording, st._main))
    return files


def check_template(template: object) -> None:
    """A template download handed over as a function (made when clicked: drawing a page loads no
    spreadsheet library) that makes the import format's blank workbook."""
    import io

    import openpyxl

    from cellboard import ingest

    assert callable(template)
    made = openpyxl.load_workbook(io.BytesIO(template()))
    blank = openpyxl.load_workbook(io.BytesIO(ingest.template_workbook()))
    assert made.sheetnames == blank.sheetnames and len(made.sheetnames) > 5
    for sheet in made.sheetnames:
        assert [cell.value for cell in made[sheet][1]] == [cell.value for cell in blank[sheet][1]], sheet
