"""One frozen config per experiment: it drives the widgets, the URL, the cache key and the CLI."""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

SCALES = ("none", "standardize")
ACTIVATIONS = ("sigmoid", "tanh", "relu")
STARTS = ("random", "typed")
LOSSES = ("sse", "mse")


def spec(url: str, low: float | None = None, high: float | None = None, choices: tuple = ()) -> dict:
    """Field metadata: the URL key, and the range or the choices a widget and a link may take."""
    return {"url": url, "low": low, "high": high, "choices": choices}


@dataclass(frozen=True)
class DescentConfig:
    """Everything that decides a gradient-descent run on a line; equal configs give equal runs."""

    # Step size: new = current - learning_rate * gradient. With the defaults below (standardized
    # data, the mean loss) each epoch shrinks the distance to the answer by 1 - 2 * 0.2 = 0.6, so
    # 40 epochs land within a millionth of it; the page lets learners go from 1e-9 (a crawl) to
    # 1e6 (a blow-up).
    learning_rate: float = field(default=0.2, metadata=spec("lr", 1e-9, 1e6))
    # How many steps to take.
    epochs: int = field(default=40, metadata=spec("epochs", 1, 500))
    # "sse": sum of squared errors; "mse": their mean (SSE / n), which keeps gradients small.
    loss: str = field(default="mse", metadata=spec("loss", choices=LOSSES))
    # "standardize" turns x and y into (value - mean) / std, so one learning rate suits both
    # parameters; "none" keeps dollars and bedrooms, where the valley is long and narrow.
    scale: str = field(default="standardize", metadata=spec("scale", choices=SCALES))
    # "random": slope and intercept drawn from `seed`; "typed": init_slope and init_intercept.
    start: str = field(default="random", metadata=spec("start", choices=STARTS))
    # Seed 8 starts well away from the answer (the line even slopes downward), so the walk
    # downhill is easy to see; seed 0 happens to start close to the bottom already.
    seed: int = field(default=8, metadata=spec("seed", 0, 2**31 - 1))
    init_slope: float = field(default=0.0, metadata=spec("slope0", -1e12, 1e12))
    init_intercept: float = field(default=0.0, metadata=spec("intercept0", -1e12, 1e12))
    # The columns: the feature x and the target y.
    x: str = field(default="bedrooms", metadata=spec("x"))
    y: str = field(default="price", metadata=spec("y"))

    def __post_init__(self) -> None:
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise ValueError(f"the learning rate must be a positive number, not {self.learning_rate}")
        if not isinstance(self.epochs, int) or not isinstance(self.seed, int):
            raise ValueError("the number of epochs and the seed must be whole numbers")
        if self.epochs < 1:
            raise ValueError(f"the number of epochs must be at least 1, not {self.epochs}")
        if self.seed < 0:
            raise ValueError(f"the seed must be 0 or more, not {self.seed}")
        if not (math.isfinite(self.init_slope) and math.isfinite(self.init_intercept)):
            raise ValueError("the starting slope and intercept must be finite numbers")
        for name, allowed in (("loss", LOSSES), ("scale", SCALES), ("start", STARTS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")


@dataclass(frozen=True)
class NetworkConfig:
    """Everything that decides a run of the small network (3 inputs, 2 hidden nodes, 1 output)."""

    # The lesson's learning rate. Inputs and target are always standardized.
    learning_rate: float = field(default=0.05, metadata=spec("lr", 1e-9, 1e6))
    epochs: int = field(default=500, metadata=spec("epochs", 1, 5000))
    loss: str = field(default="mse", metadata=spec("loss", choices=LOSSES))
    activation: str = field(default="sigmoid", metadata=spec("act", choices=ACTIVATIONS))
    # The 10 starting values are drawn from Normal(0, 1) with this seed.
    seed: int = field(default=0, metadata=spec("seed", 0, 2**31 - 1))
    # The three input columns and the target.
    x1: str = field(default="bedrooms", metadata=spec("x1"))
    x2: str = field(default="bathrms", metadata=spec("x2"))
    x3: str = field(default="lotsize", metadata=spec("x3"))
    y: str = field(default="price", metadata=spec("y"))

    def __post_init__(self) -> None:
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise ValueError(f"the learning rate must be a positive number, not {self.learning_rate}")
        if not isinstance(self.epochs, int) or self.epochs < 1:
            raise ValueError(f"the number of epochs must be a whole number of at least 1, not {self.epochs}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"the seed must be a whole number, 0 or more, not {self.seed}")
        for name, allowed in (("loss", LOSSES), ("activation", ACTIVATIONS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
        if len({self.x1, self.x2, self.x3}) < 3:
            raise ValueError("the three inputs must be three different columns")

    @property
    def inputs(self) -> tuple[str, str, str]:
        return (self.x1, self.x2, self.x3)


def parse_value(raw: str, default, low=None, high=None, choices: tuple = ()):
    """Parse one URL value like the field's default, or raise ValueError with the reason."""
    if choices:
        if raw not in choices:
            raise ValueError(f"it is not one of {', '.join(choices)}")
        return raw
    if isinstance(default, str):
        return raw
    integer = isinstance(default, int)
    try:
        number = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ValueError(f"it is not {kind}") from None
    if not math.isfinite(number):
        raise ValueError("it is not a finite number")
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(
            f"it is outside the range {low:,} to {high:,}"
            if integer
            else f"it is outside the range {low:g} to {high:g}"
        )
    return number


def describe_parse_error(key: str, raw: str, default, reason: str) -> str:
    return f"The link's {key}={raw!r} was ignored ({reason}); using {default!r} instead."


def from_query(cls, params: Mapping[str, str], base=None) -> tuple:
    """Build a `cls` config from URL query parameters; a value that makes no sense keeps the default.

    Returns the config and one note per ignored value, for the page to show.
    """
    base = base if base is not None else cls()
    values, notes = {}, []
    for f in fields(cls):
        meta = f.metadata
        if meta["url"] not in params:
            continue
        raw = params[meta["url"]]
        default = getattr(base, f.name)
        try:
            values[f.name] = parse_value(raw, default, meta["low"], meta["high"], meta["choices"])
        except ValueError as error:
            notes.append(describe_parse_error(meta["url"], raw, default, str(error)))
    try:
        return replace(base, **values), notes
    except ValueError as error:  # each value fine alone, but not together (e.g. the same input twice)
        return base, [*notes, f"The link's settings did not fit together ({error}); using the defaults instead."]


def to_query(config) -> dict[str, str]:
    """The URL query parameters for the values that differ from the defaults."""
    default = type(config)()
    return {
        f.metadata["url"]: str(getattr(config, f.name))
        for f in fields(config)
        if getattr(config, f.name) != getattr(default, f.name)
    }


@dataclass(frozen=True)
class GuessConfig:
    """A first guess at the line, on the door-to-door table (page "Guess and measure")."""

    # "typed": slope and intercept, a guess a person might make; "random": drawn from `seed`,
    # the same way a descent's start is.
    start: str = field(default="typed", metadata=spec("start", choices=STARTS))
    seed: int = field(default=0, metadata=spec("seed", 0, 2**31 - 1))
    slope: float = field(default=10_000.0, metadata=spec("slope", -1e7, 1e7))  # dollars per bedroom
    intercept: float = field(default=20_000.0, metadata=spec("intercept", -1e7, 1e7))  # dollars

    def __post_init__(self) -> None:
        if self.start not in STARTS:
            raise ValueError(f"start must be one of {', '.join(STARTS)}, not {self.start!r}")


@dataclass(frozen=True)
class SlopeConfig:
    """The loss against the slope with the intercept held still (page "Loss against the slope")."""

    # 0: a house with no bedrooms would be worth nothing, the simplest model to start from.
    intercept: float = field(default=0.0, metadata=spec("intercept", -1e6, 1e6))  # dollars
    slope: float = field(default=10_000.0, metadata=spec("slope", -1e6, 1e6))  # dollars per bedroom


def to_command(config: DescentConfig, data: str = "data/windsor_housing.csv") -> str:
    """The `python -m gdcore descend` command that prints this config's ledger, quoted for a shell."""
    parts = [
        "python -m gdcore descend",
        f"--data {shlex.quote(data)}",
        f"--x {shlex.quote(config.x)}",
        f"--y {shlex.quote(config.y)}",
        f"--lr {config.learning_rate!r}",
        f"--epochs {config.epochs}",
        f"--loss {config.loss}",
        f"--scale {config.scale}",
    ]
    if config.start == "random":
        parts.append(f"--seed {config.seed}")
    else:
        # "=" keeps argparse from reading a negative like -1e-05 as an option.
        parts.append(f"--init-slope={config.init_slope!r} --init-intercept={config.init_intercept!r}")
    return " ".join(parts)
