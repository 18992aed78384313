"""The app on a real Ray cluster, end to end: a local Ray head, the app's server and Chromium, all on loopback.

    unshare -n sh -c 'ip link set lo up && python tests/e2e/ray_session.py OUT.json'

Run it inside a private network namespace (`unshare -n`): on Linux, Ray ignores
`--node-ip-address 127.0.0.1` and advertises the machine's own address; in the
namespace, loopback is the only one. The head runs with token authentication
(`RAY_AUTH_MODE=token`), as hosts should run it. It writes OUT.json:

- `metrics`: the default MLP run's final row, trained from the browser through Ray;
- `actors`: the Ray state API's actors (class name and state);
- `lost`: the page's text after the head was killed mid-run;
- `fallback`: the page's notice and run status with `LAB_RAY_ADDRESS` pointing nowhere.

The head is stopped by its process id (its process group), never with `ray stop`.
"""

import csv
import io
import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from lab.server import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PROGRESS = "[data-testid='stMain'] [data-testid='stProgress']"
MAIN = "[data-testid='stMain']"
RAY = pathlib.Path(sys.executable).with_name("ray")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_head(env, folder):
    """A Ray head on loopback, in its own process group (`--block` keeps it in the foreground)."""
    port, dashboard = free_port(), free_port()
    command = [
        str(RAY),
        "start",
        "--head",
        "--block",
        "--node-ip-address",
        "127.0.0.1",
        "--port",
        str(port),
        "--num-cpus",
        "2",
        "--dashboard-host",
        "127.0.0.1",
        "--dashboard-port",
        str(dashboard),
        "--disable-usage-stats",
        "--temp-dir",
        str(folder),
    ]
    pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
    log = open(pathlib.Path(folder) / "head.log", "wb")
    head = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        probe = subprocess.run([str(RAY), "status", "--address", address], env=env, capture_output=True)
        if probe.returncode == 0:
            return head, address, f"http://127.0.0.1:{dashboard}"
        time.sleep(1)
    raise RuntimeError("the Ray head did not start:\n" + (pathlib.Path(folder) / "head.log").read_text()[-3000:])


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def open_page(browser, server, path):
    page = browser.new_context(viewport={"width": 1300, "height": 950}).new_page()
    page.goto(server.base_url + path)
    page.wait_for_selector(IDLE, timeout=240_000)
    return page


def train_to_end(page, words="Completed", timeout=300_000):
    page.locator(".st-key-train button").click()
    expect(page.locator(PROGRESS).first).to_contain_text(words, timeout=timeout)
    page.wait_for_selector(IDLE, timeout=60_000)


def downloaded_history(page):
    with page.expect_download() as info:
        page.locator(".st-key-download_csv button").click()
    rows = list(csv.DictReader(io.StringIO(pathlib.Path(info.value.path()).read_text())))
    return {k: float(v) for k, v in rows[-1].items() if k not in ("seconds",)}


def actors(address, env):
    code = (
        "import json, ray.util.state as s;"
        f"print(json.dumps([[a.class_name, a.state] for a in s.list_actors(address={address!r})]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else [["error", out.stderr[-500:]]]


def main(out_path):
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ray_e2e_"))
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16), "RAY_USAGE_STATS_ENABLED": "0"}
    env = {**os.environ, **auth}
    result = {}
    head, address, dashboard = start_head(env, folder / "ray")
    server = Server(folder, env={**auth, "LAB_RAY_ADDRESS": address, "LAB_MAX_JOBS": "1"}).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = open_page(browser, server, "/MLP")
            result["caption"] = page.locator(MAIN).inner_text()[:4000]
            train_to_end(page)
            result["metrics"] = downloaded_history(page)
            result["actors"] = actors(dashboard, env)
            page.goto(server.base_url + "/MLP?epochs=500")
            page.wait_for_selector(IDLE, timeout=120_000)
            page.locator(".st-key-train button").click()
            expect(page.locator(PROGRESS).first).to_contain_text("Training", timeout=120_000)
            time.sleep(3)
            stop(head)
            expect(page.locator(PROGRESS).first).to_contain_text("Failed", timeout=120_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            result["lost"] = page.locator(MAIN).inner_text()[:4000]
            browser.close()
    finally:
        server.stop()
        stop(head)
    nowhere = Server(folder, env={"LAB_RAY_ADDRESS": f"127.0.0.1:{free_port()}", "LAB_RAY_CONNECT_TIMEOUT_S": "10"})
    nowhere.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = open_page(browser, nowhere, "/MLP?epochs=3")
            train_to_end(page)
            result["fallback"] = page.locator(MAIN).inner_text()[:4000]
            browser.close()
    finally:
        nowhere.stop()
    pathlib.Path(out_path).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
