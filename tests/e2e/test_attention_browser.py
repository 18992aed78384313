"""The attention lab in a real browser: deep link, Train, every head's map, replay, your own input."""

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from tests.e2e.browser_support import EXCEPTION, IDLE, MAIN  # noqa: E402

SMALL = (
    "n_samples=1600&epochs=4&num_layers=1&num_heads=2&d_model=32&key_dim=8&ff_dim=32&learning_rate=0.003&batch_size=32"
)


def test_reverse_trains_and_shows_attention_and_checks_typed_input(lab_server, new_page, screenshots_dir):
    page = new_page(lab_server, f"/Attention?{SMALL}")
    expect(page.locator(f"{MAIN} h1").filter(has_text="Transformer attention")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0, timeout=30_000)
    page.locator(".st-key-train button").click()
    expect(page.get_by_text("Attention of example 1 after epoch").first).to_be_attached(timeout=60_000)
    progress = page.locator(f"{MAIN} [data-testid='stProgress']").first
    expect(progress).to_contain_text("Completed", timeout=120_000)
    page.wait_for_selector(IDLE)
    expect(page.get_by_role("heading", name="Attention maps")).to_be_visible()
    expect(page.get_by_text("Replay: attention after epoch")).to_be_visible()
    charts = page.locator(f"{MAIN} [data-testid='stVegaLiteChart']")
    expect(charts.first).to_be_visible()
    expect(charts.nth(3)).to_be_visible(timeout=30_000)  # loss, accuracy, both maps (they render asynchronously)

    box = page.locator(".st-key-attention_input input")
    box.fill("1 2 3")
    box.press("Enter")
    expect(page.get_by_text("The model reads exactly 8 tokens; you typed 3.")).to_be_visible(timeout=30_000)
    box.fill("0 1 2 3 4 5 6 7")
    box.press("Enter")
    expect(page.get_by_text("tokens right.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("exactly 8 tokens")).to_have_count(0)
    assert page.locator(EXCEPTION).count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.screenshot(path=str(screenshots_dir / "attention_trained.png"), full_page=True)


def test_encoder_decoder_rewrites_dates_and_shows_cross_attention(lab_server, new_page, screenshots_dir):
    query = "architecture=encoder_decoder&task=dates&n_items=2000&epochs=3&num_layers=1&learning_rate=0.003"
    page = new_page(lab_server, f"/Attention?{query}")
    expect(page.locator(f"{MAIN} h1").filter(has_text="Transformer attention")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0, timeout=30_000)
    page.locator(".st-key-train button").click()
    progress = page.locator(f"{MAIN} [data-testid='stProgress']").first
    expect(progress).to_contain_text("Completed", timeout=240_000)
    page.wait_for_selector(IDLE)
    expect(page.get_by_role("heading", name="How the answer reads the input")).to_be_visible()
    expect(page.get_by_role("heading", name="Teacher forcing against running free")).to_be_visible()
    expect(page.get_by_text("Year alignment")).to_be_visible()

    box = page.locator(".st-key-seq2seq_input input")
    box.fill("31 February 2021")
    box.press("Enter")
    expect(page.get_by_text("impossible date")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("The model's guess:").first).to_be_visible()
    box.fill("")
    box.press("Enter")
    expect(page.get_by_text("Type something for the model to read")).to_be_visible(timeout=30_000)
    box.fill("Wednesday, March 3, 2021")
    box.press("Enter")
    expect(page.get_by_text("Type something for the model to read")).to_have_count(0, timeout=30_000)
    assert page.locator(EXCEPTION).count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.screenshot(path=str(screenshots_dir / "attention_encoder_decoder.png"), full_page=True)
