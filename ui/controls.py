"""Sidebar widgets. Each function draws one page's controls and returns that page's frozen config.

Widgets take their range from the config's field metadata (gdcore.config.spec), so a widget, a
link and the command line accept the same values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields

import streamlit as st

from gdcore import DescentConfig, GuessConfig, SlopeConfig, experiment
from gdcore.config import BASICS, Training, kind_of
from gdcore.curve import CurveConfig
from gdcore.data import SHIPPED
from gdcore.optimizers import BY_KEY, TABLE, Optimizer, Setting
from gdcore.upload import problem_with_columns
from ui import cached, handoff, literal, state, uploads
from ui.fmt import axis_name, slope_units, y_units

START_LABELS = {"random": "random (from a seed)", "typed": "typed in"}
LOSS_LABELS = {"sse": "sum of squared errors (SSE)", "mse": "mean of squared errors (MSE = SSE ÷ n)"}
SCALE_LABELS = {"none": "none: the data's own units (say, bedrooms and dollars)", "standardize": "standardize x and y"}


def field_for(cls, url: str):
    """The config field whose URL key is `url`."""
    return next(f for f in fields(cls) if f.metadata["url"] == url)


def meta(cls, url: str) -> dict:
    """The field metadata (URL key, range, choices) of the config field whose URL key is `url`."""
    return field_for(cls, url).metadata


def keep(url: str, value) -> None:
    """Give a widget shown only for some settings its last value back before it is drawn again.

    Streamlit forgets the value of a widget that a run does not draw (say, momentum's mu while
    Adam is picked); the config kept it.
    """
    if url not in st.session_state:
        st.session_state[url] = value


def number(
    cls, url: str, label: str, *, step: float, fmt: str | None = None, help: str | None = None, disabled: bool = False
):
    """A number box for the config field whose URL key is `url`, limited to the field's range."""
    limits = meta(cls, url)
    integer = isinstance(limits["low"], int) and isinstance(limits["high"], int)
    cast = int if integer else float
    return st.number_input(
        label,
        min_value=cast(limits["low"]),
        max_value=cast(limits["high"]),
        step=cast(step),
        format=fmt,
        key=url,
        help=help,
        disabled=disabled,
    )


def choice(cls, url: str, label: str, labels: dict[str, str], help: str | None = None):
    return st.radio(label, meta(cls, url)["choices"], format_func=labels.get, key=url, help=help)


def use_preset(page: str, preset, view: str = "epoch") -> None:
    """A button's callback: every setting of the page at `preset`'s values, shown from the start (view 0).

    Runs before the page, so the widgets are drawn with these values; the link follows from them.
    """
    for f in fields(preset):
        st.session_state[f.metadata["url"]] = getattr(preset, f.name)
    st.session_state[f"config:{page}"] = preset
    st.session_state[view] = 0


def guess_controls() -> GuessConfig:
    state.seed("guess", GuessConfig)
    with st.sidebar:
        st.subheader("Your guess")
        start = choice(
            GuessConfig,
            "start",
            "Where the line comes from",
            START_LABELS,
            help="A random line is drawn from the seed, so the same seed always gives the same line.",
        )
        seed = number(
            GuessConfig,
            "seed",
            "Seed",
            step=1,
            disabled=start != "random",
            help="Any whole number; each gives its own random line.",
        )
        slope = number(
            GuessConfig,
            "slope",
            "Slope (dollars per bedroom)",
            step=1000.0,
            fmt="%.2f",
            disabled=start != "typed",
            help="How much the price goes up for each extra bedroom.",
        )
        intercept = number(
            GuessConfig,
            "intercept",
            "Intercept (dollars)",
            step=1000.0,
            fmt="%.2f",
            disabled=start != "typed",
            help="The price the line gives a house with 0 bedrooms.",
        )
    config = GuessConfig(start=start, seed=seed, slope=slope, intercept=intercept)
    state.publish("guess", config)
    return config


def slope_controls() -> SlopeConfig:
    state.seed("slope", SlopeConfig)
    handoff.carry_guess()  # no slope or intercept in the link: start from the guess page's guess
    with st.sidebar:
        st.subheader("The line")
        intercept = number(
            SlopeConfig,
            "intercept",
            "Intercept, held still (dollars)",
            step=1000.0,
            fmt="%.2f",
            help="The curve is drawn for this intercept; change it and the whole bowl moves.",
        )
        slope = number(
            SlopeConfig,
            "slope",
            "Your slope (dollars per bedroom)",
            step=1000.0,
            fmt="%.2f",
            help="Where the tangent touches the curve.",
        )
    config = SlopeConfig(intercept=intercept, slope=slope)
    state.publish("slope", config)
    return config


def line_columns(data: str) -> dict[str, list[str]]:
    """The columns a line's x and y may name on the data set `data`: on the house data, any numeric x and
    the price as y; on an upload, any of its numeric columns for either (two different ones)."""
    numeric = cached.numeric_columns(data)
    if data in SHIPPED:
        return {"x": [name for name in numeric if name != "price"], "y": ["price"]}
    return {"x": numeric, "y": numeric}


def _new_data() -> None:
    """Another data set picked: x and y start on two of its columns (an upload's first and last)."""
    data = st.session_state["data"]
    if data in SHIPPED:
        st.session_state["x"], st.session_state["y"] = DescentConfig().x, DescentConfig().y
    else:
        st.session_state["x"], st.session_state["y"] = uploads.default_columns(data)


def _distinct(changed: str, page: str = "descent") -> None:
    """x and y must differ: picking for one the column the other holds swaps the two."""
    other = "y" if changed == "x" else "x"
    if st.session_state[other] == st.session_state[changed]:
        st.session_state[other] = getattr(st.session_state.get(f"config:{page}", DescentConfig()), changed)


def data_controls(base, page: str = "descent") -> tuple[str, str, str]:
    """The data set (when this session has uploads), its x and, on an upload, its y: (data, x, y).

    `base`: the page's config (with data, x and y fields); `page`: its name in ui.state."""
    data = base.data
    if uploads.mine():
        labels = {name: uploads.title(name) for name in uploads.names()}  # a plain mapping: AppTest calls it too
        data = st.selectbox(
            "Data",
            list(labels),
            format_func=labels.get,
            key="data",
            on_change=_new_data,
            help="The house data, or a CSV of your own (upload it under “Your own data” above).",
        )
    columns = line_columns(data)
    x = st.selectbox(
        "x: predict from",
        columns["x"],
        format_func=lambda name: axis_name(data, name),
        key="x",
        on_change=_distinct,
        args=("x", page),
        help="The column the line reads: new predictions move along it.",
    )
    y = (
        columns["y"][0]  # the house data's y is the price (base.y may be an upload's column)
        if data in SHIPPED
        else st.selectbox(
            "y: predict",
            columns["y"],
            format_func=lambda name: axis_name(data, name),
            key="y",
            on_change=_distinct,
            args=("y", page),
            help="The column the line predicts.",
        )
    )
    if data not in SHIPPED:
        problem = problem_with_columns(uploads.table(data), x, y)
        if problem:  # said in the page, which draws no more (see `sidebar`): another pick in the sidebar mends it
            raise Refused(problem)
    return data, x, y


class Refused(Exception):
    """The columns picked in the sidebar cannot be used; the message says why, in one sentence (gdcore.upload)."""


@contextmanager
def sidebar() -> Iterator[None]:
    """`with st.sidebar:` for the block that picks the columns: a refusal raised in it (Refused) is shown in the page
    itself, where a phone shows it (a phone hides the sidebar), and the page draws no more; another pick in the
    sidebar mends it."""
    try:
        with st.sidebar:
            yield
    except Refused as refused:
        st.error(literal.md(str(refused)), icon=":material/table_view:")
        st.stop()


def show_budget(chosen: Training, config: Training, rows: int) -> None:
    """Say so when the page runs fewer epochs than chosen, because the batches would take too many steps."""
    if config.epochs == chosen.epochs:
        return
    per, most = experiment.steps_per_epoch(chosen, rows), experiment.most_steps(chosen)
    st.warning(
        f"Batches of {chosen.batch_size:,} row{'' if chosen.batch_size == 1 else 's'} take {per:,} steps per epoch, so "
        f"{chosen.epochs:,} epochs would be "
        f"{per * chosen.epochs:,} steps; a page takes at most {most:,} steps of these at once (about two seconds of "
        f"work, which keeps the app quick for everyone using it). This run stops after {config.epochs:,} "
        f"epoch{'' if config.epochs == 1 else 's'} ({per * config.epochs:,} steps). A larger batch allows more epochs.",
        icon=":material/timer:",
    )


def descent_controls(views: tuple[str, ...] = ()) -> DescentConfig:
    """The descent's settings; the descent and check pages share them (and their link), so the check matches the run.

    `views`: the link keys the page reads itself.
    """
    base = state.seed("descent", DescentConfig, columns=line_columns, views=views, uploads=True)
    with sidebar():
        st.subheader("The descent")
        data, x, y = data_controls(base)
        lr = number(
            DescentConfig,
            "lr",
            "Learning rate",
            step=0.01,
            fmt="%g",
            help="How far each step goes: new = current − learning rate × gradient. "
            "From 1e-9 (a crawl) to 1e6 (a blow-up): try both.",
        )
        epochs = number(DescentConfig, "epochs", "Epochs", step=1, help="How many steps downhill to take (1 to 500).")
        loss = choice(
            DescentConfig,
            "loss",
            "Loss",
            LOSS_LABELS,
            help="The mean is the sum divided by the number of houses, so its gradients are n times smaller.",
        )
        scale = choice(
            DescentConfig,
            "scale",
            "Feature scaling",
            SCALE_LABELS,
            help="Standardizing replaces each value by (value − mean) ÷ standard deviation, so "
            "slope and intercept live on the same scale and one learning rate suits both.",
        )
        start = choice(DescentConfig, "start", "Starting point", START_LABELS)
        seed = number(
            DescentConfig,
            "seed",
            "Seed",
            step=1,
            disabled=start != "random",
            help="The same seed always gives the same starting line.",
        )
        units = "standardized units" if scale == "standardize" else literal.md(slope_units(data, x, y))
        slope0 = number(
            DescentConfig, "slope0", f"Starting slope ({units})", step=0.1, fmt="%g", disabled=start != "typed"
        )
        intercept0 = number(
            DescentConfig,
            "intercept0",
            f"Starting intercept ({'standardized units' if scale == 'standardize' else literal.md(y_units(data, y))})",
            step=0.1,
            fmt="%g",
            disabled=start != "typed",
        )
    advanced = training_controls(DescentConfig, base, cached.row_count(data), "descent")
    return DescentConfig(
        data=data,
        learning_rate=lr,
        epochs=epochs,
        loss=loss,
        scale=scale,
        start=start,
        seed=seed,
        init_slope=slope0,
        init_intercept=intercept0,
        x=x,
        y=y,
        **advanced,
    )


OPTIMIZER_LABELS = {optimizer.key: optimizer.title for optimizer in TABLE}
SCHEDULE_LABELS = {
    "constant": "constant: the same every epoch",
    "step": "step: drop by gamma every few epochs",
    "exponential": "exponential: × gamma every epoch",
    "cosine": "cosine: glide down to a minimum",
}
# The settings each schedule reads (URL keys): only those are shown (an optimizer's: its rule's, in its table entry).
SCHEDULE_USES = {"step": ("gamma", "every"), "exponential": ("gamma",), "cosine": ("lrmin",)}
HYPER_WIDGETS = {
    "gamma": ("Factor γ", 0.05, "Each drop multiplies the learning rate by γ (0.5 halves it)."),
    "every": ("Drop every … epochs", 1, "The step schedule keeps the rate for this many epochs, then drops it."),
    "lrmin": ("Smallest rate at the end", 0.001, "Cosine glides from the learning rate down towards this."),
}


def training_controls(cls: type[Training], base: Training, rows: int, page: str) -> dict:
    """The "Advanced" part of the sidebar: optimizer, schedule, batches. Returns their config values.

    Only the hyperparameters the chosen optimizer and schedule read are drawn; the others keep their
    values in the config. `rows` is how many rows the data has: the largest useful batch (0: no data, so
    no batches); `page` gets the notes.
    """
    values = {f.name: getattr(base, f.name) for f in fields(Training) if f.name not in BASICS}
    title = "Advanced: optimizer, schedule, batches" if rows else "Advanced: optimizer, schedule"
    with st.sidebar.expander(title, icon=":material/tune:"):
        optimizer = st.selectbox(
            "Optimizer",
            meta(cls, "opt")["choices"],
            format_func=OPTIMIZER_LABELS.get,
            key="opt",
            help="How a gradient becomes a step. Plain descent steps straight against it; the others remember "
            "earlier gradients.",
        )
        values["optimizer"] = optimizer
        for setting in BY_KEY[optimizer].settings:
            keep(setting.short, getattr(base, setting.name))
            f = field_for(cls, setting.short)
            values[setting.name] = setting_input(setting, BY_KEY[optimizer], f, f"{BY_KEY[optimizer].name}'s ")
        schedule = st.selectbox(
            "Learning-rate schedule",
            meta(cls, "sched")["choices"],
            format_func=SCHEDULE_LABELS.get,
            key="sched",
            help="The learning rate of each epoch: like a car slowing down as it nears its destination.",
        )
        values["schedule"] = schedule
        for url in SCHEDULE_USES.get(schedule, ()):
            values[field_for(cls, url).name] = hyper_widget(cls, url, base)
        keep("warmup", base.warmup)
        values["warmup"] = number(
            cls, "warmup", "Warm-up epochs", step=1, help="The rate grows from lr/W to lr over the first W epochs."
        )
        if rows:  # a model with data rows: its batches (a curve has no rows)
            keep("batch", min(base.batch_size, rows))
            if st.session_state["batch"] > rows:  # from a link: more rows than the data has is all of them
                state.add_note(
                    page,
                    f"The link's batch={st.session_state['batch']} is more rows than the data has ({rows:,}): each "
                    "step uses all of them, as batch=0 says.",
                )
                st.session_state["batch"] = 0
            values["batch_size"] = st.number_input(
                f"Batch size (0 = all {rows:,} rows)",
                min_value=0,
                max_value=rows,
                step=1,
                key="batch",
                help="How many rows each step looks at. All rows: one step per epoch. Fewer: several quicker, noisier "
                "steps per epoch (mini-batches); 1 is stochastic gradient descent.",
            )
            keep("shuffle", base.shuffle)
            values["shuffle"] = st.toggle(
                "Shuffle the rows every epoch",
                key="shuffle",
                disabled=not 0 < values["batch_size"] < rows,
                help="A fresh random order each epoch, drawn from the seed. Off: batches in file order.",
            )
    return values


def hyper_widget(cls, url: str, base: Training):
    """One schedule setting's number box, with its last value kept while it was hidden."""
    f = field_for(cls, url)
    keep(url, getattr(base, f.name))
    label, step, help_text = HYPER_WIDGETS[url]
    cast = int if kind_of(f) is int else float
    return st.number_input(
        label,
        min_value=cast(f.metadata["low"]),
        max_value=cast(f.metadata["high"]),
        step=cast(step),
        format=None if cast is int else "%g",
        key=url,
        help=help_text,
    )


def setting_input(setting: Setting, optimizer: Optimizer, f, prefix: str = ""):
    """The number box of an optimizer's setting (gdcore.optimizers.SETTINGS) for config field f, whose URL key is
    the widget's key: its symbol after `prefix` ("Adam's "). A setting whose default is each optimizer's own (eps)
    may be left empty: that default."""
    own = setting.default is None
    label = f"{prefix}{setting.symbol}" + (f" (empty: {optimizer.default(setting.name):g})" if own else "")
    return st.number_input(
        label,
        min_value=float(f.metadata["low"]),
        max_value=float(f.metadata["high"]),
        step=float(setting.step),
        format="%g",
        key=f.metadata["url"],
        help=setting.help,
        **({"value": None} if own else {}),
    )


def describe_training(config: Training, rows: int) -> str | None:
    """What the Advanced settings change about the walk downhill, in one sentence; None for plain descent."""
    if config.plain(rows):
        return None
    changes = []
    if config.optimizer != "gd":
        changes.append(f"the optimizer is **{OPTIMIZER_LABELS[config.optimizer]}**")
    if config.schedule != "constant" or config.warmup:
        warm = f", after {config.warmup} warm-up epochs" if config.warmup else ""
        changes.append(f"the learning rate follows a **{config.schedule}** schedule{warm}")
    if 0 < config.batch_size < rows:
        steps = experiment.steps_per_epoch(config, rows)
        order = ", freshly shuffled every epoch" if config.shuffle else ", in file order"
        size = "a **single row**" if config.batch_size == 1 else f"a **batch of {config.batch_size}** rows"
        changes.append(f"each step looks at {size}{order}: {steps:,} steps per epoch")
    return "Advanced settings (sidebar): " + "; ".join(changes) + "."


CURVE_LABELS = {"bowl": "a bowl: one valley", "bumpy": "bumpy: four valleys of different depths"}
# The learning rates the slider offers: 1, 2 and 5 times each power of ten from 0.0001 to 100.
RATE_LADDER = tuple(round(m * 10.0**e, 6) for e in range(-4, 2) for m in (1, 2, 5)) + (100.0,)


def ball_controls() -> CurveConfig:
    """The ball-on-the-hill page's settings: the hill, the drop, the rates, the random drops, the optimizer."""
    base = state.seed("ball", CurveConfig, views=("step",))
    with st.sidebar:
        st.subheader("The hill")
        curve = choice(CurveConfig, "curve", "Curve", CURVE_LABELS, help="The formula is on the page.")
        start = number(
            CurveConfig,
            "w0",
            "Drop the ball at w =",
            step=0.5,
            fmt="%g",
            help="Or click anywhere on the curve. From −20 to 20; the hill on screen runs from −6 to 6.",
        )
        options = sorted(set(RATE_LADDER) | {float(st.session_state["lr"])})
        learning_rate = st.select_slider(
            "Learning rate",
            options=options,
            key="lr",
            format_func=lambda value: f"{value:g}",
            help="new w = w − learning rate × slope. From 0.0001 (a crawl) to 100 (a blow-up): slide across the "
            "powers of ten and watch what the ball does.",
        )
        epochs = number(CurveConfig, "steps", "Steps", step=1, help="How many steps the ball takes (1 to 500).")
        st.subheader("Three learning rates side by side")
        small = number(CurveConfig, "lr1", "First rate (too small?)", step=0.01, fmt="%g")
        right = number(CurveConfig, "lr2", "Second rate (about right?)", step=0.01, fmt="%g")
        large = number(CurveConfig, "lr3", "Third rate (too large?)", step=0.01, fmt="%g")
        tolerance = number(
            CurveConfig,
            "tol",
            "At the bottom means within",
            step=0.001,
            fmt="%g",
            help="The scoreboard counts the steps until the ball stays this close to the lowest point of the curve.",
        )
        st.subheader("Random drops")
        drops = number(CurveConfig, "drops", "Drops", step=1, help="Balls dropped at random places on the hill.")
        seed = number(CurveConfig, "seed", "Seed", step=1, help="The same seed drops the balls in the same places.")
    advanced = training_controls(CurveConfig, base, 0, "ball")
    return CurveConfig(
        curve=curve,
        start=start,
        learning_rate=learning_rate,
        epochs=epochs,
        small=small,
        right=right,
        large=large,
        tolerance=tolerance,
        drops=drops,
        seed=seed,
        **advanced,
    )
