"""The frames of a run: everything a stepping page shows for each epoch, built once per run in Python.

The browser steps through them without asking the server (ui/stepper.py draws them): a click on
Next chooses frame k + 1 and draws it. Python still computes every number, word and equation; the
browser only chooses and draws. A run's frames are one dict, sent to the browser once:

    {"frames": [{"text": html, "tex": [latex, ...], "after": html, "charts": {id: patch},
                 "captions": {id: text}, "ledger": [start, stop, latest], "note": html}, ...],  # epochs 0..last
     "charts": [{"id": id, "base": option (with its "store" of series), "height": px, "wide": bool}, ...],
     "ledger": {"columns": [...], "tips": {...}, "rows": [[...], ...], "title": text, "intro": html, "empty": html}}

`text` is the step's sentences (read out by screen readers when they change), `tex` its equations,
`after` what follows them (a batch's note, the run's stop). A chart's option is sent once (`base`); a
frame carries only the series and axes that change in the run (`patch`), with their ids, so the
browser updates the chart in place. The ledger's rows are sent once, oldest first; a frame names the
ones it shows (rows start..stop, newest first) and where its latest step's rows begin (marked ▶).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from markdown_it import MarkdownIt

from ui import present, tables

MARKDOWN = MarkdownIt("commonmark", {"html": False})  # raw HTML in a learner's name is text, not markup


def html(markdown: str) -> str:
    """Markdown (as ui.literal writes a learner's names into it) as HTML, for the browser to show as it is."""
    return MARKDOWN.render(markdown)


def alert(markdown: str) -> str:
    """A red box, as st.error draws one: the run has stopped."""
    return f'<div class="alert" role="alert">{html(markdown)}</div>'


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
    spec["series"] = [series | {"id": f"s{i}"} for i, series in enumerate(spec.get("series", []))]
    for part in ("xAxis", "yAxis"):
        axes = spec.get(part)
        if isinstance(axes, list):
            spec[part] = [axis | {"id": f"{part}{i}"} for i, axis in enumerate(axes)]
        elif isinstance(axes, dict):
            spec[part] = [axes | {"id": f"{part}0"}]
    return spec


def chart(specs: Sequence[dict]) -> tuple[dict, list[dict]]:
    """One chart's options at every epoch as its first option, a store of series, and per epoch a patch.

    A series that is the same at every epoch is sent once, in the first option, and named by its id alone in
    each patch. Any other series is kept once in the chart's store (`base["store"]`), however many epochs
    show it, and a patch names it by its place there ({"id", "ref"}); a series that grows epoch by epoch (the
    losses so far, the path so far) is stored once, whole, and a patch says how many of its points to show
    ({"id", "ref", "upto"}). Axes and other parts that change go whole into each patch. The browser applies a
    patch with ECharts' replaceMerge for the series and the axes, so a series or axis missing from a frame is
    gone from the chart, whichever frame was drawn before."""
    specs = [_with_ids(finished(spec)) for spec in specs]
    base = specs[0]
    fixed = {
        series["id"]
        for series in base["series"]
        if all({other["id"]: other for other in spec["series"]}.get(series["id"]) == series for spec in specs[1:])
    }
    varying = {key for spec in specs for key in spec if key != "series" and spec.get(key) != base.get(key)}
    store: list[dict] = []
    places: dict = {}  # a stored series (its JSON, or the longest version's id()) -> its place in the store
    longest: dict[str, dict] = {}  # a series' id -> its longest version, which shorter ones may be the start of
    for spec in specs:
        for series in spec["series"]:
            known = longest.get(series["id"], {"data": []})
            if series["id"] not in fixed and len(series["data"]) >= len(known["data"]):
                longest[series["id"]] = series

    def stored(series: dict) -> int:
        key = id(series) if series is longest.get(series["id"]) else json.dumps(series, sort_keys=True)
        if key not in places:  # only what changes is rounded: a fixed series (the houses) is drawn as it is
            places[key] = len(store)
            store.append(series | {"data": _rounded(series.get("data", []))})
        return places[key]

    patches = []
    for spec in specs:
        patch = {key: spec[key] for key in varying if key in spec}
        patch["series"] = []
        for series in spec["series"]:
            whole = longest.get(series["id"])
            if series["id"] in fixed:
                patch["series"].append({"id": series["id"]})
            elif whole is not None and _starts(whole, series):
                patch["series"].append({"id": series["id"], "ref": stored(whole), "upto": len(series["data"])})
            else:
                patch["series"].append({"id": series["id"], "ref": stored(series)})
        patches.append(patch)
    return base | {"store": store}, patches


def _starts(whole: dict, series: dict) -> bool:
    """`series` is the start of `whole`: the same in all but its data, which is the first points of whole's."""
    count = len(series["data"])
    same = {key: value for key, value in whole.items() if key != "data"} == {
        key: value for key, value in series.items() if key != "data"
    }
    return same and whole["data"][:count] == series["data"] and count < len(whole["data"])


def charts(drawn: Sequence[dict[str, tuple[dict, str]]], layout: Sequence[tuple[str, int, bool]]) -> tuple[list, list]:
    """The charts of a run: `drawn[k]` maps a chart's id to (its option, its caption) at epoch k, `layout`
    lists (id, height in pixels, whether it spans the page's width) in the order the page shows them.
    Returns the charts' first options and, per epoch, {"charts": patches, "captions": captions}."""
    heights = {key: (round(height * 1.2) if present.active() else height) for key, height, _ in layout}
    listed, per_frame = [], [{"charts": {}, "captions": {}} for _ in drawn]
    for key, _, wide in layout:
        shown = [frame.get(key) for frame in drawn]
        present_at = [k for k, item in enumerate(shown) if item is not None]
        if not present_at:
            continue
        base, patches = chart([shown[k][0] for k in present_at])
        listed.append({"id": key, "base": base, "height": heights[key], "wide": wide})
        for k, patch in zip(present_at, patches):
            per_frame[k]["charts"][key] = patch
            per_frame[k]["captions"][key] = shown[k][1]
    return listed, per_frame


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
