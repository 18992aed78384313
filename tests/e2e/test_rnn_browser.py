"""The RNN lab in a real browser: deep link, the worked example, Train, live views appear."""

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from tests.e2e.browser_support import EXCEPTION, IDLE, MAIN  # noqa: E402


def test_deep_link_shows_worked_example_and_trains(lab_server, new_page, screenshots_dir):
    page = new_page(
        lab_server, "/RNN_LSTM?task=weather_toy&cell=simple_rnn&units=3&n_sequences=1000&learning_rate=0.01&epochs=6"
    )
    expect(page.locator(f"{MAIN} h1").filter(has_text="RNN vs LSTM")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(page.get_by_text("= [0.7166, 0.9363, 0.9070]")).to_be_visible()
    expect(page.get_by_text("softmax = [0.4456, 0.1934, 0.1632, 0.1978]")).to_be_visible()
    page.locator(".st-key-train button").click()
    progress = page.locator(f"{MAIN} [data-testid='stProgress']").first
    expect(progress).to_contain_text("Completed", timeout=120_000)
    page.wait_for_selector(IDLE)
    expect(page.get_by_text("How strongly the loss on 32 validation sequences depends")).to_be_visible()
    expect(page.get_by_text("Dashed: the baseline to beat")).to_be_visible()
    expect(page.locator(f"{MAIN} [data-testid='stVegaLiteChart']").nth(4)).to_be_visible(
        timeout=30_000
    )  # charts render asynchronously
    assert page.locator(EXCEPTION).count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.screenshot(path=str(screenshots_dir / "rnn_trained.png"), full_page=True)


def test_dates_draws_exact_answers_by_length_and_alignment_maps(lab_server, new_page, screenshots_dir):
    page = new_page(lab_server, "/RNN_LSTM?task=dates&cell=gru&units=16&n_sequences=600&epochs=2&batch_size=32")
    expect(page.locator(f"{MAIN} h1").filter(has_text="RNN vs LSTM")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(page.get_by_text("many-to-many with a delay")).to_be_visible()
    page.locator(".st-key-train button").click()
    progress = page.locator(f"{MAIN} [data-testid='stProgress']").first
    expect(progress).to_contain_text("Completed", timeout=180_000)
    page.wait_for_selector(IDLE)
    expect(page.get_by_text("Alignment maps: row i is how the decoder spreads")).to_be_visible()
    expect(page.locator(f"{MAIN} [data-testid='stVegaLiteChart']").nth(5)).to_be_visible(timeout=30_000)
    assert page.locator(EXCEPTION).count() == 0
    page.set_viewport_size({"width": 1400, "height": 3600})
    page.screenshot(path=str(screenshots_dir / "rnn_dates_trained.png"), full_page=True)
