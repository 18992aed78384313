"""A Streamlit server of the app on loopback, in its own process group: for the browser tests and the benchmarks.

`Server(log_dir).start()` runs `streamlit run streamlit_app.py` on a free port of
127.0.0.1, waits for `/_stcore/health` and `stop()` ends its whole process group.
`CHROMIUM` and `CHROMIUM_ARGS` are how both drive Debian's Chromium.
"""

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HEALTH_TIMEOUT_S = 60


def find_chromium():
    """Debian's Chromium, or whatever `chromium` is on PATH; None when absent."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


CHROMIUM = find_chromium()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env():
    """The environment of the server: the lab's caps and Streamlit overrides left at their defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAB_", "STREAMLIT_"))}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Server:
    """A `streamlit run streamlit_app.py` process on a free port.

    `pages_opened` counts the pages the tests opened on it, so a test that needs
    a server whose very first page it requests can tell. `env` adds to the
    server's environment (hosting caps such as `LAB_ABANDON_S`); `launcher` is what
    runs `streamlit run ...` (a benchmark passes a patched Streamlit's module).
    """

    def __init__(self, log_dir, env=None, launcher=("-m", "streamlit")):
        self.env = {**server_env(), **(env or {})}
        self.launcher = list(launcher)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = pathlib.Path(log_dir) / f"streamlit_{self.port}.log"
        self.pages_opened = 0
        self.proc = None

    def start(self):
        command = [
            sys.executable,
            *self.launcher,
            "run",
            "streamlit_app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--server.fileWatcherType",
            "none",
        ]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the Streamlit server exited with status {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the Streamlit server was not healthy after {HEALTH_TIMEOUT_S} s:\n{self.log_tail()}")

    def stop(self):
        """Ends the server's whole process group (Streamlit and anything it started)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        except ProcessLookupError:
            pass
        finally:
            self._log.close()

    def log_tail(self, chars=4000):
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


def rss_mb(pid):
    """Resident memory of a process and its children (the training workers), in MB (from /proc)."""
    total = 0
    for p in [pid, *map(int, subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split())]:
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
        except (OSError, StopIteration):
            pass  # a child that just ended (a worker being replaced)
    return total / 1024
