"""Take a run with you (the descent, network and gradients pages): the ledger as CSV, a NumPy script that
recomputes it, and the whole run as JSON that loads back into the page to resume where it was.

gdcore.export builds and checks the files; this module draws the buttons. A run file is loaded in the
uploader's callback, before the page runs, as the lesson's preset button does (`ui.controls.use_preset`):
every widget and the epoch stepper start from the file. Its settings are checked as a link's are
(`gdcore.export.config_of`), so a file changed by hand, cut short, of another page or not a run at all gets
one sentence, and the page goes on as it was.
"""

from __future__ import annotations

from dataclasses import fields, replace

import streamlit as st

from gdcore.config import link_text, shown
from gdcore.data import SHIPPED, DataError
from gdcore.export import PAGE_TITLES, RunFileError, config_of, ledger_csv, read_run, rows_csv, run_json
from gdcore.models import command_for, script_for
from gdcore.upload import LIMIT, key_of, read_upload
from ui import controls, literal, uploads
from ui.network.controls import VIEWS as NETWORK_VIEWS
from ui.network.controls import link_columns as network_columns

EPOCH_KEYS = {"descent": "epoch", "network": "net_epoch", "gradients": None}  # the session key of each page's stepper
# The column names each column key of a link may name; the chain's keys are the network's (x1, x2, x3, y).
COLUMNS = {"descent": controls.line_columns, "network": network_columns, "gradients": network_columns}
# Each page's view settings besides the epoch (URL key -> session key, default, parser, words), kept in a run file.
VIEWS = {"descent": {}, "network": NETWORK_VIEWS, "gradients": {}}


def message_key(page: str) -> str:
    return f"runfile:{page}:message"


def carried(upload) -> tuple[str, str]:
    """The rows a run on an upload carries (the numeric columns the app kept): (file name, CSV text)."""
    return upload.name, rows_csv(list(upload.frame.columns), upload.frame.to_numpy())


def document(page: str, config, epoch: int | None, run, n: int, upload, view: dict[str, str] | None = None) -> str:
    """The run file. Carried rows are an upload of their own wherever the file is loaded, so the settings name
    them by their key. `view`: the page's view settings as the link writes them."""
    if upload is None:
        return run_json(page, config, epoch, run, n, view=view)
    data = carried(upload)
    return run_json(page, replace(config, data=key_of(data[1].encode("utf-8"))), epoch, run, n, data, view)


def view_settings(page: str) -> dict[str, str]:
    """The page's view settings now (the network page's parameter and restarts), as the link writes them."""
    return {url: link_text(st.session_state.get(key, default)) for url, (key, default, *_) in VIEWS[page].items()}


def saved_views(saved) -> dict[str, object]:
    """The run file's view settings as session values, each checked as a link's is; one missing (an older file)
    takes its default. RunFileError names the first one that cannot be used."""
    views = VIEWS[saved.page]
    for url in saved.view:
        if url not in views:
            raise RunFileError(f"This run file names {shown(url)}, which is not a setting of this page.")
    values = {}
    for url, (key, default, parse, allowed) in views.items():
        raw = saved.view.get(url)
        try:
            values[key] = default if raw is None else parse(raw)
        except ValueError:
            raise RunFileError(f"This run file's {url}={shown(raw)} cannot be used: {allowed}.") from None
    return values


def same_rows(upload):
    """This tab's own upload whose kept rows the run file carries (a run saved on it, loaded back in the tab that
    holds it), else `upload`: the rows are carried as CSV text, not the uploaded bytes, so their key differs
    from the upload's, and the Data menu would list the same file twice."""
    for own in uploads.mine().values():
        if own.key == upload.key:
            return own
        if own.frame.shape == upload.frame.shape and key_of(carried(own)[1].encode("utf-8")) == upload.key:
            return own
    return upload


def load(page: str) -> None:
    """The uploader's callback: check the file and, if it can be used, set every widget and the epoch from it."""
    file = st.session_state.get(f"runfile:{page}")
    if file is None:
        return
    try:
        saved = read_run(file.getvalue(), page)
        upload = None
        if saved.data is not None:
            try:
                upload = read_upload(saved.data[1].encode("utf-8"), saved.data[0], LIMIT)
            except DataError as error:
                raise RunFileError(f"This run file's rows cannot be used: {error}") from None
            if upload.key != saved.query.get("data"):
                raise RunFileError("This run file's rows are not the ones its settings name (was it changed by hand?).")
            uploads.remember(upload)  # where the column checks find it; this tab gets it only if the rest is right
        data = saved.query.get("data", next(iter(SHIPPED)))
        if data not in SHIPPED and upload is None and data not in uploads.mine():
            raise RunFileError(
                "This run file names a learner's own file without carrying its rows: it cannot be redone."
            )
        config = config_of(saved, COLUMNS[page](data))
        views = saved_views(saved)
    except RunFileError as error:
        st.session_state[message_key(page)] = ("error", str(error))
        return
    if upload is not None:
        upload = same_rows(upload)
        uploads.mine()[upload.key] = upload
        config = replace(config, data=upload.key)
    for f in fields(config):  # as controls.use_preset: the widgets are drawn with these values
        st.session_state[f.metadata["url"]] = getattr(config, f.name)
    st.session_state.update(views)
    st.session_state[f"config:{page}"] = config
    epoch_key = EPOCH_KEYS[page]
    if epoch_key:
        st.session_state[epoch_key] = saved.epoch or 0  # the page keeps it within the run (state.seed_epoch)
    where = f", at epoch {saved.epoch:,}" if epoch_key and saved.epoch is not None else ""
    own = f", on {upload.name}, whose rows it carries" if upload is not None else ""
    st.session_state[message_key(page)] = ("success", f"Loaded {file.name}{where}{own}: every setting is as saved.")
    st.session_state[f"{message_key(page)}:new"] = True


def run_file(page: str, config, run, n: int) -> None:
    """The button "This run as JSON" and the uploader that loads one back. `config`: the settings chosen (what the link
    holds); `run`: what ran; `n`: its rows."""
    epoch_key = EPOCH_KEYS[page]
    epoch = int(st.session_state.get(epoch_key, 0)) if epoch_key else None
    upload = uploads.mine().get(config.data)
    view = view_settings(page)
    # About 25 characters a number as CSV text; the file keeps 1 MB for the rest (the ledger, the settings).
    too_large = upload is not None and 25 * upload.frame.size > LIMIT - 2**20
    left, right = st.columns(2)
    left.download_button(
        "This run as JSON",
        data=lambda: document(page, config, epoch, run, n, upload, view),  # built when clicked, not on every step
        file_name=f"{page}-run.json",
        mime="application/json",
        icon=":material/save:",
        disabled=too_large,
        help="The settings, the epoch you are on and the ledger so far, in one file. Load it here, in any browser, "
        "to go on from where you are.",
        on_click="ignore",
    )
    right.file_uploader(
        "Load a run (JSON)",
        type=["json"],
        key=f"runfile:{page}",
        on_change=load,
        args=(page,),
        help=f"A file saved with “This run as JSON” on this page ({PAGE_TITLES[page]}).",
    )
    if too_large:
        st.caption(
            f"The rows of {literal.md(upload.name)} are too many to carry in a run file (over {LIMIT // 2**20} MB as "
            "text)."
        )
    elif upload is not None:
        st.caption(
            f"This run is on your own file, {literal.md(upload.name)}: the JSON carries its {len(upload.frame):,} rows "
            "(the numeric columns the app kept), so it opens in any browser, and whoever you give it to can read them."
        )
    outcome = st.session_state.get(message_key(page))
    if outcome:
        kind, sentence = outcome
        sentence = literal.md(sentence)  # it names the run file, and may quote the file's columns
        (st.error if kind == "error" else st.success)(sentence, icon=":material/upload_file:")
        if kind == "success" and st.session_state.pop(f"{message_key(page)}:new", False):
            st.toast(sentence, icon=":material/upload_file:")  # this section may close as the page redraws


def take_away(page: str, chosen, config, run, n: int) -> None:
    """The "Take this run with you" section of the descent, network and gradients pages: the ledger as CSV,
    reproduce.py, the command line that prints the same ledger (the line's and the network's), and the run as
    JSON. `chosen`: the settings picked; `config`: what ran (within the budget)."""
    with st.expander("Take this run with you: the ledger, a NumPy script, the run as JSON"):
        upload = uploads.mine().get(config.data)
        data_path = upload.name if upload else SHIPPED[config.data].as_posix()
        script = script_for(config, data_path)
        left, right = st.columns(2)
        left.download_button(
            "The ledger as CSV",
            data=lambda: ledger_csv(run, config, n),  # built when clicked, not on every step
            file_name="ledger.csv",
            mime="text/csv",
            icon=":material/table:",
            help=f"Every step of the {run.epochs:,} epochs, every number in full precision.",
            on_click="ignore",  # a download needs no rerun
        )
        right.download_button(
            "reproduce.py (NumPy only)",
            data=script,
            file_name="reproduce.py",
            mime="text/x-python",
            icon=":material/code:",
            help="A script that recomputes this ledger from the CSV, with NumPy alone: nothing of this app.",
            on_click="ignore",
        )
        run_file(page, chosen, run, n)
        where = "beside your file" if upload else "in this project’s folder, where the data is"
        command = command_for(config, data=upload.name if upload else None)
        st.markdown(
            f"Run the script {where}: `python reproduce.py > ledger.csv` prints the ledger of this run."
            + (" The project's command line prints it too:" if command else "")
        )
        if command:
            st.code(command, language="bash")
        if upload and not upload.dropped.empty:
            name = literal.md(upload.name)
            st.caption(f"Remove from {name} the rows the app left out (see “Your own data”) before running it.")
        st.code(script, language="python")


def png(name: str, *tools: str) -> dict:
    """A plotly chart's config: its mode bar always shown (a phone has no hover), with the camera that saves the
    chart as `name`.png at twice the size on screen, and any other `tools` the chart needs; no plotly logo."""
    return {
        "displayModeBar": True,
        "displaylogo": False,
        "modeBarButtons": [["toImage", *tools]],
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
    }
