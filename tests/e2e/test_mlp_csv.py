"""The MLP lab with the user's own CSV file, in a real browser: bad files explain themselves."""

import re

import numpy as np
import pytest

expect = pytest.importorskip("playwright.sync_api").expect

from tests.e2e.browser_support import EXCEPTION, IDLE, MAIN  # noqa: E402


def choose_csv(page):
    page.locator(".st-key-mlp_dataset").get_by_role("combobox").click()
    page.get_by_role("option", name="csv", exact=True).click()
    page.wait_for_selector(IDLE)
    expect(page.locator(MAIN).get_by_text("Upload a CSV file")).to_be_visible()


def upload(page, name, content):
    page.locator(".st-key-mlp_csv input[type='file']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE)


def good_csv():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 2))
    rows = [f"{a:.3f},{b:.3f},{'in' if a * a + b * b < 1 else 'out'}" for a, b in x]
    return ("width,height,kind\n" + "\n".join(rows)).encode()


def test_bad_csv_files_get_a_message_and_a_good_one_trains(lab_server, new_page):
    page = new_page(lab_server, "/MLP?epochs=3")
    expect(page.locator(f"{MAIN} h1").filter(has_text="Multilayer perceptron")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    # Streamlit loads widget code lazily: wait until no placeholder (stSkeleton) is left.
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stSkeleton']\")")
    choose_csv(page)
    for content, words in [
        (b"", "empty"),
        (b"\xff\xfe\x00\x01\x02garbage", "not UTF-8"),
        (b'a,b\n"1,2\n' + b"3,4\n" * 20, "could not be read as CSV"),
        (b"a,b,c\n" + b"1,hello,0\n" * 20, "these hold text: b"),
        (b"a,b,c\n" + b"1,nan,0\n" * 20, "missing"),
        (b"a,b\n1,2\n", "at least 10 rows"),
        (b"a,b,c\n" + b"1,2,0\n" * 200_001, "too large"),
    ]:
        upload(page, "bad.csv", content)
        expect(page.locator(MAIN).get_by_text("This CSV file cannot be used")).to_be_visible()
        expect(page.locator(MAIN).get_by_text(words)).to_be_visible()
        assert page.locator(EXCEPTION).count() == 0
        expect(page.locator(".st-key-train button")).to_be_disabled()
    # Over the server's upload limit (20 MB, .streamlit/config.toml): refused before it reaches the lab.
    upload(page, "huge.csv", b"a,b,c\n" + b"1.000000,2.000000,0\n" * 1_200_000)
    expect(page.locator(".st-key-mlp_csv").get_by_text(re.compile(r"File must be .* or smaller"))).to_be_visible()
    expect(page.locator(".st-key-train button")).to_be_disabled()
    assert page.locator(EXCEPTION).count() == 0
    upload(page, "shapes.csv", good_csv())
    expect(page.locator(MAIN).get_by_text("predicting kind from 2 columns")).to_be_visible()
    page.locator(".st-key-train button").click()
    expect(page.locator(f"{MAIN} [data-testid='stProgress']")).to_contain_text("Completed", timeout=90_000)
    assert page.locator(EXCEPTION).count() == 0
