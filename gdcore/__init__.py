"""gdcore: gradient descent on a line and on a small network, in plain numpy, small enough to read in one sitting.

No streamlit and no plotly here: the pages draw, gdcore computes. `python -m gdcore` is its
command line.
"""

from gdcore.config import GuessConfig, SlopeConfig, from_query, to_query
from gdcore.data import (
    WINDSOR,
    DataError,
    Dataset,
    load_xy,
    mean_by_value,
    numeric_columns,
    read_table,
    select_columns,
    select_xy,
)
from gdcore.descent import LEDGER_COLUMNS, EpochRecord, Run, descend, ledger_rows
from gdcore.line import DescentConfig, Fit, epochs_to_converge, fit_line, initial_line, progress, verdict, why_different
from gdcore.narrate import KINDS, Verdict
from gdcore.network import NetworkConfig, NetworkFit, baseline_loss, fit_network, network_verdict, restart_losses

__all__ = [
    "KINDS",
    "LEDGER_COLUMNS",
    "WINDSOR",
    "DataError",
    "Dataset",
    "DescentConfig",
    "EpochRecord",
    "Fit",
    "NetworkConfig",
    "NetworkFit",
    "GuessConfig",
    "Run",
    "SlopeConfig",
    "Verdict",
    "baseline_loss",
    "descend",
    "epochs_to_converge",
    "fit_line",
    "fit_network",
    "from_query",
    "initial_line",
    "ledger_rows",
    "load_xy",
    "mean_by_value",
    "network_verdict",
    "numeric_columns",
    "progress",
    "read_table",
    "restart_losses",
    "select_columns",
    "select_xy",
    "to_query",
    "verdict",
    "why_different",
]
