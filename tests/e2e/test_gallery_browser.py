"""The gallery in a real browser: curves drawn, and Open in lab lands on the lab with the entry's settings."""

import re

import keras
import numpy as np
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


def test_diagnose_your_own_curve_reads_an_uploaded_csvlogger_file(lab_server, new_page, tmp_path, screenshots_dir):
    keras.utils.set_random_seed(0)  # a real Keras fit, logged as anyone would log it
    x = np.random.default_rng(0).normal(size=(256, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    log = tmp_path / "training.log.csv"
    model.fit(x, x.sum(1), validation_split=0.25, epochs=15, verbose=0, callbacks=[keras.callbacks.CSVLogger(str(log))])
    page = new_page(lab_server, "/Gallery")
    page.wait_for_selector(IDLE, timeout=90_000)
    page.get_by_text("Diagnose your own curve").first.click()
    page.locator(".st-key-own_curve_file input[type='file']").set_input_files(str(log))
    expect(page.get_by_text("15 epochs.")).to_be_visible(timeout=60_000)
    expect(page.locator(f"{MAIN} [data-testid='stVegaLiteChart']").filter(has_text="Your curve")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("What the loss curve says").first).to_be_visible()
    page.get_by_text("15 epochs.").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "own_curve.png"))
    assert page.locator("[data-testid='stException']").count() == 0
