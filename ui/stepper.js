// The epoch stepper (Previous, Next, Play/Pause, Reset, a slider) and, on a page that sends its run's
// frames (ui/frames.py), the epoch view: the step's sentences and equations, the charts and the ledger,
// drawn in the browser with no server round trip. ui/stepper.py says how the epoch travels.

// One record per mounted instance, keyed by the container Streamlit gives us.
// The blob-URL module is imported once per JS text, so this map survives reruns.
const INSTANCES = new WeakMap();
const FIRST_ROWS = 20; // ledger rows drawn with the step (its box shows about 14); the rest follow a frame later
const MODULES = new Map(); // url -> promise of the module: KaTeX (Streamlit's own) and ECharts (app/static)

const clamp = (v, lo, hi) => {
  const n = Number.isFinite(Number(v)) ? Math.trunc(Number(v)) : lo;
  return Math.min(Math.max(n, lo), Math.max(lo, hi));
};
const connected = (p) => (p instanceof ShadowRoot ? p.host.isConnected : p.isConnected);
const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

// Streamlit's own scripts are served from <base>/static/js/; the app's static folder from <base>/app/static/.
function asset(path) {
  const own = document.querySelector('script[type="module"][src*="/static/js/index."]');
  return new URL(path, own ? own.src : new URL("static/js/", document.baseURI)).href;
}
function load(path) {
  const url = asset(path);
  if (!MODULES.has(url)) MODULES.set(url, import(url));
  return MODULES.get(url);
}

function build(s, parentElement) {
  const gd = document.createElement("div");
  gd.className = "gd";
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
  gd.appendChild(root);
  const view = document.createElement("div");
  view.className = "view";
  gd.appendChild(view);
  parentElement.appendChild(gd);
  const q = (sel) => root.querySelector(sel);
  s.el = { gd, root, view, prev: q('[data-act="prev"]'), next: q('[data-act="next"]'),
           play: q('[data-act="play"]'), reset: q('[data-act="reset"]'),
           range: q('[data-act="range"]'), status: q('[data-role="status"]') };
  s.el.prev.addEventListener("click", () => { stop(s); setEpoch(s, s.epoch - 1); });
  s.el.next.addEventListener("click", () => { stop(s); setEpoch(s, s.epoch + 1); });
  s.el.reset.addEventListener("click", () => { stop(s); setEpoch(s, 0); });
  s.el.play.addEventListener("click", () => (s.timer ? stop(s) : play(s)));
  s.el.range.addEventListener("input", () => { stop(s); setEpoch(s, s.el.range.value); });
  // A section's buttons move to an epoch (frames.jump), its drop-downs choose a version of a part (frames.choice).
  view.addEventListener("click", (e) => {
    const button = e.target.closest && e.target.closest("button[data-epoch]");
    if (button && !button.disabled) { stop(s); setEpoch(s, button.dataset.epoch); }
  });
  view.addEventListener("change", (e) => {
    const select = e.target.closest && e.target.closest("select[data-choose]");
    if (select) { s.choices[select.dataset.choose] = select.value; choose(s, view); }
  });
}

// The only place the epoch changes because of the user: update, paint, tell.
function setEpoch(s, v) {
  const k = clamp(v, 0, s.last);
  if (k === s.epoch) { render(s); return; }
  s.epoch = k;
  render(s);
  if (s.frames) {
    draw(s);
    address(s);
    settle(s);
  } else {
    s.send("position", { epoch: k, nonce: s.nonce });  // absolute value, never a delta
  }
}

// With frames, the server hears of the epoch once it settles: no step or Play frame runs the page's script.
function settle(s) {
  clearTimeout(s.settling);
  if (s.timer) return;                               // Play tells the server when it stops
  s.settling = setTimeout(() => {
    if (!s.timer && s.told !== s.epoch && connected(s.parent)) {
      s.told = s.epoch;
      s.send("position", { epoch: s.epoch, nonce: s.nonce });
    }
  }, s.settleMs);
}

// The link holds the epoch on screen: the address bar is written here, at once (0 is no key at all).
function address(s) {
  const url = new URL(window.location.href);
  if (s.epoch) url.searchParams.set(s.urlKey, String(s.epoch)); else url.searchParams.delete(s.urlKey);
  if (url.href !== window.location.href) window.history.replaceState(window.history.state, "", url.href);
}

function play(s) {
  if (s.last <= 0) return;
  if (s.epoch >= s.last) setEpoch(s, 0);            // Play at the end restarts
  s.timer = setInterval(() => {
    if (!connected(s.parent)) { stop(s); return; }
    if (s.epoch >= s.last) { stop(s); return; }
    setEpoch(s, held(s, s.epoch + s.stride));
    if (s.epoch >= s.last) stop(s);
  }, s.tickMs);
  render(s);
}

// The first epoch from k on whose frame the page sent: every one, on most pages; a page with a long run sends a
// stretch of them and the epochs Play lands on (null frames between), so that Play always shows a frame.
function held(s, k) {
  const frames = s.frames && s.frames.frames;
  if (!frames) return k;
  while (k < s.last && !frames[k]) k++;
  return k;
}

function stop(s) {                                   // synchronous: no tick after this
  if (s.timer) {
    clearInterval(s.timer);
    s.timer = null;
    render(s);
    if (s.frames) settle(s);
  }
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

// The way in from outside the page (a room whose instructor steps for everyone, a test):
//   window.dispatchEvent(new CustomEvent("gd:epoch", { detail: { key: "epoch", epoch: 7 } }))
// moves the stepper whose key it names as a click would. Each change is announced as "gd:shown".
function onOutside(s, e) {
  const d = e.detail || {};
  if (d.key !== s.key) return;
  stop(s);
  setEpoch(s, d.epoch);
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

// --- the epoch view ------------------------------------------------------------------------------

// Build the view's parts for a new run, in the page's order (frames.layout; by default the step, the charts,
// the ledger): the step, grids of charts (their first option), sections, fixed HTML, the ledger.
function mount(s) {
  const { view } = s.el;
  for (const chart of s.charts || []) forget(chart);
  if (s.resizer) s.resizer.disconnect();
  view.classList.toggle("big", s.big);
  view.innerHTML = "";
  const byId = new Map(s.frames.charts.map((chart) => [chart.id, chart]));
  const layout = s.frames.layout || ["step", { charts: s.frames.charts.map((c) => c.id) }, "ledger"];
  s.part = { sections: new Map() };
  s.charts = [];
  const add = (className, html) => {
    const div = document.createElement("div");
    div.className = className;
    div.innerHTML = html;
    view.appendChild(div);
    return div;
  };
  for (const slot of layout) {
    if (slot === "step") {
      const step = add("step", `<div data-role="text" aria-live="polite"></div><div data-role="tex"></div>
        <div data-role="after"></div>`);
      for (const role of ["text", "tex", "after"]) s.part[role] = step.querySelector(`[data-role="${role}"]`);
    } else if (slot === "ledger") {
      s.part.ledger = add("ledger", "");
      s.part.ledger.dataset.role = "ledger";
      const ledger = s.frames.ledger;
      if (ledger) {
        const title = ledger.title === "" ? "" : `<h3>${escape(ledger.title || "The ledger")}</h3>`;  // "": the page's own
        s.part.ledger.innerHTML = `${title}${ledger.intro || ""}
          <div data-role="table"></div><div data-role="note"></div>`;
        typeset(s, s.part.ledger);
      }
    } else if (slot.charts) {
      const grid = add("charts", "");
      grid.dataset.role = "charts";
      for (const id of slot.charts) {
        const chart = byId.get(id);
        if (!chart) continue;
        const box = document.createElement("figure");
        box.className = chart.wide ? "chart wide" : "chart";
        box.style.margin = "0";
        // An ECharts canvas is a picture (role img, its caption as its label); a plotly chart holds buttons (save as
        // PNG, turn the 3D scene), which a picture may not: the figure's caption says what it shows.
        const picture = chart.kind === "plotly" ? "" : ' role="img"';
        box.style.position = "relative";  // a plotly map's contour copy is placed in it, under the plot
        box.innerHTML = `<div class="plot"${picture} style="position:relative;height:${Number(chart.height) || 380}px"></div>
          <figcaption class="caption"></figcaption>`;
        grid.appendChild(box);
        s.charts.push({ ...chart, box, plot: box.querySelector(".plot"), caption: box.querySelector(".caption"),
                        instance: null });
      }
    } else if (slot.section) {
      const section = add("section", "");
      section.dataset.section = slot.section;
      if (slot.live) section.setAttribute("aria-live", "polite");
      s.part.sections.set(slot.section, section);
    } else if (slot.static !== undefined) {
      typeset(s, add("section", slot.static));
    }
  }
  choose(s, view);
  s.shownCharts = new Map();
  watch(s);
  script(s.assets.katex, "katex").then((katex) => {
    s.katex = katex;
    typeset(s, view);
    draw(s);
  }).catch((error) => console.error("The epoch view's equations could not load:", error));
  const kinds = new Set(s.charts.map((chart) => chart.kind || "echarts"));
  const libraries = [kinds.has("echarts") ? load(s.assets.echarts) : null,
                     kinds.has("plotly") ? script(s.assets.plotly, "Plotly") : null];
  Promise.all(libraries).then(([echarts, plotly]) => {
    if (!connected(s.parent)) return;
    s.echarts = echarts;
    s.plotly = plotly;
    plot(s);
    s.resizer = new ResizeObserver(() => {
      // A chart with a phone's drawing (frames: "narrow") starts again when the width crosses its limit: the
      // narrow option is merged over each frame, and only a fresh start takes it off again.
      if (s.charts.some((c) => c.narrow && c.instance && c.wasNarrow !== narrow(c))) { plot(s); return; }
      s.charts.forEach((c) => resize(s, c));
    });
    s.charts.forEach((c) => s.resizer.observe(c.plot));
  }).catch((error) => console.error("The epoch view's charts could not load:", error));
}

// A library that is not a module (plotly.js): loaded once, with a script tag, and found by its global name.
function script(path, name) {
  const url = asset(path);
  if (!MODULES.has(url)) {
    MODULES.set(url, new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = url;
      tag.onload = () => resolve(window[name]);
      tag.onerror = reject;
      document.head.appendChild(tag);
    }));
  }
  return MODULES.get(url);
}

function forget(chart) {
  if (chart.instance && chart.kind === "plotly") { drop(chart); chart.instance.purge(chart.plot); }
  else if (chart.instance) chart.instance.dispose();
  chart.instance = null;
}

// A chart that has a drawing for a narrow screen ({"narrow": {"width": px, "option": ...}}) and is that narrow.
function narrow(chart) {
  return Boolean(chart.narrow && chart.plot.clientWidth <= chart.narrow.width);
}

function resize(s, chart) {
  if (!chart.instance) return;
  if (chart.kind !== "plotly") { chart.instance.resize(); return; }
  // plotly refuses (a rejected promise) a plot that has left the page or is not drawn yet: nothing to resize then.
  if (!chart.plot.isConnected || chart.plot.clientWidth <= 0) return;
  const resized = chart.instance.Plots.resize(chart.plot);
  if (chart.copy) Promise.resolve(resized).then(() => { if (!sameArea(area(chart.plot), chart.copy && chart.copy.area)) redraw(s, chart); }, () => {});
  else Promise.resolve(resized).catch(() => {});
}

// Render a part's equations (frames.tex) with KaTeX, each text once.
function typeset(s, root) {
  if (!s.katex) return;
  for (const div of root.querySelectorAll(".tex[data-tex]")) {
    if (div.dataset.typeset === "1") continue;
    div.innerHTML = rendered(s, div.dataset.tex);
    div.dataset.typeset = "1";
  }
}

// Show the chosen version of each part that has several (frames.choice, frames.chosen); the choice holds from
// epoch to epoch, and a drop-down drawn anew shows it.
function choose(s, root) {
  s.choices = s.choices || {};
  for (const select of root.querySelectorAll("select[data-choose]")) {
    const name = select.dataset.choose;
    if (s.choices[name] === undefined) s.choices[name] = select.value;
    else if (select.value !== s.choices[name]) select.value = s.choices[name];
  }
  for (const part of s.el.view.querySelectorAll("[data-choice]")) {
    part.hidden = part.dataset.option !== s.choices[part.dataset.choice];
  }
}

// (Re)start every chart with the page's current look, then draw the frame shown: on a new run, and when the
// learner switches between the light and the dark theme (Streamlit calls the component again then).
function plot(s) {
  s.look = getComputedStyle(s.el.gd).color;
  for (const chart of s.charts) {
    forget(chart);
    const { store, ...first } = chart.base;
    chart.store = store || [];
    if (chart.kind === "plotly") {
      if (!s.plotly) continue;
      chart.instance = s.plotly;
      chart.traces = new Map((first.data || []).map((trace) => [trace.uid, trace]));
      chart.layout = first.layout || {};
      chart.copy = null;
      chart.real = null;
      s.plotly.newPlot(chart.plot, first.data || [], looks(s, chart.layout), config(s, chart));
      // A learner's zoom or pan moves the axes: the contour's copy no longer fits, so the real one is drawn again.
      chart.plot.on("plotly_relayout", (change) => {
        if (chart.copy && Object.keys(change || {}).some((name) => /^[xy]axis/.test(name))) redraw(s, chart);
      });
      legend(s, chart);
      continue;
    }
    if (!s.echarts) continue;
    chart.instance = s.echarts.init(chart.plot, theme(s), { renderer: "canvas" });
    chart.instance.setOption(minusSigns(first));
    chart.wasNarrow = narrow(chart);
    if (chart.pick) {
      chart.instance.on("click", (p) => {
        if (p.seriesId === chart.pick && s.trigger) s.trigger("pick", { chart: chart.id, index: p.dataIndex });
      });
    }
  }
  s.shownCharts = new Map();
  draw(s);
}

// The first `count` points; with a count per path (a trace of several paths, a gap between each two: a map's halo),
// the first count[i] of the i-th path's, the gaps kept: ui/frames.py's firsts.
function firsts(points, count) {
  if (!Array.isArray(count)) return points.slice(0, count);
  const cut = [];
  let path = 0, taken = 0;
  for (const point of points) {
    if (point === null) {
      path += 1;
      taken = 0;
      if (path < count.length) cut.push(null);
    } else if (path < count.length && taken++ < count[path]) cut.push(point);
  }
  return cut;
}

// A map's paths share two traces, their white halo and their balls (ui.contours.path_traces: a trace costs plotly
// the same at every step, however few its points), which name each path's legend group in order (meta.groups). A
// click on a path's name in the legend hides (or shows again) its line, its part of the halo and its ball; a double
// click shows it alone, or everything again, as plotly's own legend does for the traces of one group.
function legend(s, chart) {
  const key = (trace) => (trace && (trace.legendgroup || trace.uid)) || "";
  chart.hidden = chart.hidden || new Set();
  const again = () => { if (chart.instance && chart.real) plotly(s, chart, chart.real, chart.layoutShown || chart.layout); };
  chart.plot.on("plotly_legendclick", (e) => {
    clearTimeout(chart.legendClick);
    const clicked = key(e.data[e.curveNumber]);
    chart.legendClick = setTimeout(() => {  // a second click may make it a double click
      if (!chart.hidden.delete(clicked)) chart.hidden.add(clicked);
      again();
    }, (e.config && e.config.doubleClickDelay) || 300);
    return false;
  });
  chart.plot.on("plotly_legenddoubleclick", (e) => {
    clearTimeout(chart.legendClick);
    const clicked = key(e.data[e.curveNumber]);
    const named = new Set((chart.real || []).filter((t) => (t.type || "scatter") === "scatter" && t.showlegend !== false
      && t.name).map(key));
    const alone = [...named].every((name) => name === clicked || chart.hidden.has(name)) && !chart.hidden.has(clicked);
    chart.hidden = alone ? new Set() : new Set([...named].filter((name) => name !== clicked));
    again();
    return false;
  });
}

function hiding(chart, traces) {
  const hidden = chart.hidden;
  if (!hidden || !hidden.size) return traces;
  return traces.map((trace) => {
    if (hidden.has(trace.legendgroup || trace.uid)) return { ...trace, visible: "legendonly" };
    const groups = trace.meta && trace.meta.groups;
    if (!groups || !Array.isArray(trace.x)) return trace;
    let path = 0;
    const keep = trace.x.map((point) => {
      if (point === null) path += 1;
      return point === null || !hidden.has(groups[path]);
    });
    const n = keep.length;
    const kept = (values) => (Array.isArray(values) && values.length === n ? values.filter((_, i) => keep[i]) : values);
    const cut = {};
    for (const name of Object.keys(trace)) cut[name] = kept(trace[name]);
    if (trace.marker) cut.marker = Object.fromEntries(Object.entries(trace.marker).map(([k, v]) => [k, kept(v)]));
    return cut;
  });
}

// Draw a plotly chart's frame with plotly.react, which computes every trace again. A map's contour is the same at
// every step, and plotly finds its levels' paths again at each draw (40 ms a click on page 9, 125 ms with page 10's
// labels), so once it is drawn the view keeps a copy of its drawing (SVG) behind the plot and later draws put in its
// place a stand-in: two cells in a corner of the map, with the same levels and colour bar, so the plot keeps its size
// and margins and only the moving paths are drawn again; when only paths and markers moved, the view moves them
// itself and plotly's animate catches up in idle time (move, catchUp: animate wipes the contour it is not given,
// which is why the real one is never left to it). A
// zoom, a resize, a new legend or a new theme draws the real contour again and copies it again; the camera saves the
// real one.
function plotly(s, chart, given, layout) {
  chart.real = given;
  const traces = hiding(chart, given);
  const at = traces.findIndex((t) => t.type === "contour" && chart.traces.get(t.uid) === t);  // the run's own map
  const copy = chart.copy;
  if (at >= 0 && copy && copy.trace === traces[at]) {
    const shown = traces.slice();
    shown[at] = copy.standIn;
    const before = chart.shown;
    chart.shown = { traces: shown, layout };
    if (before && movesOnly(before.traces, shown) && apartFrom(layout, "images") === apartFrom(before.layout, "images")) {
      // Only paths and markers moved: the view moves them itself (move(), below), and plotly hears of it in idle
      // time (catchUp()); or plotly's animate, without a redraw, moves just those (a third of a react's time; the
      // stand-in it leaves alone draws nothing anyway). A fog's new picture is laid over with relayout.
      if (layout === before.layout && move(chart, shown, before.traces)) {
        chart.behind = true;
        return;
      }
      const steps = [animate(chart, shown)];
      if (layout !== before.layout) steps.push(chart.instance.relayout(chart.plot, { images: layout.images || [] }));
      chart.layoutShown = layout;
      drawing(s, Promise.all(steps));
      return;
    }
    drawing(s, react(s, chart, shown, layout).then(() => {
      const box = area(chart.plot);
      if (chart.copy !== copy || sameArea(box, copy.area)) return;
      if (box && ranges(chart.plot) === copy.ranges) fit(chart, box);  // it moved, the map's ranges the same
      else redraw(s, chart, layout);
    }));
    return;
  }
  chart.shown = null;
  drop(chart);
  drawing(s, react(s, chart, traces, layout).then(() => {
    if (at >= 0 && chart.real === given && !chart.copy) {
      take(chart, traces[at]);
      // The stand-in's first draw is a full one (plotly.react): made in idle time now, the first click can animate.
      idle(() => { if (chart.copy && chart.real === given && !chart.shown) plotly(s, chart, given, layout); }, 1000);
    }
  }));
}

// Tell plotly of the traces the view shows (plotly's animate, for the traces that differ from those it was last
// given): after the view moved them itself, and before any other draw.
function animate(chart, shown) {
  const known = chart.plotted || [];
  const changed = shown.map((_, i) => i).filter((i) => shown[i] !== known[i]);
  chart.plotted = shown;
  chart.behind = false;
  if (!changed.length) return Promise.resolve();
  return chart.instance.animate(chart.plot, { data: changed.map((i) => shown[i]), traces: changed },
    { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" });
}

function catchUp(s, chart) {
  if (chart.behind && chart.instance && chart.shown) drawing(s, animate(chart, chart.shown.traces));
}

// Move a map's lines and markers to the step's points by hand, where that is all that changed: each point at its
// pixel on the axes (plotly's own conversion), in plotly's own elements and looks, so the map is what plotly would
// draw. It costs a tenth of plotly's animate, which works out every trace's settings and data again (about 20 ms a
// click on page 9's map); plotly hears of the step in idle time after (catchUp), for its hover text. False, and
// nothing moved, when a trace is beyond it: an arrowhead (it turns with its line), text drawn on the map, a marker
// whose look changes point by point gaining or losing points, a point far off the map (plotly clips its lines).
function move(chart, shown, before) {
  const full = chart.plot._fullLayout || {};
  const xa = full.xaxis, ya = full.yaxis;
  if (!xa || !ya || xa.type !== "linear" || ya.type !== "linear") return false;
  const groups = new Map();
  for (const group of chart.plot.querySelectorAll(".scatterlayer .trace")) {
    const trace = group.__data__ && group.__data__[0] && group.__data__[0].trace;
    if (trace) groups.set(trace.index, group);
  }
  const at = (v) => String(Math.round(v * 100) / 100);
  const edits = [];
  for (let i = 0; i < shown.length; i++) {
    const trace = shown[i];
    if (trace === before[i] || trace.visible === "legendonly" || trace.visible === false) continue;
    const group = groups.get(i), marker = trace.marker || {}, mode = trace.mode;
    if (!group || typeof mode !== "string" || mode.includes("text")) return false;
    if (marker.angleref) {
      const edit = arrow(group, trace, xa, ya);
      if (!edit) return false;
      edits.push(edit);
      continue;
    }
    const segments = [[]], points = [];
    const xs = trace.x || [], ys = trace.y || [];
    for (let j = 0; j < xs.length; j++) {
      if (typeof xs[j] !== "number" || typeof ys[j] !== "number") {
        if (segments[segments.length - 1].length) segments.push([]);
        continue;
      }
      const x = xa.c2p(xs[j]), y = ya.c2p(ys[j]);
      if (!(Math.abs(x) < 1e5 && Math.abs(y) < 1e5)) return false;
      segments[segments.length - 1].push(`${at(x)},${at(y)}`);
      points.push(`translate(${at(x)},${at(y)})`);
    }
    if (mode.includes("lines")) {
      const paths = group.querySelectorAll(".lines > .js-line");
      if (!paths.length) return false;
      const d = segments.filter((part) => part.length).map((part) => `M${part.join("L")}`).join("");
      edits.push(() => paths.forEach((path, k) => path.setAttribute("d", k ? "" : d)));
    }
    if (mode.includes("markers")) {
      const dots = [...group.querySelectorAll(".points > path.point")];
      const varied = Object.values(marker).some(Array.isArray) || Array.isArray((marker.line || {}).color);
      if (dots.length !== points.length && (varied || !dots.length)) return false;
      edits.push(() => {
        const parent = dots.length ? dots[0].parentNode : null;
        while (dots.length > points.length) dots.pop().remove();
        while (dots.length < points.length) dots.push(parent.appendChild(dots[dots.length - 1].cloneNode(true)));
        dots.forEach((dot, k) => dot.setAttribute("transform", points[k]));
      });
    }
  }
  edits.forEach((edit) => edit());
  return true;
}

// An arrow (ui/contours.py's arrow_trace: a two-point line whose second marker is an arrowhead turned along it, the
// line stopping short of its tip) moved by hand, from what is drawn: the arrowhead turned by the change of the line's
// angle, the line as far short of the new tip. Null when the arrow is not drawn (no step yet) or is too short.
function arrow(group, trace, xa, ya) {
  const dots = [...group.querySelectorAll(".points > path.point")];
  const line = group.querySelector(".lines > .js-line");
  const xs = trace.x || [], ys = trace.y || [];
  if (trace.marker.angleref !== "previous" || trace.mode !== "lines+markers" || dots.length !== 2 || !line) return null;
  if (xs.length !== 2 || ![...xs, ...ys].every((v) => typeof v === "number")) return null;
  const pairs = (d) => (/^M[-\d.,eL ]*Z?$/.test(d || "") ? (d.match(/-?[\d.]+(?:e-?\d+)?/g) || []).map(Number) : null);
  const placed = (dot) => (/^translate\(([-\d.e]+),([-\d.e]+)\)$/.exec(dot.getAttribute("transform") || "") || []).slice(1).map(Number);
  const [from, tip] = dots.map(placed), drawn = pairs(line.getAttribute("d")), head = pairs(dots[1].getAttribute("d"));
  if (from.length !== 2 || tip.length !== 2 || !drawn || drawn.length < 4 || !head || head.length % 2) return null;
  const end = drawn.slice(-2), back = Math.hypot(tip[0] - end[0], tip[1] - end[1]);
  const a = [xa.c2p(xs[0]), ya.c2p(ys[0])], b = [xa.c2p(xs[1]), ya.c2p(ys[1])];
  const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
  const was = dots[1].gdAngle !== undefined && dots[1].gdHead === dots[1].getAttribute("d")
    ? dots[1].gdAngle : Math.atan2(tip[1] - from[1], tip[0] - from[0]);
  if (![...a, ...b, length, was].every(Number.isFinite) || Math.hypot(tip[0] - from[0], tip[1] - from[1]) <= back
      || length <= back || [...a, ...b].some((v) => Math.abs(v) >= 1e5)) return null;
  const angle = Math.atan2(b[1] - a[1], b[0] - a[0]), turn = angle - was;
  const [cos, sin] = [Math.cos(turn), Math.sin(turn)];
  const turned = [];
  for (let k = 0; k < head.length; k += 2) {
    turned.push(`${head[k] * cos - head[k + 1] * sin},${head[k] * sin + head[k + 1] * cos}`);
  }
  const d = `M${turned.join("L")}Z`;
  const at = (v) => String(Math.round(v * 100) / 100);
  const stop = [b[0] - (back * (b[0] - a[0])) / length, b[1] - (back * (b[1] - a[1])) / length];
  return () => {
    line.setAttribute("d", `M${at(a[0])},${at(a[1])}L${stop[0]},${stop[1]}`);
    dots[0].setAttribute("transform", `translate(${at(a[0])},${at(a[1])})`);
    dots[1].setAttribute("transform", `translate(${at(b[0])},${at(b[1])})`);
    dots[1].setAttribute("d", d);
    dots[1].gdHead = d;
    dots[1].gdAngle = angle;
  };
}

// The traces `now` are those drawn `before` but for the points of some lines and markers and their hover text (the
// same looks, names and legend: a trace made from the same stored series), which plotly's animate can move without
// a redraw.
const MOVING = new Set(["x", "y", "text"]);
function movesOnly(before, now) {
  const sameLook = (a, b) => {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => MOVING.has(k) || a[k] === b[k]);
  };
  return before.length === now.length && now.every((t, i) => t === before[i]
    || ((t.type || "scatter") === "scatter" && (before[i].type || "scatter") === "scatter" && sameLook(t, before[i])));
}

const APART = new WeakMap();
function apartFrom(layout, key) {  // a layout as text without one part, once per layout
  if (!layout) return "";
  if (!APART.has(layout)) APART.set(layout, JSON.stringify({ ...layout, [key]: null }));
  return APART.get(layout);
}

function react(s, chart, traces, layout) {
  chart.layoutShown = layout;
  chart.plotted = traces;
  chart.behind = false;
  return Promise.resolve(chart.instance.react(chart.plot, traces, looks(s, layout), config(s, chart)));
}

// The real contour again (its copy no longer fits: a zoom, a new size), and a new copy of it.
function redraw(s, chart, layout) {
  drop(chart);
  if (chart.instance && chart.real) plotly(s, chart, chart.real, layout || chart.layoutShown || chart.layout);
}

const SVG = "http://www.w3.org/2000/svg";

// The plot's area (the axes' box) in the plot's own pixels: where the contour is drawn.
function area(plot) {
  const drag = plot.querySelector(".cartesianlayer .nsewdrag, .draglayer .nsewdrag");
  if (!drag) return null;
  return ["x", "y", "width", "height"].map((name) => Number(drag.getAttribute(name)));
}
const sameArea = (a, b) => Boolean(a && b) && a.every((v, i) => Math.abs(v - b[i]) < 0.5);

// Copy the contour plotly has just drawn into an SVG of its own behind the plot, and make its stand-in. The copy
// sits beside plotly's div, not in it: plotly restyles every contour group it finds in its div.
function take(chart, trace) {
  const layer = chart.plot.querySelector(".cartesianlayer .contourlayer");
  const box = area(chart.plot);
  if (!layer || !box) return;
  const [x, y, width, height] = box;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "contour-copy");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);  // drawn for this box; fit() stretches it to another
  svg.setAttribute("preserveAspectRatio", "none");
  svg.style.cssText = "position:absolute;overflow:hidden;pointer-events:none;will-change:transform";  // painted once
  const clone = layer.cloneNode(true);
  for (const part of [clone, ...clone.querySelectorAll("[clip-path]")]) part.removeAttribute("clip-path");
  svg.appendChild(clone);
  chart.plot.before(svg);  // under the plot (positioned after it), whose backgrounds are clear
  chart.copy = { trace, svg, standIn: standIn(trace), ranges: ranges(chart.plot) };
  fit(chart, box);
  chart.plot.contour = trace;  // what the copy shows, for tests: the stand-in says it stands in (meta)
}

// Lay the contour's copy over the axes' box (the plot's own pixels). A box that moved while the map's ranges stayed
// (page 10's legend grows at the first step and the map, drawn to scale, shrinks) stretches the copy to it: the same
// picture, but for its lines' widths; a zoom (new ranges) or a new size of the page draws the real contour again.
function fit(chart, box) {
  const [x, y, width, height] = box;
  const { svg } = chart.copy;
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.style.left = `${chart.plot.offsetLeft + x}px`;
  svg.style.top = `${chart.plot.offsetTop + y}px`;
  chart.copy.area = box;
}

function ranges(plot) {
  const full = plot._fullLayout || {};
  return JSON.stringify([(full.xaxis || {}).range, (full.yaxis || {}).range]);
}

function drop(chart) {
  if (chart.copy && chart.copy.svg) chart.copy.svg.remove();
  chart.copy = null;
  chart.shown = null;
  chart.behind = false;
}

// A contour that draws nothing to see (two cells a billionth of the map wide, in its corner) with the real one's
// lowest and highest values, so plotly finds the same levels and draws the same colour bar; no hover.
function standIn(trace) {
  let low = Infinity, high = -Infinity;
  for (const row of trace.z || []) {
    for (const v of row || []) {
      if (typeof v === "number" && Number.isFinite(v)) { low = Math.min(low, v); high = Math.max(high, v); }
    }
  }
  const corner = (values) => {
    const first = Number(values[0]), span = Math.abs(Number(values[values.length - 1]) - first) || 1;
    return [first, first + span * 1e-9];
  };
  return { ...trace, x: corner(trace.x), y: corner(trace.y), z: [[low, high], [low, high]], hoverinfo: "skip",
           hovertemplate: null, meta: { standIn: true } };
}

// The chart's plotly config, with a camera that saves the real figure (not the stand-in of its contour). Made once
// per chart: plotly.react starts a plot afresh when its config is a new object.
function config(s, chart) {
  if (!chart.plotlyConfig) chart.plotlyConfig = camera(s, chart);
  return chart.plotlyConfig;
}

function camera(s, chart) {
  const given = chart.config || {};
  if (!given.modeBarButtons || !s.plotly) return given;
  const camera = {
    name: "toImage", title: "Download plot as a PNG", icon: s.plotly.Icons.camera,
    click: (gd) => s.plotly.downloadImage({ data: chart.real ? hiding(chart, chart.real) : gd.data, layout: gd.layout },
                                          { format: "png", ...(given.toImageButtonOptions || {}) }),
  };
  return { ...given, modeBarButtons: given.modeBarButtons.map((group) => group.map((b) => (b === "toImage" ? camera : b))) };
}

// plotly draws in the animation frames after it is called: while it has not finished, the view's root says so
// (data-drawing), so that a benchmark (benchmarks/clicks.py) or a test times a step to the frame that shows it all.
function drawing(s, promise) {
  s.drawing = (s.drawing || 0) + 1;
  s.el.gd.dataset.drawing = "1";
  Promise.resolve(promise).catch(() => {}).finally(() => {
    s.drawing -= 1;
    if (!s.drawing) delete s.el.gd.dataset.drawing;
  });
}


// Streamlit's look for a plotly figure (its "streamlit" theme), as for ECharts below: the page's font and text
// colour, no background, faint grid lines. The figure's own settings win.
function looks(s, layout) {
  const style = getComputedStyle(s.el.gd);
  const text = style.color || "#31333f";
  const font = { family: style.fontFamily || "sans-serif", color: text };
  const line = faint(s, text);
  // automargin: room for the axis titles beside the tick labels (a figure's own margins are a few pixels).
  const axis = (a) => ({ gridcolor: line, zerolinecolor: line, linecolor: line, automargin: true, ...(a || {}),
                         title: { standoff: 12, font, ...((a || {}).title || {}) }, tickfont: { ...font, ...((a || {}).tickfont || {}) } });
  // uirevision: a learner's zoom, or a 3D scene they turned, stays as it is from epoch to epoch.
  const themed = { uirevision: "gd", ...layout, font: { ...font, ...(layout.font || {}) },
                   paper_bgcolor: layout.paper_bgcolor || "rgba(0,0,0,0)",
                   plot_bgcolor: layout.plot_bgcolor || "rgba(0,0,0,0)",
                   legend: { ...(layout.legend || {}), font: { ...font, ...((layout.legend || {}).font || {}) } } };
  for (const key of Object.keys(layout)) if (/^[xy]axis\d*$/.test(key)) themed[key] = axis(layout[key]);
  if (!themed.xaxis) themed.xaxis = axis({});
  if (!themed.yaxis) themed.yaxis = axis({});
  return themed;
}

function faint(s, text) {
  const probe = document.createElement("span");
  probe.style.color = `color-mix(in srgb, ${text} 15%, transparent)`;
  s.el.gd.appendChild(probe);
  const line = getComputedStyle(probe).color;
  probe.remove();
  return line;
}

// Streamlit's look for ECharts (its "streamlit" theme), from the page's own fonts and colours: body font,
// faint axis and grid lines, overlapping axis labels hidden. The options' own colours (ui/echarts.py) win.
function theme(s) {
  const style = getComputedStyle(s.el.gd);
  const text = style.color || "#31333f";
  const font = style.fontFamily || "sans-serif";
  const line = faint(s, text);
  const axis = { axisLine: { show: false, lineStyle: { color: line } }, axisTick: { lineStyle: { color: line } },
                 axisLabel: { color: text, fontFamily: font, hideOverlap: true }, nameTextStyle: { color: text, fontFamily: font },
                 splitLine: { lineStyle: { color: line } } };
  return { backgroundColor: "transparent", textStyle: { fontFamily: font, color: text, fontSize: 12 },
           legend: { textStyle: { color: text, fontFamily: font } }, valueAxis: axis,
           // A label with no colour of its own (the diagram's names and biases) in the page's text colour, with no
           // outline: ECharts would otherwise draw it dark, or outlined, on the dark theme.
           scatter: { label: { color: text, textBorderWidth: 0 } }, logAxis: axis, categoryAxis: axis,
           // A line with no colour of its own (a race's finish line: every colour is some racer's) in the text's.
           line: { lineStyle: { color: text }, itemStyle: { color: text } },
           tooltip: { textStyle: { fontFamily: font },
                      valueFormatter: (v) => (Array.isArray(v) ? v.join(", ") : String(v)).replace(/-/g, "−") } };
}

// A frame's patch as ECharts takes it: a series named by its place in the chart's store is that series (its
// first `upto` points, for a series that grows epoch by epoch); a bare {id} keeps the chart's own.
function resolved(chart, patch) {
  const series = (patch.series || []).map((part) => {
    if (part.ref === undefined) return part;
    const whole = chart.store[part.ref];
    if (part.data) return { ...whole, data: part.data };  // a marker's points, in its stored look
    if (part.ys) {                                    // heights alone, packed (frames.heights): beside whole's x's
      const ys = heights(part.ys);
      return { ...whole, data: whole.data.map((point, i) => [point[0], ys[i]]) };
    }
    return part.upto === undefined ? whole : { ...whole, data: whole.data.slice(0, part.upto) };
  });
  return minusSigns({ ...patch, series });
}

// 32-bit floats in base64, each to 6 significant digits, as ui/frames.py's heights() reads them.
const HEIGHTS = new Map();
function heights(packed) {
  if (!HEIGHTS.has(packed)) {
    const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
    const floats = new Float32Array(bytes.buffer);
    HEIGHTS.clear();                                 // one chart's frame at a time: no memory kept for a long run
    HEIGHTS.set(packed, Array.from(floats, (v) => Number(v.toPrecision(6))));
  }
  return HEIGHTS.get(packed);
}

// ECharts writes a negative axis label with a hyphen; the app writes numbers with the minus sign "−" (ui/fmt.py).
// An axis marked gdMinus (ui/frames.py) gets a formatter that writes ECharts' own label, thousands separated and
// filled into the axis's template ("${value}"), with "−".
function minusSigns(option) {
  const label = (template) => (value) => {
    const [whole, part] = String(value).split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (part === undefined ? "" : "." + part);
    const text = typeof template === "string" ? template.replace("{value}", grouped) : grouped;
    return text.replace(/-/g, "−");
  };
  for (const key of ["xAxis", "yAxis"]) {
    const axes = option[key];
    if (!axes) continue;
    const listed = Array.isArray(axes) ? axes : [axes];
    const marked = listed.map((axis) => (axis.axisLabel && axis.axisLabel.gdMinus
      ? { ...axis, axisLabel: { ...axis.axisLabel, formatter: label(axis.axisLabel.formatter) } } : axis));
    option = { ...option, [key]: Array.isArray(axes) ? marked : marked[0] };
  }
  return option;
}

function rendered(s, tex) {
  s.texCache = s.texCache || new Map();
  if (!s.texCache.has(tex)) {
    s.texCache.set(tex, s.katex.renderToString(tex, { displayMode: true, throwOnError: false }));
  }
  return s.texCache.get(tex);
}

function equation(s, tex) {
  if (!s.katex) return `<div class="tex" data-tex="${escape(tex)}"></div>`;
  return `<div class="tex" data-tex="${escape(tex)}" data-typeset="1">${rendered(s, tex)}</div>`;
}

// Draw frame s.epoch: in each part, only what differs from what it shows. A part out of sight (the finish table, the
// update's equations, the ledger or a chart below the fold: watch() below) is drawn in the idle
// time after the click's frame, or at once when it scrolls into sight, so that a click pays first for what the
// learner sees. The event gd:shown announces the step as soon as it is in sight; the view's root says which frame every
// part shows (data-frame), and data-stale while a part out of sight still shows an earlier one. `later`: the call
// that draws the parts left behind (everything), or one that came into sight (nothing new to announce).
function draw(s, later = null) {
  const everything = later === "everything";
  const frame = s.frames.frames[s.epoch];
  if (s.part) s.el.view.classList.toggle("waiting", !frame);  // a null frame: the page sends it once it settles
  if (!frame || !s.part) return;
  const katex = Boolean(s.katex);
  let behind = false;
  // Paint `element` with `paint` unless it already shows `key`, or is out of sight and can wait.
  const put = (element, key, paint) => {
    if (element.gdShows === key) return;
    if (!everything && s.out && s.out.has(element)) { behind = true; return; }
    paint();
    element.gdShows = key;
  };
  if (s.part.text) {  // the step's own words and equations: at the top, read aloud (aria-live), drawn at once
    if (s.part.text.gdShows !== frame.text) s.part.text.innerHTML = frame.text || "";
    s.part.text.gdShows = frame.text;
    const tex = `${katex}|${(frame.tex || []).join("\n")}`;
    if (s.part.tex.gdShows !== tex) s.part.tex.innerHTML = (frame.tex || []).map((t) => equation(s, t)).join("");
    s.part.tex.gdShows = tex;
    if (s.part.after.gdShows !== frame.after) s.part.after.innerHTML = frame.after || "";
    s.part.after.gdShows = frame.after;
  }
  const sections = frame.sections || {};
  for (const [name, element] of s.part.sections) {
    const place = sections[name];
    put(element, `${katex}|${place}`, () => {
      element.innerHTML = place === undefined ? "" : s.frames.html[place];
      typeset(s, element);
      choose(s, element);
    });
  }
  for (const chart of s.charts) {
    const patch = frame.charts && frame.charts[chart.id];
    const caption = (frame.captions && frame.captions[chart.id]) || "";
    if (chart.caption.textContent !== caption) {  // the chart's words at once: a screen reader's view of it
      chart.caption.textContent = caption;
      if (chart.plot.getAttribute("role") === "img") chart.plot.setAttribute("aria-label", caption);
    }
    if (chart.instance && patch && s.shownCharts.get(chart.id) !== patch) {
      if (!everything && s.out && s.out.has(chart.box)) { behind = true; continue; }
      if (chart.kind === "plotly") {
        const traces = (patch.data || []).map((part) => {
          if (part.ref === undefined) return chart.traces.get(part.uid) || part;
          const whole = chart.store[part.ref];
          const cut = { ...whole };
          for (const key of ["x", "y", "z", "text"]) {
            if (Array.isArray(part[key])) cut[key] = part[key];  // a marker's points, in its stored look
            else if (part.upto !== undefined && Array.isArray(whole[key])) cut[key] = firsts(whole[key], part.upto);
          }
          return cut;
        });
        plotly(s, chart, traces, patch.layout || chart.layout);
      } else {
        const parts = ["series", "xAxis", "yAxis"].filter((key) => key in patch);
        chart.instance.setOption(resolved(chart, patch), { replaceMerge: parts, lazyUpdate: false });
        if (narrow(chart)) chart.instance.setOption(chart.narrow.option, { lazyUpdate: false });
      }
      s.shownCharts.set(chart.id, patch);
    }
  }
  for (const chart of s.charts) {  // plotly hears of what the view moved itself once the step is on screen
    if (chart.behind && everything) catchUp(s, chart);
    else if (chart.behind) behind = true;
  }
  if (s.part.ledger && frame.ledger) {
    put(s.part.ledger, `${frame.ledger}|${frameNote(s)}`, () => ledger(s, frame.ledger));
  }
  cancelIdle(s.rest);
  if (behind) {
    s.el.gd.dataset.stale = "1";
    s.rest = idle(() => { s.rest = null; if (s.frames && connected(s.parent)) draw(s, "everything"); }, 150);
  } else {
    delete s.el.gd.dataset.stale;
    s.el.gd.dataset.frame = String(s.epoch);           // the frame every part shows, for tests and a room
  }
  if (!later) window.dispatchEvent(new CustomEvent("gd:shown", { detail: { key: s.key, epoch: s.epoch } }));
  if (!later) ahead(s);
}

// A call in the browser's idle time (at the latest after `most` ms), and its cancellation.
function idle(call, most) {
  return typeof requestIdleCallback === "function" ? requestIdleCallback(call, { timeout: most }) : setTimeout(call, 0);
}
function cancelIdle(id) {
  if (id === undefined || id === null) return;
  if (typeof cancelIdleCallback === "function") cancelIdleCallback(id); else clearTimeout(id);
}

// Which parts of the view are out of sight (more than a screen's margin away): draw() leaves them for later, and one
// that comes into sight is drawn at once.
function watch(s) {
  if (s.sighted) s.sighted.disconnect();
  s.out = new Set();
  if (typeof IntersectionObserver !== "function") return;
  s.sighted = new IntersectionObserver((entries) => {
    let back = false;
    for (const entry of entries) {
      if (entry.isIntersecting) back = s.out.delete(entry.target) || back;
      else s.out.add(entry.target);
    }
    if (back && s.frames) draw(s, "sighted");
  }, { rootMargin: "100px 0px" });
  for (const element of [...s.part.sections.values(), s.part.ledger, ...s.charts.map((chart) => chart.box)]) {
    if (element) s.sighted.observe(element);
  }
}

// In the idle time after a step is drawn, the equations of the steps a click or Play goes to next are rendered into
// KaTeX's cache, so that the click only places them (KaTeX took about 12 ms of a click on page 9).
function ahead(s) {
  if (!s.katex || typeof requestIdleCallback !== "function") return;
  if (s.aheadId) cancelIdleCallback(s.aheadId);
  s.aheadId = requestIdleCallback(() => {
    s.aheadId = null;
    if (!s.frames) return;
    for (const k of new Set([s.epoch + 1, s.epoch - 1, s.epoch + s.stride])) {
      const frame = s.frames.frames[k];
      if (!frame) continue;
      for (const tex of frame.tex || []) rendered(s, tex);
      for (const place of Object.values(frame.sections || {})) {
        for (const found of String(s.frames.html[place] || "").matchAll(/data-tex="([^"]*)"/g)) {
          rendered(s, unescaped(found[1]));
        }
      }
    }
  }, { timeout: 1000 });
}

// An attribute's text as the browser reads it (dataset.tex): the entities Python's html.escape writes, undone.
function unescaped(text) {
  const named = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name) => {
    if (name[0] !== "#") return named[name.toLowerCase()] ?? entity;
    return String.fromCodePoint(name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
  });
}

function ledger(s, shown) {
  const table = s.frames.ledger;
  if (!table || !shown) return;
  const [start, stop, latest] = shown;
  const holder = s.part.ledger.querySelector('[data-role="table"]');
  const note = s.part.ledger.querySelector('[data-role="note"]');
  if (stop <= start) {
    holder.innerHTML = "";
    note.innerHTML = table.empty || "";
    return;
  }
  const names = new Set(["parameter", "now"]);
  const head = table.columns.map((c) => {
    const tip = table.tips && table.tips[c] ? ` title="${escape(table.tips[c])}"` : "";
    return `<th scope="col"${tip}${names.has(c) ? ' class="name"' : ""}>${escape(c)}</th>`;
  }).join("");
  const now = table.columns.indexOf("now");
  const row = (i) => {
    const mark = i >= latest;
    const cells = table.rows[i].map((cell, j) =>
      `<td${names.has(table.columns[j]) ? ' class="name"' : ""}>${escape(j === now ? (mark ? "▶" : "") : cell)}</td>`);
    return `<tr${mark ? ' class="latest"' : ""}>${cells.join("")}</tr>`;
  };
  // The rows in view first (the table shows about a dozen), the rest in the next animation frame: a click on a
  // long run paints its step at once, and the ledger's older rows follow unseen below.
  const first = Math.max(start, stop - FIRST_ROWS);
  const rows = [];
  for (let i = stop - 1; i >= first; i--) rows.push(row(i));
  holder.innerHTML = `<div class="table" tabindex="0" role="region" aria-label="The ledger">
    <table><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
  cancelAnimationFrame(s.moreRows);
  if (first > start) {
    s.moreRows = requestAnimationFrame(() => {
      const rest = [];
      for (let i = first - 1; i >= start; i--) rest.push(row(i));
      holder.querySelector("tbody").insertAdjacentHTML("beforeend", rest.join(""));
    });
  }
  note.innerHTML = frameNote(s);
}

const frameNote = (s) => (s.frames.frames[s.epoch] || {}).note || "";

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  const d = data || {};
  const last = Math.max(0, Math.trunc(Number(d.last) || 0));
  const tickMs = Math.max(30, Math.trunc(Number(d.tick_ms) || 250));
  const stride = Math.max(1, Math.trunc(Number(d.stride) || 1));
  const playHelp = String(d.play_help || "");
  const nonce = Math.trunc(Number(d.nonce) || 0);
  const unit = String(d.unit || "epoch");  // what one click moves: "epoch", or "step" on the batches page
  const big = Boolean(d.big);  // presenter mode
  const frames = d.frames || null;

  let s = INSTANCES.get(parentElement);
  if (!s) {
    // First mount (or remount): Python's view is all we have.
    s = { parent: parentElement, epoch: clamp(d.epoch, 0, last), nonce, last, unit, key: String(d.key || ""),
          Unit: unit.charAt(0).toUpperCase() + unit.slice(1), urlKey: String(d.url_key || unit),
          tickMs, stride, playHelp, big, timer: null, send: setStateValue, trigger: setTriggerValue, el: null,
          settleMs: Math.max(0, Math.trunc(Number(d.settle_ms) || 0)), told: clamp(d.epoch, 0, last) };
    INSTANCES.set(parentElement, s);
    build(s, parentElement);
    s.onKey = (e) => onKey(s, e);
    s.onOutside = (e) => onOutside(s, e);
    document.addEventListener("keydown", s.onKey);
    window.addEventListener("gd:epoch", s.onOutside);
  } else {
    // Re-invoked because `data` changed (Streamlit re-runs the default export
    // on every data/theme change, same parentElement, no cleanup in between).
    s.send = setStateValue;
    s.trigger = setTriggerValue;
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
      s.epoch = s.told = clamp(d.epoch, 0, last);
    } else if (s.epoch > last) {                     // clamp locally, Python clamps too
      s.epoch = last;
    }
    // else: d.epoch is an echo of some earlier click; ignore it.
  }
  if (s.timer && s.epoch >= s.last) stop(s);
  render(s);
  if (frames && d.frames_id !== s.framesId) {       // a new run: its frames arrive once, as JSON text
    s.frames = typeof frames === "string" ? JSON.parse(frames) : frames;
    s.framesId = d.frames_id;
    s.assets = d.assets || {};
    mount(s);
  } else if (!frames && s.frames) {
    s.frames = null;
    s.el.view.innerHTML = "";
  }
  if (s.frames) {
    if (s.echarts && s.look !== getComputedStyle(s.el.gd).color) plot(s);  // the theme changed
    draw(s);
    address(s);
  }

  // Streamlit keeps only the cleanup of the latest invocation and may call the
  // cleanup of a superseded invocation immediately, so only tear down when the
  // host really left the DOM.
  return () => setTimeout(() => {
    if (!connected(parentElement)) {
      stop(s);
      clearTimeout(s.settling);
      document.removeEventListener("keydown", s.onKey);
      window.removeEventListener("gd:epoch", s.onOutside);
      for (const chart of s.charts || []) forget(chart);
      if (s.resizer) s.resizer.disconnect();
      if (s.sighted) s.sighted.disconnect();
      cancelIdle(s.rest);
      INSTANCES.delete(parentElement);
    }
  }, 0);
}
