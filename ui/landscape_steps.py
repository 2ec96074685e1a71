"""The landscape page's walk on the map, epoch by epoch (the sentences, the map and the 3D surface the browser draws
at each epoch: `run_frames`), and its section on feature scaling, each read from one `View` of the run."""

from __future__ import annotations

import streamlit as st

from gdcore.lesson import page
from gdcore.line import DescentConfig, Fit
from ui import cached, controls, exports, frames, literal
from ui import landscape as maps
from ui.fmt import axis_name, num, plural, rows_word, slope_units, y_units


class View:
    """One run of the descent page as the landscape page tells it: its config and fit, the map around its walk
    (ui.landscape.landscape_of), the bottom, and the words its sentences use."""

    def __init__(self, config: DescentConfig, fit: Fit) -> None:
        self.config, self.fit, self.run = config, fit, fit.run
        self.last, self.n = self.run.epochs, len(fit.x)
        self.scaled = config.scale == "standardize"
        self.loss_name = "SSE" if config.loss == "sse" else "MSE"
        self.x_name = axis_name(config.data, config.x)
        self.units = y_units(config.data, config.y)  # dollars for the house prices; an upload's "units of weight"
        self.rows = rows_word(config.data)
        self.land = maps.landscape_of(fit)
        scale_of_map = float(max(abs(self.land.slopes).max(), abs(self.land.intercepts).max()))
        # 1.8e-16 is rounding: 0.
        self.bottom = [value if abs(value) > 1e-12 * scale_of_map else 0.0 for value in fit.best]

    def titles(self, standardized: bool) -> dict[str, str]:
        """Axis titles with units, for a map of raw or standardized data."""
        if standardized:
            return {
                "slope": "slope (standardized units)",
                "intercept": "intercept (standardized units)",
                "loss": f"{self.loss_name} (standardized units²)",
            }
        return {
            "slope": f"slope ({slope_units(self.config.data, self.config.x, self.config.y)})",
            "intercept": f"intercept ({self.units})",
            "loss": f"{self.loss_name} ({self.units})²",
        }


def words(v: View, k: int) -> str:
    """Where the ball is after k epochs and the next plain step from there, as HTML."""
    on_map = k < v.land.shown
    here = v.land.points[min(k, v.land.shown - 1)]
    step = maps.next_step(v.land, v.fit, k)
    if not on_map:
        return frames.html(
            f"**Epoch {k} of {v.last}: off the map.** The ball left the map after epoch {v.land.shown - 1}; its loss "
            f"is now {num(v.land.losses[k])}."
        )
    if step is None:
        return frames.html(f"**Epoch {k} of {v.last}.** No next step to draw: the gradient here is too large to store.")
    g, s = step.gradient, step.step
    rate = v.fit.config.rate(k + 1)
    return frames.html(
        f"**Epoch {k} of {v.last}.** The ball is at slope {num(here[0])}, intercept {num(here[1])}, "
        f"{v.loss_name} {num(v.land.losses[k])}. The gradient there: ∂{v.loss_name}/∂slope = {num(g[0])}, "
        f"∂{v.loss_name}/∂intercept = {num(g[1])}. The next plain step is −{num(rate)} × gradient = "
        f"({num(s[0])}, {num(s[1])})."
        + (
            ""
            if v.config.optimizer == "gd"
            else f" ({controls.OPTIMIZER_LABELS[v.config.optimizer].split(':')[0].capitalize()} takes a step of "
            f"its own from the same gradient: {page('descent')}'s ledger writes it out.)"
        )
    )


def pictures(v: View, k: int, fog: bool, figure: dict, sheet: dict | None) -> dict[str, tuple]:
    """The map (and the 3D surface, `sheet`) after k epochs, as plotly's JSON (ui.landscape.contours_by_epoch),
    with their captions: the path so far, the ball, the next step's arrow, the fog."""
    on_map = k < v.land.shown
    step = maps.next_step(v.land, v.fit, k)
    names = v.titles(v.scaled)
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
        f" Fog: only the patches around the {min(k, v.land.shown - 1) + 1} points measured so far are shown; "
        "the rest is "
        "grey, unknown to the descent."
        + (
            ""
            if len(v.run.records) == v.run.epochs
            else " One point per epoch: the steps within an epoch are not drawn."
        )
        if fog
        else ""
    )
    caption = (
        f"Chart: contour map of the {v.loss_name} of every line, {names['slope']} across, {names['intercept']} up"
        f"{', coloured on a log scale' if v.land.log else ''}. "
        + (
            f"The orange path is the walk until it left the map after epoch {v.land.shown - 1}; the ball is off the "
            "map,"
            if not on_map
            else f"The orange path is the walk, one point per epoch, the large circle the ball after "
            f"{plural(k, 'epoch')},"
            if k
            else "The large orange circle is the ball at the start,"
        )
        + (" the bottom hidden with the rest. " if fog else f" the white ✚ the bottom at slope {num(v.bottom[0])}, ")
        + ("" if fog else f"intercept {num(v.bottom[1])}. ")
        + f"{arrow}{fogged}"
    )
    drawn = {"map": (figure, caption.strip())}
    if sheet is not None:  # below the map, full width: a 3D scene in half a column is too narrow to see
        caption = (
            f"Chart: the same {v.loss_name} as a 3D surface (drag to turn it), height = loss, with the walk drawn "
            "at its loss after each epoch; the large marker is the ball now."
            + (" Fogged parts are left out." if fog else "")
        )
        drawn["surface"] = sheet, caption
    return drawn


def run_frames(v: View, fog: bool, surface: bool) -> dict:
    """Every epoch of the walk on the map as the browser draws it (ui/frames.py; the page caches them per run,
    presenter mode and view: fog, surface)."""
    names = v.titles(v.scaled)
    maps_ = maps.contours_by_epoch(v.land, v.fit, fog, names)
    sheets = maps.surfaces_by_epoch(v.land, v.fit, fog, names) if surface else None
    drawn = [pictures(v, k, fog, maps_[k], sheets[k] if sheets else None) for k in range(v.last + 1)]
    layout = [("map", 460, True, {"config": exports.png("loss-landscape-map")})]
    layout += [("surface", 520, True, {"config": exports.png("loss-landscape-3d", "resetCameraDefault3d")})]
    listed, per_frame = frames.charts(drawn, layout)
    store, shown = frames.sections([{"words": words(v, k)} for k in range(v.last + 1)])
    return {
        "frames": [pictured | {"sections": named} for pictured, named in zip(per_frame, shown)],
        "html": store,
        "layout": [{"section": "words", "live": True}, {"charts": [chart["id"] for chart in listed]}],
        "charts": listed,
        "ledger": None,
    }


def scaling(v: View) -> None:
    """The section on feature scaling: the same start on raw and on standardized data, each walk at the same share
    of its own map's largest stable learning rate, and why the raw one zig-zags."""
    config, fit, units, x_name, loss_name = v.config, v.fit, v.units, v.x_name, v.loss_name
    st.subheader("Feature scaling: a narrow valley or a round bowl")
    houses = cached.houses(config.data, config.x, config.y)
    raw_twin, scaled_twin, moved = maps.scaling_twins(config, fit.in_data_units(fit.run.start), houses.x, houses.y)
    st.markdown(
        f"The same start, the same line in {literal.md(units)}, on two maps. On the left, x and y keep their units "
        f"({literal.md(x_name)} and {literal.md(units)}); on the right both are **standardized** (each value minus its "
        f"mean, divided by its standard deviation). Each walk is plain gradient descent at {maps.SHARE:.0%} of its own "
        f"map's largest stable learning rate, as fast as it dares, for up to {maps.COMPARE_EPOCHS} epochs. "
        "*Done* means "
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
                    f"{num(twin.rate)}, below the smallest the app accepts (1e-9): the valley is so narrow that "
                    "no step "
                    "the app can take is small enough."
                )
                continue
            twin_fit = cached.fit(twin.config)
            figure, twin_land = maps.twin_contour(twin_fit, v.titles(not raw), raw, side)
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
                    f"Chart: contour map of the {loss_name} on {side} data, {v.titles(not raw)['slope']} across, "
                    f"{v.titles(not raw)['intercept']} up, with the walk of {twin_fit.run.epochs} epochs "
                    f"({'red, solid, ◆ markers' if raw else 'blue, dashed, ● markers'}) and the bottom ✚: {took}."
                )
            )
            st.metric(f"{opening}: epochs to within {maps.TOLERANCE:.1%}", done if done is not None else "not done")
            st.markdown(
                f"Steepest curvature ÷ flattest: **{num(twin.ratio, 4)}**. Largest stable rate, 2 ÷ steepest "
                "curvature: "
                f"**{num(twin.stable)}**. Rate used: **{num(twin.rate)}**."
            )
    ratio = raw_twin.ratio
    st.markdown(
        f"**Why.** On raw data the bowl is {num(ratio, 3)} times more curved across the valley than along it (the "
        "Hessian's two curvatures, its eigenvalues). A step longer than 2 ÷ the steepest curvature "
        f"({num(raw_twin.stable)} here) lands further up the other side than it started, and the walk blows up. "
        "Any step "
        "short enough to stay in the valley is tiny along its floor, so the walk zig-zags across and crawls along. "
        "Standardized, both curvatures are the same: the bowl is round and downhill points straight at the bottom from "
        "anywhere, so one learning rate suits both directions (at half the largest stable rate, one step lands on the "
        f"bottom). That is why {page('descent')} standardizes by default."
    )
