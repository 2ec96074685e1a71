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
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import streamlit as st

from ui import present

TICK = 0.8  # seconds between two frames of Play

CSS = r"""
:host { display: block; }
.stepper {
  font-family: var(--st-font, "Source Sans Pro", sans-serif);
  font-size: var(--st-base-font-size, 1rem);
  color: var(--st-text-color, #31333f);
  display: flex; flex-direction: column; gap: 0.5rem;
}
.row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.btn {
  display: inline-flex; align-items: center; justify-content: center;
  min-height: 2.5rem; margin: 0; padding: 0.25rem 0.75rem;
  font: inherit; font-weight: var(--st-base-font-weight, 400); line-height: 1.6;
  border-radius: var(--st-button-radius, 0.5rem);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  background-color: var(--st-background-color, #fff);
  color: inherit; cursor: pointer; user-select: none;
}
/* Blue text on the dark theme is the charts' sky blue: the primary blue there is 3.5:1 (app.py's style says why). */
.btn:hover { border-color: var(--st-primary-color, #ff4b4b);
             color: light-dark(var(--st-primary-color, #ff4b4b), #56B4E9); }
.btn:active { color: #fff; border-color: var(--st-primary-color, #ff4b4b);
              background-color: var(--st-primary-color, #ff4b4b); }
.btn:focus { outline: none; }
.btn:focus-visible, input[type=range]:focus-visible {
  outline: none;
  box-shadow: 0 0 0 0.2rem color-mix(in srgb, var(--st-primary-color, #ff4b4b) 50%, transparent);
}
.btn.primary { background-color: var(--st-primary-color, #ff4b4b);
               border-color: var(--st-primary-color, #ff4b4b); color: #fff; }
.btn.primary:hover { background-color: color-mix(in srgb, var(--st-primary-color, #ff4b4b) 92%, #000); color: #fff; }
.btn.primary:active { background-color: transparent; color: light-dark(var(--st-primary-color, #ff4b4b), #56B4E9); }
.btn:disabled, .btn:disabled:hover, .btn:disabled:active {
  border-color: var(--st-border-color, rgba(49, 51, 63, 0.2));
  background-color: transparent;
  color: color-mix(in srgb, var(--st-text-color, #31333f) 40%, transparent);
  cursor: not-allowed;
}
.slider { display: flex; align-items: center; gap: 0.75rem; }
.slider input { flex: 1; accent-color: var(--st-primary-color, #ff4b4b); border-radius: 0.5rem; }
.status { font-variant-numeric: tabular-nums; min-width: 7ch; }
/* Presenter mode: one big Next button for the room. */
.stepper.big .btn.primary { font-size: 1.5em; font-weight: 600; min-height: 3.5rem; padding: 0.5rem 2.5rem; }
.stepper.big .status { font-size: 1.25em; }
"""

JS = r"""
// One record per mounted instance, keyed by the container Streamlit gives us.
// The blob-URL module is imported once per JS text, so this map survives reruns.
const INSTANCES = new WeakMap();

const clamp = (v, lo, hi) => {
  const n = Number.isFinite(Number(v)) ? Math.trunc(Number(v)) : lo;
  return Math.min(Math.max(n, lo), Math.max(lo, hi));
};
const connected = (p) => (p instanceof ShadowRoot ? p.host.isConnected : p.isConnected);

function build(s, parentElement) {
  const root = document.createElement("div");
  root.className = "stepper";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", `${s.Unit} stepper`);
  root.innerHTML = `
    <div class="row">
      <button type="button" class="btn" data-act="prev">Previous ${s.unit}</button>
      <button type="button" class="btn primary" data-act="next">Next ${s.unit}</button>
      <button type="button" class="btn" data-act="play">Play</button>
      <button type="button" class="btn" data-act="reset">Reset</button>
      <output class="status" data-role="status" aria-live="polite"></output>
    </div>
    <label class="slider"><span>${s.Unit}s taken</span>
      <input type="range" min="0" step="1" data-act="range"></label>`;
  parentElement.appendChild(root);
  const q = (sel) => root.querySelector(sel);
  s.el = { root, prev: q('[data-act="prev"]'), next: q('[data-act="next"]'),
           play: q('[data-act="play"]'), reset: q('[data-act="reset"]'),
           range: q('[data-act="range"]'), status: q('[data-role="status"]') };
  s.el.prev.addEventListener("click", () => { stop(s); setEpoch(s, s.epoch - 1); });
  s.el.next.addEventListener("click", () => { stop(s); setEpoch(s, s.epoch + 1); });
  s.el.reset.addEventListener("click", () => { stop(s); setEpoch(s, 0); });
  s.el.play.addEventListener("click", () => (s.timer ? stop(s) : play(s)));
  s.el.range.addEventListener("input", () => { stop(s); setEpoch(s, s.el.range.value); });
}

// The only place the epoch changes because of the user: update, paint, send.
function setEpoch(s, v) {
  const k = clamp(v, 0, s.last);
  if (k === s.epoch) { render(s); return; }
  s.epoch = k;
  render(s);
  s.send("position", { epoch: k, nonce: s.nonce });  // absolute value, never a delta
}

function play(s) {
  if (s.last <= 0) return;
  if (s.epoch >= s.last) setEpoch(s, 0);            // Play at the end restarts
  s.timer = setInterval(() => {
    if (!connected(s.parent)) { stop(s); return; }
    if (s.epoch >= s.last) { stop(s); return; }
    setEpoch(s, s.epoch + s.stride);
    if (s.epoch >= s.last) stop(s);
  }, s.tickMs);
  render(s);
}

function stop(s) {                                   // synchronous: no tick after this
  if (s.timer) { clearInterval(s.timer); s.timer = null; render(s); }
}

// Presenter mode: a clicker's Page Down / Page Up (or the arrow keys) press Next / Previous, unless the
// key is meant for a box the presenter is typing in, or for the slider.
function onKey(s, e) {
  if (!s.big || e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
  const target = e.composedPath()[0];
  const typing = 'input, textarea, select, [contenteditable="true"], [role="slider"]';
  if (target && target.closest && target.closest(typing)) return;
  const move = { PageDown: 1, ArrowRight: 1, PageUp: -1, ArrowLeft: -1 }[e.key];
  if (!move) return;
  e.preventDefault();
  stop(s);
  setEpoch(s, s.epoch + move);
}

function render(s) {
  const { el } = s;
  el.root.classList.toggle("big", s.big);
  const focused = s.parent.activeElement || document.activeElement;
  el.status.textContent = `${s.Unit} ${s.epoch} / ${s.last}`;
  el.status.setAttribute("aria-live", s.timer ? "off" : "polite");
  el.play.textContent = s.timer ? "Pause" : "Play";
  el.play.title = s.playHelp;
  el.range.max = String(s.last);
  el.range.value = String(s.epoch);
  el.range.setAttribute("aria-valuetext", `${s.Unit} ${s.epoch} of ${s.last}`);
  el.prev.disabled = s.epoch <= 0;
  el.next.disabled = s.epoch >= s.last;
  el.play.disabled = s.last <= 0;
  el.reset.disabled = s.epoch === 0 && !s.timer;
  el.root.dataset.epoch = String(s.epoch);          // handy for tests
  // Keep keyboard focus inside the widget when the focused button gets disabled.
  if (focused && focused.disabled) {
    const fallback = [el.next, el.prev, el.play].find((b) => !b.disabled) || el.range;
    fallback.focus();
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const d = data || {};
  const last = Math.max(0, Math.trunc(Number(d.last) || 0));
  const tickMs = Math.max(30, Math.trunc(Number(d.tick_ms) || 250));
  const stride = Math.max(1, Math.trunc(Number(d.stride) || 1));
  const playHelp = String(d.play_help || "");
  const nonce = Math.trunc(Number(d.nonce) || 0);
  const unit = String(d.unit || "epoch");  // what one click moves: "epoch", or "step" on the batches page
  const big = Boolean(d.big);  // presenter mode

  let s = INSTANCES.get(parentElement);
  if (!s) {
    // First mount (or remount): Python's view is all we have.
    s = { parent: parentElement, epoch: clamp(d.epoch, 0, last), nonce, last, unit,
          Unit: unit.charAt(0).toUpperCase() + unit.slice(1),
          tickMs, stride, playHelp, big, timer: null, send: setStateValue, el: null };
    INSTANCES.set(parentElement, s);
    build(s, parentElement);
    s.onKey = (e) => onKey(s, e);
    document.addEventListener("keydown", s.onKey);
  } else {
    // Re-invoked because `data` changed (Streamlit re-runs the default export
    // on every data/theme change, same parentElement, no cleanup in between).
    s.send = setStateValue;
    s.last = last;
    s.stride = stride;
    s.playHelp = playHelp;
    s.big = big;
    if (tickMs !== s.tickMs) {
      s.tickMs = tickMs;
      if (s.timer) { stop(s); play(s); }
    }
    if (nonce > s.nonce) {                           // server-initiated change wins
      stop(s);
      s.nonce = nonce;
      s.epoch = clamp(d.epoch, 0, last);
    } else if (s.epoch > last) {                     // clamp locally, Python clamps too
      s.epoch = last;
    }
    // else: d.epoch is an echo of some earlier click; ignore it.
  }
  if (s.timer && s.epoch >= s.last) stop(s);
  render(s);

  // Streamlit keeps only the cleanup of the latest invocation and may call the
  // cleanup of a superseded invocation immediately, so only tear down when the
  // host really left the DOM.
  return () => setTimeout(() => {
    if (!connected(parentElement)) {
      stop(s);
      document.removeEventListener("keydown", s.onKey);
      INSTANCES.delete(parentElement);
    }
  }, 0);
}
"""

BUTTONS = st.components.v2.component("gd_epoch_stepper", js=JS, css=CSS, isolate_styles=True)


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


def stepper(
    key: str, last: int, show: Callable[[int], None], stride: int = 1, unit: str = "epoch", tick: float = TICK
) -> None:
    """Draw the buttons and the slider for epochs 0..`last`, then call show(epoch shown).

    `unit` names what one click moves in the buttons' labels ("Next epoch"; "Next step" on a page
    that steps through mini-batches one at a time). `tick`: seconds between two frames of Play.
    """

    @st.fragment
    def view() -> None:
        sync = _sync(key)
        k = min(max(int(st.session_state.get(key, 0)), 0), last)
        if k != sync["epoch"]:  # set by the page (the link, a shorter run), not by a click
            sync["epoch"], sync["nonce"] = k, sync["nonce"] + 1
        st.session_state[key] = k
        play_help = (
            ""
            if stride == 1
            else f"Play moves {stride} {unit}s per frame, so all {last:,} {unit}s play in about "
            f"{round(tick * math.ceil(last / stride))} seconds."
        )
        result = BUTTONS(
            key=f"{key}:buttons",
            data={
                "epoch": k,
                "nonce": sync["nonce"],
                "last": last,
                "tick_ms": int(tick * 1000),
                "stride": stride,
                "play_help": play_help,
                "unit": unit,
                "big": present.active(),
            },
            on_position_change=functools.partial(_on_position, key),
        )
        _accept(key, (result or {}).get("position"))  # in case the callback did not run
        st.session_state[key] = min(max(int(st.session_state[key]), 0), last)
        show(st.session_state[key])

    view()
