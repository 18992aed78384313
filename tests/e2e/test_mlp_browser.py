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

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAIN = "[data-testid='stMain']"
SIDEBAR = "[data-testid='stSidebar']"
# The app's navigation: page links in the sidebar (st.page_link), or st.navigation's own menu.
NAV_LINKS = f"{SIDEBAR} [data-testid='stPageLink-NavLink'], {SIDEBAR} [data-testid='stSidebarNavLink']"
TITLE = "Multilayer perceptron"
PROGRESS = f"{MAIN} [data-testid='stProgress']"
CHART = f"{MAIN} [data-testid='stVegaLiteChart']"
EXCEPTION = "[data-testid='stException']"
TRAIN, STOP = ".st-key-train button", ".st-key-stop button"
FIRST_RENDER_MS = 90_000  # a fresh server imports TensorFlow on the first lab page
TRAIN_START_MS = 60_000  # first Train of a server builds the training graph
STEP_MS = 30_000
STOP_MS = 10_000  # Stop acts within a batch (DESIGN.md); the rest is the live panel's redraw

# The loss chart (the first chart of the main area) is drawn: current, with a canvas or svg.
CHART_DRAWN = """() => {
  const chart = document.querySelector("[data-testid='stMain'] [data-testid='stVegaLiteChart']");
  if (!chart) return false;
  const box = chart.closest("[data-testid='stElementContainer']");
  return (!box || box.getAttribute("data-stale") !== "true") && !!chart.querySelector("canvas, svg");
}"""
# What the loss chart draws right now (canvas pixels or svg markup).
CHART_PICTURE = """() => {
  const chart = document.querySelector("[data-testid='stMain'] [data-testid='stVegaLiteChart']");
  const canvas = chart && chart.querySelector("canvas");
  if (canvas) return canvas.toDataURL();
  const svg = chart && chart.querySelector("svg");
  return svg ? svg.outerHTML : "";
}"""
EPOCH_ABOVE = """n => {
  const bar = document.querySelector("[data-testid='stMain'] [data-testid='stProgress']");
  const m = bar && bar.innerText.match(/epoch (\\d+) of/);
  return !!m && Number(m[1]) > n;
}"""


def wait_idle(page, timeout=STEP_MS):
    """Waits until the script run (and any rerun it triggered) is over."""
    page.wait_for_selector(IDLE, timeout=timeout)


def wait_rendered(page, title, timeout=FIRST_RENDER_MS):
    """Waits until the page's title is drawn, the script has finished and the widgets are drawn.

    Streamlit loads its widgets' code lazily and shows placeholders (`stSkeleton`)
    meanwhile; a freshly mounted widget may show its minimum for a moment.
    """
    expect(page.locator(f"{MAIN} h1").filter(has_text=title)).to_be_visible(timeout=timeout)
    wait_idle(page, timeout)
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stSkeleton']\")", timeout=STEP_MS)


def assert_no_exception(page):
    count = page.locator(EXCEPTION).count()
    assert count == 0, f"the page shows a Streamlit exception: {page.locator(EXCEPTION).first.inner_text()}"


def progress_epoch(page):
    """`(epoch, planned)` from the progress bar's text ('... epoch 5 of 40 ...')."""
    text = page.locator(PROGRESS).inner_text()
    match = re.search(r"epoch (\d+) of (\d+)", text)
    assert match, f"the progress bar names no epoch: {text!r}"
    return int(match.group(1)), int(match.group(2))


def number_input(page, key):
    return page.locator(f".st-key-{key} input")


def selectbox_value(page, key):
    """The value a selectbox shows (Streamlit's selectbox is a searchable combobox)."""
    return page.locator(f".st-key-{key}").get_by_role("combobox")


def full_page_screenshot(page, path):
    """Screenshots the whole app: Streamlit scrolls inside its own container, so the window is grown to fit."""
    height = page.evaluate("""() => {
      const boxes = ["[data-testid='stMain']", "[data-testid='stMainBlockContainer']", "[data-testid='stSidebarContent']"];
      return Math.max(window.innerHeight, ...boxes.map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight));
    }""")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": min(int(height) + 40, 8000)})
    wait_idle(page)
    page.wait_for_timeout(300)  # let the charts relayout to the new window
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{path} looks empty"


def train_to_end(page, timeout=TRAIN_START_MS + STEP_MS):
    """Clicks Train and waits until the run has ended and the page redrew with the downloads."""
    page.locator(TRAIN).click()
    expect(page.locator(STOP)).to_be_enabled(timeout=TRAIN_START_MS)
    expect(page.locator(PROGRESS)).to_contain_text("Completed", timeout=timeout)
    expect(page.locator(TRAIN)).to_be_enabled(timeout=STEP_MS)
    wait_idle(page)


def test_deep_link_on_fresh_server_trains_live_and_stops(fresh_server, new_page, screenshots_dir):
    # The first page this server ever serves is a deep link to the lab (DESIGN.md, "Pages and navigation").
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
    page.wait_for_function(f"() => document.querySelectorAll(\"{CHART}\").length >= 4", timeout=STEP_MS)
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
