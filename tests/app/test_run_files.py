"""A run saved as JSON loads back (AppTest): a fresh tab that loads the file shows what the link of the saved
run shows (every setting, the epoch, the ledger); a run on a learner's own file carries its rows and opens in
another tab; a file that is not a run of this page gets one sentence and the page goes on as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from stepping import choose_epoch
from streamlit.testing.v1 import AppTest
from test_pages import NAN_OR_INF, ledger, screen_text
from test_uploads import CSV, open_page

from gdcore import (
    DescentConfig,
    NetworkConfig,
    fit_line,
    fit_network,
    from_query,
    load_xy,
    read_table,
    select_columns,
    select_xy,
)
from gdcore.data import WINDSOR
from gdcore.export import run_json
from gdcore.upload import read_upload
from ui.exports import document

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LINK = {"opt": "adam", "batch": "128", "lr": "0.05", "epochs": "3", "seed": "4"}


def load(at: AppTest, page: str, data: bytes, name: str = "run.json") -> AppTest:
    return at.file_uploader(key=f"runfile:{page}").upload(name, data, "application/json").run()


def healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not NAN_OR_INF.findall(screen_text(at))


def descent_file(config: DescentConfig, epoch: int) -> bytes:
    fit = fit_line(config, load_xy(WINDSOR, config.x, config.y))
    return run_json("descent", config, epoch, fit.run, len(fit.x)).encode()


def test_a_loaded_run_shows_what_its_link_shows_and_a_bad_file_changes_nothing() -> None:
    linked = open_page("pages/3_descent.py", **LINK)
    choose_epoch(linked, 2)
    good = descent_file(from_query(DescentConfig, LINK)[0], 2)
    at = open_page("pages/3_descent.py")
    document = json.loads(good)
    bad = {  # each file, and words its sentence must have
        "random bytes": (bytes(range(256)) * 4, "not text"),
        "cut short": (good[: len(good) // 2], "not complete JSON"),
        "not a run": (b'{"name": "a list of things", "items": [1, 2, 3]}', "not a run saved by this app"),
        "another page's run": (json.dumps(document | {"page": "network"}).encode(), "page 5, A small neural network"),
        "a setting changed": (json.dumps(document | {"settings": LINK | {"lr": "fast"}}).encode(), "lr='fast'"),
        "settings that clash": (json.dumps(document | {"settings": {"x": "price", "y": "price"}}).encode(), "x="),
        "an epoch beyond the run": (json.dumps(document | {"epoch": 99}).encode(), "beyond its 3 epochs"),
        "another tab's upload": (json.dumps(document | {"settings": {"data": "upload-0123456789ab"}}).encode(), "own"),
    }
    for problem, (data, words) in bad.items():
        load(at, "descent", data, f"{problem}.json")
        healthy(at)
        (sentence,) = [e.value for e in at.error]
        assert words in sentence and sentence.count(". ") == 0, (problem, sentence)  # one sentence that says why
        assert dict(at.query_params) == {} and at.session_state["epoch"] == 0, problem  # nothing changed
    load(at, "descent", good)
    healthy(at)
    assert "at epoch 2" in at.success[-1].value and not at.error
    assert dict(at.query_params) == dict(linked.query_params) == LINK | {"epoch": "2"}
    assert at.session_state["epoch"] == 2
    pd.testing.assert_frame_equal(ledger(at), ledger(linked))


def test_a_run_on_an_upload_carries_its_rows_to_another_tab() -> None:
    mine = open_page("pages/3_descent.py")
    mine.file_uploader(key="uploads:file").upload("people.csv", CSV.encode(), "text/csv").run()
    choose_epoch(mine, 7)
    healthy(mine)
    assert "whoever you give it to can read them" in screen_text(mine)
    # The file as the page builds it (ui.exports.document), from the run on the original file.
    upload = read_upload(CSV.encode(), "people.csv")
    chosen = DescentConfig(data=upload.key, x="height", y="weight")
    fit = fit_line(chosen, select_xy(upload.frame, "height", "weight"))
    text = document("descent", chosen, 7, fit.run, len(fit.x), upload).encode()
    carried = json.loads(text)["settings"]["data"]  # the rows it carries are an upload of their own
    assert carried.startswith("upload-") and carried != upload.key == mine.query_params["data"]
    theirs = open_page("pages/3_descent.py")
    load(theirs, "descent", text)
    healthy(theirs)
    assert "on people.csv, whose rows it carries" in theirs.success[-1].value
    assert theirs.query_params["data"] == carried and theirs.session_state["epoch"] == 7
    ours, original = (at.main.dataframe[0].value for at in (theirs, mine))  # the sidebar lists the rows left out
    pd.testing.assert_frame_equal(ours, original)  # the same run as on the original file


def test_a_network_run_loads_back_at_its_epoch() -> None:
    link = {"epochs": "30", "act": "tanh", "restarts": "2"}
    config = from_query(NetworkConfig, link)[0]
    fit = fit_network(config, *select_columns(read_table(WINDSOR), config.inputs, config.y))
    text = run_json("network", config, 9, fit.run, len(fit.y)).encode()
    at = open_page("pages/5_network.py", epochs="5", restarts="2")
    load(at, "network", text)
    healthy(at)
    assert at.session_state["net_epoch"] == 9
    assert dict(at.query_params) == {"epochs": "30", "act": "tanh", "epoch": "9", "restarts": "2"}
