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
