"""The loss over every (slope, intercept) of the house data, with the descent page's walk drawn on it."""

import streamlit as st

from gdcore import landscape, line, verdict
from gdcore.lesson import page
from ui import cached, code, controls, opening, present, router, state, stepper, verdicts
from ui import landscape as maps
from ui import landscape_steps as steps
from ui.fmt import num

router.ensure_router()

FOG, SURFACE = "landscape:fog", "landscape:surface"  # the view's switches: session keys, and fog= / surface= links

chosen = controls.descent_controls(views=("epoch", "fog", "surface"))
config = opening.affordable(chosen)  # what runs: batches of 1 take many steps
fit = cached.fit(config)
view = steps.View(config, fit)  # the run and the map around its walk


def yes_no(raw: str) -> bool:
    if raw not in ("yes", "no"):
        raise ValueError
    return raw == "yes"


def switches() -> None:
    """The view's switches, from the link's fog= and surface= (yes or no) or the last visit."""
    for key, url in ((FOG, "fog"), (SURFACE, "surface")):
        state.seed_view("descent", url, "no", yes_no, "yes or no", key=key)
        st.session_state[key] = st.session_state[key] in (True, "yes")  # the last visit kept the link's text


budget = (chosen, config, view.n)
stage = opening.top("landscape", "descent", view.last, budget, views=switches, stage=True)
st.markdown(
    "Every straight line is one point on this map: its **slope** across, its **intercept** up. The colour is "
    f"the line's loss on all {view.n} {view.rows}: dark is low, yellow is high, and the white ✚ is the bottom, "
    "the best "
    f"line. {page('descent').capitalize()} walked downhill on this map one epoch at a time without ever seeing it; "
    f"here is the whole hill, with the walk drawn on it. The settings are {page('descent')}'s (sidebar), so a link "
    f"from {page('descent')} opens the "
    "same run here."
)
verdicts.say(verdict(fit), lead="Where this run goes: ")
left, right = st.columns(2)
fog = left.toggle(
    "Fog: show only what the descent has measured",
    key=FOG,
    help="Gradient descent never sees the map. At each step it measures the loss and the tilt at one point, "
    "nothing more: a walker on a mountain in thick fog.",
)
surface = right.toggle("Also draw the 3D surface", key=SURFACE, help="The same loss, as a landscape you can turn.")
if view.land.shown < len(view.land.points):
    st.warning(
        f"After epoch {view.land.shown - 1} the walk climbs off the map: its loss grew to more than "
        f"{maps.CAP:g} times the start's height above the bottom"
        + (f", and in epoch {view.run.diverged_at} the numbers grew too large to store" if view.run.diverged_at else "")
        + ". The map shows the part of the walk that fits; the epochs after it are marked off the map below. "
        f"A learning rate below {num(fit.max_stable_lr)} keeps plain descent on the map.",
        icon=":material/terrain:",
    )


def show(k: int) -> None:
    """What the page still does itself once the epoch reaches it: the link."""
    state.publish("descent", chosen, epoch=k or None, fog="yes" if fog else None, surface="yes" if surface else None)


# Every epoch of the walk as the browser draws it (ui/landscape_steps.py): built once per run, presenter mode and view
# (fog, surface), and shared by every session with the same settings (`settings`: the run's config, all they read).
@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool, fog: bool, surface: bool) -> dict:
    return steps.run_frames(view, fog, surface)


with stage:
    stepper.stepper("epoch", view.last, show, frames=run_frames(config, present.active(), fog, surface))

steps.scaling(view)

with st.expander("How the map is computed"):
    over_n = "" if config.loss == "sse" else r"\frac{1}{n}\,"
    st.latex(
        rf"\text{{{view.loss_name}}} = {over_n}\Big(\text{{least}} + uu\,(\text{{slope}} - \text{{best slope}})^2"
        r" + n\,c^2\Big)"
    )
    st.markdown(
        "with uu = Σ(x − mean x)², and c = intercept + slope × mean(x) − mean(y), the line's error at the mean "
        "house. These few sums are computed once; after that each of the map's "
        f"{maps.CELLS * maps.CELLS:,} lines costs a handful of multiplications, for {view.n} {view.rows} or for "
        "a million. "
        "The same numbers as adding up every house's squared error, to about ten digits."
    )
code.show(
    "The code behind the map (from `gdcore`, plain numpy):",
    [line.Bowl, line.bowl, line.bowl_sse, landscape.loss_grid, line.curvatures, landscape.standardized_line]
    + [landscape.fog],
)
