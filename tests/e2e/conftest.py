"""Browser tests: a fresh Streamlit server of the app, driven by Playwright and Debian's Chromium.

Fixtures:
    lab_server: one server for the module, started fresh (its first page request
        comes from the tests).
    fresh_server: a server on which no page has been requested yet: `lab_server`
        when still unused, else a new one for this test only.
    browser: a Chromium browser for the module.
    new_page: opens a page in a new browser context (its own Streamlit session).

Every test here is marked `e2e` and skipped, with the reason, when Chromium or
the `playwright` package is missing (`pytest_collection_modifyitems`).
"""

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HEALTH_TIMEOUT_S = 60
VIEWPORT = {"width": 1400, "height": 1000}


def find_chromium():
    """Debian's Chromium, or whatever `chromium` is on PATH; None when absent."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


CHROMIUM = find_chromium()


def _missing():
    """Why the browser tests cannot run here, or None."""
    if CHROMIUM is None:
        return "Chromium is not installed (/usr/bin/chromium or `chromium` on PATH); CI installs it with apt-get"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the `playwright` Python package is not installed (requirements-test.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    here = pathlib.Path(__file__).parent
    reason = _missing()
    for item in items:
        if here in pathlib.Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env():
    """The environment of the server: the lab's caps and Streamlit overrides left at their defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAB_", "STREAMLIT_"))}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Server:
    """A `streamlit run streamlit_app.py` process on a free port.

    `pages_opened` counts the pages the tests opened on it, so a test that needs
    a server whose very first page it requests can tell. `env` adds to the
    server's environment (hosting caps such as `LAB_ABANDON_S`).
    """

    def __init__(self, log_dir, env=None):
        self.env = {**server_env(), **(env or {})}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = pathlib.Path(log_dir) / f"streamlit_{self.port}.log"
        self.pages_opened = 0
        self.proc = None

    def start(self):
        command = [
            sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(self.port),
            "--server.fileWatcherType", "none",
        ]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Streamlit server exited with status {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the Streamlit server was not healthy after {HEALTH_TIMEOUT_S} s:\n{self.log_tail()}")

    def stop(self):
        """Ends the server's whole process group (Streamlit and anything it started)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        except ProcessLookupError:
            pass
        finally:
            self._log.close()

    def log_tail(self, chars=4000):
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("e2e_server")).start()
    yield server
    server.stop()


@pytest.fixture
def fresh_server(lab_server, tmp_path_factory):
    """A server on which no page was requested yet."""
    if lab_server.pages_opened == 0:
        yield lab_server
        return
    server = Server(tmp_path_factory.mktemp("e2e_fresh_server")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """`new_page(server, path)`: a page in a new browser context, navigated to `path`."""
    contexts = []

    def open_page(server, path="/"):
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        server.pages_opened += 1
        page.goto(server.base_url + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
