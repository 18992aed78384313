"""A class challenge end to end in Chromium: a teacher creates it, two students enter runs, the board ranks them."""

import io

import pandas as pd
import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from lab.server import Server  # noqa: E402
from tests.e2e.browser_support import (  # noqa: E402
    MAIN,
    assert_no_exception,
    full_page_screenshot,
    train_to_end,
    wait_idle,
    wait_rendered,
)
from tests.e2e.conftest import VIEWPORT  # noqa: E402


def fill(page, key, text):
    box = page.locator(f".st-key-{key} input")
    box.fill(text)
    box.press("Enter")
    wait_idle(page)


def create_challenge(page, server):
    page.goto(server.base_url + "/MLP?epochs=3&n_samples=200")
    wait_rendered(page, "Multilayer perceptron")
    train_to_end(page)
    page.locator(MAIN).get_by_text("Share these settings, or make a classroom link").click()
    fill(page, "mlp_challenge_title", "Moons with few epochs")
    fill(page, "mlp_challenge_epochs", "5")
    page.locator(".st-key-mlp_challenge_create button").click()
    wait_idle(page)
    expect(page.locator(MAIN).get_by_text("Challenge created")).to_be_visible()
    link = page.locator("[data-testid='stCode']").filter(has_text="challenge=").inner_text().strip()
    board = page.locator(MAIN).get_by_role("link", name="Open the board").get_attribute("href")
    return link, board


def enter_as(browser, link, nickname, screenshot=None):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(link)
    wait_rendered(page, "Multilayer perceptron")
    expect(page.locator(".st-key-challenge_banner")).to_contain_text("Class challenge: Moons with few epochs")
    expect(page.locator(".st-key-mlp_dataset")).to_have_count(0)  # the fixed data is no control here
    fill(page, "challenge_nickname", nickname)
    train_to_end(page)
    expect(page.locator(".st-key-challenge_banner")).to_contain_text("is entered: val_accuracy")
    assert_no_exception(page)
    if screenshot:
        full_page_screenshot(page, screenshot)
    return context


def test_a_challenge_is_created_entered_by_two_students_ranked_and_downloaded(browser, tmp_path, screenshots_dir):
    server = Server(tmp_path).start()
    teacher = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    students = []
    try:
        page = teacher.new_page()
        page.set_default_timeout(30_000)
        link, board = create_challenge(page, server)
        assert "n_samples=200" in link and "challenge=" in link
        students.append(enter_as(browser, link, "Ada", screenshots_dir / "challenge_student.png"))
        students.append(enter_as(browser, link + "&learning_rate=0.03", "Bob"))

        page.goto(board)
        wait_rendered(page, "Moons with few epochs")
        expect(page.locator(f"{MAIN} [data-testid='stDataFrame']")).to_be_visible()
        full_page_screenshot(page, screenshots_dir / "challenge_board.png")
        with page.expect_download() as download:
            page.locator(".st-key-challenge_csv button").click()
        table = pd.read_csv(io.StringIO(download.value.path().read_text()))
        assert sorted(table["nickname"]) == ["Ada", "Bob"]
        assert table["val_accuracy"].is_monotonic_decreasing and table["rank"].tolist()[0] == 1
        assert table["rank"].is_monotonic_increasing and (table["epochs"] == 3).all()
        assert all("challenge=" in url for url in table["open in lab"])
        assert "learning_rate=0.03" in table.loc[table["nickname"] == "Bob", "settings"].item()

        page.locator(".st-key-challenge_close button").click()
        wait_idle(page)
        expect(page.locator(MAIN).get_by_text("the board is final")).to_be_visible()
        assert_no_exception(page)
    finally:
        for context in [teacher, *students]:
            context.close()
        server.stop()
