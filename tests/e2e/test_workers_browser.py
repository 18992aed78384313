"""Trainings in worker processes, seen from the browser: a killed worker, a class code."""

import os
import signal

import pytest
from playwright.sync_api import expect

from lab.server import Server
from tests.e2e.browser_support import EXCEPTION, FIRST_RENDER_MS, IDLE, MAIN, PROGRESS, TRAIN, workers_of


@pytest.fixture(scope="module")
def worker_server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("workers"), env={"LAB_MAX_JOBS": "2"}).start()
    yield server
    server.stop()


def test_a_killed_worker_fails_one_session_and_the_others_finish(worker_server, new_page, screenshots_dir):
    pages = [new_page(worker_server, "/MLP?epochs=200") for _ in range(2)]
    for page in pages:
        page.wait_for_selector(IDLE, timeout=FIRST_RENDER_MS)
    for page in pages:
        page.locator(TRAIN).click()
    for page in pages:
        expect(page.locator(PROGRESS).first).to_contain_text("Training", timeout=60_000)
    workers = workers_of(worker_server)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    failed = []
    for _ in range(100):
        failed = [page for page in pages if page.get_by_text("the training process stopped unexpectedly").count()]
        if failed:
            break
        pages[0].wait_for_timeout(200)
    assert len(failed) == 1, "the session of the killed worker shows why its run ended"
    (survivor,) = [page for page in pages if page is not failed[0]]
    expect(survivor.locator(PROGRESS).first).to_contain_text("Run 1 · Completed", timeout=180_000)
    failed[0].screenshot(path=str(screenshots_dir / "worker_killed.png"), full_page=True)
    failed[0].locator(TRAIN).click()  # the next Train works, on the replacement worker
    expect(failed[0].locator(PROGRESS).first).to_contain_text("Run 2 · Training", timeout=60_000)
    assert len(workers_of(worker_server)) == 2 and workers[0] not in workers_of(worker_server)
    for page in pages:
        assert page.locator(EXCEPTION).count() == 0


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("class"), env={"LAB_ACCESS_CODE": "bio101"}).start()
    yield server
    server.stop()


def test_a_class_code_is_asked_once_and_a_wrong_one_gets_no_lab(class_server, new_page):
    page = new_page(class_server, "/MLP")
    page.wait_for_selector(IDLE, timeout=FIRST_RENDER_MS)
    code = page.locator(".st-key-access_code input")
    code.fill("wrong")
    page.get_by_role("button", name="Enter").click()
    expect(page.get_by_text("That class code is not right.")).to_be_visible(timeout=30_000)
    assert page.locator(TRAIN).count() == 0
    code.fill("bio101")
    page.get_by_role("button", name="Enter").click()
    expect(page.locator(f"{MAIN} h1").filter(has_text="Multilayer perceptron")).to_be_visible(timeout=FIRST_RENDER_MS)
    page.locator("[data-testid='stSidebar'] a").filter(has_text="Home").click()
    expect(page.locator(f"{MAIN} h1").filter(has_text="Deep Learning Lab")).to_be_visible(timeout=30_000)
    assert page.locator(".st-key-access_code").count() == 0  # asked once per session
