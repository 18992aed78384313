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
    """The app's server (`python -m lab.ui.serve run streamlit_app.py`, as `make run` starts it) on a free port.

    `pages_opened` counts the pages the tests opened on it, so a test that needs
    a server whose very first page it requests can tell. Its run store is a SQLite
    file in `log_dir` unless `env` names another `LAB_DATABASE_URL`. `env` adds to the
    server's environment (hosting caps such as `LAB_ABANDON_S`); `launcher` is what
    runs `... run streamlit_app.py` (a benchmark passes plain Streamlit, or a patched one).
    """

    def __init__(self, log_dir, env=None, launcher=("-m", "lab.ui.serve")):
        store = f"sqlite:///{pathlib.Path(log_dir).resolve() / 'runs.sqlite3'}"  # the server's own run store
        self.env = {**server_env(), "LAB_DATABASE_URL": store, **(env or {})}
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


def find_postgres():
    """The folder of Debian's PostgreSQL programs (`initdb`, `postgres`), or None when it is not installed."""
    for candidate in sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return pathlib.Path(found).resolve().parent if found else None


class PostgresServer:
    """A throwaway PostgreSQL cluster that listens on a Unix socket only (no TCP), for the store's tests.

    `PostgresServer().start()` runs `initdb` and `postgres` in a fresh temporary
    folder (as the `postgres` user when run as root, which PostgreSQL refuses);
    `url` is its SQLAlchemy URL and `stop()` ends it and removes the folder.
    """

    def __init__(self):
        self.bin = find_postgres()
        self.folder = None
        self.proc = None
        self.url = ""

    def start(self):
        import tempfile

        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (Debian's `postgresql` package)")
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="lab-pg-"))
        data, socket_dir = self.folder / "data", self.folder / "socket"
        socket_dir.mkdir()
        as_user = []
        if os.geteuid() == 0:
            as_user = ["runuser", "-u", "postgres", "--"]
            for path in (self.folder, socket_dir):
                shutil.chown(path, "postgres")
        subprocess.run(
            [*as_user, str(self.bin / "initdb"), "-D", str(data), "-U", "lab", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )
        self._log = open(self.folder / "postgres.log", "wb")
        self.proc = subprocess.Popen(
            [*as_user, str(self.bin / "postgres"), "-D", str(data), "-k", str(socket_dir), "-c", "listen_addresses="]
            + ["-c", "fsync=off"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while not (socket_dir / ".s.PGSQL.5432").exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("PostgreSQL did not start")
            time.sleep(0.1)
        time.sleep(0.3)  # the socket appears just before the server accepts connections
        self.url = f"postgresql+psycopg://lab@/postgres?host={socket_dir}"
        return self

    def stop(self):
        """Ends the server (by its process group) and removes its folder."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # PostgreSQL's fast shutdown
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if self.proc is not None:
            self._log.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
