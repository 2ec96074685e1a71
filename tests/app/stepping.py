"""Stepping through epochs in AppTest, as the browser's stepper does.

The Previous/Next/Play/Reset buttons are a small browser component (ui/stepper.py) that AppTest
cannot click. `choose_epoch` does what a click does: it reports an absolute epoch as the component's
state, with the nonce the page last sent, so the page's own code path (ui.stepper._accept) runs.
`jump_to_end` sets the epoch past the end, which the page clamps to its last epoch.
"""

from __future__ import annotations

import functools
import html
import json
import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.frames import POINTS, firsts, heights


def choose_epoch(at: AppTest, epoch: int, key: str = "epoch") -> AppTest:
    """Report `epoch` from the browser's stepper, then rerun: what any click or Play frame does."""
    nonce = at.session_state[f"{key}:sync"]["nonce"]
    at.session_state[f"{key}:buttons"] = {"position": {"epoch": epoch, "nonce": nonce}}
    return at.run()


def epoch_shown(at: AppTest, key: str = "epoch") -> int:
    return at.session_state[key]


def jump_to_end(at: AppTest, key: str = "epoch") -> int:
    """Show the run's last epoch; returns it."""
    at.session_state[key] = 10**9
    at.run()
    return at.session_state[key]


# --- what a page that sends its run's frames shows (ui/frames.py) ----------------------------------------

_TAG = re.compile(r"<[^>]+>")
_TEX = re.compile(r'<div class="tex" data-tex="([^"]*)"></div>')


def text_of(markup: str) -> str:
    """What a reader sees of the frames' HTML: the tags gone, the entities written out (an equation: its LaTeX,
    on a line of its own)."""
    markup = _TEX.sub(lambda m: "\n" + m.group(1) + "\n", markup)
    for end in ("</p>", "</li>", "</tr>", "</h3>", "</h4>", "</summary>", "</div>"):
        markup = markup.replace(end, end + "\n")
    markup = markup.replace("</td>", "</td> ").replace("</th>", "</th> ")
    return html.unescape(_TAG.sub("", markup)).strip()


def words_of(markup: str) -> str:
    """What a reader sees of a section's HTML, its equations left out (KaTeX draws their maths)."""
    return text_of(_TEX.sub("", markup))


def equations_of(markup: str) -> list[str]:
    """The LaTeX of every equation in a section's HTML (ui.frames.tex)."""
    return [html.unescape(m.group(1)) for m in _TEX.finditer(markup)]


def sections_shown(at: AppTest) -> dict[str, str]:
    """Each section of the frame shown (a page that lays its view out itself), name -> HTML."""
    data = view(at)
    if data is None:
        return {}
    frame = data["frames"]["frames"][shown_epoch(at, data)]
    return {name: data["frames"]["html"][place] for name, place in frame.get("sections", {}).items()}


def html_tables(markup: str) -> list[pd.DataFrame]:
    """The tables in a section's HTML (ui.frames.table), each cell as its text."""
    found = []
    for table in re.findall(r"<table>(.*?)</table>", markup, flags=re.S):
        head = [html.unescape(_TAG.sub("", cell)) for cell in re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)]
        rows = [
            [html.unescape(_TAG.sub("", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[-1], flags=re.S)
        ]
        found.append(pd.DataFrame(rows, columns=head))
    return found


def view(at: AppTest) -> dict | None:
    """The stepper's data when it carries the run's frames (the browser draws the epoch from them), else None.
    The frames travel as JSON text (ui.stepper.packed), read here as the browser reads them."""
    for element in at.get("bidi_component"):
        data = json.loads(element.proto.json or "{}")
        if "frames" in data:
            return data | {"frames": _frames(data["frames"])}
    return None


@functools.lru_cache(maxsize=4)
def _frames(text: str) -> dict:
    """A run's frames from their JSON text, read once however many times a test looks (shared: not to be changed)."""
    return json.loads(text)


def shown_epoch(at: AppTest, data: dict) -> int:
    """The epoch the browser shows, as the page last heard of it (the data's own epoch is the one the page last
    told the browser, which the browser's own steps leave behind)."""
    return at.session_state[data["key"]]


def frame_shown(at: AppTest) -> dict | None:
    """The frame the browser draws for the epoch the page last heard of, else None."""
    data = view(at)
    return None if data is None else data["frames"]["frames"][shown_epoch(at, data)]


def ledger_shown(at: AppTest) -> pd.DataFrame | None:
    """The ledger of the frame shown, as the browser writes it: newest first, the latest step marked ▶."""
    data = view(at)
    if data is None or not data["frames"].get("ledger"):
        return None
    table = data["frames"]["ledger"]
    start, stop, latest = data["frames"]["frames"][shown_epoch(at, data)]["ledger"]
    rows = [list(table["rows"][i]) for i in range(stop - 1, start - 1, -1)]
    now = table["columns"].index("now")
    for i, row in zip(range(stop - 1, start - 1, -1), rows):
        row[now] = "▶" if i >= latest else ""
    return pd.DataFrame(rows, columns=table["columns"])


def frame_text(at: AppTest) -> list[str]:
    """Every piece of text of the frame shown: sentences, equations, captions, the ledger's note."""
    frame = frame_shown(at)
    if frame is None:
        return []
    data = view(at)["frames"]
    parts = [text_of(frame.get("text", "")), *frame.get("tex", []), text_of(frame.get("after", ""))]
    parts += [text_of(frame.get("note", ""))]
    parts += [text_of(markup) for markup in sections_shown(at).values()]
    parts += [text_of(slot["static"]) for slot in data.get("layout", []) if isinstance(slot, dict) and "static" in slot]
    parts += list(frame["captions"].values())
    table = data.get("ledger") or {}
    parts += [text_of(table.get("title", "")), text_of(table.get("intro", "")), text_of(table.get("empty", ""))]
    return [part for part in parts if part]


def merged(base: dict, patch: dict) -> dict:
    """An option after the browser applies a frame's patch (ECharts' setOption with replaceMerge for the series
    and the axes): the parts the patch lists by id replace the chart's, a bare {"id"} keeps the first option's,
    {"id", "ref", "upto"} is the chart's stored series `ref`, its first `upto` points (a list: the first of each
    path's, in a plotly trace of several: ui.frames.firsts), and {"id", "ref", "data"}
    (plotly: "x", "y") is the stored series with these points (a marker that moves: ui/frames.py)."""
    store = base.get("store", [])
    option = {key: value for key, value in base.items() if key != "store"}

    def series(part: dict) -> dict:
        if "ref" not in part:
            return part
        whole = store[part["ref"]]
        points = {key: part[key] for key in POINTS if key in part}
        if "ys" in part:  # heights alone, packed: beside the stored series' x's (ui.frames.heights)
            points["data"] = [[point[0], y] for point, y in zip(whole["data"], heights(part["ys"]))]
        if "upto" not in part:
            return whole | points
        return whole | {key: firsts(whole[key], part["upto"]) for key in POINTS if key in whole}

    if "data" in base:  # a plotly figure: its traces by uid, its layout whole
        traces = {trace["uid"]: trace for trace in base["data"]}
        return {
            "data": [traces[part["uid"]] if set(part) == {"uid"} else series(part) for part in patch.get("data", [])],
            "layout": patch.get("layout", base.get("layout", {})),
        }
    for key, value in patch.items():
        if key in ("series", "xAxis", "yAxis"):
            before = {part["id"]: part for part in base.get(key, [])}
            parts = [series(part) for part in value] if key == "series" else value
            option[key] = [before[part["id"]] | part if set(part) == {"id"} else part for part in parts]
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            option[key] = base[key] | value
        else:
            option[key] = value
    return option


def charts_shown(at: AppTest) -> dict[str, dict]:
    """Each chart's option as the browser draws it for the frame shown."""
    data = view(at)
    if data is None:
        return {}
    frame = data["frames"]["frames"][shown_epoch(at, data)]
    return {chart["id"]: merged(chart["base"], frame["charts"][chart["id"]]) for chart in data["frames"]["charts"]}


def tables_shown(at: AppTest) -> list[pd.DataFrame]:
    """Every table on the page: Streamlit's tables and dataframes, the tables in the view's sections and the
    ledger the browser draws."""
    shown = ledger_shown(at)
    drawn = [table for markup in sections_shown(at).values() for table in html_tables(markup)]
    listed = [table.value for table in list(at.table) + list(at.dataframe)] + drawn
    return listed + ([shown] if shown is not None else [])
