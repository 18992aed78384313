"""The GAN lab in a real browser: deep link, Train, the live views, one step by hand."""

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from tests.e2e.browser_support import CHART, EXCEPTION, IDLE, MAIN  # noqa: E402


def test_deep_link_trains_and_steps_by_hand(lab_server, new_page, screenshots_dir):
    page = new_page(lab_server, "/GAN?n_samples=2048&batch_size=128&g_width=32&d_width=32&epochs=15")
    expect(page.locator(f"{MAIN} h1").filter(has_text="GAN")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(page.locator(".st-key-gan_step_g button")).to_be_disabled()
    page.locator(".st-key-train button").click()
    progress = page.locator(f"{MAIN} [data-testid='stProgress']").first
    expect(progress).to_contain_text("Completed", timeout=120_000)
    page.wait_for_selector(IDLE)
    expect(page.get_by_text("Modes captured").first).to_be_visible()
    expect(page.get_by_text("What the loss curve says")).to_be_visible()
    expect(page.locator(CHART).nth(5)).to_be_visible(timeout=30_000)  # 6+ charts, rendered asynchronously
    step = page.locator(".st-key-gan_step_g button")
    expect(step).to_be_enabled()
    step.click()
    expect(page.locator(f"{MAIN} [data-testid='stDataFrame']").first).to_be_visible(timeout=30_000)
    page.wait_for_selector(IDLE)
    assert page.locator(EXCEPTION).count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.screenshot(path=str(screenshots_dir / "gan_trained.png"), full_page=True)
