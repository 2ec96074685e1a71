"""One frozen config per experiment: it drives the widgets, the URL, the cache key, the validation and the CLI.

Each field carries its metadata (`spec`): the URL key, the range or the choices, and a label. From
that one declaration come the config's validation (`check`), link parsing (`from_query`, which
never raises), the link itself (`to_query`), the widgets' limits and the command line's options.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields, replace

from gdcore.data import DEFAULT_DATA, SHIPPED, UPLOAD_KEY
from gdcore.optimizers import OPTIMIZERS, SETTINGS, TABLE, Setting
from gdcore.schedules import SCHEDULES, rate

STARTS = ("random", "typed")
LOSSES = ("sse", "mse")
LONGEST_LINK_VALUE = 200  # characters; a longer value in a link is not read at all
SHOWN = 40  # characters of a bad link value repeated back in a note


def spec(
    url: str,
    low: float | None = None,
    high: float | None = None,
    choices: tuple = (),
    *,
    label: str | None = None,
    kind: type | None = None,
    cli: str | None = None,
    help: str = "",
    pattern: str | None = None,
    unset: str = "",
) -> dict:
    """Field metadata: the URL key, the range or the choices, what to call the field in a sentence,
    its type when the default (None) does not say, its command-line option, a help text, for a
    name, the regular expression it must match whole, and for a field whose default is None, what None
    means in words ("the surface's own")."""
    return {
        "url": url,
        "low": low,
        "high": high,
        "choices": choices,
        "label": label,
        "kind": kind,
        "cli": cli,
        "help": help,
        "pattern": pattern,
        "unset": unset,
    }


def kind_of(f) -> type:
    """The field's type: bool, int, float or str."""
    return f.metadata.get("kind") or type(f.default)


def describe_range(f) -> str:
    low, high = f.metadata["low"], f.metadata["high"]
    if kind_of(f) is int:
        return f"a whole number from {low:,} to {high:,}"
    return f"a number from {low:g} to {high:g}"


def problem(f, value) -> str:
    """What is wrong with `value` for field f, or "" if nothing is."""
    meta, kind = f.metadata, kind_of(f)
    if value is None and f.default is None:
        return ""
    if meta["choices"]:
        return "" if value in meta["choices"] else f"one of {', '.join(map(str, meta['choices']))}"
    if kind is bool:
        return "" if isinstance(value, bool) else "yes or no"
    if kind is str:
        if not (isinstance(value, str) and value):
            return "a non-empty name"
        if meta.get("pattern") and not re.fullmatch(meta["pattern"], value):
            return "the name of a data set that ships with the app, or of an upload"
        return ""
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        return "a whole number"
    if kind is float and (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)):
        return "a finite number"
    low, high = meta["low"], meta["high"]
    if (low is not None and value < low) or (high is not None and value > high):
        return describe_range(f)
    return ""


def check(config) -> None:
    """Raise ValueError naming the first field whose value breaks its metadata's rules."""
    for f in fields(config):
        value = getattr(config, f.name)
        wanted = problem(f, value)
        if wanted:
            raise ValueError(f"the {f.metadata['label'] or f.name} must be {wanted}, not {value!r}")


def field_of(cls, name: str, default=MISSING, **changes):
    """`cls`'s field `name` as another config declares it: the same link key, label, checks and option, with that
    config's own default, and any of its metadata changed (`high=500`, `url="steps"`)."""
    f = next(f for f in fields(cls) if f.name == name)
    return field(default=f.default if default is MISSING else default, metadata=dict(f.metadata) | changes)


def declared_after(after: str, new: dict[str, tuple[str, object]]):
    """A class decorator for under @dataclass: the fields `new` (name: (type, field)) declared right after the
    field `after`, as if written there (fields made from a table, in the order the table gives)."""

    def declare(cls):
        annotations = {}
        for name, kind in cls.__annotations__.items():
            annotations[name] = kind
            if name == after:
                annotations |= {added: kind for added, (kind, _) in new.items()}
        cls.__annotations__ = annotations
        for name, (_, made) in new.items():
            setattr(cls, name, made)
        return cls

    return declare


def setting_field(setting: Setting, url: str, label: str, cli: str | None = None, help: str = "", unset: str = ""):
    """A field of an optimizer's setting (gdcore.optimizers.SETTINGS): its range and default, under `url`."""
    meta = spec(url, setting.low, setting.high, label=label, kind=float, cli=cli, help=help, unset=unset)
    return ("float" if setting.default is not None else "float | None", field(default=setting.default, metadata=meta))


def listed(names: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def readers(setting: Setting) -> str:
    """Which optimizers read `setting`, with their defaults where each has its own: "adagrad 1e-10, adam 1e-08"."""
    users = [optimizer for optimizer in TABLE if setting in optimizer.settings]
    if setting.default is not None:
        return f"{listed([optimizer.key for optimizer in users])}'s {setting.short}"
    by_default: dict[float, list[str]] = {}
    for optimizer in users:
        by_default.setdefault(optimizer.default(setting.name), []).append(optimizer.key)
    return ", ".join(f"{listed(keys)} {value:g}" for value, keys in by_default.items())


# The fields every run has, which every model's config declares with its own default: each page has its own
# control for each (the other Training fields sit under "Advanced"), and each command line spells them out.
BASICS = ("learning_rate", "epochs", "seed")

# One field per setting of the optimizers: momentum (mu), beta1 (b1), ...; eps None is each optimizer's own.
SETTING_FIELDS = {
    s.name: setting_field(s, s.short, s.name, s.name.replace("_", "-"), readers(s), unset="the optimizer's own")
    for s in SETTINGS
}


@dataclass(frozen=True)
@declared_after("optimizer", SETTING_FIELDS)
class Training:
    """How to walk downhill: the learning rate, the epochs and the seed; the optimizer and its settings, the
    schedule, the batches.

    Shared by every experiment config; the defaults are plain full-batch gradient descent. Each model's config
    gives the first three its own default and range (`field_of`): they come first in every config all the same.
    """

    # How far a step goes: new = current - learning_rate * gradient (the other optimizers: - update).
    learning_rate: float = field(default=0.1, metadata=spec("lr", 1e-9, 1e6, label="learning rate", cli="lr"))
    # How many passes over the data (a curve, which has no data: how many steps).
    epochs: int = field(default=100, metadata=spec("epochs", 1, 5000, label="number of epochs", cli="epochs"))
    # Where the random start comes from, and the batches' shuffles: the same seed, the same run.
    seed: int = field(default=0, metadata=spec("seed", 0, 2**31 - 1, label="seed", cli="seed"))

    # gd: new = current - lr * gradient. The others remember past gradients (gdcore.optimizers).
    optimizer: str = field(
        default="gd",
        metadata=spec(
            "opt", choices=OPTIMIZERS, label="optimizer", cli="optimizer", help="how a gradient becomes a step"
        ),
    )
    # Here, declared_after puts one field per setting an optimizer reads: momentum (link key mu), beta1 (b1), beta2
    # (b2), alpha, eps, each with its range and default as gdcore.optimizers.SETTINGS declares it.
    # The learning rate of each epoch: constant, or falling as the run goes on (gdcore.schedules).
    schedule: str = field(
        default="constant",
        metadata=spec("sched", choices=SCHEDULES, label="schedule", cli="schedule", help="the learning rate per epoch"),
    )
    gamma: float = field(
        default=0.9,
        metadata=spec("gamma", 0.001, 1.0, label="gamma", cli="gamma", help="step and exponential's factor"),
    )
    every: int = field(
        default=10, metadata=spec("every", 1, 10_000, label="every", cli="every", help="step's epochs per drop")
    )
    lr_min: float = field(
        default=0.0, metadata=spec("lrmin", 0.0, 1e6, label="lr_min", cli="lr-min", help="cosine's last rate")
    )
    warmup: int = field(
        default=0, metadata=spec("warmup", 0, 10_000, label="warm-up", cli="warmup", help="epochs of linear warm-up")
    )
    # Rows per step; 0 means all rows (full batch: one step per epoch).
    batch_size: int = field(
        default=0, metadata=spec("batch", 0, 10**9, label="batch size", cli="batch-size", help="rows per step, 0: all")
    )
    shuffle: bool = field(
        default=True, metadata=spec("shuffle", label="shuffle", cli="shuffle", help="a fresh shuffle every epoch")
    )

    def __post_init__(self) -> None:
        check(self)

    @property
    def hyper(self) -> dict[str, float | None]:
        """The optimizers' settings, by name (gdcore.optimizers.SETTINGS)."""
        return {setting.name: getattr(self, setting.name) for setting in SETTINGS}

    def rate(self, t: int) -> float:
        """The learning rate of epoch t (1-based) under this config's schedule and warm-up."""
        return rate(
            t,
            self.learning_rate,
            self.schedule,
            gamma=self.gamma,
            every=self.every,
            lr_min=self.lr_min,
            epochs=self.epochs,
            warmup=self.warmup,
        )

    @property
    def step_work(self) -> int:
        """The work of one step of this model, in units of one plain step on the line (gdcore.experiment)."""
        return 1

    def plain(self, n: int) -> bool:
        """Plain full-batch gradient descent at a constant rate: one step per epoch, new = current - lr * g."""
        full = self.batch_size <= 0 or self.batch_size >= n
        return self.optimizer == "gd" and self.schedule == "constant" and self.warmup == 0 and full


@dataclass(frozen=True)
class Experiment(Training):
    """What every experiment shares: the data set it runs on, and how it trains (Training's fields).

    Each model's config (DescentConfig, NetworkConfig, ChainConfig) adds its model's own settings.
    """

    # The data set, by name: one of the files that ship with the app (gdcore.data.SHIPPED), or a
    # learner's upload, named by its bytes (gdcore.upload.key_of); which uploads a link may name is
    # the page's to say (a session sees its own). The command line reads a file instead (--data).
    data: str = field(
        default=DEFAULT_DATA,
        metadata=spec("data", label="data set", kind=str, pattern="|".join([*map(re.escape, SHIPPED), UPLOAD_KEY])),
    )


def parse_value(raw: str, f, choices: Sequence[str] = ()):
    """Parse one URL value for field f, or raise ValueError with the reason in a few words.

    `choices`, if given, are the values a text field may take here (say, the data's numeric columns).
    """
    if len(raw) > LONGEST_LINK_VALUE:
        raise ValueError(f"it is longer than {LONGEST_LINK_VALUE} characters")
    kind, meta = kind_of(f), f.metadata
    choices = meta["choices"] or tuple(choices)
    if choices:
        if raw not in choices:
            listed = ", ".join(map(str, choices[:12])) + (", …" if len(choices) > 12 else "")
            raise ValueError(f"it is not one of {listed}")
        return raw
    if kind is bool:
        if raw not in ("yes", "no"):
            raise ValueError("it is not yes or no")
        return raw == "yes"
    if kind is str:
        if problem(f, raw):
            raise ValueError(f"it is not {problem(f, raw)}")
        return raw
    try:
        value = int(raw) if kind is int else float(raw)
    except ValueError:
        raise ValueError(f"it is not {'a whole number' if kind is int else 'a number'}") from None
    wanted = problem(f, value)
    if wanted:
        raise ValueError(f"it is not {wanted}")
    return value


def shown(raw: str) -> str:
    """A link value as a note repeats it: quoted, and cut short if long (after quoting, since repr can
    spell one unprintable character as ten)."""
    text = repr(raw)
    return text if len(text) <= SHOWN + 2 else text[:SHOWN] + "…"


def describe_parse_error(key: str, raw: str, default, reason: str, unset: str = "") -> str:
    """The note on a link value that was ignored; `unset`: what a default of None means, in words."""
    using = (unset or "the default") if default is None else repr(link_text(default))
    return f"The link's {key}={shown(raw)} was ignored ({reason}); using {using} instead."


def link_text(value) -> str:
    """A config value as the link writes it: yes/no for a switch, repr-exact numbers."""
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


def from_query(cls, params: Mapping[str, str], base=None, columns: Mapping[str, Sequence[str]] | None = None) -> tuple:
    """Build a `cls` config from URL query parameters; a value that makes no sense keeps the default.

    `columns` maps a URL key to the column names it may take (the page's data decides). Returns the
    config and one note per ignored value, for the page to show. Never raises.
    """
    base = base if base is not None else cls()
    values, notes = {}, []
    for f in fields(cls):
        key = f.metadata["url"]
        if key not in params:
            continue
        raw = str(params[key])
        try:
            values[f.name] = parse_value(raw, f, (columns or {}).get(key, ()))
        except ValueError as error:
            notes.append(describe_parse_error(key, raw, getattr(base, f.name), str(error), f.metadata.get("unset", "")))
    config, dropped = fitting(base, values)
    for f, error in dropped:
        key = f.metadata["url"]
        notes.append(
            f"The link's {key}={shown(str(params[key]))} did not fit with the rest of the link ({error}); "
            f"using {link_text(getattr(config, f.name))!r} instead."
        )
    return config, notes


def fitting(base, values: dict) -> tuple:
    """`base` with as many of `values` as fit together (each is valid alone, but two inputs may name the
    same column). Returns the config and the (field, reason) of each value left out."""
    try:
        return replace(base, **values), []
    except ValueError:
        pass
    given = [f for f in fields(base) if f.name in values]
    for f in reversed(given):  # leave out one value: the last one without which the rest fit
        try:
            config = replace(base, **{name: value for name, value in values.items() if name != f.name})
        except ValueError:
            continue
        try:
            replace(config, **{f.name: values[f.name]})
        except ValueError as error:
            return config, [(f, error)]
    config, left_out = base, []  # else keep each value that fits with the ones before it
    for f in given:
        try:
            config = replace(config, **{f.name: values[f.name]})
        except ValueError as error:
            left_out.append((f, error))
    return config, left_out


def to_query(config) -> dict[str, str]:
    """The URL query parameters for the values that differ from the defaults."""
    default = type(config)()
    return {
        f.metadata["url"]: link_text(getattr(config, f.name))
        for f in fields(config)
        if getattr(config, f.name) != getattr(default, f.name)
    }


@dataclass(frozen=True)
class GuessConfig:
    """A first guess at the line, on the door-to-door table (page "Guess and measure")."""

    # "typed": slope and intercept, a guess a person might make; "random": drawn from `seed`,
    # the same way a descent's start is.
    start: str = field(default="typed", metadata=spec("start", choices=STARTS, label="start"))
    seed: int = field(default=0, metadata=spec("seed", 0, 2**31 - 1, label="seed"))
    slope: float = field(default=10_000.0, metadata=spec("slope", -1e7, 1e7, label="slope"))  # dollars per bedroom
    intercept: float = field(default=20_000.0, metadata=spec("intercept", -1e7, 1e7, label="intercept"))  # dollars

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class SlopeConfig:
    """The loss against the slope with the intercept held still (page "Loss against the slope")."""

    # 0: a house with no bedrooms would be worth nothing, the simplest model to start from.
    intercept: float = field(default=0.0, metadata=spec("intercept", -1e6, 1e6, label="intercept"))  # dollars
    slope: float = field(default=10_000.0, metadata=spec("slope", -1e6, 1e6, label="slope"))  # dollars per bedroom

    def __post_init__(self) -> None:
        check(self)


def training_options(config: Training) -> list[str]:
    """The command-line options for the training settings beyond the basics that differ from the defaults."""
    default = type(config)()
    return [
        f"--{f.metadata['cli']} {link_text(getattr(config, f.name))}"
        for f in fields(Training)
        if f.name not in BASICS and getattr(config, f.name) != getattr(default, f.name)
    ]
