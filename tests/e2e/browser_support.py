"""Helpers for the browser tests: selectors, waits and reads of the lab pages' shared parts."""

import re
import subprocess

from playwright.sync_api import expect

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAIN = "[data-testid='stMain']"
SIDEBAR = "[data-testid='stSidebar']"
# The app's navigation: page links in the sidebar (st.page_link), or st.navigation's own menu.
NAV_LINKS = f"{SIDEBAR} [data-testid='stPageLink-NavLink'], {SIDEBAR} [data-testid='stSidebarNavLink']"
PROGRESS = f"{MAIN} [data-testid='stProgress']"
CHART = f"{MAIN} [data-testid='stVegaLiteChart']"
EXCEPTION = "[data-testid='stException']"
TRAIN, STOP = ".st-key-train button", ".st-key-stop button"
FIRST_RENDER_MS = 90_000  # a fresh server imports TensorFlow on the first lab page
TRAIN_START_MS = 60_000  # first Train of a server builds the training graph
STEP_MS = 30_000
STOP_MS = 10_000  # Stop acts within a batch; the rest is the live panel's redraw

# The loss chart (the first chart of the main area) is drawn: current, with a canvas or svg.
CHART_DRAWN = """() => {
  const chart = document.querySelector("[data-testid='stMain'] [data-testid='stVegaLiteChart']");
  if (!chart) return false;
  const box = chart.closest("[data-testid='stElementContainer']");
  return (!box || box.getAttribute("data-stale") !== "true") && !!chart.querySelector("canvas, svg");
}"""
# At least `n` charts in the main area, and every one of them drew (a chart whose spec Vega rejects stays empty).
CHARTS_DRAWN = """n => {
  const charts = [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stVegaLiteChart']")];
  return charts.length >= n && charts.every(chart => !!chart.querySelector("canvas, svg"));
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


def workers_of(server):
    """The process ids of a server's training workers (its child processes)."""
    out = subprocess.run(["pgrep", "-P", str(server.proc.pid)], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in out]
