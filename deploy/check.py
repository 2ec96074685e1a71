"""The container check: build the image, run it, open every page in it, then run compose's room of three copies.

    python deploy/check.py          (from the repository's root; .ci/run runs it after the tests)

What it does, and fails loudly on:
  1. The base images: those already in podman's storage, else the tars saved by an earlier run, else (where
     ../shared/tools/container/ exists, as on the team's machines, which cannot reach Docker Hub) stand-ins
     built from Debian's packages by its scripts, else `podman pull`.
  2. Builds the Dockerfile with podman in Docker's image format (podman's default, OCI, drops HEALTHCHECK):
     the image keeps its HEALTHCHECK, /app holds only the app's files (.dockerignore), and `pip freeze`
     in the image is constraints.txt, package for package.
  3. Runs it, published on 127.0.0.1 only, and asks its health check (`podman healthcheck run`: podman
     runs health checks on a systemd timer, and there may be no systemd) until it passes; the server
     runs as the unprivileged user `learner`, who cannot write to /app.
  4. Opens every page in Chromium against it: each draws its title, with no exception box and no error.
  5. Brings up deploy/compose.yaml (podman-compose; published on 127.0.0.1 only), waits for the three
     copies' health, and pins two learners on two copies through the balancer: each uploads their own
     CSV and steps to their own epoch, and keeps them (the balancer browser test's checks).
  6. Recreates one learner's copy (a new container at a new address, the balancer still running): the
     balancer sends that learner's route to the new copy, whose page draws, and the other learner is
     still on their copy with their upload and epoch.
  7. Stops the balancer with learners connected: it must stop by itself within a few seconds.
Then it removes every container, pod and network it started, on failure too, and prints its figures.

Needs podman (with buildah, runc, netavark, aardvark-dns, iptables), podman-compose (`pip install
podman-compose==1.6.0`), Debian's Chromium and the development packages (requirements-dev.txt).
On this team's machines, CONTAINERS_CONF defaults to ../shared/tools/container/containers.conf
(runc, and the file and process limits this VM allows), as its README says.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "tools" / "container"  # the team's stand-in scripts, where they exist
WORK = Path(os.environ.get("CONTAINER_WORK") or Path.home() / ".cache" / "container-check")
IMAGE = "localhost/gd-dashboard:latest"  # compose.yaml's `image: gd-dashboard`
APP = "gd-check-app"  # the single container of steps 3 and 4
PROJECT = "gdcheck"  # compose's project: containers gdcheck_app1_1, ..., network gdcheck_default
COMPOSE = ["podman-compose", "-p", PROJECT, "-f", "deploy/compose.yaml", "-f", "deploy/compose.podman.yaml"]
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")  # for pip in the build only, never into the image
BASES = {  # image name -> (stand-in script, saved tar)
    "docker.io/library/python:3.11-slim": ("make-python-standin.sh", "python-3.11-slim-standin.tar"),
    "docker.io/library/nginx:stable-alpine": ("make-nginx-standin.sh", "nginx-stable-alpine-standin.tar"),
}
APP_FILES = {".streamlit", "app.py", "constraints.txt", "data", "gdcore", "pages", "requirements.txt", "static", "ui"}
BUDGET = 60  # seconds for a page to draw its title, a container to turn healthy, a copy to be followed


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sys.path.insert(0, str(REPO / "tests" / "browser"))  # the browser tests' helpers import their conftest
sys.path.insert(0, str(REPO))  # and gdcore (the list of pages, gdcore/lesson.py)
browser_conftest = load("browser_conftest", REPO / "tests" / "browser" / "conftest.py")
PAGES = load("test_browser", REPO / "tests" / "browser" / "test_browser.py").PAGES  # (title, path) of all ten
balancer_test = load("test_balancer_browser", REPO / "tests" / "browser" / "test_balancer_browser.py")
figures: list[tuple[str, str]] = []  # what the check measured, printed at the end


class CheckFailed(Exception):
    """A real problem: the check stops, cleans up and exits 1."""


def ensure(condition, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def say(message: str) -> None:
    print(f"check: {message}", flush=True)


def figure(name: str, value: str) -> None:
    figures.append((name, value))
    say(f"{name}: {value}")


def run(*command: str, check: bool = True, timeout: float = 900, quiet: bool = False) -> subprocess.CompletedProcess:
    """Run a command from the repository's root; its output is returned (and shown if it fails)."""
    result = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-40:])
        raise CheckFailed(f"`{' '.join(command)}` exited with status {result.returncode}:\n{tail}")
    if not quiet and result.returncode != 0:
        say(f"(`{' '.join(command[:4])} ...` exited with status {result.returncode})")
    return result


def podman(*args: str, check: bool = True, timeout: float = 900) -> str:
    return run("podman", *args, check=check, timeout=timeout, quiet=True).stdout.strip()


def exists(kind: str, name: str) -> bool:
    return run("podman", kind, "exists", name, check=False, quiet=True).returncode == 0


# 1. The base images ------------------------------------------------------------------------------------------


def is_standin(image: str) -> bool:
    """The team's stand-ins say so: Debian's Python in PYTHON_VERSION; Debian's nginx is started with -p."""
    config = json.loads(podman("image", "inspect", "--format", "{{json .Config}}", image))
    return any(e.endswith("-debian-bookworm") for e in config.get("Env") or []) or "-p" in (config.get("Cmd") or [])


def base_images() -> None:
    for image, (script, tar) in BASES.items():
        saved = WORK / "images" / tar
        started = time.monotonic()
        if exists("image", image):
            how = "already in podman's storage"
        elif saved.exists():
            podman("load", "-i", str(saved))
            how = f"loaded from {saved}"
        elif (SHARED / script).exists():
            say(f"{image}: building a stand-in from Debian's packages with {SHARED / script} (a few minutes)")
            # The shared scripts run `debootstrap ... rootfs/<name>` from $CONTAINER_WORK, and debootstrap
            # fails ("can't cd to rootfs") unless the folder rootfs already exists: make it first.
            (WORK / "rootfs").mkdir(parents=True, exist_ok=True)
            log = WORK / f"standin-{script}.log"
            with open(log, "w") as out:
                status = subprocess.run(
                    ["bash", str(SHARED / script)],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, "CONTAINER_WORK": str(WORK)},
                    stdin=subprocess.DEVNULL,
                )
            ensure(
                status.returncode == 0,
                f"{script} failed (exit {status.returncode}); its log: {log}\n"
                + "\n".join(log.read_text().splitlines()[-20:]),
            )
            how = "stand-in built from Debian's packages"
        else:
            podman("pull", image)
            how = "pulled"
        kind = "a stand-in (Debian's packages)" if is_standin(image) else "the real image"
        figure(f"base {image}", f"{kind}, {how}, {time.monotonic() - started:.0f} s")


# 2. The image ------------------------------------------------------------------------------------------------


def build() -> None:
    old = podman("image", "inspect", "--format", "{{.Id}}", IMAGE, check=False)
    volume = ["--volume", f"{CA_BUNDLE}:{CA_BUNDLE}:ro"] if CA_BUNDLE.exists() else []
    started = time.monotonic()
    run("podman", "build", "--format", "docker", *volume, "-t", IMAGE, ".", timeout=1800)
    figure("build", f"{time.monotonic() - started:.0f} s")
    new = podman("image", "inspect", "--format", "{{.Id}}", IMAGE)
    if old and old != new:  # the image this one replaces: no longer needed (unless a container still uses it)
        podman("rmi", old, check=False)
    size = int(podman("image", "inspect", "--format", "{{.Size}}", IMAGE))
    figure("image size", f"{size / 1e6:.0f} MB")

    health = json.loads(podman("image", "inspect", "--format", "{{json .Config.Healthcheck}}", IMAGE) or "null")
    ensure(
        health and "_stcore/health" in " ".join(health.get("Test") or []),
        f"the image has no HEALTHCHECK (built in OCI format?): {health}",
    )
    files = set(podman("run", "--rm", IMAGE, "ls", "-A", "/app").split())
    ensure(
        files == APP_FILES,
        f"/app should hold only the app's files; extra {files - APP_FILES}, "
        f"missing {APP_FILES - files} (see .dockerignore)",
    )
    frozen = podman("run", "--rm", IMAGE, "pip", "freeze").splitlines()
    pinned = [line for line in (REPO / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")]
    ensure(
        sorted(frozen, key=str.lower) == sorted(pinned, key=str.lower),
        "pip freeze in the image differs from constraints.txt (refresh it: sh deploy/refresh-constraints.sh):\n"
        f"only in the image: {sorted(set(frozen) - set(pinned))}\nonly in constraints.txt: "
        f"{sorted(set(pinned) - set(frozen))}",
    )
    say(f"the image keeps its HEALTHCHECK, /app holds only the app, and its {len(frozen)} packages are constraints.txt")


# 3 and 4. One container, every page ---------------------------------------------------------------------------


def wait_healthy(container: str, started: float) -> float:
    """Ask the container's HEALTHCHECK until it passes; the seconds since `started`."""
    while run("podman", "healthcheck", "run", container, check=False, quiet=True).returncode != 0:
        state = podman("inspect", "--format", "{{.State.Status}}", container, check=False)
        ensure(
            state == "running", f"{container} is {state or 'gone'}:\n{podman('logs', container, check=False)[-3000:]}"
        )
        ensure(
            time.monotonic() - started < BUDGET,
            f"{container} not healthy within {BUDGET} s:\n" + podman("logs", container, check=False)[-3000:],
        )
        time.sleep(0.2)
    return time.monotonic() - started


def network_settled(quiet: float = 3.0) -> None:
    """Wait until this machine's network interfaces and addresses have not changed for `quiet` seconds.

    Each container podman starts adds an interface on this machine, and the kernel gives it (and a new bridge)
    an IPv6 link-local address one or two seconds later, about when the app in it turns healthy. Chromium,
    running here too, takes any such change for a new network and cancels every request in flight
    (net::ERR_NETWORK_CHANGED); when one of a page's scripts is among them, Streamlit's page never starts and
    draws nothing (the first visits through the balancer that never drew their title). A learner's browser on
    another machine never sees this machine's interfaces: so the check waits for them, as a user would."""
    started, last, since = time.monotonic(), None, time.monotonic()
    while time.monotonic() - since < quiet:
        now = run("ip", "-o", "address", quiet=True).stdout + run("ip", "-o", "link", quiet=True).stdout
        if now != last:
            last, since = now, time.monotonic()
        ensure(time.monotonic() - started < BUDGET, f"this machine's network kept changing for {BUDGET} s")
        time.sleep(0.2)


def open_page(browser, url: str, title: str, name: str) -> float:
    """Open a page in a new browser context; it must draw its title, with no exception and no error box."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.monotonic()
    try:
        page.goto(url, wait_until="commit", timeout=BUDGET * 1000)
        page.locator("h1", has_text=title).first.wait_for(timeout=BUDGET * 1000)
        took = time.monotonic() - started
        balancer_test.settled(page)
        # A page that draws its epochs in the browser: its charts come from the image's static/ (ECharts on a
        # canvas, plotly.js in its SVG).
        page.wait_for_function(
            """() => [...document.querySelectorAll('.gd .plot')]
                .every((plot) => plot.querySelector('canvas, .main-svg'))
                && !document.querySelector('.gd[data-drawing]')""",
            timeout=BUDGET * 1000,
        )
        for box in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
            shown = page.locator(box)
            ensure(shown.count() == 0, f"{name}: {box} on the page: {shown.all_inner_texts()}")
        text = page.locator("body").inner_text()
        ensure("Traceback" not in text, f"{name}: a traceback on the page")
        ensure(not errors, f"{name}: JavaScript errors: {errors}")
        return took
    except CheckFailed:
        raise
    except Exception as error:  # Playwright's timeout: say which page, and keep a picture of it
        shot = WORK / f"failed-{name.replace('/', '_')}.png"
        with contextlib.suppress(Exception):
            page.screenshot(path=str(shot))
        raise CheckFailed(
            f"{name}: {title!r} not drawn within {BUDGET} s ({type(error).__name__}); screenshot {shot}"
        ) from None
    finally:
        context.close()


def one_container(browser) -> None:
    port = browser_conftest.free_port()
    started = time.monotonic()
    podman("run", "-d", "--name", APP, "--publish", f"127.0.0.1:{port}:8501", IMAGE)
    figure("single container: healthy after", f"{wait_healthy(APP, started):.1f} s")
    network_settled()
    user = podman("exec", APP, "id", "-un")
    ensure(user == "learner", f"the server runs as {user!r}, not as the unprivileged user learner")
    ensure(podman("top", APP, "user").split()[1:] == ["learner"], f"PID 1 is not learner's: {podman('top', APP)}")
    ensure(
        run("podman", "exec", APP, "touch", "/app/app.py", check=False, quiet=True).returncode != 0,
        "the user learner can change the app's files",
    )
    say("the server runs as learner, who cannot change /app")
    url = f"http://127.0.0.1:{port}"
    times = [(path, open_page(browser, url + path, title, path)) for title, path in PAGES]
    figure("single container: pages drawn (title)", ", ".join(f"{path} {s:.1f} s" for path, s in times))
    started = time.monotonic()
    podman("stop", APP)
    figure("single container: stop", f"{time.monotonic() - started:.1f} s")
    podman("rm", "-f", APP)


# 5 to 7. The room of three copies -------------------------------------------------------------------------------


def container_at(address: str) -> str:
    """The compose container whose address (ip:port, from nginx's log) this is."""
    ip = address.split(":")[0]
    for name in ["app1", "app2", "app3"]:
        container = f"{PROJECT}_{name}_1"
        if podman("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container) == ip:
            return name
    raise CheckFailed(f"no copy at {address}")


def balancer_log() -> list[dict]:
    text = run("podman", "logs", f"{PROJECT}_balancer_1", check=False, quiet=True).stdout
    return [m.groupdict() for m in map(balancer_test.LOG.search, text.splitlines()) if m]


def upstream_of(route: str, since: int = 0) -> str:
    """The copy nginx sent this route's latest request to (after the first `since` log lines)."""
    deadline = time.monotonic() + 10
    while not (mine := [r["upstream"] for r in balancer_log()[since:] if r["route"] == route]):
        ensure(time.monotonic() < deadline, f"no line for route {route} in the balancer's log")
        time.sleep(0.2)
    return mine[-1]


def room(browser) -> None:
    port = browser_conftest.free_port()
    env = {**os.environ, "ADDRESS": "127.0.0.1", "PORT": str(port)}
    started = time.monotonic()
    result = subprocess.run(
        [*COMPOSE, "up", "-d"], cwd=REPO, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600
    )
    ensure(result.returncode == 0, f"compose up failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    healthy = {name: wait_healthy(f"{PROJECT}_{name}_1", started) for name in ["app1", "app2", "app3"]}
    figure("compose: copies healthy after", ", ".join(f"{n} {s:.1f} s" for n, s in healthy.items()))
    network_settled()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + BUDGET
    while not browser_conftest.is_healthy(url):
        ensure(time.monotonic() < deadline, "the balancer did not answer:\n" + podman("logs", f"{PROJECT}_balancer_1"))
        time.sleep(0.2)

    # Two learners, each a browser context with its own cookies, on two different copies.
    learners, copies = [], set()
    for _ in range(30):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.request.get(url + "/_stcore/health")
        route = next(c["value"] for c in context.cookies() if c["name"] == "gd_route")
        copy = upstream_of(route)
        if copy in copies:
            context.close()
            continue
        copies.add(copy)
        learners.append((context, route))
        if len(learners) == 2:
            break
    ensure(len(learners) == 2, "thirty routes, all on one copy")
    pages = [context.new_page() for context, _ in learners]
    started = time.monotonic()
    for page in pages:
        page.set_default_timeout(BUDGET * 1000)
        page.goto(url + "/descent", wait_until="commit")
    for page in pages:
        page.locator("h1", has_text="3. Gradient descent").wait_for()
    figure("compose: two learners' first page 3", f"{time.monotonic() - started:.1f} s")
    balancer_test.settled(*pages)
    keys = []
    for i, (page, (name, x, y, n, epochs)) in enumerate(zip(pages, balancer_test.LEARNERS)):
        page.get_by_text("Your own data (CSV)").click()
        page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": balancer_test.csv(x, y, n, slope=i + 2)}]
        )
        page.wait_for_function("() => location.search.includes('data=upload-')")
        keys.append(balancer_test.link(page)["data"])
        balancer_test.settled(page)
        for _ in range(epochs):
            page.get_by_role("button", name="Next epoch").click()
            page.wait_for_timeout(80)
        page.wait_for_function(f"() => location.search.includes('epoch={epochs}')")
        balancer_test.settled(page)
    for page, learner, key in zip(pages, balancer_test.LEARNERS, keys):
        balancer_test.assert_own_state(page, learner, key, learner[4])
    before = {route: upstream_of(route) for _, route in learners}
    for _, route in learners:
        mine = [r for r in balancer_log() if r["route"] == route]
        ensure(len({r["upstream"] for r in mine}) == 1, f"route {route} went to {set(r['upstream'] for r in mine)}")
        uploads = [r["status"] for r in mine if r["method"] == "PUT" and "/_stcore/upload_file/" in r["path"]]
        ensure(uploads and set(uploads) == {"204"}, f"route {route}'s uploads: {uploads}")
    say("two learners, each on their own copy with their own upload and epoch")

    # 6. Recreate the first learner's copy: a new container, at a new address; the balancer keeps running.
    (moved_context, moved_route), (kept_context, kept_route) = learners
    name = container_at(before[moved_route])
    container = f"{PROJECT}_{name}_1"
    # podman cannot remove it while the balancer's container names it as a dependency (depends_on): stop it
    # and rename it out of the way instead (stopped, it leaves the network's DNS); compose then creates it anew.
    podman("stop", "-t", "3", container)
    podman("rename", container, f"{container}_old")
    started = time.monotonic()
    result = subprocess.run(
        [*COMPOSE, "up", "-d", "--no-deps", name],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    ensure(result.returncode == 0, f"recreating {name} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    healthy = wait_healthy(container, started)
    started = time.monotonic()
    new_ip = podman("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container)
    ensure(f"{new_ip}:8501" != before[moved_route], f"{name} came back at its old address {new_ip}: nothing to follow")
    deadline, lines = time.monotonic() + BUDGET, len(balancer_log())
    while True:  # the first learner's route goes to the new container (nginx asks the DNS server again)
        with contextlib.suppress(PlaywrightError):  # a request to a copy's old address may hang: try again
            moved_context.request.get(url + "/_stcore/health", timeout=5000)
        now = upstream_of(moved_route, since=lines)
        if now == f"{new_ip}:8501":
            break
        ensure(time.monotonic() < deadline, f"the balancer still sends {name}'s learner to {now}, not {new_ip}:8501")
        lines = len(balancer_log())
        time.sleep(0.5)
    figure(
        f"compose: {name} recreated",
        f"healthy after {healthy:.1f} s; the balancer sends its learner there {time.monotonic() - started:.1f} s later",
    )
    network_settled()  # the new container's interface (see network_settled) before the browser loads a page
    page = pages[0]
    page.reload(wait_until="commit")
    page.locator("h1", has_text="3. Gradient descent").wait_for()
    balancer_test.settled(page)
    ensure(page.locator('[data-testid="stException"]').count() == 0, "an exception on the moved learner's page")
    ensure(upstream_of(moved_route) == f"{new_ip}:8501", "the moved learner's page came from another copy")
    other = pages[1]  # untouched: the same copy, the same upload, one more epoch
    other.get_by_role("button", name="Next epoch").click()
    other.wait_for_function(f"() => location.search.includes('epoch={balancer_test.LEARNERS[1][4] + 1}')")
    balancer_test.settled(other)
    balancer_test.assert_own_state(other, balancer_test.LEARNERS[1], keys[1], balancer_test.LEARNERS[1][4] + 1)
    ensure(upstream_of(kept_route) == before[kept_route], "the other learner was moved off their copy")
    say(f"{name}'s learner reaches the new {name}; the other learner kept their copy, upload and epoch")

    # 7. Stop the balancer while both learners' websockets are open.
    started = time.monotonic()
    podman("stop", f"{PROJECT}_balancer_1")
    took = time.monotonic() - started
    code = podman("inspect", "--format", "{{.State.ExitCode}}", f"{PROJECT}_balancer_1")
    figure("compose: balancer stop with learners connected", f"{took:.1f} s (exit status {code})")
    ensure(took < 8 and code != "137", f"the balancer took {took:.1f} s to stop (exit {code}: 137 is a SIGKILL)")
    started = time.monotonic()
    podman("stop", f"{PROJECT}_app1_1")
    figure("compose: a copy's stop", f"{time.monotonic() - started:.1f} s")
    for context, _ in learners:
        context.close()


def clean_up() -> None:
    """Remove what this check starts (also what an interrupted earlier run left)."""
    run("podman", "rm", "-f", "-t", "2", APP, check=False, quiet=True)
    if shutil.which("podman-compose"):
        run(*COMPOSE, "down", "-t", "2", check=False, quiet=True, timeout=300)
    left = podman("ps", "-a", "-q", "--filter", f"label=io.podman.compose.project={PROJECT}", check=False).split()
    if left:
        run("podman", "rm", "-f", "-t", "2", *left, check=False, quiet=True)
    for kind, name in [("pod", f"pod_{PROJECT}"), ("network", f"{PROJECT}_default")]:
        if exists(kind, name):
            run("podman", kind, "rm", "-f", name, check=False, quiet=True)


def main() -> int:
    os.chdir(REPO)
    if "CONTAINERS_CONF" not in os.environ and (SHARED / "containers.conf").exists():
        os.environ["CONTAINERS_CONF"] = str(SHARED / "containers.conf")
    os.environ["BUILDAH_FORMAT"] = "docker"  # also for podman-compose's builds: keep HEALTHCHECK
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still cleans up (finally below)
    WORK.mkdir(parents=True, exist_ok=True)
    for tool in ["podman", "podman-compose"]:
        if not shutil.which(tool):
            print(
                f"check: {tool} is missing: apt-get install podman buildah runc netavark aardvark-dns uidmap "
                "iptables debootstrap; pip install podman-compose==1.6.0 (.ci/run does both)",
                file=sys.stderr,
            )
            return 1
    if not browser_conftest.CHROMIUM.exists():
        print("check: /usr/bin/chromium is missing: apt-get install chromium", file=sys.stderr)
        return 1
    started = time.monotonic()
    say(f"podman {podman('--version').split()[-1]}, CONTAINERS_CONF={os.environ.get('CONTAINERS_CONF', '(default)')}")
    clean_up()
    try:
        base_images()
        build()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(browser_conftest.CHROMIUM), args=browser_conftest.CHROMIUM_ARGS
            )
            try:
                one_container(browser)
                room(browser)
            finally:
                browser.close()
    except CheckFailed as failure:
        print(f"check: FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    except PlaywrightError as error:  # a browser step that timed out: a real problem too, with its call log
        print(f"check: FAILED: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        clean_up()
    figure("whole check", f"{time.monotonic() - started:.0f} s")
    print("\ncontainer check passed:")
    for name, value in figures:
        print(f"  {name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
