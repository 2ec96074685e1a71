"""Tables a learner can read: plain column names with units, the current row marked."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from gdcore import EpochRecord, ledger_rows
from gdcore.descent import ledger_columns
from ui.fmt import money, num

LEDGER_HEADERS = {
    "epoch": "epoch",
    "parameter": "parameter",
    "current": "current",
    "gradient": "gradient",
    "learning_rate": "learning rate",
    "new": "new",  # = current − rate × gradient: the column's tooltip; short, so the column fits a phone
    "loss": "loss at current",
}


STEP_HEADERS = {
    "step": "step",
    "update": "update",
    "rows": "rows in the batch",
    "velocity": "velocity v",
    "sum_sq": "sum of g² (G)",
    "mean_sq": "average of g² (E)",
    "m": "m",
    "v": "v",
    "m_hat": "m̂",
    "v_hat": "v̂",
}


def rows_summary(text: str, rows: int) -> str:
    """'all 546' for a full batch, else how many rows and the first few of them."""
    numbers = text.split()
    if len(numbers) == rows:
        return f"all {rows:,}"
    head = ", ".join(str(int(n) + 1) for n in numbers[:6])  # 1-based, as a learner counts houses
    return f"{len(numbers)}: rows {head}{', …' if len(numbers) > 6 else ''}"  # houses, or an upload's rows


def ledger_frame(
    records: Sequence[EpochRecord],
    loss_name: str = "loss",
    optimizer: str = "gd",
    extended: bool = False,
    rows: int = 0,
) -> pd.DataFrame:
    """The guided ledger: one row per parameter per step, newest first, the latest marked with ▶.

    `extended` adds the step, the update, the batch's rows and the optimizer's memory after the step.
    """
    headers = LEDGER_HEADERS | {"loss": f"{loss_name} at current (all rows)" if extended else f"{loss_name} at current"}
    if extended:
        headers |= {name: STEP_HEADERS[name] for name in ledger_columns(optimizer, True)[len(LEDGER_HEADERS) :]}
    frame = pd.DataFrame(ledger_rows(records[::-1], extended), columns=list(headers)).rename(columns=headers)
    latest = records[-1].step if records else None
    steps = [r.step for r in records[::-1] for _ in r.names]
    frame.insert(0, "now", ["▶" if step == latest else "" for step in steps])
    # Written out as text: six significant figures, powers of ten only for huge or tiny numbers.
    for name, header in headers.items():
        if name == "rows":
            frame[header] = frame[header].map(lambda text: rows_summary(text, rows))
        elif name not in ("epoch", "parameter", "step"):
            frame[header] = frame[header].map(num)
    # The columns a learner checks first, and all that fit a phone's width: which step and parameter,
    # current, gradient, new. The ▶ mark and the rest follow.
    first = [headers[name] for name in ("epoch", "parameter", "current", "gradient", "new")]
    return frame[first + [column for column in frame.columns if column not in first]]


def written(frame: pd.DataFrame, dollars: Sequence[str] = ()) -> pd.DataFrame:
    """Every cell as text by the number rule (ui/fmt.py), the `dollars` columns as $51,886: a table
    writes a number as the sentences do, and a test reads what the learner reads."""
    return frame.apply(lambda column: column.map(money if column.name in dollars else num))


def right_aligned(frame: pd.DataFrame) -> dict:
    """Column settings that keep numbers written as text right-aligned, digits under digits."""
    return {name: st.column_config.TextColumn(alignment="right") for name in frame.columns}


def tips(frame: pd.DataFrame | Sequence[str]) -> dict[str, str]:
    """What the ledger's columns are, for their tooltips (`frame`: a table, or its column names)."""
    columns = list(frame.columns) if isinstance(frame, pd.DataFrame) else list(frame)
    tips = {
        "gradient": "The slope of the loss for this parameter: how fast the loss rises as the parameter grows.",
        "new": "new = current − learning rate × gradient: a step against the gradient, scaled by the learning rate."
        if "update" not in columns
        else "new = current − update.",
    }
    tips["update"] = "What the step subtracts: new = current − update. Plain descent: learning rate × gradient."
    return {header: tip for header, tip in tips.items() if header in columns}
