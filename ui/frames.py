"""The frames of a run: everything a stepping page shows for each epoch, built once per run in Python.

The browser steps through them without asking the server (ui/stepper.py draws them): a click on
Next chooses frame k + 1 and draws it. Python still computes every number, word and equation; the
browser only chooses and draws. A run's frames are one dict, sent to the browser once:

    {"frames": [{"text": html, "tex": [latex, ...], "after": html, "charts": {id: patch},
                 "captions": {id: text}, "ledger": [start, stop, latest], "note": html}, ...],  # epochs 0..last
     "charts": [{"id": id, "base": option (with its "store" of series), "height": px, "wide": bool}, ...],
     "ledger": {"columns": [...], "tips": {...}, "rows": [[...], ...], "title": text, "intro": html, "empty": html}}
                # "title": "" draws none (a page that heads its ledger's part itself)

`text` is the step's sentences (read out by screen readers when they change), `tex` its equations,
`after` what follows them (a batch's note, the run's stop). A chart's option is sent once (`base`); a
frame carries only the series and axes that change in the run (`patch`), with their ids, so the
browser updates the chart in place. The ledger's rows are sent once, oldest first; a frame names the
ones it shows (rows start..stop, newest first) and where its latest step's rows begin (marked ▶).
A run too long to send whole may send some epochs' frames as null (the batches page: a stretch around the epoch
shown, and the epochs Play lands on): the browser fades the view there, Play skips to the next frame it
holds, and the page sends the frames around an epoch once it settles there (ui/stepper.js).

A page whose epoch shows more than that lays its view out itself (`layout`, in the page's order):

    "layout": ["step", {"charts": [id, ...]}, {"section": name}, {"static": html}, "ledger", ...],
    "html": [html, ...],                            # every section's HTML, each distinct one once
    frames[k]["sections"]: {name: place in "html"}

A section is HTML that may hold equations (`tex`), buttons that move to an epoch (`jump`) and a choice
among versions of a part (`choice`, `chosen`): the browser renders, moves and chooses; Python wrote it all.
A chart may be a plotly figure ({"kind": "plotly"}, `figure`), patched trace by trace as ECharts' series
are, and a chart may let a click on one of its series tell the page where (`pick`: ui/stepper.py).
"""

from __future__ import annotations

import base64
import html as markup
import json
import math
from collections.abc import Sequence

import numpy as np
from markdown_it import MarkdownIt

from ui import present, tables

MARKDOWN = MarkdownIt("commonmark", {"html": False})  # raw HTML in a learner's name is text, not markup


def html(markdown: str) -> str:
    """Markdown (as ui.literal writes a learner's names into it) as HTML, for the browser to show as it is."""
    return MARKDOWN.render(markdown)


def alert(markdown: str, kind: str = "error") -> str:
    """A box as st.error draws one (the run has stopped), or st.warning (`kind` "warning") or st.info ("info")."""
    return f'<div class="alert {kind}" role="alert">{html(markdown)}</div>'


def tex(latex: str) -> str:
    """An equation in a section's HTML: the browser renders it with KaTeX, as st.latex does."""
    return f'<div class="tex" data-tex="{markup.escape(latex)}"></div>'


def heading(text: str, level: int = 3) -> str:
    """A heading as st.subheader writes one (level 3), its text as it is."""
    return f"<h{level}>{markup.escape(text)}</h{level}>"


def jump(label: str, epoch: int | None) -> str:
    """A button that moves the view to `epoch` (none: a disabled one), as a click on Next does, in the browser."""
    target = "" if epoch is None else f' data-epoch="{int(epoch)}"'
    off = " disabled" if epoch is None else ""
    return f'<button type="button" class="btn"{target}{off}>{markup.escape(label)}</button>'


def table(frame, caption: str = "", names: Sequence[str] = (), most: int | None = None) -> str:
    """A small table as HTML (every cell as text, as the page writes it), its `names` columns aligned left.
    `frame`: a DataFrame, or its rows as dicts of column -> text (a page that writes a table at each of thousands
    of epochs: pandas takes a millisecond a table). `most`: its height in pixels at most, beyond which it scrolls
    under its header (a batch of hundreds of rows)."""
    if isinstance(frame, list):
        columns = list(frame[0]) if frame else []
        rows = [[row[column] for column in columns] for row in frame]
    else:
        columns, rows = list(frame.columns), frame.astype(str).to_numpy().tolist()
    tips = tables.tips(columns)
    left = set(names)

    def cell(tag: str, column: str, text: str, extra: str = "") -> str:
        name = ' class="name"' if column in left else ""
        return f"<{tag}{extra}{name}>{markup.escape(str(text))}</{tag}>"

    head = "".join(
        cell(
            "th", column, column, ' scope="col"' + (f' title="{markup.escape(tips[column])}"' if column in tips else "")
        )
        for column in columns
    )
    body = "".join(
        "<tr>" + "".join(cell("td", column, value) for column, value in zip(columns, row)) + "</tr>" for row in rows
    )
    label = f' aria-label="{markup.escape(caption)}"' if caption else ""
    label += f' style="max-height: {int(most)}px"' if most else ""
    return (
        f'<div class="table small" tabindex="0" role="region"{label}><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def choice(name: str, label: str, options: Sequence[str], help: str = "") -> str:
    """A drop-down that chooses which version of the parts marked chosen(name, option) the view shows: all the
    versions are in the frame, the browser shows one, and keeps the choice from epoch to epoch."""
    listed = "".join(f'<option value="{markup.escape(o)}">{markup.escape(o)}</option>' for o in options)
    tip = f' title="{markup.escape(help)}"' if help else ""
    return (
        f'<label class="choose"{tip}><span>{markup.escape(label)}</span>'
        f'<select data-choose="{markup.escape(name)}">{listed}</select></label>'
    )


def chosen(name: str, option: str, body: str) -> str:
    """A version of a part, shown while the drop-down `name` says `option`."""
    return f'<div data-choice="{markup.escape(name)}" data-option="{markup.escape(option)}">{body}</div>'


def sections(per_frame: Sequence[dict[str, str]]) -> tuple[list[str], list[dict[str, int]]]:
    """Each frame's sections (name -> HTML) as one list of the distinct HTML, and per frame each section's place
    in it: a section that reads the same at many epochs (a rule, a heading) is sent once."""
    store: list[str] = []
    places: dict[str, int] = {}
    shown = []
    for frame in per_frame:
        named = {}
        for name, body in frame.items():
            if body not in places:
                places[body] = len(store)
                store.append(body)
            named[name] = places[body]
        shown.append(named)
    return store, shown


def finished(spec: dict) -> dict:
    """An option as the page draws it: presenter mode's large text, and every value axis marked for the browser to
    write its labels' minus signs (MINUS: ECharts writes a hyphen, and the browser can give it a formatter that
    writes "−", which an option in JSON cannot). The text's colour is the page's own, light or dark, set by the
    browser (ui/stepper.js), which follows a change of theme at once."""
    spec = present.chart_text(spec)
    for part in ("xAxis", "yAxis"):
        axes = spec.get(part)
        listed = axes if isinstance(axes, list) else [axes] if isinstance(axes, dict) else []
        marked = [
            axis | {"axisLabel": axis.get("axisLabel", {}) | {MINUS: True}}
            if axis.get("type", "value") in ("value", "log")
            else axis
            for axis in listed
        ]
        if listed:
            spec[part] = marked if isinstance(axes, list) else marked[0]
    return spec


MINUS = "gdMinus"  # on an axis label: the browser writes negative numbers with "−" (ui/stepper.js)
DIGITS = 6  # significant digits of a point a chart draws: well under a pixel, as the tooltips write numbers


def _rounded(value):
    """Chart data to DIGITS significant digits (a number), lists of them alike; None and text as they are."""
    if isinstance(value, float):
        return float(f"{value:.{DIGITS}g}")
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    if isinstance(value, dict) and "value" in value:
        return value | {"value": _rounded(value["value"])}
    return value


def _with_ids(spec: dict) -> dict:
    """Every series and axis named by its place, so that a patch updates the one it means."""
    spec = dict(spec)
    spec["series"] = [series | {"id": series.get("id", f"s{i}")} for i, series in enumerate(spec.get("series", []))]
    for part in ("xAxis", "yAxis"):
        axes = spec.get(part)
        if isinstance(axes, list):
            spec[part] = [axis | {"id": f"{part}{i}"} for i, axis in enumerate(axes)]
        elif isinstance(axes, dict):
            spec[part] = [axes | {"id": f"{part}0"}]
    return spec


def plotly_option(figure) -> dict:
    """A plotly figure as the browser's plotly.js takes it: plain JSON (NaN as null, a gap), its traces named
    by their place (uid), without plotly's own template: the browser gives it the page's look, as Streamlit's
    theme does (ui/stepper.js)."""
    spec = _plain(figure.to_plotly_json())
    spec["layout"] = {key: value for key, value in spec.get("layout", {}).items() if key != "template"}
    spec["data"] = [trace | {"uid": f"s{i}"} for i, trace in enumerate(spec.get("data", []))]
    return spec


def plain(value):
    """Plotly's JSON as lists and numbers (it would write a numpy array as base64), NaN and infinities as None:
    a part of a figure that a page cuts itself (ui.landscape.contours_by_epoch) written as plotly_option does."""
    return _plain(value)


def _plain(value):
    """Plotly's JSON as lists and numbers (it would write a numpy array as base64), NaN and infinities as None."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:  # plotly's typed array, in base64
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return _plain(array.reshape([int(n) for n in str(shape).split(",")]) if shape else array)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(item) for item in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# Where a chart keeps its series, and what names one: ECharts' option, or a plotly figure's JSON.
KINDS = {"echarts": ("series", "id"), "plotly": ("data", "uid")}


def chart(specs: Sequence[dict], kind: str = "echarts") -> tuple[dict, list[dict]]:
    """One chart's options at every epoch as its first option, a store of series, and per epoch a patch.

    A series that is the same at every epoch is sent once, in the first option, and named by its id alone in
    each patch. Any other series is kept once in the chart's store (`base["store"]`), however many epochs
    show it, and a patch names it by its place there ({"id", "ref"}); a series that grows epoch by epoch (the
    losses so far, the path so far) is stored once, whole, and a patch says how many of its points to show
    ({"id", "ref", "upto"}; a page may give it whole, with a count: `shown`); a series of a point or two
    that moves at every epoch (a ball, a marker) sends its points alone, its look stored once ({"id", "ref",
    "data"}, or "x" and "y" for plotly); a series whose many
    points only move up or down sends their heights alone, packed ({"id", "ref", "ys"}: `heights`). Axes and other parts
    that change go whole into each patch. The browser applies a
    patch with ECharts' replaceMerge for the series and the axes, so a series or axis missing from a frame is
    gone from the chart, whichever frame was drawn before. A plotly figure (`kind` "plotly") is patched the
    same way, trace by trace (its "data", named by "uid"), its layout sent whole when it changes."""
    listed, name = KINDS[kind]
    specs = [_with_ids(finished(spec)) for spec in specs] if kind == "echarts" else list(specs)
    base = specs[0] | {listed: [cut(series) for series in specs[0][listed]]}  # as the first epoch draws it
    fixed = {
        series[name]
        for series in specs[0][listed]
        if all({other[name]: other for other in spec[listed]}.get(series[name]) == series for spec in specs[1:])
    }
    varying = {key for spec in specs for key in spec if key != listed and spec.get(key) != base.get(key)}
    store: list[dict] = []
    places: dict = {}  # a stored series (its JSON, or the longest version's id()) -> its place in the store
    longest: dict[str, dict] = {}  # a series' id -> its longest version, which shorter ones may be the start of
    for spec in specs:
        for series in spec[listed]:
            known = longest.get(series[name], {"data": []})
            if series[name] not in fixed and SHOWN not in series and _points(series) >= _points(known):
                longest[series[name]] = series

    def stored(series: dict) -> int:
        if SHOWN in series:  # the same whole at many epochs (the same objects): known by them, not by their JSON
            series = {part: value for part, value in series.items() if part != SHOWN}
            key = (series[name], *((part, id(value)) for part, value in series.items() if part != name))
        elif series is longest.get(series[name]):
            key = id(series)
        else:
            key = json.dumps(series, sort_keys=True)
        if key not in places:  # only what changes is rounded: a fixed series (the houses) is drawn as it is
            places[key] = len(store)
            store.append({part: _rounded(value) if part in POINTS else value for part, value in series.items()})
        return places[key]

    patches = []
    for spec in specs:
        patch = {key: spec[key] for key in varying if key in spec}
        patch[listed] = []
        for series in spec[listed]:
            whole = longest.get(series[name])
            count = _points(series)
            if series[name] in fixed:
                patch[listed].append({name: series[name]})
            elif SHOWN in series:  # given whole, with how many points this epoch shows
                drawn = series[SHOWN] if isinstance(series[SHOWN], int) else _points(cut(series))
                upto = {"upto": series[SHOWN]} if drawn < count else {}
                patch[listed].append({name: series[name], "ref": stored(series)} | upto)
            elif whole is not None and _starts(whole, series):
                upto = {"upto": count} if count < _points(whole) else {}  # all of it: the whole series, once
                patch[listed].append({name: series[name], "ref": stored(whole)} | upto)
            elif whole is not None and count <= MARKER and _same_look(whole, series):
                points = {part: _rounded(series[part]) for part in POINTS if part in series}
                patch[listed].append({name: series[name], "ref": stored(whole)} | points)
            elif kind == "echarts" and whole is not None and (ys := _new_heights(whole, series)) is not None:
                patch[listed].append({name: series[name], "ref": stored(whole), "ys": ys})
            else:
                patch[listed].append({name: series[name], "ref": stored(series)})
        patches.append(patch)
    return base | {"store": store}, patches


# A series' points: ECharts' data, a plotly trace's x, y (and z, in 3D), and the hover text a trace may have for each.
POINTS = ("data", "x", "y", "z", "text")
SHOWN = "shown"  # a series given whole at an epoch that shows only its first points: how many (`shown`)


def shown(series: dict, count: int | Sequence[int]) -> dict:
    """`series` at an epoch that shows its first `count` points. A page with thousands of epochs gives chart() a
    growing series whole at every epoch (the same lists each time) with the count, rather than a copy of its
    start, which chart() would take as long to compare with the whole as the page took to make. A plotly trace of
    several paths, a gap (None) between each two (ui.contours.path_traces: the halo), takes a count per path."""
    return series | {SHOWN: count if isinstance(count, int) else [int(n) for n in count]}


def cut(series: dict) -> dict:
    """A series as an epoch draws it: a whole one given with its count (`shown`), cut to its first points."""
    if SHOWN not in series:
        return series
    count = series[SHOWN]
    return {part: firsts(value, count) if part in POINTS else value for part, value in series.items() if part != SHOWN}


def firsts(points: list, count: int | list[int]) -> list:
    """The first `count` points; with a count per path (a trace of several paths, a gap between each two), the first
    count[i] of the i-th path's, the gaps kept (the browser cuts a trace so too: ui/stepper.js)."""
    if isinstance(count, int):
        return points[:count]
    paths, start = [], 0
    for end in [i for i, point in enumerate(points) if point is None] + [len(points)]:
        paths.append(points[start:end])
        start = end + 1
    cut: list = []
    for i, (path, n) in enumerate(zip(paths, count)):
        cut += ([None] if i else []) + path[:n]
    return cut


# Points: a series this short that moves at every epoch (a ball, a marker; the balls of a race's six racers, with the
# gaps between them) travels as its points alone.
MARKER = 12


def _new_heights(whole: dict, series: dict) -> str | None:
    """A series whose points only move up or down (a prediction for each house, epoch by epoch): its heights
    alone, as 32-bit floats in base64 (about 5 characters a point, where JSON takes 10 or more with its x),
    which the browser reads back to DIGITS digits beside the stored series' x's; None for any other series."""
    if not _same_look(whole, series):
        return None
    try:
        before, now = np.asarray(whole.get("data"), dtype=float), np.asarray(series.get("data"), dtype=float)
    except (TypeError, ValueError):  # points with names, styles or gaps
        return None
    if (
        before.ndim != 2
        or before.shape != now.shape
        or before.shape[1] != 2
        or not np.array_equal(before[:, 0], now[:, 0])
    ):
        return None
    if not np.isfinite(now).all():
        return None
    # Rounded to DIGITS digits first: a 32-bit float holds 7, so the browser reads each back as exactly that
    # number, never a float that sits on a tie between two (JavaScript rounds a tie up, Python to even).
    heights = now[:, 1]
    places = DIGITS - 1 - np.floor(np.log10(np.where(heights == 0, 1.0, np.abs(heights))))
    rounded = np.round(heights * 10.0**places) / 10.0**places  # to DIGITS digits, within a unit of the last bit
    return base64.b64encode(rounded.astype("<f4").tobytes()).decode("ascii")


def heights(ys: str) -> list[float]:
    """The heights a patch sends as "ys", as the browser reads them: 32-bit floats to DIGITS significant digits."""
    return [float(f"{value:.{DIGITS}g}") for value in np.frombuffer(base64.b64decode(ys), dtype="<f4").tolist()]


def _same_look(whole: dict, series: dict) -> bool:
    """`series` is `whole` but for its points: a patch may send its points and name `whole` for the rest."""
    return {key: value for key, value in whole.items() if key not in POINTS} == {
        key: value for key, value in series.items() if key not in POINTS
    }


def _points(series: dict) -> int:
    """How many points a series has: the length of its data (ECharts) or of its x (plotly)."""
    return len(series.get("data", series.get("x")) or [])


def _starts(whole: dict, series: dict) -> bool:
    """`series` is the start of `whole` (or all of it): the same in all but its points, which are whole's first."""
    count = _points(series)
    parts = [part for part in POINTS if part in whole or part in series]
    return (
        count <= _points(whole)
        and _same_look(whole, series)
        and all(isinstance(whole.get(part), list) and whole[part][:count] == series.get(part) for part in parts)
    )


def charts(drawn: Sequence[dict[str, tuple]], layout: Sequence[tuple]) -> tuple[list, list]:
    """The charts of a run: `drawn[k]` maps a chart's id to (its option, its caption) at epoch k, `layout`
    lists (id, height in pixels, whether it spans the page's width[, more]) in the order the page shows them;
    `more` may say which series a click picks a point of ({"pick": series id}, ui/stepper.py) and, for a
    plotly figure (an option that is a go.Figure, or its JSON as plotly_option writes it), its config
    (ui.exports.png: the camera that saves a PNG). A page with many epochs may cut each epoch's figure JSON
    from one figure rather than build a figure per epoch (plotly takes milliseconds to build one).
    Returns the charts' first options and, per epoch, {"charts": patches, "captions": captions}."""
    heights = {entry[0]: (round(entry[1] * 1.2) if present.active() else entry[1]) for entry in layout}
    listed, per_frame = [], [{"charts": {}, "captions": {}} for _ in drawn]
    for key, _, wide, *more in layout:
        shown = [frame.get(key) for frame in drawn]
        present_at = [k for k, item in enumerate(shown) if item is not None]
        if not present_at:
            continue
        options = [shown[k][0] for k in present_at]
        kind = "plotly" if _plotly(options[0]) else "echarts"
        if kind == "plotly":
            options = [plotly_option(o) if hasattr(o, "to_plotly_json") else o for o in options]
        base, patches = chart(options, kind)
        listed.append(
            {"id": key, "kind": kind, "base": base, "height": heights[key], "wide": wide, **(more or [{}])[0]}
        )
        for k, patch in zip(present_at, patches):
            per_frame[k]["charts"][key] = patch
            per_frame[k]["captions"][key] = shown[k][1]
    return listed, per_frame


def _plotly(option) -> bool:
    """A plotly figure, or its JSON ({"data": traces, "layout": ...}); an ECharts option has "series" instead."""
    return hasattr(option, "to_plotly_json") or (isinstance(option, dict) and "data" in option)


def ledger(records: Sequence, table, keep: int) -> tuple[dict, list[list[int]]]:
    """The ledger's rows, oldest first, and for each number of steps taken (0..len(records)) the rows it
    shows: [start, stop, latest], the latest `keep` steps' rows start..stop, the latest step's from `latest`.
    `table(records)` is the page's ledger (ui.tables.ledger_frame), newest first, with its ▶ column "now"."""
    frame = table(records)
    columns = list(frame.columns)
    body = frame.iloc[::-1].astype(str)
    body["now"] = ""  # the browser marks the latest step's rows
    ends, total = [0], 0
    for record in records:
        total += len(record.names)
        ends.append(total)
    shown = [[ends[max(0, taken - keep)], ends[taken], ends[taken - 1] if taken else 0] for taken in range(len(ends))]
    return {"columns": columns, "tips": tables.tips(frame), "rows": body.to_numpy().tolist()}, shown


def ledger_stretch(
    records: Sequence,
    table,
    keep: int,
    taken: dict[int, int],
    stretch: tuple[int, int],
    glanced: Sequence[int],
    glance: int,
) -> tuple[dict, dict[int, list[int]]]:
    """The ledger of a stretch of a long run (ui.stepper.stretch): the rows of the stretch's epochs low..high (and
    of the `keep` steps before it), then for each epoch outside it that Play lands on (`glanced`), its latest
    `glance` steps. `records`: the run's records, `taken[k]`: the steps taken after epoch k. Returns the table
    (as ledger()) and, per epoch sent, its rows [start, stop, latest]."""
    low, high = stretch
    first = max(0, taken[low] - keep)
    glances = [records[max(0, taken[k] - glance) : taken[k]] for k in glanced]
    kept = [*records[first : taken[high]], *(record for some in glances for record in some)]
    listed, windows = ledger(kept, table, keep)
    rows = {k: windows[taken[k] - first] for k in range(low, high + 1)}
    count = taken[high] - first
    for k, some in zip(glanced, glances):  # rows start..stop, the latest from `latest`: ledger()
        start, (stop, latest) = windows[count][1], windows[count + len(some)][1:]
        rows[k] = [start, stop, latest if some else start]
        count += len(some)
    return listed, rows
