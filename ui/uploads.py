"""A learner's own data: a CSV uploaded (or pasted) in the sidebar, kept in this browser session only.

gdcore.upload reads and checks the bytes. The checked table lives in this session's state, and in a
table of this process keyed by the bytes' hash (`SEEN`), where the cached runs find it; nothing is
written to disk. A page reaches an upload only through `names()`, this session's own list, so a link
naming a file uploaded in another browser opens on the shipped data instead, with a note.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import streamlit as st

from gdcore import DescentConfig, NetworkConfig, lesson
from gdcore.chain import ChainConfig
from gdcore.data import SHIPPED, TITLES, DataError
from gdcore.minibatch import BatchConfig
from gdcore.race import RaceConfig
from gdcore.upload import LIMIT, Upload, read_upload
from ui import literal

SEEN: OrderedDict[str, Upload] = OrderedDict()  # every session's uploads by key, newest last
KEEP = 64  # uploads SEEN holds; the oldest is forgotten first (its session puts it back: `restore`)
MESSAGE = "uploads:message"  # the last upload's outcome: ("error" or "success", sentence)
LINE_PAGES = ("descent", "check", "landscape", "optimizers", "batches")  # a line's: x and y (the race: one surface)
WIDE_PAGES = ("network", "gradients")  # three inputs and a y


def mine() -> dict[str, Upload]:
    """This session's uploads, by key, in the order they came."""
    return st.session_state.setdefault("uploads", {})


def names(uploads: bool = True) -> list[str]:
    """The data sets a page may use in this session: the shipped ones, then (if `uploads`) this session's own."""
    return [*SHIPPED, *(mine() if uploads else ())]


def title(data: str) -> str:
    """The Windsor house sales, or "your file heights.csv"."""
    return TITLES[data] if data in SHIPPED else f"your file {mine()[data].name}" if data in mine() else data


def default_columns(data: str) -> tuple[str, str]:
    """An upload's first numeric column as x and its last as y: a start the learner can change."""
    columns = list(mine()[data].frame.columns)
    return columns[0], columns[-1]


def table(data: str) -> pd.DataFrame:
    """An upload's numeric columns (rows with gaps left out), by its key."""
    return SEEN[data].frame


def remember(upload: Upload) -> None:
    SEEN[upload.key] = upload
    SEEN.move_to_end(upload.key)
    while len(SEEN) > KEEP:
        SEEN.popitem(last=False)


def restore() -> None:
    """Put this session's uploads back in SEEN (another session's may have pushed them out)."""
    for upload in mine().values():
        if upload.key not in SEEN:
            remember(upload)


def take(data: bytes, name: str) -> None:
    """Check the bytes; keep them as this session's upload and pick them for the pages, or say what is wrong."""
    try:
        upload = read_upload(data, name, LIMIT)
    except DataError as error:
        st.session_state[MESSAGE] = ("error", f"{name} cannot be used: {error}")
        return
    mine().pop(upload.key, None)  # the same file again: it becomes the latest
    mine()[upload.key] = upload
    remember(upload)
    wide = switch_pages(upload)
    size = f"{len(upload.frame):,} rows, {len(upload.frame.columns)} numeric columns"
    pages = (
        f"{lesson.pages(*LINE_PAGES, *WIDE_PAGES)} now run on it ({lesson.page('optimizers')} on its first surface)."
        if wide
        else f"{lesson.pages(*LINE_PAGES)} now run on it ({lesson.page('optimizers')} on its first surface), while "
        f"{lesson.pages(*WIDE_PAGES)} need four numeric columns (three inputs and a y)."
    )
    st.session_state[MESSAGE] = ("success", f"{name}: {size}; {pages}")  # one sentence


def switch_pages(upload: Upload) -> bool:
    """Point every page that can run on the upload at it, on its default columns, keeping their other settings:
    the line's pages (LINE_PAGES; the race on its first surface) on its first column as x and its last as y; the
    network and the chain (WIDE_PAGES) on its first three as inputs, if it has four. Returns whether it has."""
    columns = list(upload.frame.columns)
    x, y = columns[0], columns[-1]
    line = {"data": upload.key, "x": x, "y": y}
    wide = len(columns) >= 4
    net = {"data": upload.key, "x1": columns[0], "x2": columns[1], "x3": columns[2], "y": y} if wide else {}
    for page, cls, values in (
        ("descent", DescentConfig, line),
        ("batches", BatchConfig, line),
        ("race", RaceConfig, line),
        ("network", NetworkConfig, net),
        ("gradients", ChainConfig, net),
    ):
        if values:
            st.session_state[f"config:{page}"] = replace(st.session_state.get(f"config:{page}") or cls(), **values)
    st.session_state.update(line | net)  # the page on screen's widgets, which hold its config
    return wide


def _uploaded() -> None:
    file = st.session_state.get("uploads:file")
    if file is not None:
        take(file.getvalue(), file.name)


def _pasted() -> None:
    text = st.session_state.get("uploads:paste") or ""
    take(text.encode("utf-8"), "the pasted CSV")


def sidebar() -> None:
    """The sidebar's "Your own data" section: an uploader, a box to paste into, and what came of the last one."""
    restore()
    with st.sidebar.expander("Your own data (CSV)", icon=":material/upload_file:"):
        st.caption(
            f"A CSV with a header row and at least two columns of numbers, up to {LIMIT // 2**20} MB. "
            f"{lesson.pages(*LINE_PAGES, *WIDE_PAGES).capitalize()} can then run on it (pick it under Data; the "
            "network and the chain need four columns). It "
            "stays in this browser tab: nobody else sees it, and nothing is saved on the server."
        )
        st.file_uploader("Upload a CSV", type=["csv", "txt"], key="uploads:file", on_change=_uploaded)
        st.text_area("…or paste one here", key="uploads:paste", height=90, placeholder="height,weight\n150,52\n…")
        st.button("Use the pasted CSV", on_click=_pasted, icon=":material/content_paste:")
        outcome = st.session_state.get(MESSAGE)
        if outcome:
            kind, sentence = outcome
            (st.error if kind == "error" else st.success)(literal.md(sentence))  # it names the file and columns
        latest = list(mine().values())[-1:] if outcome and outcome[0] == "success" else []
        for upload in latest:
            for note in upload.notes:
                st.info(literal.md(note), icon=":material/cleaning_services:")
            if not upload.dropped.empty:
                st.caption("The rows left out, as the file has them (the index is the line in the file):")
                st.dataframe(upload.dropped.head(50), height=min(250, 38 + 35 * len(upload.dropped.head(50))))


def picker(data: str, on_change: Callable[[], None] | None = None) -> str:
    """The sidebar's "Data" menu, when this session has uploads: the house data or one of them. Returns the data
    set picked (`data`, the page's own, when there is no menu). `on_change`: what picking another one resets."""
    if not mine():
        return data
    labels = {name: title(name) for name in names()}  # a plain mapping: AppTest calls format_func too
    return st.selectbox(
        "Data",
        list(labels),
        format_func=labels.get,
        key="data",
        on_change=on_change,
        help="The house data, or a CSV of your own (upload it under “Your own data” above).",
    )
