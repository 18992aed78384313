"""A classroom link in a real browser: the teacher's task shows, chosen controls are hidden, Train works."""

import urllib.parse

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from tests.e2e.browser_support import IDLE, MAIN  # noqa: E402


def test_classroom_link_opens_the_lab_with_hidden_controls(lab_server, new_page, screenshots_dir):
    query = urllib.parse.urlencode(
        {
            "learning_rate": "3",
            "optimizer": "sgd",
            "epochs": "10",
            "hide": "learning_rate,optimizer",
            "task": "Why does this loss jump around?",
        }
    )
    page = new_page(lab_server, f"/MLP?{query}")
    expect(page.locator(f"{MAIN} h1").filter(has_text="Multilayer perceptron")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(page.get_by_text("Why does this loss jump around?")).to_be_visible()
    expect(page.get_by_text("Your teacher fixed some of the settings")).to_be_visible()
    assert page.locator(".st-key-mlp_learning_rate").count() == 0
    assert page.locator(".st-key-mlp_optimizer").count() == 0
    expect(page.locator(".st-key-mlp_dataset")).to_be_visible()
    page.locator(".st-key-train button").click()
    expect(page.locator(f"{MAIN} [data-testid='stProgress']").first).to_contain_text("Completed", timeout=120_000)
    assert "hide=learning_rate" in page.url
    page.screenshot(path=str(screenshots_dir / "classroom.png"), full_page=True)
