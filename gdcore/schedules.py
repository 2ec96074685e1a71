"""Learning-rate schedules: the rate of epoch t = 1, 2, ..., fixed within the epoch.

Each schedule is a pure function of t; an optional linear warm-up of W epochs multiplies the
rate by t / W while t <= W, so the first steps are gentle.
"""

from __future__ import annotations

import math

SCHEDULES = ("constant", "step", "exponential", "cosine")


def constant(t: int, lr: float, **_) -> float:
    """lr, every epoch."""
    return lr


def step(t: int, lr: float, *, gamma: float, every: int, **_) -> float:
    """lr * gamma^floor((t - 1) / every): the rate drops by a factor gamma every `every` epochs."""
    return lr * gamma ** ((t - 1) // every)


def exponential(t: int, lr: float, *, gamma: float, **_) -> float:
    """lr * gamma^(t - 1): a little slower every epoch."""
    return lr * gamma ** (t - 1)


def cosine(t: int, lr: float, *, lr_min: float, epochs: int, **_) -> float:
    """lr_min + (lr - lr_min) * (1 + cos(pi * (t - 1) / epochs)) / 2: from lr down towards lr_min, smoothly."""
    return lr_min + (lr - lr_min) * (1 + math.cos(math.pi * (t - 1) / epochs)) / 2


RULES = {"constant": constant, "step": step, "exponential": exponential, "cosine": cosine}


def rate(
    t: int, lr: float, schedule: str = "constant", *, gamma=0.9, every=10, lr_min=0.0, epochs=1, warmup=0
) -> float:
    """The learning rate of epoch t under `schedule`, with the warm-up applied."""
    r = RULES[schedule](t, lr, gamma=gamma, every=every, lr_min=lr_min, epochs=epochs)
    if warmup and t <= warmup:
        r *= t / warmup
    return r
