"""`python -m lab.ui.serve` starts warm: the training workers are up before anyone opens a page."""

import pathlib
import time

from lab.server import Server


def worker_pids(server_pid):
    """The `python -m lab.workers` processes whose parent is the server."""
    found = []
    for proc in pathlib.Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError):
            continue
        if int(stat[1]) == server_pid and b"lab.workers" in command:
            found.append(int(proc.name))
    return found


def test_the_workers_start_with_the_server_before_any_page_is_opened(tmp_path):
    server = Server(tmp_path, env={"LAB_MAX_JOBS": "2"}).start()
    try:
        deadline = time.monotonic() + 30
        while len(worker_pids(server.proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.pages_opened == 0 and len(worker_pids(server.proc.pid)) == 2, server.log_tail()
    finally:
        server.stop()
