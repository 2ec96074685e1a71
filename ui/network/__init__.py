"""The network page's pieces, by what each does: the sidebar, cached runs and link (controls), the words and
formulas (words), and the charts (charts). Pages import them from here: `from ui import network as net`."""

from ui.network.charts import diagram, diagram_text, loss_chart, prediction_chart, restarts_chart
from ui.network.controls import (
    DEFAULT,
    EPOCH,
    LEDGER_STEPS,
    MAX_RESTARTS,
    PAGE,
    PARAM,
    RESTARTS,
    network_controls,
    publish,
    seed_views,
)
from ui.network.words import (
    ACTIVATION_SLOPE_TEX,
    ACTIVATION_TEX,
    amount,
    chain_rule_tex,
    epochs,
    gradient_table,
    loss_name,
)

__all__ = [
    "ACTIVATION_SLOPE_TEX",
    "ACTIVATION_TEX",
    "DEFAULT",
    "EPOCH",
    "LEDGER_STEPS",
    "MAX_RESTARTS",
    "PAGE",
    "PARAM",
    "RESTARTS",
    "amount",
    "chain_rule_tex",
    "diagram",
    "diagram_text",
    "epochs",
    "gradient_table",
    "loss_chart",
    "loss_name",
    "network_controls",
    "prediction_chart",
    "publish",
    "restarts_chart",
    "seed_views",
]
