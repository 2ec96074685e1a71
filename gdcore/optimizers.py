"""Optimizers: how a gradient becomes a step. Each is one small pure function,

    update, state = rule(g, state, params, lr, **its own settings)        new = params - update

with g the gradient (p,), state a dict of arrays (p,) that starts empty (every entry 0), params where the
step starts (p,), lr this epoch's learning rate, and the settings the rule names after `*` (momentum's mu,
Adam's betas, ...), each declared once in SETTINGS. The rules are PyTorch's `torch.optim` rules with
everything else at its defaults (no weight decay, no dampening, no amsgrad).

TABLE, at the end, holds each optimizer once: its rule and everything the app says about it (its names,
its equations, its words, what it remembers, its share of the work budget, its key in a link).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Setting:
    """A hyperparameter an optimizer reads besides the learning rate, declared once: the config field of a
    line or a network (`name`, link key `short`), the race's field of each optimizer that reads it
    (`{short}_{key}`, link key `{short}_{link}`), its number box and its command-line option (`--{name}`)."""

    name: str  # the rule's keyword, the config's field and the command-line option: "momentum"
    short: str  # its key in a link and its name in a step's numbers (⟨mu⟩): "mu"
    symbol: str  # its letter on screen: "μ"
    low: float  # the range a value must be in
    high: float
    default: float | None  # None: each optimizer's own (Optimizer.defaults)
    step: float  # its number box's step
    help: str  # what it does, in a sentence (its number box's help)


MOMENTUM = Setting(
    "momentum", "mu", "μ", 0.0, 0.999, 0.9, 0.05,
    "How much of the last velocity each step keeps: v = μ·v + gradient. 0 is plain descent.",
)  # fmt: skip
BETA1 = Setting("beta1", "b1", "β1", 0.0, 0.999, 0.9, 0.01, "Memory of the gradient: m = β1·m + (1 − β1)·g.")
BETA2 = Setting(
    "beta2", "b2", "β2", 0.0, 0.99999, 0.999, 0.001, "Memory of the gradient squared: v = β2·v + (1 − β2)·g²."
)
ALPHA = Setting(
    "alpha", "alpha", "α", 0.0, 0.9999, 0.99, 0.01,
    "How much of the old average of gradient² it keeps: E = α·E + (1 − α)·g².",
)  # fmt: skip
EPS = Setting("eps", "eps", "ε", 1e-12, 1.0, None, 0.01, "Keeps the division by √(…) away from zero.")
WEIGHT_DECAY = Setting(
    "weight_decay", "wd", "λ", 0.0, 1.0, 0.01, 0.01,
    "How hard each step pulls every parameter towards 0, apart from the gradient: λ·current more each step.",
)  # fmt: skip
# In the order of the config's fields and the command line's options.
SETTINGS = (MOMENTUM, BETA1, BETA2, ALPHA, EPS, WEIGHT_DECAY)
SETTING = {setting.name: setting for setting in SETTINGS}


def gd(g, state, params, lr):
    """Plain gradient descent: update = lr * g."""
    return lr * g, state


def momentum(g, state, params, lr, *, momentum):
    """A heavy ball: v = mu * v + g; update = lr * v. The velocity remembers the slopes it rolled over."""
    v = momentum * state.get("velocity", 0.0) + g
    return lr * v, {"velocity": v}


def nesterov(g, state, params, lr, *, momentum):
    """Momentum that looks ahead: v = mu * v + g; update = lr * (g + mu * v)."""
    v = momentum * state.get("velocity", 0.0) + g
    return lr * (g + momentum * v), {"velocity": v}


def adagrad(g, state, params, lr, *, eps):
    """A brake per parameter: G = G + g^2; update = lr * g / (sqrt(G) + eps). Steep so far: small steps."""
    sum_sq = state.get("sum_sq", 0.0) + g**2
    return lr * g / (np.sqrt(sum_sq) + eps), {"sum_sq": sum_sq}


def rmsprop(g, state, params, lr, *, alpha, eps):
    """A brake that forgets: E = alpha * E + (1 - alpha) * g^2; update = lr * g / (sqrt(E) + eps)."""
    mean_sq = alpha * state.get("mean_sq", 0.0) + (1 - alpha) * g**2
    return lr * g / (np.sqrt(mean_sq) + eps), {"mean_sq": mean_sq}


def adam(g, state, params, lr, *, beta1, beta2, eps):
    """Momentum and a brake, both corrected for starting at 0, at step s = 1, 2, ...:

    m = b1 * m + (1 - b1) * g          v = b2 * v + (1 - b2) * g^2
    m_hat = m / (1 - b1^s)             v_hat = v / (1 - b2^s)
    update = lr * m_hat / (sqrt(v_hat) + eps)
    """
    s = state.get("s", 0) + 1
    m = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    v = beta2 * state.get("v", 0.0) + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**s)
    v_hat = v / (1 - beta2**s)
    return lr * m_hat / (np.sqrt(v_hat) + eps), {"s": s, "m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat}


def adamw(g, state, params, lr, *, beta1, beta2, eps, weight_decay):
    """Adam with decoupled weight decay (torch.optim.AdamW): Adam's step, plus a pull of every parameter
    towards 0 that Adam's averages never see:

    update = lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * params)
    """
    step, state = adam(g, state, params, lr, beta1=beta1, beta2=beta2, eps=eps)
    return step + lr * weight_decay * params, state


NEW = r"\text{new} = \text{current} - \text{lr} \times "  # the line every rule ends with
# Adam's moments and their corrections, in symbols and with a step's numbers (Adam's and AdamW's first lines).
MOMENTS = (
    r"m = \beta_1 m + (1 - \beta_1)\, g \qquad\allowbreak v = \beta_2 v + (1 - \beta_2)\, g^2",
    r"\hat m = \frac{m}{1 - \beta_1^s} \qquad\allowbreak \hat v = \frac{v}{1 - \beta_2^s}"
    r" \qquad\allowbreak (s = \text{step})",
)
MOMENTS_NUMBERS = (
    r"m⟨sub⟩ = ⟨b1⟩ \times ⟨(was_m)⟩ + (1 - ⟨b1⟩) \times ⟨(g)⟩ = ⟨m⟩",
    r"v⟨sub⟩ = ⟨b2⟩ \times ⟨was_v⟩ + (1 - ⟨b2⟩) \times ⟨(g)⟩^2 = ⟨v⟩",
    r"\hat m⟨sub⟩ = \frac{⟨m⟩}{1 - ⟨b1⟩^{⟨s⟩}} = ⟨m_hat⟩",
    r"\hat v⟨sub⟩ = \frac{⟨v⟩}{1 - ⟨b2⟩^{⟨s⟩}} = ⟨v_hat⟩",
)


@dataclass(frozen=True)
class Optimizer:
    """One optimizer: its rule and everything the app says about it."""

    key: str  # its name in the code, in a link (optimizer=) and on the command line
    name: str  # its name in a race and its legend: "RMSProp"
    title: str  # its entry in the sidebar's list: "RMSProp: a brake that forgets"
    rule: Callable  # update, state = rule(g, state, params, lr, **settings): the settings it names after `*`
    remembers: tuple[str, ...]  # what it keeps between steps: the ledger's extra columns, in this order
    symbols: tuple[str, ...]  # its rule in LaTeX, one short equation a line (a line fits a phone)
    numbers: tuple[str, ...]  # a step of one parameter with its numbers, in LaTeX (ui/updates.py fills ⟨name⟩)
    memory: str  # what else moved a step, in a step's sentence; "" for nothing but the gradient
    words: str  # what its memory does, in plain words (the race's panel of it)
    link: str  # its short key in the race's link (mom=, lr_mom=, ...)
    work: int  # arithmetic a step beyond the gradient's, in the work budget's units (gdcore.experiment)
    formula: str  # its rule in plain text, for the command line's help
    # Its own default of a setting whose default (Setting.default) is None: PyTorch's eps for a square root's brake.
    defaults: Mapping[str, float] = field(default_factory=dict, compare=False)
    # Its learning rate on each of the race's surfaces (gdcore.surfaces), tried by hand for a race worth watching.
    rates: Mapping[str, float] = field(default_factory=dict, compare=False)
    racing: bool = True  # in the race unless a learner switches it off

    @property
    def settings(self) -> tuple[Setting, ...]:
        """The settings its rule reads besides the learning rate: the keywords its rule names after `*`."""
        parameters = inspect.signature(self.rule).parameters.values()
        return tuple(SETTING[p.name] for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)

    def own(self, values: Mapping[str, float | None]) -> dict[str, float]:
        """Its rule's settings from `values` (by name): one missing or None takes its default."""
        chosen = {setting.name: values.get(setting.name) for setting in self.settings}
        return {name: self.default(name) if value is None else value for name, value in chosen.items()}

    def default(self, name: str) -> float:
        """Its default of setting `name`: its own (`defaults`), else the setting's."""
        return self.defaults.get(name, SETTING[name].default)


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
        formula="update = lr * g",
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
        formula="v = mu * v + g;  update = lr * v",
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
        formula="v = mu * v + g;  update = lr * (g + mu * v)",
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
        formula="G = G + g^2;  update = lr * g / (sqrt(G) + eps)",
        defaults={"eps": 1e-10},
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
        formula="E = alpha * E + (1 - alpha) * g^2;  update = lr * g / (sqrt(E) + eps)",
        defaults={"eps": 1e-8},
        rates={"house": 0.02, "valley": 0.1, "rosenbrock": 0.01, "saddle": 0.02, "plateau": 0.02},
    ),
    Optimizer(
        key="adam",
        name="Adam",
        title="Adam: momentum and a brake",
        rule=adam,
        remembers=("m", "v", "m_hat", "v_hat"),
        symbols=(
            *MOMENTS,
            NEW + r"\frac{\hat m}{\sqrt{\hat v} + \varepsilon}",
        ),
        numbers=(
            *MOMENTS_NUMBERS,
            r"⟨head⟩\frac{⟨m_hat⟩}{\sqrt{⟨v_hat⟩} + ⟨eps⟩} = ⟨new⟩",
        ),
        memory="its averages of past gradients",
        words="Momentum and a forgetting brake together. m averages the slopes (which way), v their squares "
        "(how steep); m̂ and v̂ undo the pull towards 0 that both start with, so the first steps are full size. "
        "Each step is about the learning rate long, in the direction the slopes have agreed on.",
        link="adam",
        work=3,
        formula="m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  m_hat = m / (1 - b1^s);\n"
        "v_hat = v / (1 - b2^s);  update = lr * m_hat / (sqrt(v_hat) + eps), s = step",
        defaults={"eps": 1e-8},
        rates={"house": 0.1, "valley": 0.5, "rosenbrock": 0.1, "saddle": 0.05, "plateau": 0.05},
    ),
    Optimizer(
        key="adamw",
        name="AdamW",
        title="AdamW: Adam that pulls towards 0",
        rule=adamw,
        remembers=("m", "v", "m_hat", "v_hat"),
        symbols=(
            *MOMENTS,
            NEW + r"\left(\frac{\hat m}{\sqrt{\hat v} + \varepsilon} + \lambda\, \text{current}\right)",
        ),
        numbers=(
            *MOMENTS_NUMBERS,
            r"⟨head⟩\left(\frac{⟨m_hat⟩}{\sqrt{⟨v_hat⟩} + ⟨eps⟩} + ⟨wd⟩ \times ⟨(current)⟩\right) = ⟨new⟩",
        ),
        memory="its averages of past gradients, and a pull towards 0",
        words="Adam with a pull towards 0 (decoupled weight decay). The same averages m and v as Adam, but each "
        "step also takes λ × the learning rate of every parameter off it, whatever the slope says. Where the lowest "
        "point is far from 0 it settles a little short of it, nearer 0: what keeping the numbers small costs.",
        link="adamw",
        work=4,
        formula="Adam's m, v, m_hat and v_hat;  update = lr * (m_hat / (sqrt(v_hat) + eps) + wd * current)",
        defaults={"eps": 1e-8},
        rates={"house": 0.1, "valley": 0.5, "rosenbrock": 0.1, "saddle": 0.05, "plateau": 0.05},
        racing=False,  # off in a race unless switched on: with the default decay it runs nearly on Adam's line
    ),
)
BY_KEY = {optimizer.key: optimizer for optimizer in TABLE}


def with_what_it_calls(rule: Callable) -> list[Callable]:
    """The rules `rule` builds on (AdamW on Adam), then `rule`: what to read, or to copy, to have all of it."""
    return [other.rule for other in TABLE if other.rule.__name__ in rule.__code__.co_names] + [rule]


OPTIMIZERS = tuple(BY_KEY)
RULES = {key: optimizer.rule for key, optimizer in BY_KEY.items()}
STATE_NAMES = {key: optimizer.remembers for key, optimizer in BY_KEY.items()}  # the ledger's extra columns
