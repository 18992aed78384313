"""The diffusion lab in a real browser: deep link, Train, the live views and the scrubber; the four-model comparison."""

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from tests.e2e.browser_support import (  # noqa: E402
    CHART,
    EXCEPTION,
    IDLE,
    MAIN,
    PROGRESS,
    TRAIN,
    full_page_screenshot,
    wait_idle,
)

SMALL = "/Diffusion?n_samples=2048&width=64&timesteps=50&epochs=15"


def test_deep_link_trains_and_shows_the_walk_the_field_and_the_modes(lab_server, new_page, screenshots_dir):
    page = new_page(lab_server, SMALL)
    expect(page.locator(f"{MAIN} h1").filter(has_text="Diffusion")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.locator(TRAIN).click()
    expect(page.locator(PROGRESS).first).to_contain_text("Completed", timeout=180_000)
    wait_idle(page)
    expect(page.get_by_text("Modes captured").first).to_be_visible()
    # The loss, the samples, the forward process, the schedule, the field, the bands and the modes: 7+ charts.
    expect(page.locator(CHART).nth(6)).to_be_visible(timeout=30_000)
    # The scrubber goes back to the pure noise at t = T.
    walk = page.locator(".st-key-diffusion_walk_t")
    thumb = walk.locator("[data-testid='stSliderThumbValue']")
    expect(thumb).to_have_text("t = 0")
    slider = walk.locator("input[type='range']")
    slider.focus()
    slider.press("Home")
    wait_idle(page)
    expect(thumb).to_have_text("t = 50")
    assert page.locator(EXCEPTION).count() == 0
    full_page_screenshot(page, screenshots_dir / "diffusion_trained.png")


def test_which_generative_model_compares_the_four_on_a_small_budget(lab_server, new_page, screenshots_dir):
    page = new_page(lab_server, "/Diffusion?dataset=grid25")
    expect(page.get_by_text("Which generative model?")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    budget = page.locator(".st-key-diffusion_compare_budget input")
    budget.fill("2")
    budget.press("Enter")
    wait_idle(page)
    page.locator(".st-key-diffusion_compare_start button").click()
    expect(page.get_by_text("Verdict.")).to_be_visible(timeout=240_000)
    expect(page.locator(f"{MAIN} [data-testid='stDataFrame']").last).to_be_visible()
    expect(page.locator(CHART).last).to_be_visible(timeout=30_000)  # the four models' samples side by side
    assert page.locator(EXCEPTION).count() == 0
    full_page_screenshot(page, screenshots_dir / "diffusion_compare.png")
