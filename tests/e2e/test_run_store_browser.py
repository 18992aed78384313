"""Nothing a student does is lost: a run survives a reload and a server restart, and only its browser sees it."""

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from lab.server import PostgresServer, Server, find_postgres  # noqa: E402
from tests.e2e.browser_support import (  # noqa: E402
    MAIN,
    assert_no_exception,
    full_page_screenshot,
    train_to_end,
    wait_idle,
    wait_rendered,
)
from tests.e2e.conftest import VIEWPORT  # noqa: E402

TABLE = f"{MAIN} [data-testid='stDataFrame']"


def open_my_runs(page, server):
    page.goto(server.base_url + "/My_runs")
    wait_rendered(page, "My runs")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs.sqlite3'}"
        return
    if find_postgres() is None:
        pytest.skip("PostgreSQL is not installed (Debian's postgresql package; .ci/run installs it)")
    server = PostgresServer().start()
    yield server.url
    server.stop()


def test_a_run_survives_a_reload_and_a_restart_and_reopens_with_its_downloads(
    browser, tmp_path, screenshots_dir, database_url
):
    env = {"LAB_DATABASE_URL": database_url}
    server = Server(tmp_path, env=env).start()
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    stranger = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(server.base_url + "/MLP?epochs=4&seed=3")
        wait_rendered(page, "Multilayer perceptron")
        train_to_end(page)
        page.wait_for_timeout(500)

        page.reload()  # a new Streamlit session: the run comes back from the store
        wait_rendered(page, "Multilayer perceptron")
        expect(page.locator(MAIN).get_by_text("Run history")).to_be_visible()
        open_my_runs(page, server)
        expect(page.locator(TABLE)).to_contain_text("Multilayer perceptron · Run 1")
        expect(page.locator(TABLE)).to_contain_text("seed=3")
        assert_no_exception(page)
        full_page_screenshot(page, screenshots_dir / "my_runs.png")

        other = stranger.new_page()  # another browser: another identity, none of these runs
        open_my_runs(other, server)
        expect(other.locator(MAIN).get_by_text("No runs yet")).to_be_visible()

        server.stop()
        server = Server(tmp_path, env=env).start()  # the same database after a restart
        open_my_runs(page, server)
        expect(page.locator(TABLE)).to_contain_text("Multilayer perceptron · Run 1")

        # Pick the row (its checkbox column is the grid's first), then re-open it in its lab.
        box = page.locator(TABLE).bounding_box()
        page.mouse.click(box["x"] + 12, box["y"] + 52)
        wait_idle(page)
        expect(page.locator(".st-key-reopen button")).to_be_enabled()
        page.locator(".st-key-reopen button").click()
        wait_rendered(page, "Multilayer perceptron")
        assert "seed=3" in page.url and "epochs=4" in page.url
        expect(page.locator(f"{MAIN} [data-testid='stProgress']")).to_contain_text("Completed")
        full_page_screenshot(page, screenshots_dir / "my_runs_reopened.png")
        with page.expect_download() as download:
            page.locator(".st-key-download_model").get_by_role("button", name="Model (.keras)").click()
        assert download.value.suggested_filename == "mlp_run1.keras"
        assert (tmp_path / "model.keras").write_bytes(download.value.path().read_bytes()) > 10_000
        assert_no_exception(page)
    finally:
        context.close()
        stranger.close()
        server.stop()
