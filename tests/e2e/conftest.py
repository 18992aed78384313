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

import pathlib

import pytest

from lab.server import CHROMIUM, CHROMIUM_ARGS, Server

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}


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
