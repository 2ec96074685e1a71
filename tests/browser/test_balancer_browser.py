"""A room bigger than one process: two copies of the app behind nginx, run with the shipped deploy/nginx.conf.

Streamlit keeps a session's state (its epoch, its uploaded CSV) in the one process that holds its
websocket, and an upload is a separate HTTP request that must reach that process too. nginx routes
by a cookie (deploy/nginx.conf). Here four learners, each a browser context with its own cookies,
upload four different CSVs through the balancer, step page 3 to different epochs, and each still
has its own data, columns and epoch after the others have acted; nginx's access log shows that
every request of a learner went to one copy, and that both copies had learners.

The config under test is the file compose uses: only the copies' addresses, the port and the file
paths are replaced. Without nginx or Chromium the test skips, except on CI (CI=true), where it fails.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from gdcore import lesson

pytestmark = pytest.mark.slow  # nginx and two copies of the app, started for this file: run by .ci/run after the suite

REPO = Path(__file__).resolve().parents[2]
NGINX_CONF = REPO / "deploy" / "nginx.conf"
_spec = importlib.util.spec_from_file_location("browser_conftest", REPO / "tests" / "browser" / "conftest.py")
browser_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_conftest)  # the browser tests' Chromium options and server helpers
free_port, is_healthy, stop = browser_conftest.free_port, browser_conftest.is_healthy, browser_conftest.stop

# Four learners, four files: (file name, x column, y column, rows, epochs to step).
LEARNERS = [
    ("heights.csv", "height", "weight", 12, 1),
    ("rain.csv", "rain", "harvest", 15, 2),
    ("cars.csv", "speed", "distance", 18, 3),
    ("shop.csv", "visitors", "sales", 21, 4),
]
LOG = re.compile(  # a line of deploy/nginx.conf's log_format "route"
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) route=(?P<route>\S+) upstream=(?P<upstream>\S+)'
)


def need(path: Path, what: str) -> None:
    if not path.exists():
        message = f"{path} is missing: install Debian's {what} (apt-get install -y {what})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)


def csv(x: str, y: str, n: int, slope: float) -> bytes:
    """n rows of y = slope * x + 3 plus a wobble, so each learner's line is different."""
    rows = [f"{i + 1},{slope * (i + 1) + 3 + (-1) ** i * 0.5}" for i in range(n)]
    return "\n".join([f"{x},{y}", *rows, ""]).encode()


def nginx_conf(tmp: Path, port: int, replicas: list[int]) -> str:
    """The shipped nginx.conf, with these copies, this port and its logs under tmp (its other paths are under nginx's
    prefix, `-p tmp`); each change made exactly once.

    The two blocks that list compose.yaml's copies (which route goes to which copy, and which copy takes over
    when one is gone) are written for the local replicas instead; their addresses need no DNS server, so the
    `resolver` that compose's start script writes into resolver.conf is left empty here."""
    text = NGINX_CONF.read_text()
    addresses = [f"127.0.0.1:{p}" for p in replicas]
    share = f"{100 / len(replicas):.1f}%"
    blocks = {  # each block's body, for these replicas: an equal share of the routes each; the next one takes over
        r"split_clients \$route \$copy \{\n(.*?)\n *\}": [f"{share} {a};" for a in addresses[:-1]]
        + [f"* {addresses[-1]};"],
        r"map \$copy \$next_copy \{\n(.*?)\n *\}": [
            f"{a} {b};" for a, b in zip(addresses, addresses[1:] + addresses[:1])
        ],
    }
    for pattern, lines in blocks.items():
        found = re.findall(pattern, text, flags=re.S)
        assert len(found) == 1, f"deploy/nginx.conf: expected one block matching {pattern!r}"
        names = sorted(set(re.findall(r"\bapp\d+:8501\b", found[0])))
        assert names == ["app1:8501", "app2:8501", "app3:8501"], f"not compose.yaml's three copies: {found[0]}"
        text = text.replace(found[0], "\n".join(" " * 8 + line for line in lines), 1)
    assert not re.search(r"\bapp\d+:8501\b", text), "a copy's name is left in deploy/nginx.conf"
    (tmp / "resolver.conf").write_text("# the copies are addresses here: no DNS server is asked\n")
    for old, new, times in [
        ("listen 8080;", f"listen 127.0.0.1:{port};", 1),
        ("access_log /dev/stdout", f"access_log {tmp}/access.log", 1),
        ("error_log /dev/stderr", f"error_log {tmp}/error.log", 1),
    ]:
        assert text.count(old) == times, f"deploy/nginx.conf: expected {old!r} {times} time(s)"
        text = text.replace(old, new)
    return text


def start_replica(port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "w") as out:
        return subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(url: str, processes: list[subprocess.Popen], logs: list[Path]) -> None:
    deadline = time.monotonic() + browser_conftest.SERVER_START_TIMEOUT
    while not is_healthy(url):
        for process, log in zip(processes, logs):
            assert process.poll() is None, f"exited with status {process.returncode}:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"{url}/_stcore/health did not answer:\n" + "\n".join(
            log.read_text()[-2000:] for log in logs
        )
        time.sleep(0.1)


@contextlib.contextmanager
def room(tmp: Path):
    """Two replicas and nginx in front of them; yields (balancer URL, replica ports, access log path)."""
    replicas = [free_port(), free_port()]
    port = free_port()
    (tmp / "nginx.conf").write_text(nginx_conf(tmp, port, replicas))
    logs = [tmp / f"replica-{p}.log" for p in replicas] + [tmp / "nginx.out"]
    processes = [start_replica(p, log) for p, log in zip(replicas, logs)]
    try:
        command = ["/usr/sbin/nginx", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")]
        with open(logs[-1], "w") as out:
            processes.append(subprocess.Popen(command + ["-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT))
        for p in replicas:
            wait_healthy(f"http://127.0.0.1:{p}", processes, logs)
        wait_healthy(f"http://127.0.0.1:{port}", processes, logs + [tmp / "error.log"])
        yield f"http://127.0.0.1:{port}", replicas, tmp / "access.log"
    finally:
        nginx = processes[2:]
        for process in nginx:
            process.terminate()  # SIGTERM: nginx stops at once and has written its log lines
            process.wait(timeout=10)
        for process in processes[:2]:
            stop(process)


def requests(access_log: Path) -> list[dict]:
    return [m.groupdict() for m in map(LOG.search, access_log.read_text().splitlines()) if m]


def upstream_of(route: str, access_log: Path) -> str:
    """The replica nginx sent this route's first request to (its log line may trail the response a moment)."""
    deadline = time.monotonic() + 5
    while not (upstreams := [r["upstream"] for r in requests(access_log) if r["route"] == route]):
        assert time.monotonic() < deadline, f"no line for route {route} in nginx's access log"
        time.sleep(0.05)
    return upstreams[0]


def settled(*pages) -> None:
    """Every page's script has finished and stayed finished for 0.3 s (the pages are watched together)."""
    apps = [page.locator('[data-testid="stApp"]') for page in pages]
    deadline, quiet = time.monotonic() + browser_conftest.BUDGET, [None] * len(pages)
    while True:
        now = time.monotonic()
        for i, app in enumerate(apps):
            quiet[i] = (quiet[i] or now) if app.get_attribute("data-test-script-state") == "notRunning" else None
        if all(since is not None and now - since >= 0.3 for since in quiet):
            return
        assert now < deadline, f"a script was still running after {browser_conftest.BUDGET:.0f} s"
        time.sleep(0.05)


def link(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(page.evaluate("() => location.search").lstrip("?")).items()}


def assert_own_state(page, learner: tuple, key: str, epoch: int) -> None:
    """The page shows this learner's file, columns and epoch, and nothing went wrong on it."""
    name, x, y, n, _ = learner
    shown = link(page)
    assert (shown["data"], shown["x"], shown["y"], shown.get("epoch")) == (key, x, y, str(epoch)), (name, shown)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert f"look at all {n} rows" in text, (name, text[:600])
    assert f"Epoch {epoch} of 40" in text, (name, epoch)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "does not have" not in text and "Traceback" not in text


def test_each_learner_keeps_their_own_upload_and_epoch_through_the_balancer(browser) -> None:
    """`browser`: the browser tests' Chromium (one Playwright per pytest process: a second would refuse to start)."""
    need(Path("/usr/sbin/nginx"), "nginx")

    tmp = Path(tempfile.mkdtemp(prefix="gd-balancer-"))
    tmp.chmod(0o755)  # nginx's workers run as another user when the test runs as root: they need the temp paths
    try:
        with room(tmp) as (url, replicas, access_log):
            # Each context is a learner with its own cookie jar: its first request gets a route cookie.
            # Learners are taken until each replica has two (a route's replica is the hash's choice).
            learners, per_replica = [], defaultdict(int)
            for _ in range(40):  # about five contexts on average; forty with no two on each copy would be a bug
                if len(learners) == len(LEARNERS):
                    break
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.request.get(url + "/_stcore/health")
                route = next(c["value"] for c in context.cookies() if c["name"] == "gd_route")
                upstream = upstream_of(route, access_log)
                if per_replica[upstream] == 2:
                    context.close()
                    continue
                per_replica[upstream] += 1
                learners.append((context, route))
            assert len(learners) == len(LEARNERS) and set(per_replica) == {f"127.0.0.1:{p}" for p in replicas}

            # The four act in turns, each step started in every page before any is awaited, as in a room.
            pages = [context.new_page() for context, _ in learners]
            for page in pages:
                page.set_default_timeout(browser_conftest.BUDGET * 1000)
                page.goto(url + "/descent", wait_until="commit")
            for page in pages:
                page.locator("h1", has_text=lesson.title("descent")).wait_for()
            settled(*pages)
            for page in pages:
                page.get_by_text("Your own data (CSV)").click()
            for i, (page, (name, x, y, n, _)) in enumerate(zip(pages, LEARNERS)):
                page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                    files=[{"name": name, "mimeType": "text/csv", "buffer": csv(x, y, n, slope=i + 2)}]
                )
            keys = []
            for page in pages:
                page.wait_for_function("() => location.search.includes('data=upload-')")
                keys.append(link(page)["data"])
            settled(*pages)
            for page, learner in zip(pages, LEARNERS):
                for _ in range(learner[4]):
                    page.get_by_role("button", name="Next epoch").click()
                    page.wait_for_timeout(80)
            for page, learner in zip(pages, LEARNERS):
                page.wait_for_function(f"() => location.search.includes('epoch={learner[4]}')")
            settled(*pages)
            for page, learner, key in zip(pages, LEARNERS, keys):
                assert_own_state(page, learner, key, learner[4])
            assert len(set(keys)) == len(LEARNERS)
            # After everyone has acted: one more epoch each, computed by the learner's own process from
            # the upload it holds (another process would not have the file, and would say so).
            for page in pages:
                page.get_by_role("button", name="Next epoch").click()
            for page, learner in zip(pages, LEARNERS):
                page.wait_for_function(f"() => location.search.includes('epoch={learner[4] + 1}')")
            settled(*pages)
            for page, learner, key in zip(pages, LEARNERS, keys):
                assert_own_state(page, learner, key, learner[4] + 1)
            for context, _ in learners:
                context.close()  # the websockets close, and nginx logs each one as it ends
            deadline = time.monotonic() + 10
            while not all(
                any(r["route"] == route and r["path"] == "/_stcore/stream" for r in requests(access_log))
                for _, route in learners
            ):
                assert time.monotonic() < deadline, "a learner's websocket never closed in nginx's log"
                time.sleep(0.1)
        seen = requests(access_log)
        for _, route in learners:
            mine = [r for r in seen if r["route"] == route]
            assert len({r["upstream"] for r in mine}) == 1, f"route {route} went to {set(r['upstream'] for r in mine)}"
            assert any(r["path"] == "/_stcore/stream" and r["status"] == "101" for r in mine), mine
            uploads = [r["status"] for r in mine if r["method"] == "PUT" and "/_stcore/upload_file/" in r["path"]]
            assert uploads and set(uploads) == {"204"}, uploads  # 400 "Invalid session_id" from the wrong process
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
