"""Makes the home page's thumbnails: each lab's main view after a quick run, `python docs/thumbnails.py [LAB ...]`.

It starts the app on loopback, opens each lab in Chromium with the settings of its
descriptor's `thumbnail_shot`, trains, waits for the run to end and photographs
the chosen chart alone, then fits it on a white 520 x 322 card (every thumbnail the
same size, so the home page's cards line up).
"""

import io
import pathlib
import sys
import tempfile

from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab.registry import labs  # noqa: E402
from lab.server import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

SIZE = (520, 322)
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stMain'] [data-testid='stVegaLiteChart']"
DONE = "[data-testid='stMain'] [data-testid='stProgress']"


def card(png):
    """The picture scaled to fit `SIZE`, centred on white."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.thumbnail(SIZE, Image.LANCZOS)
    out = Image.new("RGB", SIZE, "white")
    out.paste(image, ((SIZE[0] - image.width) // 2, (SIZE[1] - image.height) // 2))
    return out


def shoot(browser, server, spec):
    """The PNG of a lab's main view after its quick run."""
    query, chart = spec.thumbnail_shot
    page = browser.new_context(viewport={"width": 1400, "height": 1400}, device_scale_factor=2).new_page()
    page.goto(f"{server.base_url}/{pathlib.Path(spec.page).stem.split('_', 1)[1]}?{query}")
    page.wait_for_selector(IDLE, timeout=180_000)
    page.locator(".st-key-train button").click()
    page.locator(DONE).filter(has_text="Completed").first.wait_for(timeout=600_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    view = page.locator(CHART).nth(chart)
    view.wait_for(timeout=60_000)
    view.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # charts render asynchronously
    png = view.screenshot()
    page.context.close()
    return png


def main(names):
    from playwright.sync_api import sync_playwright

    chosen = [spec for spec in labs().values() if not names or spec.name in names]
    server = Server(tempfile.mkdtemp(prefix="thumbnails_")).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for spec in chosen:
                card(shoot(browser, server, spec)).save(ROOT / spec.thumbnail, optimize=True)
                print(f"{spec.name}: {spec.thumbnail}", flush=True)
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
