"""The gallery in a real browser: curves drawn, and Open in lab lands on the lab with the entry's settings."""

import re

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from tests.e2e.browser_support import IDLE, MAIN  # noqa: E402


def test_gallery_opens_an_entry_in_its_lab(lab_server, new_page, screenshots_dir):
    page = new_page(lab_server, "/Gallery")
    expect(page.locator(f"{MAIN} h1").filter(has_text="Gallery of loss curves")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(page.locator(f"{MAIN} [data-testid='stVegaLiteChart']").first).to_be_visible(timeout=30_000)
    expect(page.locator(f"{MAIN} [data-testid='stVegaLiteChart']").nth(3)).to_be_visible(
        timeout=30_000
    )  # charts render asynchronously
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.screenshot(path=str(screenshots_dir / "gallery.png"), full_page=True)
    page.locator(".st-key-open_mlp-lr-too-low button").click()
    expect(page.locator(f"{MAIN} h1").filter(has_text="Multilayer perceptron")).to_be_visible(timeout=60_000)
    expect(page).to_have_url(re.compile(r"/MLP\?.*learning_rate=0\.0001"))
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
