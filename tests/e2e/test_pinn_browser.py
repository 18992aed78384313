"""The PINN lab in a real browser: deep link, Train, loss terms, error, the solution views and adaptive points appear."""

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from tests.e2e.browser_support import EXCEPTION, IDLE, MAIN  # noqa: E402


def test_deep_link_trains_and_shows_the_solution_forming(lab_server, new_page, screenshots_dir):
    page = new_page(lab_server, "/PINN?n_f=1000&depth=3&width=20&steps=300&lbfgs_iterations=500&adaptive_points=400")
    expect(page.locator(f"{MAIN} h1").filter(has_text="PINN: Burgers' equation")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0, timeout=30_000)
    page.locator(".st-key-train button").click()
    expect(page.get_by_text("Inside the PINN")).to_be_visible(timeout=60_000)  # live views while it trains
    progress = page.locator(f"{MAIN} [data-testid='stProgress']").first
    expect(progress).to_contain_text("Completed", timeout=150_000)
    page.wait_for_selector(IDLE)
    expect(page.get_by_text("Relative L2 error", exact=True)).to_be_visible()
    for caption in (
        "The data term pins u",
        "Measured against the exact solution",
        "Time runs left to right",
        "The equation's residual",
        "Collocation points are where",
        "Orange points were added during L-BFGS",
        "The error on one colour scale, just before the first adaptive round",
    ):
        expect(page.get_by_text(caption)).to_be_visible()
    expect(page.locator(f"{MAIN} [data-testid='stVegaLiteChart']").nth(7)).to_be_visible(
        timeout=30_000
    )  # charts render asynchronously
    assert page.locator(EXCEPTION).count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(screenshots_dir / "pinn_trained.png"), full_page=True)
