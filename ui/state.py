"""Page state: one config per page, seeded from the link, written back to the link in one place.

A page's widgets hold the config's fields under the config's URL keys. On the first run of a
visit (app.py sets `_new_visit`), `seed` fills them from the link, or from the last config this
session used on the page: Streamlit does not carry a keyed widget's value across a page switch;
after the widgets, `publish` stores the config and writes the link from it. Nothing else writes
the URL, so a copied link always reproduces what is on screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields

import streamlit as st

from gdcore import from_query, lesson, to_query
from gdcore.config import shown
from gdcore.data import DEFAULT_DATA, TITLES, UPLOAD_KEY
from ui import literal, present
from ui import uploads as ui_uploads


def seed(
    page: str,
    cls,
    columns: Callable[[str], Mapping[str, Sequence[str]]] | None = None,
    views=(),
    uploads: bool = False,
) -> object:
    """Fill this page's widget keys in session state before the widgets are drawn.

    Returns the config the widgets start from. Notes about link values that made no sense are
    kept for the whole visit and shown by `show_notes`. `columns(data)`: the column names each column
    key (x, y, ...) may take on the data set named `data` (the link's, else the default). `views`:
    the link keys the page reads itself (the epoch shown, ...). Any other key in the link is named in
    a note and dropped. `uploads`: the page can run on this session's uploads (never another's).
    """
    url_keys = tuple(f.metadata["url"] for f in fields(cls))
    stored = st.session_state.get(f"config:{page}")
    new_visit = st.session_state.get("_new_visit", True)
    if stored is not None and not new_visit:
        return stored  # the widgets hold the values; a widget drawn only for some settings is kept by controls.keep
    params = st.query_params.to_dict()
    notes = []
    allowed = {"data": ui_uploads.names(uploads)}  # a link may name this session's uploads, and no one else's
    if re.fullmatch(UPLOAD_KEY, params.get("data", "")) and params["data"] not in allowed["data"]:
        key = params.pop("data")
        if key in ui_uploads.mine():  # this tab's own file, on a page that runs on the shipped data only
            used = lesson.pages(*ui_uploads.LINE_PAGES, *ui_uploads.WIDE_PAGES)
            notes.append(f"This page runs on {TITLES[DEFAULT_DATA]} only; {used} use your file.")
        else:
            notes.append(
                f"The link's data={key} names a file uploaded in another browser tab. An upload stays in the tab it "
                f"was uploaded in, so this page shows {TITLES[DEFAULT_DATA]}: upload the file here to use it."
            )
    if stored is None or any(key in params for key in url_keys):
        # The data set first: it decides which column names the rest of the link may use.
        data = from_query(cls, {key: value for key, value in params.items() if key == "data"}, columns=allowed)[0]
        config, more = from_query(cls, params, columns=allowed | (columns(data.data) if columns else {}))
        notes += more
    else:  # coming back to the page: the link was cleared by the page switch, the config was kept
        config = stored
    unknown = [key for key in params if key not in url_keys and key not in views and key != present.KEY]
    if unknown:
        listed = ", ".join(shown(key) for key in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        notes.append(
            f"The link's {listed} {'is not a setting' if len(unknown) == 1 else 'are not settings'} of this "
            "page: ignored."
        )
    for f in fields(cls):
        st.session_state[f.metadata["url"]] = getattr(config, f.name)
    st.session_state[f"notes:{page}"] = notes
    st.session_state[f"config:{page}"] = config
    return config


def show_notes(page: str) -> None:
    """Say which values of the link were ignored, and what was used instead (quoted literally)."""
    for note in st.session_state.get(f"notes:{page}", []):
        st.warning(literal.md(note), icon=":material/link_off:")


def add_note(page: str, note: str) -> None:
    st.session_state.setdefault(f"notes:{page}", []).append(note)


def publish(page: str, config, **extra: object) -> None:
    """Remember this page's config and write the link from it (the only place the URL is written)."""
    st.session_state[f"config:{page}"] = config
    for key, value in extra.items():
        st.session_state[f"view:{page}:{key}"] = value  # e.g. the epoch shown, for the next visit
    query = to_query(config) | {key: str(value) for key, value in extra.items() if value is not None}
    if present.active():  # presenter mode is the session's, on every page: the link keeps it on
        query[present.KEY] = "1"
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def seed_view(
    page: str, url: str, default, parse: Callable[[str], object], allowed: str, key: str = "", was: str = ""
) -> None:
    """A view setting outside the config (the epoch shown, ...), into session key `key` (`url` if empty).

    From the link once a visit, else from the page's last visit. `parse` turns the link's text into a
    value or raises ValueError; `allowed` says in words what it may be, for the note a bad value gets.
    `was`: the key older links used for this setting (the optimizers page's epoch=, now step=), read when `url` is not
    there, so a link in the wild keeps its meaning; `publish` writes `url` from then on.
    """
    key = key or url
    if key in st.session_state and not st.session_state.get("_new_visit", True):
        return
    named = url if url in st.query_params or not was else was
    raw = st.query_params.get(named)
    if was and named == url and was in st.query_params:
        add_note(page, f"The link's {was}={shown(st.query_params[was])} was ignored: its {url}= says what to show.")
    value = st.session_state.get(f"view:{page}:{url}")
    value = default if value is None else value
    if raw is not None:
        try:
            value = parse(raw)
        except ValueError:
            add_note(page, f"The link's {named}={shown(raw)} was ignored ({allowed}); showing {default} instead.")
            value = default
    st.session_state[key] = value


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """A parser for seed_view: a whole number from low to high, else ValueError."""

    def parse(raw: str) -> int:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError
        return value

    return parse


def seed_epoch(page: str, last: int, key: str = "epoch", unit: str = "epoch", was: str = "") -> None:
    """The epoch (or step: `unit`) shown, 0..last, from the link's epoch= (step=) once a visit; kept in
    range as the run changes. `was`: the key older links used (seed_view)."""
    seed_view(page, unit, 0, whole_number(0, last), f"this run has {unit}s 0 to {last}", key=key, was=was)
    st.session_state[key] = min(max(int(st.session_state[key]), 0), last)
