"""The network page's words and formulas: loss names, amounts, the chain rule in LaTeX, the gradient check's table."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from gdcore import NetworkConfig, NetworkFit, network
from ui.fmt import num, tex

# LaTeX for the activation and its slope, used in the chain rule.
ACTIVATION_TEX = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{relu}"}
ACTIVATION_SLOPE_TEX = {
    "sigmoid": r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
    "tanh": r"\tanh'(z) = 1 - \tanh^2(z)",
    "relu": r"\operatorname{relu}'(z) = 1 \text{ if } z > 0 \text{, else } 0",
}


# --- words ---------------------------------------------------------------------------------------


def epochs(n: int) -> str:
    """'1 epoch', '5,000 epochs'."""
    return f"{n:,} epoch{'' if n == 1 else 's'}"


def loss_name(config: NetworkConfig) -> str:
    return "SSE" if config.loss == "sse" else "MSE"


def amount(value: float, units: str) -> str:
    """'1.23 standardized units²', or words when the number no longer fits in a float."""
    return f"{num(value)} {units}" if math.isfinite(value) else "too large to store in a 64-bit float"


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


def chain_rule_tex(
    config: NetworkConfig, name: str, factors: dict[str, np.ndarray], one: str = "house"
) -> tuple[str, str]:
    """The general formula for dL/d`name`, and the first house's (row's: `one`) factors multiplied out, in LaTeX."""
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
        rf"\text{{{one} 1: }} " + r" \times ".join(first) + rf" = {tex(product)}",
    )


def gradient_table(
    fit: NetworkFit, params: Sequence[float], analytic: Sequence[float]
) -> tuple[pd.DataFrame, float | None]:
    """Each parameter's gradient by backpropagation beside a central finite difference, as text;
    and the largest relative error (None if the numbers are too large to compare)."""
    numerical = fit.finite_difference(params)
    errors = network.relative_error(analytic, numerical)  # (10,)
    rows = [
        (
            name,
            num(a),
            num(d),
            "cannot compare: the loss is too large to store near here"
            if not math.isfinite(error)
            else "0 (identical)"
            if a == d
            else num(error, 2),
        )
        for name, a, d, error in zip(network.PARAMETERS, analytic, numerical, errors)
    ]
    columns = ["parameter", "backpropagation (chain rule)", "finite difference (nudge ±0.000001)", "relative error"]
    worst = float(errors.max())
    return pd.DataFrame(rows, columns=columns), worst if math.isfinite(worst) else None
