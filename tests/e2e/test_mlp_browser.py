"""The MLP lab in a real browser: deep link, live training, Stop, downloads, shareable URL, home page.

Drives a fresh `streamlit run streamlit_app.py` (see conftest.py) with Playwright and
Debian's Chromium. Screenshots go to artifacts/screenshots/.
"""

import re
import urllib.parse

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=15_000)

from lab.history_files import load_history  # noqa: E402
from tests.e2e.browser_support import (  # noqa: E402
    CHART_DRAWN,
    CHART_PICTURE,
    CHARTS_DRAWN,
    EPOCH_ABOVE,
    MAIN,
    NAV_LINKS,
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
    selectbox_value,
    train_to_end,
    wait_idle,
    wait_rendered,
)

TITLE = "Multilayer perceptron"


def test_deep_link_on_fresh_server_trains_live_and_stops(fresh_server, new_page, screenshots_dir):
    # The first page this server ever serves is a deep link to the lab.
    # 300 epochs (not the default 40) prove the link was read, and keep the run going until Stop.
    assert fresh_server.pages_opened == 0
    page = new_page(fresh_server, "/MLP?epochs=300&learning_rate=0.03")
    wait_rendered(page, TITLE)
    assert_no_exception(page)
    expect(page.locator(NAV_LINKS).filter(has_text="Home")).to_be_visible()
    expect(page.locator(NAV_LINKS).filter(has_text=TITLE)).to_be_visible()
    expect(number_input(page, "mlp_epochs")).to_have_value("300")
    expect(page.locator(".st-key-mlp_learning_rate")).to_contain_text("0.03")
    assert "/MLP" in page.url

    page.locator(TRAIN).click()
    page.wait_for_function(CHART_DRAWN, timeout=TRAIN_START_MS, polling=100)
    expect(page.locator(PROGRESS)).to_contain_text(re.compile(r"epoch \d+ of 300"), timeout=STEP_MS)
    epoch, planned = progress_epoch(page)
    assert planned == 300
    picture = page.evaluate(CHART_PICTURE)
    page.wait_for_function(EPOCH_ABOVE, arg=epoch, timeout=STEP_MS, polling=100)
    later, _ = progress_epoch(page)
    assert later > epoch, f"training did not advance: epoch {epoch} then {later}"
    page.wait_for_function(f"old => ({CHART_PICTURE})() !== old", arg=picture, timeout=STEP_MS, polling=100)
    assert_no_exception(page)

    page.locator(STOP).click()
    expect(page.locator(PROGRESS)).to_contain_text("Stopped", timeout=STOP_MS)
    stopped = page.locator(MAIN).get_by_text(re.compile(r"Stopped after \d+ of 300 epochs"))
    expect(stopped).to_be_visible()
    expect(page.locator(TRAIN)).to_be_enabled(timeout=STEP_MS)
    expect(page.locator(STOP)).to_be_disabled()
    wait_idle(page)
    done = int(re.search(r"Stopped after (\d+) of", stopped.inner_text()).group(1))
    assert later <= done + 1 and done < 300, f"stopped after {done} epochs (saw epoch {later} while training)"
    assert progress_epoch(page) == (done, 300), "the progress bar and the Stopped message disagree on the epochs"
    expect(page.locator(".st-key-download_csv button")).to_be_visible()
    # The lab's own views were drawn too: loss, decision regions, accuracy, gradients, confusion matrix.
    page.wait_for_function(CHARTS_DRAWN, arg=4, timeout=STEP_MS)
    assert_no_exception(page)
    full_page_screenshot(page, screenshots_dir / "mlp_trained.png")
    assert_no_exception(page)


def test_history_csv_download(lab_server, new_page):
    page = new_page(lab_server, "/MLP?epochs=3&n_samples=200")
    wait_rendered(page, TITLE)
    expect(page.locator(".st-key-download_csv button")).to_have_count(0)  # nothing to download before a run
    train_to_end(page)
    expect(page.locator(PROGRESS)).to_contain_text("epoch 3 of 3")
    with page.expect_download(timeout=STEP_MS) as info:
        page.locator(".st-key-download_csv button").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8") as f:
        lines = f.read().strip().splitlines()
    header = lines[0].split(",")
    assert header[0] == "epoch" and "loss" in header and "val_loss" in header, header
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "2", "3"], lines
    with page.expect_download(timeout=STEP_MS) as info:  # the same curves as a TensorBoard log
        page.locator(".st-key-download_tensorboard button").first.click()
    assert info.value.suggested_filename.endswith("_tensorboard.zip")
    history, _ = load_history(info.value.path().rename(info.value.path().with_suffix(".zip")))  # TensorBoard's reader
    csv_loss = [float(line.split(",")[header.index("loss")]) for line in lines[1:]]
    assert [round(row["loss"], 5) for row in history] == [round(v, 5) for v in csv_loss]
    assert_no_exception(page)


def test_shareable_url_restores_settings(lab_server, new_page):
    page = new_page(lab_server, "/MLP")
    wait_rendered(page, TITLE)
    expect(selectbox_value(page, "mlp_dataset")).to_have_value("moons")
    selectbox_value(page, "mlp_dataset").click()
    page.get_by_role("option", name="circles", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('dataset') === 'circles'", timeout=STEP_MS)
    wait_idle(page)
    expect(selectbox_value(page, "mlp_dataset")).to_have_value("circles")
    shared = page.url
    assert urllib.parse.urlparse(shared).path.endswith("/MLP"), shared

    other = new_page(lab_server, shared.replace(lab_server.base_url, ""))
    wait_rendered(other, TITLE)
    expect(selectbox_value(other, "mlp_dataset")).to_have_value("circles")
    assert "dataset=circles" in other.url
    assert_no_exception(other)


def test_home_links_to_the_lab(lab_server, new_page, screenshots_dir):
    page = new_page(lab_server, "/")
    wait_rendered(page, "Deep Learning Lab")
    assert_no_exception(page)
    link = page.locator(f"{MAIN} [data-testid='stPageLink-NavLink']").filter(has_text=TITLE)
    expect(link).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "home.png"), full_page=True)
    link.click()
    page.wait_for_function("() => location.pathname.endsWith('/MLP')", timeout=STEP_MS)
    wait_rendered(page, TITLE)
    expect(page.locator(TRAIN)).to_be_enabled()
    expect(page.locator(NAV_LINKS).filter(has_text="Home")).to_be_visible()
    assert_no_exception(page)
