"""Optimizers: how a gradient becomes a step. Each is one small pure function,

    update, state = rule(g, state, hp)        new = current - update

with g the gradient (p,), state a dict of arrays (p,) that starts empty (every entry 0), and hp
the hyperparameters, including this epoch's learning rate. The rules are PyTorch's `torch.optim`
rules with everything else at its defaults (no weight decay, no dampening, no amsgrad).

TABLE, at the end, holds each optimizer once: its rule and everything the app says about it (its names,
its equations, its words, what it remembers, its share of the work budget, its key in a link).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Hyper:
    """The hyperparameters of one step."""

    lr: float  # this epoch's learning rate
    momentum: float = 0.9  # mu: how much of the last velocity a momentum step keeps
    alpha: float = 0.99  # how much of the old average of g^2 RMSProp keeps
    beta1: float = 0.9  # Adam's memory of g
    beta2: float = 0.999  # Adam's memory of g^2
    eps: float | None = None  # keeps a division by sqrt(...) away from 0; None: the optimizer's default


def gd(g, state, hp):
    """Plain gradient descent: update = lr * g."""
    return hp.lr * g, state


def momentum(g, state, hp):
    """A heavy ball: v = mu * v + g; update = lr * v. The velocity remembers the slopes it rolled over."""
    v = hp.momentum * state.get("velocity", 0.0) + g
    return hp.lr * v, {"velocity": v}


def nesterov(g, state, hp):
    """Momentum that looks ahead: v = mu * v + g; update = lr * (g + mu * v)."""
    v = hp.momentum * state.get("velocity", 0.0) + g
    return hp.lr * (g + hp.momentum * v), {"velocity": v}


def adagrad(g, state, hp):
    """A brake per parameter: G = G + g^2; update = lr * g / (sqrt(G) + eps). Steep so far: small steps."""
    eps = DEFAULT_EPS["adagrad"] if hp.eps is None else hp.eps
    sum_sq = state.get("sum_sq", 0.0) + g**2
    return hp.lr * g / (np.sqrt(sum_sq) + eps), {"sum_sq": sum_sq}


def rmsprop(g, state, hp):
    """A brake that forgets: E = alpha * E + (1 - alpha) * g^2; update = lr * g / (sqrt(E) + eps)."""
    eps = DEFAULT_EPS["rmsprop"] if hp.eps is None else hp.eps
    mean_sq = hp.alpha * state.get("mean_sq", 0.0) + (1 - hp.alpha) * g**2
    return hp.lr * g / (np.sqrt(mean_sq) + eps), {"mean_sq": mean_sq}


def adam(g, state, hp):
    """Momentum and a brake, both corrected for starting at 0, at step s = 1, 2, ...:

    m = b1 * m + (1 - b1) * g          v = b2 * v + (1 - b2) * g^2
    m_hat = m / (1 - b1^s)             v_hat = v / (1 - b2^s)
    update = lr * m_hat / (sqrt(v_hat) + eps)
    """
    eps = DEFAULT_EPS["adam"] if hp.eps is None else hp.eps
    s = state.get("s", 0) + 1
    m = hp.beta1 * state.get("m", 0.0) + (1 - hp.beta1) * g
    v = hp.beta2 * state.get("v", 0.0) + (1 - hp.beta2) * g**2
    m_hat = m / (1 - hp.beta1**s)
    v_hat = v / (1 - hp.beta2**s)
    return hp.lr * m_hat / (np.sqrt(v_hat) + eps), {"s": s, "m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat}


NEW = r"\text{new} = \text{current} - \text{lr} \times "  # the line every rule ends with


@dataclass(frozen=True)
class Optimizer:
    """One optimizer: its rule and everything the app says about it."""

    key: str  # its name in the code, in a link (optimizer=) and on the command line
    name: str  # its name in a race and its legend: "RMSProp"
    title: str  # its entry in the sidebar's list: "RMSProp: a brake that forgets"
    rule: Callable  # update, state = rule(g, state, hp)
    remembers: tuple[str, ...]  # what it keeps between steps: the ledger's extra columns, in this order
    symbols: tuple[str, ...]  # its rule in LaTeX, one short equation a line (a line fits a phone)
    numbers: tuple[str, ...]  # a step of one parameter with its numbers, in LaTeX (ui/updates.py fills ⟨name⟩)
    memory: str  # what else moved a step, in a step's sentence; "" for nothing but the gradient
    words: str  # what its memory does, in plain words (the race's panel of it)
    link: str  # its short key in the race's link (mom=, lr_mom=, ...)
    work: int  # arithmetic a step beyond the gradient's, in the work budget's units (gdcore.experiment)
    eps: float | None = None  # PyTorch's default eps, for a rule that divides by a square root
    # Its learning rate on each of the race's surfaces (gdcore.surfaces), tried by hand for a race worth watching.
    rates: dict[str, float] = field(default_factory=dict, compare=False)


TABLE = (
    Optimizer(
        key="gd",
        name="GD",
        title="plain gradient descent",
        rule=gd,
        remembers=(),
        symbols=(NEW + "g",),
        numbers=(r"⟨head⟩⟨(g)⟩ = ⟨new⟩",),
        memory="",
        words="No memory. Each step goes straight down the slope under its feet, learning rate × slope long: "
        "steep ground, long steps; flat ground, tiny steps.",
        link="gd",
        work=0,
        rates={"house": 0.1, "valley": 0.9, "rosenbrock": 0.002, "saddle": 0.1, "plateau": 0.5},
    ),
    Optimizer(
        key="momentum",
        name="Momentum",
        title="momentum: a heavy ball",
        rule=momentum,
        remembers=("velocity",),
        symbols=(r"v = \mu\, v + g", NEW + "v"),
        numbers=(
            r"v⟨sub⟩ = ⟨mu⟩ \times ⟨(was_velocity)⟩ + ⟨(g)⟩ = ⟨velocity⟩",
            r"⟨head⟩⟨(velocity)⟩ = ⟨new⟩",
        ),
        memory="the velocity it carries from earlier steps",
        words="A heavy ball. Its velocity v adds up the slopes it has rolled over (each step keeps μ of the "
        "last velocity), so it gathers speed along a long gentle valley and rolls through small dips, but it can "
        "overshoot and swing back.",
        link="mom",
        work=1,
        rates={"house": 0.05, "valley": 0.1, "rosenbrock": 0.001, "saddle": 0.02, "plateau": 0.1},
    ),
    Optimizer(
        key="nesterov",
        name="Nesterov",
        title="Nesterov: momentum that looks ahead",
        rule=nesterov,
        remembers=("velocity",),
        symbols=(r"v = \mu\, v + g", NEW + r"(g + \mu\, v)"),
        numbers=(
            r"v⟨sub⟩ = ⟨mu⟩ \times ⟨(was_velocity)⟩ + ⟨(g)⟩ = ⟨velocity⟩",
            r"⟨head⟩(⟨(g)⟩ + ⟨mu⟩ \times ⟨(velocity)⟩) = ⟨new⟩",
        ),
        memory="the velocity it carries from earlier steps",
        words="A heavy ball that looks ahead. The same velocity as momentum, but each step also adds μ × "
        "the new velocity to this slope, so it brakes a little earlier before overshooting.",
        link="nag",
        work=1,
        rates={"house": 0.05, "valley": 0.1, "rosenbrock": 0.001, "saddle": 0.02, "plateau": 0.1},
    ),
    Optimizer(
        key="adagrad",
        name="AdaGrad",
        title="AdaGrad: a brake per parameter",
        rule=adagrad,
        remembers=("sum_sq",),
        symbols=(r"G = G + g^2", NEW + r"\frac{g}{\sqrt{G} + \varepsilon}"),
        numbers=(
            r"G⟨sub⟩ = ⟨was_sum_sq⟩ + ⟨(g)⟩^2 = ⟨sum_sq⟩",
            r"⟨head⟩\frac{⟨g⟩}{\sqrt{⟨sum_sq⟩} + ⟨eps⟩} = ⟨new⟩",
        ),
        memory="a brake from all its past squared gradients",
        words="A brake for each parameter that never lets go. G adds up each parameter's squared slopes; "
        "the step divides by √G, so a parameter that has been steep takes small steps and a flat one takes "
        "bold steps. G only grows, so over a long race every step shrinks.",
        link="ada",
        work=2,
        eps=1e-10,
        rates={"house": 0.5, "valley": 1.0, "rosenbrock": 0.5, "saddle": 0.5, "plateau": 0.5},
    ),
    Optimizer(
        key="rmsprop",
        name="RMSProp",
        title="RMSProp: a brake that forgets",
        rule=rmsprop,
        remembers=("mean_sq",),
        symbols=(r"E = \alpha E + (1 - \alpha)\, g^2", NEW + r"\frac{g}{\sqrt{E} + \varepsilon}"),
        numbers=(
            r"E⟨sub⟩ = ⟨alpha⟩ \times ⟨was_mean_sq⟩ + (1 - ⟨alpha⟩) \times ⟨(g)⟩^2 = ⟨mean_sq⟩",
            r"⟨head⟩\frac{⟨g⟩}{\sqrt{⟨mean_sq⟩} + ⟨eps⟩} = ⟨new⟩",
        ),
        memory="a brake from its recent squared gradients",
        words="A brake for each parameter that forgets. E is a running average of the squared slopes (each "
        "step keeps α of it), so every step is about the learning rate long, on steep ground and flat ground alike.",
        link="rms",
        work=2,
        eps=1e-8,
        rates={"house": 0.02, "valley": 0.1, "rosenbrock": 0.01, "saddle": 0.02, "plateau": 0.02},
    ),
    Optimizer(
        key="adam",
        name="Adam",
        title="Adam: momentum and a brake",
        rule=adam,
        remembers=("m", "v", "m_hat", "v_hat"),
        symbols=(
            r"m = \beta_1 m + (1 - \beta_1)\, g \qquad\allowbreak v = \beta_2 v + (1 - \beta_2)\, g^2",
            r"\hat m = \frac{m}{1 - \beta_1^s} \qquad\allowbreak \hat v = \frac{v}{1 - \beta_2^s}"
            r" \qquad\allowbreak (s = \text{step})",
            NEW + r"\frac{\hat m}{\sqrt{\hat v} + \varepsilon}",
        ),
        numbers=(
            r"m⟨sub⟩ = ⟨b1⟩ \times ⟨(was_m)⟩ + (1 - ⟨b1⟩) \times ⟨(g)⟩ = ⟨m⟩",
            r"v⟨sub⟩ = ⟨b2⟩ \times ⟨was_v⟩ + (1 - ⟨b2⟩) \times ⟨(g)⟩^2 = ⟨v⟩",
            r"\hat m⟨sub⟩ = \frac{⟨m⟩}{1 - ⟨b1⟩^{⟨s⟩}} = ⟨m_hat⟩",
            r"\hat v⟨sub⟩ = \frac{⟨v⟩}{1 - ⟨b2⟩^{⟨s⟩}} = ⟨v_hat⟩",
            r"⟨head⟩\frac{⟨m_hat⟩}{\sqrt{⟨v_hat⟩} + ⟨eps⟩} = ⟨new⟩",
        ),
        memory="its averages of past gradients",
        words="Momentum and a forgetting brake together. m averages the slopes (which way), v their squares "
        "(how steep); m̂ and v̂ undo the pull towards 0 that both start with, so the first steps are full size. "
        "Each step is about the learning rate long, in the direction the slopes have agreed on.",
        link="adam",
        work=3,
        eps=1e-8,
        rates={"house": 0.1, "valley": 0.5, "rosenbrock": 0.1, "saddle": 0.05, "plateau": 0.05},
    ),
)
BY_KEY = {optimizer.key: optimizer for optimizer in TABLE}
OPTIMIZERS = tuple(BY_KEY)
RULES = {key: optimizer.rule for key, optimizer in BY_KEY.items()}
STATE_NAMES = {key: optimizer.remembers for key, optimizer in BY_KEY.items()}  # the ledger's extra columns
DEFAULT_EPS = {key: optimizer.eps for key, optimizer in BY_KEY.items() if optimizer.eps is not None}
