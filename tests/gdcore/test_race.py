"""The race: every racer's path against a loop written here from the update rules, the finish step
against a loop over the losses, the defaults, the work budget and the link.

The references use their own copies of the surfaces' formulas, not gdcore.surfaces:

    rosenbrock  L = (1 - x)^2 + 100 (y - x^2)^2,   g = (-2 (1 - x) - 400 x (y - x^2), 200 (y - x^2))
    valley      L = x^2 / 20 + y^2,                g = (x / 10, 2 y)
    saddle      L = (x^2 - y^2) / 2,               g = (x, -y)
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from gdcore.config import from_query, to_query
from gdcore.optimizers import OPTIMIZERS
from gdcore.race import DEFAULT_RATES, DEFAULT_STEPS, SADDLE_GOAL, RaceConfig, finish, goal, losses, race, within_budget
from gdcore.surfaces import named_surface


def rosenbrock(p):
    x, y = p
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2, np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def valley(p):
    x, y = p
    return x**2 / 20 + y**2, np.array([x / 10, 2 * y])


def saddle(p):
    x, y = p
    return (x**2 - y**2) / 2, np.array([x, -y])


def reference(loss_grad, start, steps, rule, **hp):
    """The points visited and the losses, by a loop over the textbook rule; state lives in locals."""
    p = np.array(start, dtype=float)
    points, values = [p.copy()], []
    v = np.zeros(2)  # velocity (momentum, nesterov), or Adam's second moment
    m = np.zeros(2)  # Adam's first moment
    G = np.zeros(2)  # AdaGrad's sum of squares, RMSProp's average of squares
    lr = hp["lr"]
    for s in range(1, steps + 1):
        value, g = loss_grad(p)
        values.append(value)
        if rule == "gd":
            p = p - lr * g
        elif rule == "momentum":
            v = hp["mu"] * v + g
            p = p - lr * v
        elif rule == "nesterov":
            v = hp["mu"] * v + g
            p = p - lr * (g + hp["mu"] * v)
        elif rule == "adagrad":
            G = G + g * g
            p = p - lr * g / (np.sqrt(G) + hp["eps"])
        elif rule == "rmsprop":
            G = hp["alpha"] * G + (1 - hp["alpha"]) * g * g
            p = p - lr * g / (np.sqrt(G) + hp["eps"])
        elif rule in ("adam", "adamw"):
            m = hp["b1"] * m + (1 - hp["b1"]) * g
            v = hp["b2"] * v + (1 - hp["b2"]) * g * g
            m_hat, v_hat = m / (1 - hp["b1"] ** s), v / (1 - hp["b2"] ** s)
            if rule == "adamw":  # torch.optim.AdamW: the parameters shrink by lr * wd first
                p = p * (1 - lr * hp["wd"])
            p = p - lr * m_hat / (np.sqrt(v_hat) + hp["eps"])
        points.append(p.copy())
    values.append(loss_grad(p)[0])
    return np.array(points), np.array(values)


def path(run):
    return np.array([run.start] + [r.new for r in run.records])


CASES = [  # surface, its reference, the optimizer, the config's settings, the reference's hyperparameters
    ("rosenbrock", rosenbrock, "adam", {"lr_adam": 0.05, "b1_adam": 0.8, "b2_adam": 0.99, "eps_adam": 1e-6},
     {"lr": 0.05, "b1": 0.8, "b2": 0.99, "eps": 1e-6}),
    ("valley", valley, "adam", {}, {"lr": 0.5, "b1": 0.9, "b2": 0.999, "eps": 1e-8}),
    ("valley", valley, "momentum", {"mu_momentum": 0.8}, {"lr": 0.1, "mu": 0.8}),
    ("rosenbrock", rosenbrock, "nesterov", {}, {"lr": 0.001, "mu": 0.9}),
    ("saddle", saddle, "adagrad", {"eps_adagrad": 1e-3}, {"lr": 0.5, "eps": 1e-3}),
    ("valley", valley, "rmsprop", {"alpha_rmsprop": 0.9}, {"lr": 0.1, "alpha": 0.9, "eps": 1e-8}),
    ("saddle", saddle, "gd", {"lr_gd": 0.3}, {"lr": 0.3}),
    ("rosenbrock", rosenbrock, "adamw", {"adamw": True, "lr_adamw": 0.05, "wd_adamw": 0.1, "b1_adamw": 0.8},
     {"lr": 0.05, "b1": 0.8, "b2": 0.999, "eps": 1e-8, "wd": 0.1}),
    ("valley", valley, "adamw", {"adamw": True}, {"lr": 0.5, "b1": 0.9, "b2": 0.999, "eps": 1e-8, "wd": 0.01}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "reference_loss", "optimizer", "settings", "hp"), CASES)
def test_each_racer_follows_its_rule(name, reference_loss, optimizer, settings, hp):
    config = RaceConfig(surface=name, steps=60, **settings)
    surface = named_surface(name)
    run = race(config, surface)[optimizer]
    points, values = reference(reference_loss, surface.start, 60, optimizer, **hp)
    assert len(run.records) == 60 and run.diverged_at is None
    np.testing.assert_allclose(path(run), points, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(losses(run, surface), values, rtol=1e-10, atol=1e-12)
    assert [r.step for r in run.records] == list(range(1, 61))


def test_adam_state_is_the_moments_by_hand():
    config = RaceConfig(surface="valley", steps=3)
    run = race(config, named_surface("valley"))["adam"]
    p, m, v = np.array([-9.0, 2.0]), np.zeros(2), np.zeros(2)
    for s, record in enumerate(run.records, start=1):
        g = np.array([p[0] / 10, 2 * p[1]])
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        state = dict(record.state)
        np.testing.assert_allclose(state["m"], m, rtol=1e-14)
        np.testing.assert_allclose(state["v"], v, rtol=1e-14)
        np.testing.assert_allclose(state["m_hat"], m / (1 - 0.9**s), rtol=1e-14)
        np.testing.assert_allclose(state["v_hat"], v / (1 - 0.999**s), rtol=1e-14)
        p = p - 0.5 * (m / (1 - 0.9**s)) / (np.sqrt(v / (1 - 0.999**s)) + 1e-8)
        np.testing.assert_allclose(record.new, p, rtol=1e-14)


def test_every_racer_starts_at_the_same_point_and_takes_the_steps():
    config = RaceConfig(surface="plateau", steps=25, x0=1.5, y0=-0.5, gd=False)
    runs = race(config, named_surface("plateau"))
    assert tuple(runs) == ("momentum", "nesterov", "adagrad", "rmsprop", "adam")
    for run in runs.values():
        assert run.start == (1.5, -0.5) and run.records[0].current == (1.5, -0.5) and len(run.records) == 25


def test_defaults_come_from_the_surface():
    for name in DEFAULT_STEPS:
        config = RaceConfig(surface=name)
        assert config.step_count == DEFAULT_STEPS[name]
        assert [config.learning_rate(o) for o in OPTIMIZERS] == [DEFAULT_RATES[name][o] for o in OPTIMIZERS]
        assert config.start(named_surface("valley")) == named_surface("valley").start
    assert RaceConfig(surface="valley", lr_adam=0.01).learning_rate("adam") == 0.01


def test_finish_step_is_the_first_within_the_tolerance():
    config = RaceConfig(surface="valley", tol=1e-4)
    surface = named_surface("valley")
    eps = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8}
    finished = 0
    for optimizer, run in race(config, surface).items():
        hp = {"lr": DEFAULT_RATES["valley"][optimizer], "mu": 0.9, "alpha": 0.99, "b1": 0.9, "b2": 0.999}
        _, values = reference(valley, surface.start, config.step_count, optimizer, eps=eps.get(optimizer), **hp)
        expected = None
        for k, value in enumerate(values):  # the loss after k steps; the valley's lowest loss is 0
            if value <= 1e-4:
                expected = k
                break
        assert finish(run, surface, goal(config, surface)) == expected, optimizer
        finished += expected is not None
    assert finished >= 4  # the defaults make a race: most racers get there


def test_gd_on_the_valley_finishes_when_the_formula_says():
    # Each GD step multiplies x by (1 - 0.9 / 10) = 0.91 and y by (1 - 0.9 * 2) = -0.8.
    config = RaceConfig(surface="valley", momentum=False, nesterov=False, adagrad=False, rmsprop=False, adam=False)
    surface = named_surface("valley")
    run = race(config, surface)["gd"]
    k = next(k for k in range(1000) if (9 * 0.91**k) ** 2 / 20 + (2 * 0.8**k) ** 2 <= 1e-3)
    assert finish(run, surface, goal(config, surface)) == k


def test_saddle_has_a_level_instead_of_a_minimum():
    config = RaceConfig(surface="saddle")
    surface = named_surface("saddle")
    assert goal(config, surface) == SADDLE_GOAL
    run = race(config, surface)["gd"]
    values = [r.loss for r in run.records]
    assert finish(run, surface, SADDLE_GOAL) == next(k for k, v in enumerate(values) if v <= -1.0)


def test_a_diverging_racer_stops_cleanly_and_never_finishes():
    config = RaceConfig(surface="rosenbrock", lr_gd=1e6, steps=200)
    surface = named_surface("rosenbrock")
    runs = race(config, surface)
    run = runs["gd"]
    assert run.diverged_at is not None and run.reason and len(run.records) < 200
    assert all(math.isfinite(v) for r in run.records for v in (r.loss, *r.new, *r.gradient))
    assert finish(run, surface, goal(config, surface)) is None
    assert runs["adam"].diverged_at is None


def test_budget_cuts_the_steps_for_all_racers():
    config = RaceConfig(steps=5000)
    assert within_budget(config).step_count == 40_000 // (6 + 0 + 1 + 1 + 2 + 2 + 3)
    alone = RaceConfig(steps=5000, momentum=False, nesterov=False, adagrad=False, rmsprop=False, adam=False)
    assert within_budget(alone).step_count == 5000
    assert within_budget(RaceConfig()) == RaceConfig()


def test_nobody_racing_is_refused_and_a_link_says_so():
    with pytest.raises(ValueError, match="at least one"):
        RaceConfig(gd=False, momentum=False, nesterov=False, adagrad=False, rmsprop=False, adam=False)
    link = {"gd": "no", "mom": "no", "nag": "no", "ada": "no", "rms": "no", "adam": "no", "lr_gd": "abc"}
    config, notes = from_query(RaceConfig, link)
    assert len(config.racers) == 1 and len(notes) == 2


def test_link_round_trips():
    rng = random.Random(8)
    for _ in range(200):
        values = {}
        for f in fields(RaceConfig):
            meta = f.metadata
            if meta["choices"]:
                values[f.name] = rng.choice(meta["choices"])
            elif isinstance(f.default, bool):
                values[f.name] = rng.random() < 0.7
            elif meta["kind"] is int:
                values[f.name] = rng.choice([None, rng.randint(meta["low"], meta["high"])])
            elif isinstance(f.default, str):  # the house surface's data (an upload's key) and columns
                values[f.name] = "upload-0123456789ab" if f.name == "data" else rng.choice([f.default, f"{f.name}-col"])
            else:
                value = 10 ** rng.uniform(math.log10(max(meta["low"], 1e-12)), math.log10(meta["high"]))
                values[f.name] = rng.choice([value, min(value, meta["high"])])
        values["adam"] = True
        config = RaceConfig(**values)
        assert from_query(RaceConfig, to_query(config)) == (config, [])


GARBAGE = hst.one_of(
    hst.sampled_from(["0", "-1", "1e-9", "1e6", "1e309", "nan", "inf", "", "yes", "no", "adam", "house", "9" * 400]),
    hst.floats(allow_nan=True, allow_infinity=True).map(repr),
    hst.text(max_size=20),
)
URL_KEYS = [f.metadata["url"] for f in fields(RaceConfig)]


def meaning(raw: str, f):
    """What a link value says for field f, by the rules; KeyError or ValueError if it says nothing valid."""
    meta = f.metadata
    if meta["choices"]:
        return {choice: choice for choice in meta["choices"]}[raw]
    if isinstance(f.default, bool):
        return {"yes": True, "no": False}[raw]
    if isinstance(f.default, str):  # a column's name, or the data set's (a shipped one or an upload's key)
        if not raw or len(raw) > 200 or (meta["pattern"] and not re.fullmatch(meta["pattern"], raw)):
            raise ValueError(raw)
        return raw
    value = int(raw) if meta["kind"] is int else float(raw)
    if not (meta["low"] <= value <= meta["high"]) or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(raw)
    return value


@settings(max_examples=150, deadline=None)
@given(hst.dictionaries(hst.sampled_from(URL_KEYS), GARBAGE, max_size=8))
def test_any_link_gives_a_config_and_every_value_is_used_or_named(params):
    config, notes = from_query(RaceConfig, params)
    for f in fields(RaceConfig):
        key = f.metadata["url"]
        if key not in params:
            continue
        named = any(f"The link's {key}=" in note for note in notes)
        try:
            wanted = meaning(params[key], f)
        except (KeyError, ValueError):
            assert named, (key, params[key], notes)  # a value that says nothing valid gets a note
            continue
        assert named or getattr(config, f.name) == wanted, (key, params[key])
    assert config.racers  # someone always races
    assert within_budget(config).step_count <= 5000
