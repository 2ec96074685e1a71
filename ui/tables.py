"""Tables a learner can read: plain column names with units, the current row marked."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from gdcore import EpochRecord, ledger_rows
from ui.fmt import num

LEDGER_HEADERS = {
    "epoch": "epoch",
    "parameter": "parameter",
    "current": "current",
    "gradient": "gradient",
    "learning_rate": "learning rate",
    "new": "new = current − rate × gradient",
    "loss": "loss at current",
}


def ledger_frame(records: Sequence[EpochRecord], loss_name: str = "loss") -> pd.DataFrame:
    """The guided ledger: one row per parameter per epoch, newest epoch first and marked with ▶."""
    headers = LEDGER_HEADERS | {"loss": f"{loss_name} at current"}
    frame = pd.DataFrame(ledger_rows(records[::-1]), columns=list(headers)).rename(columns=headers)
    latest = records[-1].epoch if records else None
    frame.insert(0, "now", ["▶" if epoch == latest else "" for epoch in frame["epoch"]])
    # Written out as text: six significant figures, powers of ten only for huge or tiny numbers.
    for header in list(headers.values())[2:]:
        frame[header] = frame[header].map(num)
    return frame


def text_columns(frame: pd.DataFrame) -> dict:
    """Column settings for the ledger: the numbers are text, with a tooltip saying what each column is."""
    tips = {
        "gradient": "The slope of the loss for this parameter: how fast the loss rises as the parameter grows.",
        "new = current − rate × gradient": "The step: against the gradient, scaled by the learning rate.",
    }
    return {header: st.column_config.TextColumn(header, help=tips.get(header)) for header in frame.columns[3:]}


def highlight_latest(frame: pd.DataFrame):
    """Shade the latest epoch's rows (the ▶ column says the same without colour)."""
    return frame.style.apply(
        lambda row: ["background-color: #fdf0d5; font-weight: 600" if row["now"] else "" for _ in row], axis=1
    )
