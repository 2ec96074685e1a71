"""Page 5's pieces: the network's controls, its cached runs, the diagram and the page's own charts.

The view settings outside the config (the epoch shown, the parameter whose chain rule is written
out, the number of restarts) live in session keys of their own ("net_..."), so they never collide
with page 3's "epoch", while their URL keys stay short ("epoch", "param", "restarts").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import gdcore
from gdcore import NetworkConfig, NetworkFit, network
from gdcore.config import shown
from gdcore.data import TITLES
from ui import cached, charts, controls, state
from ui.fmt import num, tex

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
# LaTeX for the activation and its slope, used in the chain rule.
ACTIVATION_TEX = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{relu}"}
ACTIVATION_SLOPE_TEX = {
    "sigmoid": r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
    "tanh": r"\tanh'(z) = 1 - \tanh^2(z)",
    "relu": r"\operatorname{relu}'(z) = 1 \text{ if } z > 0 \text{, else } 0",
}


# --- data and cached runs ------------------------------------------------------------------------


def input_columns(data: str) -> list[str]:
    """The data set's columns that hold only numbers, except the price: the inputs a learner may pick."""
    return [name for name in cached.numeric_columns(data) if name != TARGET]


def link_columns(data: str) -> dict[str, list[str]]:
    """The columns each input key of a link may name on the data set `data`; the target is the price."""
    return {key: input_columns(data) for key in INPUT_KEYS} | {"y": [TARGET]}


@st.cache_data(show_spinner=False, max_entries=64)
def fit(config: NetworkConfig) -> NetworkFit:
    """The descent `config` describes, on its data set."""
    return gdcore.fit_network(config, *cached.house_columns(config.data, config.inputs, config.y))


@st.cache_data(show_spinner=False, max_entries=32)
def _restarts(config: NetworkConfig, n: int) -> list[tuple[int, float]]:
    return gdcore.restart_losses(config, *cached.house_columns(config.data, config.inputs, config.y), range(n))


def restarts(config: NetworkConfig, n: int) -> list[tuple[int, float]]:
    """(seed, final loss) for seeds 0..n-1, all else as in `config`; inf for a run that diverged.

    Keyed on the config without its seed, so picking another seed for the page's run reuses them.
    """
    return _restarts(replace(config, seed=DEFAULT.seed), n)


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
    advanced = controls.training_controls(NetworkConfig, base, rows)
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


def seed_view(url: str, key: str, default: object, parse: Callable[[str], object], allowed: str) -> None:
    """A view setting outside the config: from the link once a visit (else from the last visit).

    `parse` turns the link's text into a value or raises ValueError; `allowed` says in words what it
    may be, for the note a bad value gets.
    """
    if key in st.session_state and not st.session_state.get("_new_visit", True):
        return
    raw = st.query_params.get(url)
    value = st.session_state.get(f"view:{PAGE}:{url}")
    value = default if value is None else value
    if raw is not None:
        try:
            value = parse(raw)
        except ValueError:
            state.add_note(PAGE, f"The link's {url}={shown(raw)} was ignored ({allowed}); showing {default} instead.")
            value = default
    st.session_state[key] = value


def whole_number(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError
        return value

    return parse


def parameter_name(raw: str) -> str:
    if raw not in network.PARAMETERS:
        raise ValueError
    return raw


def seed_views(last: int) -> None:
    """The epoch shown (0..last), the parameter picked and the number of restarts, from the link."""
    seed_view("epoch", EPOCH, 0, whole_number(0, last), f"this run has epochs 0 to {last}")
    seed_view("param", PARAM, DEFAULT_PARAM, parameter_name, f"it is not one of {', '.join(network.PARAMETERS)}")
    seed_view(
        "restarts",
        RESTARTS,
        DEFAULT_RESTARTS,
        whole_number(1, MAX_RESTARTS),
        f"it must be a whole number from 1 to {MAX_RESTARTS}",
    )
    st.session_state[EPOCH] = min(max(int(st.session_state[EPOCH]), 0), last)


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


# --- words ---------------------------------------------------------------------------------------


def epochs(n: int) -> str:
    """'1 epoch', '5,000 epochs'."""
    return f"{n:,} epoch{'' if n == 1 else 's'}"


def loss_name(config: NetworkConfig) -> str:
    return "SSE" if config.loss == "sse" else "MSE"


def amount(value: float, units: str) -> str:
    """'1.23 standardized units²', or words when the number no longer fits in a float."""
    return f"{num(value)} {units}" if math.isfinite(value) else "too large to store in a 64-bit float"


def dollars_error(fit: NetworkFit, loss: float) -> float:
    """The root mean squared error in dollars, from the loss on the standardized price."""
    mse = loss / (1 if fit.config.loss == "mse" else len(fit.y))
    with np.errstate(all="ignore"):
        return float(np.sqrt(mse) * fit.y_std)


# --- the chain rule ------------------------------------------------------------------------------


def factor_tex(factor: str, config: NetworkConfig, name: str, n: int, house: str = "i") -> tuple[str, str]:
    """(a factor of network.chain_rule in LaTeX, what it is the derivative of), for dL/d`name`."""
    if factor == "dL/dprediction":
        scale = rf"\tfrac{{2}}{{{n}}}" if config.loss == "mse" else "2"
        loss = rf"\text{{{loss_name(config)}}}"
        return rf"-{scale}(y_{house} - \hat y_{house})", rf"\partial\,{loss} / \partial \hat y_{house}"
    if factor.startswith("act'"):
        j = factor[-2]
        return rf"{ACTIVATION_TEX[config.activation]}'(z_{{{j},{house}}})", rf"\partial h_{j} / \partial z_{j}"
    kind, j = factor[0], factor[1:]
    if kind == "w":  # w7 or w8: how the prediction moves with a hidden node
        return rf"w_{j}", rf"\partial \hat y / \partial h_{int(j) - 6}"
    if kind == "h":  # the hidden node's value, for w7 or w8
        return rf"h_{{{j},{house}}}", rf"\partial \hat y / \partial w_{int(j) + 6}"
    node = network.PARAMETERS.index(name) // 3 + 1  # an input, for w1..w6: z_node = ... + weight * x_j + ...
    return rf"x_{{{j},{house}}}", rf"\partial z_{node} / \partial w_{name[1:]}"


def chain_rule_tex(config: NetworkConfig, name: str, factors: dict[str, np.ndarray]) -> tuple[str, str]:
    """The general formula for dL/d`name`, and the first house's factors multiplied out, in LaTeX."""
    loss = loss_name(config)
    symbol = f"{name[0]}_{name[1:]}"
    n = len(next(iter(factors.values())))
    general, first = [], []
    for factor, values in factors.items():
        formula, meaning = factor_tex(factor, config, name, n)
        general.append(rf"\underbrace{{{formula}}}_{{{meaning}}}")
        below = factor_tex(factor, config, name, n, "1")[0]
        first.append(rf"\underbrace{{{tex(float(values[0]), wrap=True)}}}_{{{below}}}")
    if name.startswith("b"):  # a bias adds 1 x itself to z, so its last factor is 1
        general.append(rf"\underbrace{{1}}_{{\partial z_{name[1:]} / \partial b_{name[1:]}}}")
        first.append("1")
    with np.errstate(all="ignore"):
        product = float(np.prod([values[0] for values in factors.values()]))
    lhs = rf"\frac{{\partial\,\text{{{loss}}}}}{{\partial {symbol}}}"
    return (
        rf"{lhs} = \sum_{{i=1}}^{{{n}}} " + r" \cdot ".join(general),
        r"\text{house 1: } " + r" \times ".join(first) + rf" = {tex(product)}",
    )


def gradient_check(
    fit: NetworkFit, params: Sequence[float], analytic: Sequence[float]
) -> tuple[pd.DataFrame, float | None]:
    """Each parameter's gradient by backpropagation beside a central finite difference, as text;
    and the largest relative error (None if the numbers are too large to compare)."""
    config = fit.config

    def loss(p: np.ndarray) -> float:
        return network.loss(p, fit.X, fit.y, config.activation, config.loss)

    with np.errstate(all="ignore"):
        numerical = network.numerical_gradient(loss, params)
    rows, errors = [], []
    for name, a, d in zip(network.PARAMETERS, analytic, numerical):
        if not (math.isfinite(a) and math.isfinite(d)):
            errors.append(math.inf)
            rows.append((name, num(a), num(d), "cannot compare: the loss is too large to store near here"))
            continue
        errors.append(0.0 if a == d else abs(a - d) / max(abs(a), abs(d)))
        rows.append((name, num(a), num(d), "0 (identical)" if a == d else num(errors[-1], 2)))
    worst = max(errors)
    frame = pd.DataFrame(
        rows,
        columns=[
            "parameter",
            "backpropagation (chain rule)",
            "finite difference (nudge ±0.000001)",
            "relative error",
        ],
    )
    return frame, worst if math.isfinite(worst) else None


# --- charts --------------------------------------------------------------------------------------

# Where the nodes sit: inputs on the left (top to bottom), the hidden nodes, the output.
INPUT_XY = ((0.0, 2.0), (0.0, 1.0), (0.0, 0.0))
HIDDEN_XY = ((1.0, 1.6), (1.0, 0.4))
OUTPUT_XY = (2.0, 1.0)


def _edge_style(value: float) -> dict:
    """Blue and solid for a positive weight, vermillion and dashed for a negative one; thicker when larger."""
    size = min(abs(value), 2.0) if math.isfinite(value) else 2.0
    positive = value >= 0
    return dict(
        color=charts.BLUE if positive else charts.VERMILLION,
        dash="solid" if positive else "dash",
        width=1.0 + 3.5 * size,
    )


def signed(value: float) -> str:
    return ("+" if value >= 0 else "−") + num(abs(value), 4)


def diagram(params: Sequence[float], inputs: Sequence[str], activation: str) -> go.Figure:
    """The network: 3 inputs, 2 hidden nodes, the price; each edge labelled with its weight."""
    fig = go.Figure()
    names = network.PARAMETERS
    edges = [(INPUT_XY[i], HIDDEN_XY[j], 0.3, 3 * j + i) for j in range(2) for i in range(3)]
    edges += [(HIDDEN_XY[j], OUTPUT_XY, 0.5, 6 + j) for j in range(2)]
    for start, end, at, k in edges:
        style = _edge_style(params[k])
        fig.add_scatter(
            x=[start[0], end[0]], y=[start[1], end[1]], mode="lines", line=style, hoverinfo="skip", showlegend=False
        )
        fig.add_annotation(
            x=start[0] + at * (end[0] - start[0]),
            y=start[1] + at * (end[1] - start[1]),
            text=f"<b>{names[k]}</b> = {signed(params[k])}",
            showarrow=False,
            font=dict(size=13, color=style["color"]),
            bgcolor="rgba(255,255,255,0.9)",
            bordercolor=style["color"],
            borderwidth=1,
        )
    for label, dash, color in (
        ("positive weight (+, solid)", "solid", charts.BLUE),
        ("negative weight (−, dashed)", "dash", charts.VERMILLION),
    ):
        fig.add_scatter(x=[None], y=[None], mode="lines", name=label, line=dict(color=color, dash=dash, width=3))
    nodes = list(INPUT_XY) + list(HIDDEN_XY) + [OUTPUT_XY]
    fig.add_scatter(
        x=[x for x, _ in nodes],
        y=[y for _, y in nodes],
        mode="markers+text",
        text=["x1", "x2", "x3", "h1", "h2", "ŷ"],
        textfont=dict(size=15, color="#222222"),
        marker=dict(size=42, color="white", line=dict(color="black", width=2)),
        hoverinfo="skip",
        showlegend=False,
    )
    for (x, y), name in zip(INPUT_XY, inputs):
        fig.add_annotation(
            x=x - 0.12, y=y, text=name, showarrow=False, xanchor="right", font=dict(size=14, color="#222222")
        )
    for j, ((x, y), shift) in enumerate(zip(HIDDEN_XY, (0.32, -0.32))):
        fig.add_annotation(
            x=x,
            y=y + shift,
            text=f"<b>b{j + 1}</b> = {signed(params[8 + j])}<br>{activation}",
            showarrow=False,
            font=dict(size=13, color="#222222"),
        )
    fig.add_annotation(
        x=OUTPUT_XY[0] + 0.12,
        y=OUTPUT_XY[1],
        text="price",
        showarrow=False,
        xanchor="left",
        font=dict(size=14, color="#222222"),
    )
    fig.update_layout(
        height=460,
        margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        plot_bgcolor="white",
    )
    fig.update_xaxes(visible=False, range=[-0.7, 2.75], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.5, 2.5], fixedrange=True)
    return fig


def diagram_text(params: Sequence[float], inputs: Sequence[str], activation: str) -> str:
    """The diagram in words, for the caption."""
    weights = ", ".join(f"{name} = {signed(value)}" for name, value in zip(network.PARAMETERS, params))
    return (
        f"Diagram: inputs x1 ({inputs[0]}), x2 ({inputs[1]}) and x3 ({inputs[2]}) each feed both hidden nodes "
        f"h1 (weights w1, w2, w3, bias b1) and h2 (w4, w5, w6, bias b2), which apply {activation}; h1 and h2 feed "
        f"the price through w7 and w8. Positive weights are solid blue, negative ones dashed vermillion, and "
        f"thicker lines are larger. Values now: {weights}."
    )


def loss_chart(
    epochs: Sequence[int], losses: Sequence[float], *, loss_title: str, baseline: float, last: int
) -> go.Figure:
    """The loss after each epoch, with the loss of always guessing the average price; log axis if it spans 100x."""
    fig = go.Figure()
    fig.add_scatter(x=list(epochs), y=list(losses), mode="lines", name="loss", line=dict(color=charts.BLUE, width=3))
    if len(epochs):
        fig.add_scatter(
            x=[epochs[-1]],
            y=[losses[-1]],
            mode="markers",
            name="now",
            marker=dict(symbol="diamond", size=13, color=charts.BLUE, line=dict(color="black", width=1)),
        )
    fig.add_scatter(
        x=[0, max(last, 1)],
        y=[baseline, baseline],
        mode="lines",
        name="always guessing the average price",
        line=dict(color=charts.GREY, dash="dot", width=2),
    )
    charts.layout(fig, "epochs taken", loss_title)
    fig.update_xaxes(range=[-0.5, max(last, 1) + 0.5])
    positive = [value for value in list(losses) + [baseline] if value > 0]
    if positive and max(positive) / min(positive) > 100:
        fig.update_yaxes(type="log", exponentformat="power")
    return fig


def prediction_chart(actual: np.ndarray, predicted: np.ndarray) -> tuple[go.Figure, int]:
    """Predicted against actual price in dollars, with the line y = x; and how many points fell off the chart."""
    low, high = min(0.0, float(actual.min())), 1.08 * float(actual.max())
    with np.errstate(invalid="ignore"):
        shown = np.isfinite(predicted) & (predicted >= low - (high - low)) & (predicted <= high + (high - low))
    fig = go.Figure()
    fig.add_scatter(
        x=[low, high],
        y=[low, high],
        mode="lines",
        name="perfect prediction (predicted = actual)",
        line=dict(color=charts.GREEN, dash="dash", width=2),
    )
    fig.add_scatter(
        x=actual[shown],
        y=predicted[shown],
        mode="markers",
        name="a house",
        marker=dict(symbol="circle", size=6, color=charts.ORANGE, opacity=0.6, line=dict(color="black", width=0.5)),
        hovertemplate="actual $%{x:,.0f}<br>predicted $%{y:,.0f}<extra></extra>",
    )
    charts.layout(fig, "actual price (dollars)", "predicted price (dollars)")
    fig.update_xaxes(**charts.MONEY, range=[low, high])
    ys = predicted[shown]
    y_low = min(low, float(ys.min())) if ys.size else low
    y_high = max(high, float(ys.max())) if ys.size else high
    fig.update_yaxes(**charts.MONEY, range=[y_low, y_high])
    return fig, int((~shown).sum())


def restarts_chart(losses: Sequence[float], *, loss_title: str, mine: float | None, best: float) -> go.Figure:
    """A histogram of where the runs ended, with the best run and this page's run marked."""
    fig = go.Figure()
    fig.add_histogram(
        x=list(losses),
        nbinsx=30,
        name="runs",
        marker=dict(color=charts.SKY, line=dict(color="black", width=1)),
        hovertemplate="final loss %{x}<br>%{y} runs<extra></extra>",
    )
    fig.add_vline(x=best, line=dict(color=charts.GREEN, dash="dash", width=3))
    fig.add_scatter(
        x=[None], y=[None], mode="lines", name="best run", line=dict(color=charts.GREEN, dash="dash", width=3)
    )
    if mine is not None:
        fig.add_vline(x=mine, line=dict(color=charts.VERMILLION, dash="dot", width=3))
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            name="this page's run",
            line=dict(color=charts.VERMILLION, dash="dot", width=3),
        )
    charts.layout(fig, loss_title, "number of runs")
    fig.update_layout(bargap=0.05)
    return fig
