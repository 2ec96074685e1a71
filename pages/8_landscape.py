"""The loss over every (slope, intercept) of the house data, with the descent page's walk drawn on it."""

import streamlit as st

from gdcore import landscape, line, verdict
from gdcore.experiment import within_budget
from gdcore.lesson import heading, page
from ui import cached, code, controls, exports, frames, literal, present, router, state, stepper, verdicts
from ui import landscape as maps
from ui.fmt import axis_name, num, plural, rows_word, slope_units, y_units

router.ensure_router()

FOG, SURFACE = "landscape:fog", "landscape:surface"  # the view's switches: session keys, and fog= / surface= links

chosen = controls.descent_controls(views=("epoch", "fog", "surface"))
config = within_budget(chosen, cached.row_count(chosen.data))  # what runs: batches of 1 take many steps
fit = cached.fit(config)
run = fit.run
last = run.epochs
n = len(fit.x)
scaled = config.scale == "standardize"
loss_name = "SSE" if config.loss == "sse" else "MSE"
x_name = axis_name(config.data, config.x)
units = y_units(config.data, config.y)  # dollars for the house prices; an upload's "units of weight"
rows = rows_word(config.data)


def titles(standardized: bool) -> dict[str, str]:
    """Axis titles with units, for a map of raw or standardized data."""
    if standardized:
        return {
            "slope": "slope (standardized units)",
            "intercept": "intercept (standardized units)",
            "loss": f"{loss_name} (standardized units²)",
        }
    return {
        "slope": f"slope ({slope_units(config.data, config.x, config.y)})",
        "intercept": f"intercept ({units})",
        "loss": f"{loss_name} ({units})²",
    }


def yes_no(raw: str) -> bool:
    if raw not in ("yes", "no"):
        raise ValueError
    return raw == "yes"


st.title(heading("landscape"))
stage = present.stage()  # presenter mode: the stepper and the step go right here
state.seed_epoch("descent", last)
for key, url in ((FOG, "fog"), (SURFACE, "surface")):
    state.seed_view("descent", url, "no", yes_no, "yes or no", key=key)
    st.session_state[key] = st.session_state[key] in (True, "yes")  # the last visit kept the link's text
state.show_notes("descent")
controls.show_budget(chosen, config, n)
st.markdown(
    "Every straight line is one point on this map: its **slope** across, its **intercept** up. The colour is "
    f"the line's loss on all {n} {rows}: dark is low, yellow is high, and the white ✚ is the bottom, the best "
    f"line. {page('descent').capitalize()} walked downhill on this map one epoch at a time without ever seeing it; "
    f"here is the whole hill, with the walk drawn on it. The settings are {page('descent')}'s (sidebar), so a link "
    f"from {page('descent')} opens the "
    "same run here."
)
verdicts.say(verdict(fit), lead="Where this run goes: ")
land = maps.landscape_of(fit)
scale_of_map = float(max(abs(land.slopes).max(), abs(land.intercepts).max()))
bottom = [value if abs(value) > 1e-12 * scale_of_map else 0.0 for value in fit.best]  # 1.8e-16 is rounding: 0
left, right = st.columns(2)
fog = left.toggle(
    "Fog: show only what the descent has measured",
    key=FOG,
    help="Gradient descent never sees the map. At each step it measures the loss and the tilt at one point, "
    "nothing more: a walker on a mountain in thick fog.",
)
surface = right.toggle("Also draw the 3D surface", key=SURFACE, help="The same loss, as a landscape you can turn.")
if land.shown < len(land.points):
    st.warning(
        f"After epoch {land.shown - 1} the walk climbs off the map: its loss grew to more than "
        f"{maps.CAP:g} times the start's height above the bottom"
        + (f", and in epoch {run.diverged_at} the numbers grew too large to store" if run.diverged_at else "")
        + ". The map shows the part of the walk that fits; the epochs after it are marked off the map below. "
        f"A learning rate below {num(fit.max_stable_lr)} keeps plain descent on the map.",
        icon=":material/terrain:",
    )


def show(k: int) -> None:
    """What the page still does itself once the epoch reaches it: the link."""
    state.publish("descent", chosen, epoch=k or None, fog="yes" if fog else None, surface="yes" if surface else None)


def words(k: int) -> str:
    """Where the ball is after k epochs and the next plain step from there, as HTML."""
    on_map = k < land.shown
    here = land.points[min(k, land.shown - 1)]
    step = maps.next_step(land, fit, k)
    if not on_map:
        return frames.html(
            f"**Epoch {k} of {last}: off the map.** The ball left the map after epoch {land.shown - 1}; its loss "
            f"is now {num(land.losses[k])}."
        )
    if step is None:
        return frames.html(f"**Epoch {k} of {last}.** No next step to draw: the gradient here is too large to store.")
    g, s = step.gradient, step.step
    rate = fit.config.rate(k + 1)
    return frames.html(
        f"**Epoch {k} of {last}.** The ball is at slope {num(here[0])}, intercept {num(here[1])}, "
        f"{loss_name} {num(land.losses[k])}. The gradient there: ∂{loss_name}/∂slope = {num(g[0])}, "
        f"∂{loss_name}/∂intercept = {num(g[1])}. The next plain step is −{num(rate)} × gradient = "
        f"({num(s[0])}, {num(s[1])})."
        + (
            ""
            if config.optimizer == "gd"
            else f" ({controls.OPTIMIZER_LABELS[config.optimizer].split(':')[0].capitalize()} takes a step of "
            f"its own from the same gradient: {page('descent')}'s ledger writes it out.)"
        )
    )


def pictures(k: int, fog: bool, figure: dict, sheet: dict | None) -> dict[str, tuple]:
    """The map (and the 3D surface, `sheet`) after k epochs, as plotly's JSON (ui.landscape.contours_by_epoch),
    with their captions: the path so far, the ball, the next step's arrow, the fog."""
    on_map = k < land.shown
    step = maps.next_step(land, fit, k)
    names = titles(scaled)
    arrow = "The red arrow is the next plain step, −learning rate × gradient: it points straight downhill, across "
    if step is None or not on_map:
        arrow = "No arrow: there is no next step to draw from here. "
    elif step.scale == 1:
        arrow += "the contour lines, and its length is the step itself. "
    else:
        size, way = ("too long", "shorter") if step.scale < 1 else ("too short", "longer")
        arrow += (
            f"the contour lines. The step is {size} to see at its true size, so it is drawn "
            f"{num(max(step.scale, 1 / step.scale), 3)} times {way} than it is. "
        )
    fogged = (
        f" Fog: only the patches around the {min(k, land.shown - 1) + 1} points measured so far are shown; the rest is "
        "grey, unknown to the descent."
        + ("" if len(run.records) == run.epochs else " One point per epoch: the steps within an epoch are not drawn.")
        if fog
        else ""
    )
    caption = (
        f"Chart: contour map of the {loss_name} of every line, {names['slope']} across, {names['intercept']} up"
        f"{', coloured on a log scale' if land.log else ''}. "
        + (
            f"The orange path is the walk until it left the map after epoch {land.shown - 1}; the ball is off the map,"
            if not on_map
            else f"The orange path is the walk, one point per epoch, the large circle the ball after "
            f"{plural(k, 'epoch')},"
            if k
            else "The large orange circle is the ball at the start,"
        )
        + (" the bottom hidden with the rest. " if fog else f" the white ✚ the bottom at slope {num(bottom[0])}, ")
        + ("" if fog else f"intercept {num(bottom[1])}. ")
        + f"{arrow}{fogged}"
    )
    drawn = {"map": (figure, caption.strip())}
    if sheet is not None:  # below the map, full width: a 3D scene in half a column is too narrow to see
        caption = (
            f"Chart: the same {loss_name} as a 3D surface (drag to turn it), height = loss, with the walk drawn "
            "at its loss after each epoch; the large marker is the ball now."
            + (" Fogged parts are left out." if fog else "")
        )
        drawn["surface"] = sheet, caption
    return drawn


@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool, fog: bool, surface: bool) -> dict:
    """Every epoch of the walk on the map as the browser draws it (ui/frames.py): built once per run, presenter
    mode and view (fog, surface), shared by every session with the same settings. `settings` is the run's config:
    every page variable the frames read follows from it and the data it names."""
    names = titles(scaled)
    maps_ = maps.contours_by_epoch(land, fit, fog, names)
    sheets = maps.surfaces_by_epoch(land, fit, fog, names) if surface else None
    drawn = [pictures(k, fog, maps_[k], sheets[k] if sheets else None) for k in range(last + 1)]
    layout = [("map", 460, True, {"config": exports.png("loss-landscape-map")})]
    layout += [("surface", 520, True, {"config": exports.png("loss-landscape-3d", "resetCameraDefault3d")})]
    listed, per_frame = frames.charts(drawn, layout)
    store, shown = frames.sections([{"words": words(k)} for k in range(last + 1)])
    return {
        "frames": [pictured | {"sections": named} for pictured, named in zip(per_frame, shown)],
        "html": store,
        "layout": [{"section": "words", "live": True}, {"charts": [chart["id"] for chart in listed]}],
        "charts": listed,
        "ledger": None,
    }


with stage:
    stepper.stepper("epoch", last, show, frames=run_frames(config, present.active(), fog, surface))

st.subheader("Feature scaling: a narrow valley or a round bowl")
houses = cached.houses(config.data, config.x, config.y)
raw_twin, scaled_twin, moved = maps.scaling_twins(config, fit.in_data_units(run.start), houses.x, houses.y)
st.markdown(
    f"The same start, the same line in {literal.md(units)}, on two maps. On the left, x and y keep their units "
    f"({literal.md(x_name)} and {literal.md(units)}); on the right both are **standardized** (each value minus its "
    f"mean, divided by its standard deviation). Each walk is plain gradient descent at {maps.SHARE:.0%} of its own "
    f"map's largest stable learning rate, as fast as it dares, for up to {maps.COMPARE_EPOCHS} epochs. *Done* means "
    f"the loss is within {maps.TOLERANCE:.1%} of the least possible."
    + (
        " The page's start is too far out to type in the other units, so both start from seed 8's line."
        if moved
        else ""
    )
)
columns = st.columns(2)
for column, twin, raw in ((columns[0], raw_twin, True), (columns[1], scaled_twin, False)):
    with column:
        side = f"raw {x_name} and {units}" if raw else "standardized"
        opening = literal.md(side[0].upper() + side[1:])  # .capitalize() would lower-case the column names
        if twin.config is None:
            st.markdown(
                f"**{opening}: no run.** {maps.SHARE:.0%} of the largest stable rate here is "
                f"{num(twin.rate)}, below the smallest the app accepts (1e-9): the valley is so narrow that no step "
                "the app can take is small enough."
            )
            continue
        twin_fit = cached.fit(twin.config)
        figure, twin_land = maps.twin_contour(twin_fit, titles(not raw), raw, side)
        done = maps.within(twin_land, twin_fit)
        name = f"twin_{'raw' if raw else 'scaled'}"
        st.plotly_chart(figure, width="stretch", key=name, config=exports.png(f"loss-landscape-{name}"))
        took = (
            f"done after {done} epoch{'' if done == 1 else 's'}"
            if done is not None
            else (f"not done within {maps.COMPARE_EPOCHS} epochs")
        )
        st.caption(
            literal.md(
                f"Chart: contour map of the {loss_name} on {side} data, {titles(not raw)['slope']} across, "
                f"{titles(not raw)['intercept']} up, with the walk of {twin_fit.run.epochs} epochs "
                f"({'red, solid, ◆ markers' if raw else 'blue, dashed, ● markers'}) and the bottom ✚: {took}."
            )
        )
        st.metric(f"{opening}: epochs to within {maps.TOLERANCE:.1%}", done if done is not None else "not done")
        st.markdown(
            f"Steepest curvature ÷ flattest: **{num(twin.ratio, 4)}**. Largest stable rate, 2 ÷ steepest curvature: "
            f"**{num(twin.stable)}**. Rate used: **{num(twin.rate)}**."
        )
ratio = raw_twin.ratio
st.markdown(
    f"**Why.** On raw data the bowl is {num(ratio, 3)} times more curved across the valley than along it (the "
    "Hessian's two curvatures, its eigenvalues). A step longer than 2 ÷ the steepest curvature "
    f"({num(raw_twin.stable)} here) lands further up the other side than it started, and the walk blows up. Any step "
    "short enough to stay in the valley is tiny along its floor, so the walk zig-zags across and crawls along. "
    "Standardized, both curvatures are the same: the bowl is round and downhill points straight at the bottom from "
    "anywhere, so one learning rate suits both directions (at half the largest stable rate, one step lands on the "
    f"bottom). That is why {page('descent')} standardizes by default."
)

with st.expander("How the map is computed"):
    over_n = "" if config.loss == "sse" else r"\frac{1}{n}\,"
    st.latex(
        rf"\text{{{loss_name}}} = {over_n}\Big(\text{{least}} + uu\,(\text{{slope}} - \text{{best slope}})^2"
        r" + n\,c^2\Big)"
    )
    st.markdown(
        "with uu = Σ(x − mean x)², and c = intercept + slope × mean(x) − mean(y), the line's error at the mean "
        "house. These few sums are computed once; after that each of the map's "
        f"{maps.CELLS * maps.CELLS:,} lines costs a handful of multiplications, for {n} {rows} or for a million. "
        "The same numbers as adding up every house's squared error, to about ten digits."
    )
code.show(
    "The code behind the map (from `gdcore`, plain numpy):",
    [line.Bowl, line.bowl, line.bowl_sse, landscape.loss_grid, line.curvatures, landscape.standardized_line]
    + [landscape.fog],
)
