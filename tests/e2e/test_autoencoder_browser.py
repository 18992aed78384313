"""The autoencoder lab in a real browser: deep link, Train, reconstructions appear."""

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from tests.e2e.browser_support import EXCEPTION, IDLE, MAIN  # noqa: E402


def test_deep_link_trains_and_shows_reconstructions(lab_server, new_page, screenshots_dir):
    page = new_page(lab_server, "/Autoencoder?dataset=digits&hidden_units=32&bottleneck=8&epochs=15")
    expect(page.locator(f"{MAIN} h1").filter(has_text="Autoencoder")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0, timeout=30_000)
    page.locator(".st-key-train button").click()
    progress = page.locator(f"{MAIN} [data-testid='stProgress']").first
    expect(progress).to_contain_text("Completed", timeout=120_000)
    page.wait_for_selector(IDLE)
    expect(page.get_by_text("Validation images (never trained on)")).to_be_visible()
    expect(page.get_by_text("What comes back through the 8-number code")).to_be_visible()
    expect(page.locator(f"{MAIN} [data-testid='stImage'] img").nth(2)).to_be_visible(
        timeout=30_000
    )  # images load asynchronously
    assert page.locator(EXCEPTION).count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.screenshot(path=str(screenshots_dir / "autoencoder_trained.png"), full_page=True)
