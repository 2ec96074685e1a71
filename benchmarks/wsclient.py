"""Streamlit's websocket protocol, spoken as its frontend speaks it: one `Learner` is one browser tab.

Used by benchmarks/room.py and benchmarks/soak.py (many learners on one server) and by
tests/browser/test_first_visits.py. A learner sends BackMsg rerun requests (opening a page by its
address, clicking a page in the sidebar, changing a number, a click on the epoch stepper) and reads
the ForwardMsg replies until the script has finished, keeping what the checks need: the markdown
on screen, any exception, the widgets' ids and the stepper's fragment.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

REPO = Path(__file__).resolve().parents[1]

EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
EPOCH = re.compile(r"(?:\*\*)?Epoch (\d+) of (\d+)")  # a markdown sentence, or a frame's text


def serve(script: str, port: int) -> subprocess.Popen:
    """`streamlit run` the script headless on the port, and wait until it answers its health check."""
    (REPO / "artifacts").mkdir(exist_ok=True)
    log = open(REPO / "artifacts" / f"server-{port}.log", "w")  # what the server said, when a learner sees an error
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, f"--server.port={port}", "--server.headless=true"],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
                if response.read() == b"ok" and server.poll() is None:
                    return server
        except OSError:
            time.sleep(0.25)
        if server.poll() is not None:
            raise RuntimeError(f"{script} exited: is port {port} taken?")
    server.kill()
    raise RuntimeError(f"{script} did not start")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux)."""
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> dict:
    return json.loads(text)


def run_frames(data: dict) -> dict:
    """The run's frames in the stepper's data: JSON text (ui.stepper.packed), read once per run as the browser does."""
    frames = data["frames"]
    return _parsed(frames) if isinstance(frames, str) else frames


@dataclass
class Screen:
    """What one script run put on the screen, as far as the checks need it."""

    texts: list[str] = field(default_factory=list)  # markdown and captions, in order
    errors: list[str] = field(default_factory=list)  # exceptions shown on the page
    widgets: dict[str, str] = field(default_factory=dict)  # label (or kind) -> widget id
    numbers: dict[str, float] = field(default_factory=dict)  # number inputs the server set: label -> value
    fragment: str = ""  # the stepper's fragment
    nonce: int = 0  # the stepper's nonce: the browser echoes the page's latest
    stepper: str = ""  # the stepper component's widget id
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page script hash
    page: str = ""  # the page script hash that ran
    position: int | None = None  # the epoch the browser shows, on a page that draws its epochs from frames

    def epoch(self) -> int | None:
        for text in self.texts:
            if found := EPOCH.match(text):
                return int(found[1])
        return None

    def caption(self, start: str) -> str:
        return next((text for text in self.texts if text.startswith(start)), "")


ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # markdown's backslash before ASCII punctuation: \$ shows $


def shown(markdown: str) -> str:
    """The text a reader sees of a markdown body without formatting of its own (a chart's caption, a sentence):
    ui.literal escapes what it shows literally (\\$, \\*) and puts word joiners where Streamlit would link."""
    return ESCAPED.sub(r"\1", markdown).replace("\u2060", "")


def paragraphs(markup: str) -> list[str]:
    """The text of each paragraph of the frames' HTML."""
    return [html.unescape(re.sub(r"<[^>]+>", "", inner)) for inner in re.findall(r"<p>(.*?)</p>", markup, re.S)]


def read(message: ForwardMsg, screen: Screen) -> None:
    kind = message.WhichOneof("type")
    if kind == "new_session":
        screen.page = message.new_session.page_script_hash
    elif kind == "navigation":
        screen.pages = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
        screen.page = message.navigation.page_script_hash or screen.page
    elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
        element = message.delta.new_element
        what = element.WhichOneof("type")
        if what == "markdown":
            screen.texts.append(shown(element.markdown.body))
        elif what == "exception":
            screen.errors.append(f"{element.exception.type}: {element.exception.message}")
        elif what == "bidi_component":
            screen.stepper, screen.fragment = element.bidi_component.id, message.delta.fragment_id
            data = json.loads(element.bidi_component.json or "{}")
            told = data.get("nonce", 0) > screen.nonce or screen.position is None  # the page moved the epoch
            screen.nonce = data.get("nonce", 0)
            if "frames" in data:  # the run's frames (ui/frames.py): the browser draws the epoch's from them
                screen.position = min(data["epoch"] if told else screen.position, data["last"])
                frame = run_frames(data)["frames"][screen.position]
                screen.texts += [paragraph for part in ("text", "after") for paragraph in paragraphs(frame[part])]
                screen.texts += list(frame["captions"].values())
        elif what in ("button", "number_input", "selectbox", "radio", "checkbox"):
            widget = getattr(element, what)
            screen.widgets[widget.label or what] = widget.id
            if what == "number_input" and widget.set_value:  # the server overrides what the browser shows
                screen.numbers[widget.label] = widget.value


class Learner:
    """One browser tab, as Streamlit's server sees it."""

    def __init__(self, url: str):
        self.url = url
        self.socket = None
        self.states: dict[str, WidgetState] = {}  # what the frontend would send back each rerun
        self.screen = Screen()
        self.position: int | None = None  # the epoch the browser shows (Screen.position)
        self.page = ""

    async def __aenter__(self) -> Learner:
        self.socket = await connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=60)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def run(self, query: str = "", page_name: str = "", fragment: str = "") -> tuple[Screen, float]:
        """Send one rerun, read until the script finishes; return what it drew and the seconds taken."""
        back = BackMsg()
        ask = back.rerun_script
        ask.query_string = query
        ask.page_name = page_name
        ask.page_script_hash = "" if page_name else self.page
        ask.fragment_id = fragment
        ask.widget_states.widgets.extend(self.states.values())
        old = self.screen
        screen = Screen(pages=old.pages, page=self.page, nonce=old.nonce, position=self.position)
        if fragment:  # a fragment rerun redraws the fragment only: the rest of the page stays
            screen.widgets, screen.numbers = old.widgets, old.numbers
            screen.stepper, screen.fragment, screen.nonce = old.stepper, old.fragment, old.nonce
        start = time.perf_counter()
        await self.socket.send(back.SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(self.socket.recv(), 120))
            read(message, screen)
            if message.WhichOneof("type") == "script_finished" and message.script_finished != EARLY:
                break
        taken = time.perf_counter() - start
        self.screen, self.page, self.position = screen, screen.page, screen.position
        return screen, taken

    async def open(self, path: str, query: str = "") -> tuple[Screen, float]:
        """Arrive at a page by its address, as a new tab or a click in the sidebar does."""
        self.states, self.position, self.screen.nonce = {}, None, 0
        return await self.run(query=query, page_name=path)

    async def go(self, path: str) -> tuple[Screen, float]:
        """Click a page in the sidebar: the widgets of the page left behind are forgotten, the link cleared."""
        self.states, self.position, self.screen.nonce = {}, None, 0
        self.page = self.screen.pages[path]
        return await self.run()

    async def step(self, epoch: int) -> tuple[Screen, float]:
        """What the epoch stepper sends when the browser's epoch becomes `epoch`."""
        position = {"position": {"epoch": epoch, "nonce": self.screen.nonce}}
        self.position = epoch  # the browser draws it at once
        self.states["stepper"] = WidgetState(id=self.screen.stepper, json_value=json.dumps(position))
        return await self.run(fragment=self.screen.fragment)

    async def press(self, label: str) -> tuple[Screen, float]:
        """Click a plain st.button (the trivial app's)."""
        back = WidgetState(id=self.screen.widgets[label], trigger_value=True)
        self.states[label] = back
        try:
            return await self.run()
        finally:
            del self.states[label]

    async def set_number(self, label: str, value: float) -> tuple[Screen, float]:
        if label not in self.screen.widgets:
            shown = [text[:60] for text in self.screen.texts[:3]] + self.screen.errors
            raise LookupError(f"no {label!r} on the screen, which showed {shown}")
        self.states[label] = WidgetState(id=self.screen.widgets[label], double_value=value)
        return await self.run()
