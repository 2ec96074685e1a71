"""A run saved as JSON loads back (AppTest): a fresh tab that loads the file shows what the link of the saved
run shows (every setting, the epoch, the ledger); a run on a learner's own file carries its rows and opens in
another tab; a file that is not a run of this page gets one sentence and the page goes on as it was."""

from __future__ import annotations

import json

import pandas as pd
from stepping import choose_epoch, ledger_shown
from streamlit.runtime.media_file_manager import MediaFileManager
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
    ours, original = (ledger_shown(at) for at in (theirs, mine))  # the ledger the browser draws
    pd.testing.assert_frame_equal(ours, original)  # the same run as on the original file


def test_a_network_run_loads_back_at_its_epoch() -> None:
    link = {"epochs": "30", "act": "tanh", "restarts": "2"}
    config = from_query(NetworkConfig, link)[0]
    fit = fit_network(config, *select_columns(read_table(WINDSOR), config.inputs, config.y))
    text = run_json("network", config, 9, fit.run, len(fit.y), view={"restarts": "2"}).encode()
    at = open_page("pages/5_network.py", epochs="5", restarts="2")
    load(at, "network", text)
    healthy(at)
    assert at.session_state["net_epoch"] == 9
    assert dict(at.query_params) == {"epochs": "30", "act": "tanh", "epoch": "9", "restarts": "2"}


def test_a_run_on_an_upload_loaded_back_in_its_own_tab_is_one_entry_of_the_data_menu() -> None:
    """The rows a run file carries are CSV text, not the uploaded bytes, so their key is not the upload's: loaded in
    the tab that holds the upload, the run goes on on that upload, and the Data menu lists the file once."""
    at = open_page("pages/3_descent.py")
    at.file_uploader(key="uploads:file").upload("people.csv", CSV.encode(), "text/csv").run()
    upload = read_upload(CSV.encode(), "people.csv")
    houses, file = at.selectbox(key="data").options  # the house data, then the file (the labels the menu shows)
    assert file == "your file people.csv"
    linked = dict(at.query_params)
    choose_epoch(at, 4)
    before = ledger_shown(at)  # the ledger the browser draws at epoch 4
    assert before["epoch"].iloc[0] == "4"
    chosen = DescentConfig(data=upload.key, x="height", y="weight")
    fit = fit_line(chosen, select_xy(upload.frame, "height", "weight"))
    text = document("descent", chosen, 4, fit.run, len(fit.x), upload).encode()
    carried = json.loads(text)["settings"]["data"]
    assert carried != upload.key  # the file names its rows by their own key, as before
    choose_epoch(at, 1)
    load(at, "descent", text)
    healthy(at)
    assert "on people.csv, whose rows it carries" in at.main.success[-1].value and not at.error
    menu = at.selectbox(key="data")
    assert menu.options == [houses, file] and menu.value == upload.key  # one entry, the upload's own key
    assert dict(at.query_params) == linked | {"epoch": "4"} and at.session_state["epoch"] == 4
    pd.testing.assert_frame_equal(ledger_shown(at), before)  # the same run, on the same file
    load(at, "descent", text, "again.json")  # the same file twice: still one entry
    assert at.selectbox(key="data").options == [houses, file] and at.selectbox(key="data").value == upload.key


def network_file(config: NetworkConfig, epoch: int, view: dict | None) -> bytes:
    fit = fit_network(config, *select_columns(read_table(WINDSOR), config.inputs, config.y))
    document = json.loads(run_json("network", config, epoch, fit.run, len(fit.y), view=view))
    if view is None:
        del document["view"]  # as a file saved before page 5's view settings were kept
    return json.dumps(document).encode()


def test_page_5_saves_its_parameter_and_restarts_and_a_run_file_brings_them_back(monkeypatch) -> None:
    # What the page's own "This run as JSON" button would hand the browser: its deferred data, called here.
    made = {}
    add = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return add(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    link = {"epochs": "30", "act": "tanh", "param": "b2", "restarts": "3"}
    mine = open_page("pages/5_network.py", **link)
    choose_epoch(mine, 6, key="net_epoch")
    healthy(mine)
    saved = json.loads(made["network-run.json"]())
    assert saved["view"] == {"param": "b2", "restarts": "3"} and saved["epoch"] == 6
    assert saved["settings"] == {"epochs": "30", "act": "tanh"}
    theirs = open_page("pages/5_network.py")  # another tab, on the defaults (w1, 20 restarts)
    load(theirs, "network", json.dumps(saved).encode())
    healthy(theirs)
    assert not theirs.error and theirs.session_state["net_epoch"] == 6
    assert theirs.selectbox(key="net_param").value == "b2" and theirs.slider(key="net_restarts").value == 3
    assert dict(theirs.query_params) == dict(mine.query_params) == link | {"epoch": "6"}


def test_an_older_page_5_run_file_loads_with_the_default_parameter_and_restarts() -> None:
    config = from_query(NetworkConfig, {"epochs": "20"})[0]
    at = open_page("pages/5_network.py", param="w7", restarts="2")
    load(at, "network", network_file(config, 3, None))
    healthy(at)
    assert not at.error and at.session_state["net_epoch"] == 3
    assert at.selectbox(key="net_param").value == "w1" and at.slider(key="net_restarts").value == 20
    assert dict(at.query_params) == {"epochs": "20", "epoch": "3"}


def test_a_page_5_run_file_with_a_bad_view_setting_gets_one_sentence_and_changes_nothing() -> None:
    config = from_query(NetworkConfig, {"epochs": "20"})[0]
    at = open_page("pages/5_network.py", param="w7", restarts="2")
    before = dict(at.query_params)
    bad = {  # each view, and words its sentence must have
        "a parameter the network has not": ({"param": "w9", "restarts": "5"}, "param='w9'"),
        "too many restarts": ({"param": "w2", "restarts": "51"}, "from 1 to 50"),
        "restarts that are not a number": ({"restarts": "many"}, "restarts='many'"),
        "a view setting of no page": ({"zoom": "2"}, "'zoom'"),
    }
    for problem, (view, words) in bad.items():
        load(at, "network", network_file(config, 3, view), f"{problem}.json")
        healthy(at)
        (sentence,) = [e.value for e in at.error]
        assert words in sentence and sentence.count(". ") == 0, (problem, sentence)
        assert dict(at.query_params) == before and at.session_state["net_epoch"] == 0, problem
        assert at.selectbox(key="net_param").value == "w7" and at.slider(key="net_restarts").value == 2, problem
    document = json.loads(network_file(config, 3, {}))
    load(at, "network", json.dumps(document | {"view": ["w3"]}).encode(), "a list.json")
    assert "view settings are not a list of names and values" in at.error[0].value
