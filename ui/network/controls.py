"""Page 5's sidebar, its cached runs and its link.

The view settings outside the config (the epoch shown, the parameter whose chain rule is written
out, the number of restarts) live in session keys of their own ("net_..."), so they never collide
with page 3's "epoch", while their URL keys stay short ("epoch", "param", "restarts").
"""

from __future__ import annotations

import streamlit as st

from gdcore import NetworkConfig, network
from gdcore.data import TITLES
from ui import cached, controls, state

PAGE = "network"
TARGET = "price"  # this page always predicts the price, in dollars
INPUT_KEYS = ("x1", "x2", "x3")
DEFAULT = NetworkConfig()
DEFAULT_PARAM = "w1"
DEFAULT_RESTARTS = 20
LEDGER_STEPS = 50  # the ledger shows the latest 50 steps (500 rows), so a long run stays quick to draw
MAX_RESTARTS = 50
# The view settings: URL key -> session key.
EPOCH, PARAM, RESTARTS = "net_epoch", "net_param", "net_restarts"

COLUMN_LABELS = {
    "bedrooms": "bedrooms",
    "bathrms": "bathrooms (bathrms)",
    "lotsize": "lot size (lotsize, square feet)",
    "stories": "stories (excluding the basement)",
    "garagepl": "garage places (garagepl)",
}
ACTIVATION_LABELS = {
    "sigmoid": "sigmoid: 1 ÷ (1 + e^−z), between 0 and 1",
    "tanh": "tanh: between −1 and 1",
    "relu": "relu: max(z, 0)",
}


# --- the columns a learner may pick ---------------------------------------------------------------


def input_columns(data: str) -> list[str]:
    """The data set's columns that hold only numbers, except the price: the inputs a learner may pick."""
    return [name for name in cached.numeric_columns(data) if name != TARGET]


def link_columns(data: str) -> dict[str, list[str]]:
    """The columns each input key of a link may name on the data set `data`; the target is the price."""
    return {key: input_columns(data) for key in INPUT_KEYS} | {"y": [TARGET]}


# --- controls and the link -----------------------------------------------------------------------


def _keep_inputs_distinct(changed: str) -> None:
    """Picking a column already used by another input swaps the two, so the three stay different."""
    previous = st.session_state.get(f"config:{PAGE}", DEFAULT)
    for other in INPUT_KEYS:
        if other != changed and st.session_state.get(other) == st.session_state[changed]:
            st.session_state[other] = getattr(previous, changed)


def network_controls() -> NetworkConfig:
    """The network's settings in the sidebar, seeded from the link; returns the page's config."""
    base = state.seed(PAGE, NetworkConfig, columns=link_columns, views=("epoch", "param", "restarts"))
    columns, rows, title = input_columns(base.data), cached.row_count(base.data), TITLES[base.data]
    with st.sidebar:
        st.subheader("The network")
        inputs = [
            st.selectbox(
                f"Input {key}",
                columns,
                format_func=lambda name: COLUMN_LABELS.get(name, name),
                key=key,
                on_change=_keep_inputs_distinct,
                args=(key,),
                help=f"Any numeric column of {title}. Picking one that another input uses swaps the two.",
            )
            for key in INPUT_KEYS
        ]
        activation = controls.choice(
            NetworkConfig,
            "act",
            "Activation of the hidden nodes",
            ACTIVATION_LABELS,
            help="The bend each hidden node puts on its sum. Without one, the network would be a straight line again.",
        )
        loss = controls.choice(
            NetworkConfig,
            "loss",
            "Loss",
            controls.LOSS_LABELS,
            help=f"Measured on the standardized price. The mean is the sum divided by {rows:,}, so its gradients are "
            f"{rows:,} times smaller.",
        )
        lr = controls.number(
            NetworkConfig,
            "lr",
            "Learning rate",
            step=0.01,
            fmt="%g",
            help="new = current − learning rate × gradient, for all 10 parameters. From 1e-9 (a crawl) to 1e6 "
            "(a blow-up): try both.",
        )
        epochs = controls.number(NetworkConfig, "epochs", "Epochs", step=50, help="How many steps (1 to 5,000).")
        seed = controls.number(
            NetworkConfig,
            "seed",
            "Seed",
            step=1,
            help="The 10 starting values are drawn at random from this seed: the same seed, the same start.",
        )
    if len(set(inputs)) < len(inputs):  # cannot happen through the widgets (they swap); never raise if it does
        inputs = list(DEFAULT.inputs)
    advanced = controls.training_controls(NetworkConfig, base, rows, PAGE)
    return NetworkConfig(
        data=base.data,
        learning_rate=lr,
        epochs=epochs,
        loss=loss,
        activation=activation,
        seed=seed,
        x1=inputs[0],
        x2=inputs[1],
        x3=inputs[2],
        y=TARGET,
        **advanced,
    )


def parameter_name(raw: str) -> str:
    """A parser for state.seed_view: one of the 10 parameter names, else ValueError."""
    if raw not in network.PARAMETERS:
        raise ValueError
    return raw


def seed_views(last: int) -> None:
    """The epoch shown (0..last), the parameter picked and the number of restarts, from the link."""
    state.seed_epoch(PAGE, last, key=EPOCH)
    listed = ", ".join(network.PARAMETERS)
    state.seed_view(PAGE, "param", DEFAULT_PARAM, parameter_name, f"it is not one of {listed}", key=PARAM)
    allowed = f"it must be a whole number from 1 to {MAX_RESTARTS}"
    state.seed_view(PAGE, "restarts", DEFAULT_RESTARTS, state.whole_number(1, MAX_RESTARTS), allowed, key=RESTARTS)


def publish(config: NetworkConfig) -> None:
    """Write the link: the config, then the view settings that differ from their defaults."""
    epoch, param, n = (st.session_state.get(key) for key in (EPOCH, PARAM, RESTARTS))
    state.publish(
        PAGE,
        config,
        epoch=epoch or None,
        param=None if param == DEFAULT_PARAM else param,
        restarts=None if n == DEFAULT_RESTARTS else n,
    )
