"""The optimizers' race: each optimizer descends the same surface from the same start, with its own
learning rate and hyperparameters, through gdcore.descent.descend (one record per step).

`RaceConfig` is the race's one frozen config: it drives the page's widgets, its link and its cache.
A learning rate, the number of steps or the start left empty (None) takes the surface's own default
(`DEFAULT_STEPS`, `DEFAULT_RATES`), so a link that names only a surface gets a race tuned for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gdcore.config import check, declared_after, field_of, setting_field, shown, spec
from gdcore.descent import Run, descend
from gdcore.experiment import OPTIMIZER_WORK, WORK_BUDGET
from gdcore.line import DescentConfig
from gdcore.optimizers import BY_KEY, OPTIMIZERS, TABLE
from gdcore.surfaces import SURFACES, Surface

# Each optimizer's short URL key: its switch is `gd`, its learning rate `lr_gd`, ...
KEYS = {optimizer.key: optimizer.link for optimizer in TABLE}
# Step counts and learning rates that make a race worth watching on each surface (tried by hand).
DEFAULT_STEPS = {"house": 100, "valley": 150, "rosenbrock": 1000, "saddle": 100, "plateau": 150}
DEFAULT_RATES = {surface: {optimizer.key: optimizer.rates[surface] for optimizer in TABLE} for surface in SURFACES}
OWN = "the surface's own start"  # what a start left empty means, in a note on a link
SADDLE_GOAL = -1.0  # a surface with no minimum: a racer finishes when its loss falls to this level


def racer_fields() -> dict:
    """Each optimizer's fields in the race: its switch (gd=yes), its learning rate (lr_gd; None: the surface's
    default) and each setting its rule reads (mu_mom; its link key the setting's and the optimizer's, joined)."""
    made = {}
    for optimizer in TABLE:
        meta = spec(optimizer.link, label=f"switch for {optimizer.name}")
        made[optimizer.key] = ("bool", field(default=optimizer.racing, metadata=meta))
    for optimizer in TABLE:
        label, unset = f"{optimizer.name}'s learning rate", "the surface's own"
        meta = spec(f"lr_{optimizer.link}", 1e-9, 1e6, label=label, kind=float, unset=unset)
        made[f"lr_{optimizer.key}"] = ("float | None", field(default=None, metadata=meta))
    for optimizer in TABLE:
        for setting in optimizer.settings:
            url, label = f"{setting.short}_{optimizer.link}", f"{optimizer.name}'s {setting.short}"
            own = f"{optimizer.name}'s own, {optimizer.default(setting.name):g}" if setting.default is None else ""
            made[f"{setting.short}_{optimizer.key}"] = setting_field(setting, url, label, unset=own)
    return made


@dataclass(frozen=True)
@declared_after("y0", racer_fields())  # who races, at what rate, with what settings: from gdcore.optimizers.TABLE
class RaceConfig:
    """Everything that decides a race; equal configs give equal races."""

    # The surface: the house data's bowl, or a test surface (gdcore.surfaces).
    surface: str = field(default="house", metadata=spec("surf", choices=SURFACES, label="surface"))
    # How many steps each racer takes; None: the surface's default (DEFAULT_STEPS).
    steps: int | None = field(
        default=None, metadata=spec("steps", 1, 5000, label="number of steps", kind=int, unset="the surface's own")
    )
    # A racer finishes once its loss is within `tol` of the minimum's loss.
    tol: float = field(default=1e-3, metadata=spec("tol", 1e-12, 1e3, label="tolerance"))
    # The start; None: the surface's own (gdcore.surfaces).
    x0: float | None = field(default=None, metadata=spec("x0", -1e6, 1e6, label="starting x", kind=float, unset=OWN))
    y0: float | None = field(default=None, metadata=spec("y0", -1e6, 1e6, label="starting y", kind=float, unset=OWN))
    # Whose ledger the page shows.
    ledger: str = field(default="adam", metadata=spec("ledger", choices=OPTIMIZERS, label="ledger's optimizer"))
    # The "house" surface's data and columns, as a line's (DescentConfig's fields: the same link keys): the
    # house data's bedrooms and price, or two columns of a learner's upload.
    data: str = field_of(DescentConfig, "data")
    x: str = field_of(DescentConfig, "x")
    y: str = field_of(DescentConfig, "y")

    def __post_init__(self) -> None:
        check(self)
        if not self.racers:
            raise ValueError("at least one optimizer must race")
        if self.x == self.y:
            raise ValueError(f"the x column and the y column must differ, but both are {shown(self.x)}")

    @property
    def racers(self) -> tuple[str, ...]:
        """The optimizers in the race, in the order of gdcore.optimizers.OPTIMIZERS."""
        return tuple(name for name in OPTIMIZERS if getattr(self, name))

    @property
    def step_count(self) -> int:
        return self.steps if self.steps is not None else DEFAULT_STEPS[self.surface]

    def learning_rate(self, name: str) -> float:
        chosen = getattr(self, f"lr_{name}")
        return chosen if chosen is not None else DEFAULT_RATES[self.surface][name]

    def start(self, surface: Surface) -> tuple[float, float]:
        x0, y0 = surface.start
        return (x0 if self.x0 is None else self.x0, y0 if self.y0 is None else self.y0)

    def hyper(self, name: str) -> dict[str, float | None]:
        """The settings optimizer `name` reads, by name (None: its default)."""
        return {s.name: getattr(self, f"{s.short}_{name}") for s in BY_KEY[name].settings}


def step_work(config: RaceConfig) -> int:
    """The work of one step of every racer together, in units of one plain step on the line."""
    return sum(1 + OPTIMIZER_WORK[name] for name in config.racers)


def within_budget(config: RaceConfig, budget: int = WORK_BUDGET) -> RaceConfig:
    """`config` with no more steps than `budget` units of work allow for all its racers; at least one."""
    most = max(1, budget // step_work(config))
    return config if config.step_count <= most else replace(config, steps=most)


def race(config: RaceConfig, surface: Surface) -> dict[str, Run]:
    """One Run per racer: descend(surface, start, lr, steps, optimizer=..., hyper=...), the same start for all."""
    start = config.start(surface)
    runs = {}
    for name in config.racers:
        rate, hyper = config.learning_rate(name), config.hyper(name)
        runs[name] = descend(
            surface.loss_and_grad, start, rate, config.step_count, surface.names, optimizer=name, hyper=hyper
        )
    return runs


def losses(run: Run, surface: Surface) -> np.ndarray:
    """The loss after 0, 1, ..., len(run.records) steps, shape (len(records) + 1,): each record's loss at its
    start, then the loss where the last step landed."""
    with np.errstate(all="ignore"):
        last = float(surface.loss(*np.asarray(run.final)))
    return np.array([r.loss for r in run.records] + [last])


def goal(config: RaceConfig, surface: Surface) -> float:
    """The loss a racer must reach to finish: the minimum's loss + tol, or SADDLE_GOAL where there is no minimum."""
    return SADDLE_GOAL if surface.min_loss is None else surface.min_loss + config.tol


def finish(run: Run, surface: Surface, level: float) -> int | None:
    """The first number of steps after which the loss is at or below `level`; None if it never is."""
    reached = np.flatnonzero(losses(run, surface) <= level)
    return int(reached[0]) if reached.size else None
