"""The epoch stepper of the descent pages: Previous epoch, Next epoch, Play/Pause, Reset, a slider.

The browser owns the epoch count. The buttons are a small Streamlit component (st.components.v2,
inline HTML, CSS and JS, no build step): each click moves the epoch in the browser at once and
sends the absolute epoch, never "one more", so clicks that arrive while the page is still drawing
are never lost (Streamlit merges the reruns they ask for, and the latest epoch wins). Play runs its
timer in the browser and Pause stops it there, so the epoch on screen, in the link and in the page
are the last one sent.

The epoch shown lives in st.session_state[key], an int the page may also set (from the link, or
clamped to a shorter run). A change made here, not by a click, is sent to the browser with a new
nonce; the browser takes an epoch from the page only when its nonce is new, so an echo of its own
clicks never pulls it back.

A page that passes its run's frames (ui/frames.py) gets the epoch view as well: the component draws
each epoch's sentences, equations, charts and ledger itself (stepper.js), so a click or a frame of
Play runs no script. The browser writes the epoch into the address bar at once and sends it only
once it settles (SETTLE, or Pause); any rerun in between reads it back from the address bar. An
epoch can also be set from outside the page, without a rerun: a window event "gd:epoch" with
{key, epoch} (a room's instructor, later); each epoch drawn is announced as "gd:shown".
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import pathlib
import threading
from collections.abc import Callable

import streamlit as st

from ui import present

TICK = 0.8  # seconds between two frames of Play

HERE = pathlib.Path(__file__).parent
CSS = (HERE / "stepper.css").read_text(encoding="utf-8")
JS = (HERE / "stepper.js").read_text(encoding="utf-8")
SETTLE = 0.6  # seconds without a change before a page that sends its frames hears of the epoch


@functools.cache
def assets() -> dict[str, str]:
    """Where the browser finds KaTeX, ECharts and plotly.js, relative to Streamlit's own scripts (static/js/):
    the app's static folder (static/katex, static/echarts, static/plotly; server.enableStaticServing).

    KaTeX is the version st.latex uses, whose style sheet every Streamlit page loads, so the equations look the
    same everywhere; plotly.js is loaded only by a page whose frames hold a plotly figure."""
    return {
        "katex": "../../app/static/katex/katex.min.js",
        "echarts": "../../app/static/echarts/echarts.esm.min.js",
        "plotly": "../../app/static/plotly/plotly.min.js",
    }


BUTTONS = st.components.v2.component("gd_epoch_stepper", js=JS, css=CSS, isolate_styles=False)


def _sync(key: str) -> dict:
    """What the browser was last told or told us: {"epoch": k, "nonce": n}."""
    return st.session_state.setdefault(f"{key}:sync", {"epoch": None, "nonce": 0})


def _accept(key: str, position: object) -> None:
    """Take the browser's epoch, unless it was sent before the page's own latest change."""
    sync = _sync(key)
    if isinstance(position, dict) and isinstance(position.get("epoch"), int):
        if int(position.get("nonce", -1)) >= sync["nonce"] and position["epoch"] != sync["epoch"]:
            sync["epoch"] = st.session_state[key] = position["epoch"]


def _on_position(key: str) -> None:
    _accept(key, (st.session_state.get(f"{key}:buttons") or {}).get("position"))


def _on_pick(key: str, on_pick: Callable[[dict], None] | None) -> None:
    """A click on a chart's picked series: hand the page the point (a chart's id and the point's place)."""
    place = (st.session_state.get(f"{key}:buttons") or {}).get("pick")
    if on_pick is not None and isinstance(place, dict) and isinstance(place.get("index"), int):
        on_pick(place)


def _moved_in_browser(key: str, url_key: str, last: int) -> None:
    """Take the epoch the browser wrote into the address bar since the page last wrote the link: a page
    that sends its frames steps without asking the server, and any rerun (another setting changed, say)
    carries the address bar's query string, so a rerun never pulls the view back."""
    sync = _sync(key)
    if st.session_state.get("_new_visit", True) or "url" not in sync:
        return
    now = st.query_params.get(url_key)
    if now == sync["url"]:
        return
    try:
        k = min(max(int(now or 0), 0), last)
    except ValueError:
        return
    sync["epoch"] = st.session_state[key] = k


def stretch(key: str, settings: object, k: int, last: int, reach: int) -> tuple[int, int]:
    """The epochs whose frames a page sends whole: all of a run of up to `reach` epochs; of a longer one, a stretch
    of `reach` around epoch k, kept (in st.session_state[key], with the run's `settings`) while the epoch shown
    stays in it, so that the frames are sent again only when it leaves. The other epochs' frames are null, but
    those Play lands on (ui/frames.py, ledger_stretch): the view fades there until the page sends the stretch
    around the settled epoch."""
    if last <= reach:
        return 0, last
    kept = st.session_state.get(key)
    if kept is not None and kept[0] == settings and kept[1] <= k <= kept[2]:
        return kept[1], kept[2]
    low = min(max(k - reach // 2, 0), last - reach)
    st.session_state[key] = (settings, low, low + reach)
    return low, low + reach


PACKED = "_packed"  # where a run's frames keep their JSON text and its fingerprint (packed)
_PACKING = threading.Lock()


def packed(frames: dict) -> tuple[str, str]:
    """A run's frames as JSON text, and a short fingerprint of it: the browser mounts a run's view, and parses its
    frames, once, when the fingerprint changes. Taken once per run and kept in the frames' own dict (a page caches
    its frames and shares them between sessions, hence the lock): at each rerun Streamlit then serializes and
    hashes one string, not the hundreds of thousands of numbers in it (the network page's 500 epochs: 4 MB, 36 ms a
    dump, and Streamlit dumped the data twice a rerun)."""
    with _PACKING:
        if PACKED not in frames:
            text = json.dumps({part: value for part, value in frames.items() if part != PACKED}, separators=(",", ":"))
            frames[PACKED] = text, hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
        return frames[PACKED]


def stepper(
    key: str,
    last: int,
    show: Callable[[int], None],
    stride: int = 1,
    unit: str = "epoch",
    tick: float = TICK,
    frames: dict | None = None,
    on_pick: Callable[[dict], None] | None = None,
    below: Callable[[int], None] | None = None,
) -> None:
    """Draw the buttons and the slider for epochs 0..`last`, then call show(epoch shown).

    `unit` names what one click moves in the buttons' labels ("Next epoch"; "Next step" on a page
    that steps through mini-batches one at a time). `tick`: seconds between two frames of Play.

    `frames` (ui/frames.py): the run's frames, one per epoch. The browser then draws each epoch itself, at
    once, and writes it into the address bar; the server hears of it once it settles (SETTLE seconds
    without a change, or Pause), when show(epoch) runs for what is still drawn by the page.

    `on_pick(place)`: a click on a chart's series that the frames name as picked ({"pick": series id}, in
    frames.charts' layout) calls it with {"chart": id, "index": the point's place in the series}.
    `below(epoch)`: what the page draws itself under the view, for the epoch once it settles (a part that
    asks for a choice of its own, or too much work to build for every epoch ahead).
    """
    text, fingerprint = packed(frames) if frames is not None else (None, None)

    @st.fragment
    def view() -> None:
        sync = _sync(key)
        _on_position(key)  # the browser's latest position, whether or not its callback ran
        if frames is not None:
            _moved_in_browser(key, unit, last)
        k = min(max(int(st.session_state.get(key, 0)), 0), last)
        if k != sync["epoch"]:  # set by the page (the link, a shorter run), not by a click
            sync["epoch"], sync["nonce"] = k, sync["nonce"] + 1
            sync["told"] = k
        st.session_state[key] = k
        play_help = (
            ""
            if stride == 1
            else f"Play moves {stride} {unit}s per frame, so all {last:,} {unit}s play in about "
            f"{round(tick * math.ceil(last / stride))} seconds."
        )
        data = {
            "key": key,
            # With frames, the epoch the page last told the browser (with its nonce), not the browser's own latest:
            # the data, and so the element, stay the same when the browser reports where it is, and Streamlit
            # sends an element the browser already holds as a reference to it (its hash), not its frames again.
            "epoch": sync.get("told", k) if frames is not None else k,
            "nonce": sync["nonce"],
            "last": last,
            "tick_ms": int(tick * 1000),
            "stride": stride,
            "play_help": play_help,
            "unit": unit,
            "url_key": unit,
            "big": present.active(),
        }
        if frames is not None:
            data |= {"frames": text, "frames_id": fingerprint, "assets": assets(), "settle_ms": int(SETTLE * 1000)}
            show(k)  # above the buttons: what the page still draws itself (the prediction box: predict, then Next)
        result = BUTTONS(
            key=f"{key}:buttons",
            data=data,
            on_position_change=functools.partial(_on_position, key),
            on_pick_change=functools.partial(_on_pick, key, on_pick),
        )
        _accept(key, (result or {}).get("position"))  # in case the callback did not run
        st.session_state[key] = min(max(int(st.session_state[key]), 0), last)
        if frames is None:
            show(st.session_state[key])
        elif below is not None:
            below(st.session_state[key])
        sync["url"] = st.query_params.get(unit)  # what the page wrote into the link (state.publish)

    view()
