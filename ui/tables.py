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
    "current": "current value",
    "gradient": "gradient (slope of the loss)",
    "learning_rate": "learning rate",
    "new": "new value = current − learning rate × gradient",
    "loss": "loss at current value",
}


def ledger_frame(records: Sequence[EpochRecord]) -> pd.DataFrame:
    """The guided ledger: one row per parameter per epoch, newest epoch first and marked with ▶."""
    frame = pd.DataFrame(ledger_rows(records[::-1]), columns=list(LEDGER_HEADERS)).rename(columns=LEDGER_HEADERS)
    latest = records[-1].epoch if records else None
    frame.insert(0, "now", ["▶" if epoch == latest else "" for epoch in frame["epoch"]])
    # Written out as text: six significant figures, powers of ten only for huge or tiny numbers.
    for header in list(LEDGER_HEADERS.values())[2:]:
        frame[header] = frame[header].map(num)
    return frame


LEDGER_FORMAT = {header: st.column_config.TextColumn(header) for header in list(LEDGER_HEADERS.values())[2:]}


def highlight_latest(frame: pd.DataFrame):
    """Shade the latest epoch's rows (the ▶ column says the same without colour)."""
    return frame.style.apply(
        lambda row: ["background-color: #fdf0d5; font-weight: 600" if row["now"] else "" for _ in row], axis=1
    )
