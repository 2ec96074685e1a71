"""Optimizers: how a gradient becomes a step. Each is one small pure function,

    update, state = rule(g, state, hp)        new = current - update

with g the gradient (p,), state a dict of arrays (p,) that starts empty (every entry 0), and hp
the hyperparameters, including this epoch's learning rate. The rules are PyTorch's `torch.optim`
rules with everything else at its defaults (no weight decay, no dampening, no amsgrad).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OPTIMIZERS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
# What each optimizer remembers between steps: the ledger's extra columns, in this order.
STATE_NAMES = {
    "gd": (),
    "momentum": ("velocity",),
    "nesterov": ("velocity",),
    "adagrad": ("sum_sq",),
    "rmsprop": ("mean_sq",),
    "adam": ("m", "v", "m_hat", "v_hat"),
}
# The eps each optimizer uses unless told otherwise (PyTorch's defaults).
DEFAULT_EPS = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8}


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


RULES = {"gd": gd, "momentum": momentum, "nesterov": nesterov, "adagrad": adagrad, "rmsprop": rmsprop, "adam": adam}
