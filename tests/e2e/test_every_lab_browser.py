"""Every lab page in a real browser: deep link, Train, the chart grows, Stop, a download, the URL restores.

The MLP page has its own, finer tests (test_mlp_browser.py); here the other six
labs go through the same steps a student takes. A last test closes a page while
it trains and checks the server stops the job and frees its slot.
"""

import re
import time

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from lab.server import Server  # noqa: E402
from tests.e2e.browser_support import (  # noqa: E402
    CHART_DRAWN,
    CHART_PICTURE,
    CHARTS_DRAWN,
    EPOCH_ABOVE,
    MAIN,
    PROGRESS,
    STEP_MS,
    STOP,
    STOP_MS,
    TRAIN,
    TRAIN_START_MS,
    assert_no_exception,
    full_page_screenshot,
    number_input,
    progress_epoch,
    wait_idle,
    wait_rendered,
)

# page path, title, a deep link that trains for minutes, and the number input that shows the link was read
LABS = {
    "autoencoder": (
        "/Autoencoder",
        "Autoencoder",
        "dataset=digits&hidden_units=32&bottleneck=8&epochs=1500",
        "epochs",
        "1500",
    ),
    "gan": ("/GAN", "GAN", "n_samples=2048&batch_size=128&g_width=32&d_width=32&epochs=1500", "epochs", "1500"),
    "pinn": (
        "/PINN",
        "PINN: Burgers' equation",
        "n_f=1000&depth=3&width=20&steps=5000&lbfgs_iterations=0",
        "steps",
        "5000",
    ),
    "rnn": ("/RNN_LSTM", "RNN vs LSTM", "task=adding&seq_len=20&units=16&epochs=400", "epochs", "400"),
    "attention": ("/Attention", "Transformer attention", "epochs=400&n_samples=2000", "epochs", "400"),
    "diffusion": ("/Diffusion", "Diffusion", "n_samples=2048&width=64&epochs=1500", "epochs", "1500"),
}


@pytest.mark.parametrize("name", LABS)
def test_lab_trains_live_stops_downloads_and_shares(name, lab_server, new_page, screenshots_dir):
    path, title, query, field, value = LABS[name]
    page = new_page(lab_server, f"{path}?{query}")
    wait_rendered(page, title)
    expect(number_input(page, f"{name}_{field}")).to_have_value(value)
    assert_no_exception(page)

    page.locator(TRAIN).click()
    page.wait_for_function(CHART_DRAWN, timeout=TRAIN_START_MS, polling=100)
    expect(page.locator(PROGRESS).first).to_contain_text(re.compile(r"epoch \d+ of \d+"), timeout=STEP_MS)
    epoch, planned = progress_epoch(page)
    picture = page.evaluate(CHART_PICTURE)
    page.wait_for_function(EPOCH_ABOVE, arg=epoch, timeout=STEP_MS, polling=100)
    page.wait_for_function(f"old => ({CHART_PICTURE})() !== old", arg=picture, timeout=STEP_MS, polling=100)

    page.locator(STOP).click()
    expect(page.locator(PROGRESS).first).to_contain_text("Stopped", timeout=STOP_MS)
    expect(page.locator(MAIN).get_by_text(re.compile(rf"Stopped after \d+ of {planned} epochs"))).to_be_visible()
    expect(page.locator(TRAIN)).to_be_enabled(timeout=STEP_MS)
    wait_idle(page)
    with page.expect_download(timeout=STEP_MS) as info:
        page.locator(".st-key-download_csv button").click()
    with open(info.value.path(), encoding="utf-8") as f:
        rows = f.read().strip().splitlines()
    header = rows[0].split(",")
    assert header[0] == "epoch" and any("loss" in column for column in header), header
    assert len(rows) >= 2, "the downloaded history has no epoch"
    page.wait_for_function(CHARTS_DRAWN, arg=2, timeout=STEP_MS)  # the loss chart and the lab's own views
    assert_no_exception(page)
    full_page_screenshot(page, screenshots_dir / f"{name}_stopped.png")

    shared = new_page(lab_server, page.url.replace(lab_server.base_url, ""))
    wait_rendered(shared, title)
    expect(number_input(shared, f"{name}_{field}")).to_have_value(value)
    assert_no_exception(shared)


def test_closing_a_page_mid_run_stops_its_job_and_frees_the_slot(browser, new_page, tmp_path):
    server = Server(tmp_path, env={"LAB_ABANDON_S": "2", "LAB_MAX_JOBS": "1"}).start()
    try:
        left = new_page(server, "/MLP?epochs=2000&batch_size=8")
        wait_rendered(left, "Multilayer perceptron")
        left.locator(TRAIN).click()
        expect(left.locator(PROGRESS)).to_contain_text(re.compile(r"epoch \d+ of 2000"), timeout=TRAIN_START_MS)

        waiting = new_page(server, "/MLP?epochs=3")
        wait_rendered(waiting, "Multilayer perceptron")
        waiting.locator(TRAIN).click()
        expect(waiting.locator(MAIN).get_by_text("Waiting for a free training slot")).to_be_visible(timeout=STEP_MS)

        left.context.close()  # the student closes the tab; nobody will press Stop
        closed_at = time.monotonic()
        expect(waiting.locator(PROGRESS)).to_contain_text("Completed", timeout=TRAIN_START_MS)
        assert time.monotonic() - closed_at < 40
        log = server.log_tail()
        assert re.search(r"run 1 of mlp stopped, its page was closed for 2 s", log), log
        assert_no_exception(waiting)
    finally:
        server.stop()
