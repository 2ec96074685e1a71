"""The network page's sidebar, its cached runs and its link.

The view settings outside the config (the epoch shown, the parameter whose chain rule is written
out, the number of restarts) live in session keys of their own ("net_..."), so they never collide
with the descent page's "epoch", while their URL keys stay short ("epoch", "param", "restarts").
"""

from __future__ import annotations

import streamlit as st

from gdcore import NetworkConfig, network
from gdcore.data import SHIPPED
from gdcore.upload import problem_with_inputs, too_narrow
from ui import cached, controls, literal, state, uploads

PAGE = "network"
TARGET = "price"  # on the house data the network predicts the price, in dollars; on an upload, the y picked
INPUT_KEYS = ("x1", "x2", "x3")
COLUMN_KEYS = (*INPUT_KEYS, "y")
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
    """The columns a learner may pick as inputs: the house data's numeric ones except the price; any of an
    upload's (the page asks for four different ones)."""
    return [name for name in cached.numeric_columns(data) if data not in SHIPPED or name != TARGET]


def link_columns(data: str) -> dict[str, list[str]]:
    """The columns each column key of a link may name on the data set `data`; on the house data y is the price."""
    columns = input_columns(data)
    return {key: columns for key in INPUT_KEYS} | {"y": columns if data not in SHIPPED else [TARGET]}


def default_columns(data: str) -> dict[str, str]:
    """The columns a data set starts on: the house data's bedrooms, bathrms, lotsize and price; an upload's first
    three numeric columns as inputs and its last as y (as many as it has: fewer than four get a sentence)."""
    if data in SHIPPED:
        return {key: getattr(DEFAULT, key) for key in COLUMN_KEYS}
    columns = cached.numeric_columns(data)
    picks = [*columns[:-1][:3], columns[-1]] if len(columns) >= 4 else columns[:4]
    return dict(zip(COLUMN_KEYS[: len(picks) - 1] + ("y",), picks)) if len(picks) >= 2 else {}


def _new_data() -> None:
    """Another data set picked: its default columns."""
    for key in COLUMN_KEYS:
        st.session_state.pop(key, None)
    st.session_state.update(default_columns(st.session_state["data"]))


def _stop(problem: str) -> None:
    """Say what is wrong with the columns in the page and draw no more of it (ui.controls.sidebar): another pick in
    the sidebar mends it."""
    raise controls.Refused(problem)


def column_controls(base, page: str) -> tuple[str, tuple[str, str, str], str]:
    """The data set (when this session has uploads), three input columns and, on an upload, y: (data, inputs, y).

    `base`: the page's config (data, x1, x2, x3, y). Too few numeric columns, the same one twice or a constant
    one get a sentence, and the page stops there until another pick mends it.
    """
    data = uploads.picker(base.data, on_change=_new_data)
    allowed = link_columns(data)
    if data not in SHIPPED and too_narrow(cached.table(data), len(INPUT_KEYS)):  # no column menus to draw
        _stop(too_narrow(cached.table(data), len(INPUT_KEYS)))
    for key, value in default_columns(data).items():  # a value the data set has no column for starts over
        if st.session_state.get(key) not in allowed[key]:
            st.session_state[key] = value
    drawn = COLUMN_KEYS if data not in SHIPPED else INPUT_KEYS  # the house data's y is the price
    picked = {
        key: st.selectbox(
            "y: predict" if key == "y" else f"Input {key}",
            allowed[key],
            format_func=lambda name: COLUMN_LABELS.get(name, name) if data in SHIPPED else name,
            key=key,
            on_change=_keep_columns_distinct,
            args=(key, page),
            help="The column the network predicts."
            if key == "y"
            else f"Any numeric column of {literal.md(uploads.title(data))}. Picking one that another column uses "
            "swaps the two.",
        )
        for key in drawn
    }
    picked.setdefault("y", TARGET)
    st.session_state[f"columns:{page}"] = picked  # what a swap gives back (ui.state keeps no config if we stop)
    inputs, y = (picked["x1"], picked["x2"], picked["x3"]), picked["y"]
    problem = problem_with_inputs(cached.table(data), inputs, y)
    if problem:
        _stop(problem)
    return data, inputs, y


# --- controls and the link -----------------------------------------------------------------------


def _keep_columns_distinct(changed: str, page: str = PAGE) -> None:
    """Picking a column already used by another input (or y) swaps the two, so all stay different."""
    previous = st.session_state.get(f"columns:{page}") or {key: getattr(DEFAULT, key) for key in COLUMN_KEYS}
    for other in COLUMN_KEYS:
        if other != changed and st.session_state.get(other) == st.session_state[changed]:
            st.session_state[other] = previous[changed]


def network_controls() -> NetworkConfig:
    """The network's settings in the sidebar, seeded from the link; returns the page's config."""
    base = state.seed(PAGE, NetworkConfig, columns=link_columns, views=("epoch", "param", "restarts"), uploads=True)
    with controls.sidebar():
        st.subheader("The network")
        data, inputs, y = column_controls(base, PAGE)
    rows, y_word = cached.row_count(data), "price" if data in SHIPPED else y
    with st.sidebar:
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
            help=f"Measured on the standardized {literal.md(y_word)}. The mean is the sum divided by {rows:,}, so its "
            f"gradients are {rows:,} times smaller.",
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
    advanced = controls.training_controls(NetworkConfig, base, rows, PAGE)
    return NetworkConfig(
        data=data,
        learning_rate=lr,
        epochs=epochs,
        loss=loss,
        activation=activation,
        seed=seed,
        x1=inputs[0],
        x2=inputs[1],
        x3=inputs[2],
        y=y,
        **advanced,
    )


def parameter_name(raw: str) -> str:
    """A parser for state.seed_view: one of the 10 parameter names, else ValueError."""
    if raw not in network.PARAMETERS:
        raise ValueError
    return raw


# The view settings besides the epoch, as the link and a run file keep them: URL key -> (session key, default,
# parser of the link's text, what the value may be in words).
VIEWS = {
    "param": (PARAM, DEFAULT_PARAM, parameter_name, f"it is not one of {', '.join(network.PARAMETERS)}"),
    "restarts": (
        RESTARTS,
        DEFAULT_RESTARTS,
        state.whole_number(1, MAX_RESTARTS),
        f"it must be a whole number from 1 to {MAX_RESTARTS}",
    ),
}


def seed_views() -> None:
    """The parameter picked and the number of restarts, from the link (ui.opening.top seeds the epoch shown)."""
    for url, (key, default, parse, allowed) in VIEWS.items():
        state.seed_view(PAGE, url, default, parse, allowed, key=key)


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
