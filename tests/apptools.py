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
