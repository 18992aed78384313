"""`python -m lab.ui.serve` starts warm: the training workers are up before anyone opens a page."""

import time

from lab.server import Server
from tests.e2e.browser_support import workers_of


def test_the_workers_start_with_the_server_before_any_page_is_opened(tmp_path):
    server = Server(tmp_path, env={"LAB_MAX_JOBS": "2"}).start()
    try:
        deadline = time.monotonic() + 30
        while len(workers_of(server)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.pages_opened == 0 and len(workers_of(server)) == 2, server.log_tail()
    finally:
        server.stop()
