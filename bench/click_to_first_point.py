"""Click to first point: how long a student waits for the loss chart after Train.

Starts the app in a real Streamlit server and drives it with Playwright and
Debian's Chromium. On `/MLP` with the default settings it clicks **Train**,
waits until the live loss chart of that run appears (the live panel is a
fragment that reruns every 0.5 s; it draws the chart once the first batch has
ended), clicks **Stop** and waits until **Train** is enabled again. The first
click is cold (TensorFlow and the training graph are built for the first time),
later clicks are warm. The wait after Stop is reported too.

It then trains the default run to the end, alone and in two sessions at once,
and reads the run's training time off the progress bar (`run.wall_seconds`);
the same run headless (`python -m lab run mlp`) is the reference. The ratio
prices what serving the page costs the training (fragment reruns every 0.5 s).

Last, cold start: from launching a fresh server to the first complete render of
the home page (`/`) and of a lab page (`/MLP`).

Usage:

```
python -m bench.click_to_first_point [--repeats 5] [--full-runs 3] [--cold-repeats 3] [--server stock]
```

`--server gc-freeze` or `--server no-clear` start the server through
`bench.streamlit_server` with an experimental fix (see that module).
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import tempfile
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT_MS = 300_000

# A chart of run `n` is on screen: the progress bar names run n and a loss chart in
# the main area is current (not left over from the previous script run) and drawn.
CHART_OF_RUN = """n => {
  const progress = document.querySelector("[data-testid='stMain'] [data-testid='stProgress']");
  if (!progress || !progress.innerText.startsWith(`Run ${n} `)) return false;
  return Array.from(document.querySelectorAll("[data-testid='stMain'] [data-testid='stVegaLiteChart']")).some(chart => {
    const box = chart.closest("[data-testid='stElementContainer']");
    return (!box || box.getAttribute("data-stale") !== "true") && chart.querySelector("canvas, svg");
  });
}"""
# A page's first complete render: its title is drawn and the script has finished.
RENDERED = """title => {
  const app = document.querySelector("[data-testid='stApp']");
  const h1 = document.querySelector("[data-testid='stMain'] h1");
  return app && app.getAttribute("data-test-script-state") === "notRunning" && h1 && h1.innerText.includes(title);
}"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port, variant="stock"):
    """Starts a Streamlit server for the app; returns the `Popen`."""
    options = ["run", "streamlit_app.py", "--server.headless", "true", "--server.address", "127.0.0.1",
               "--server.port", str(port), "--server.fileWatcherType", "none"]
    module = ["-m", "streamlit"] if variant == "stock" else ["-m", "bench.streamlit_server", variant]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.Popen([sys.executable, *module, *options], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_healthy(port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("the Streamlit server did not become healthy")


def stop_server(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cold_start(browser, path, title, variant):
    """Seconds from launching a fresh server to the first complete render of `path`."""
    port = free_port()
    start = time.perf_counter()
    proc = start_server(port, variant)
    try:
        wait_healthy(port)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}{path}")
        page.wait_for_function(RENDERED, arg=title, timeout=TIMEOUT_MS, polling=20)
        seconds = time.perf_counter() - start
        page.close()
        return seconds
    finally:
        stop_server(proc)


def open_lab(browser, port):
    """A new session (its own browser context) on `/MLP`, rendered; returns the page."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"http://127.0.0.1:{port}/MLP")
    page.wait_for_function(RENDERED, arg="Multilayer perceptron", timeout=TIMEOUT_MS)
    return page


def train_enabled(page):
    page.wait_for_function("() => !document.querySelector('.st-key-train button').disabled",
                           timeout=TIMEOUT_MS, polling=20)


def full_runs(pages, runs):
    """Trains the default config to the end in every page at once, `runs` times.

    Returns:
        The run's training seconds as the progress bar shows them, one per run
        and page.
    """
    seconds = []
    for _ in range(runs):
        for page in pages:
            page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        for page in pages:
            page.locator(".st-key-train button").click()
        for page in pages:
            page.wait_for_function(
                "() => document.querySelector('.st-key-train button').disabled", timeout=TIMEOUT_MS, polling=20)
        for page in pages:
            train_enabled(page)
            text = page.locator("[data-testid='stMain'] [data-testid='stProgress']").inner_text()
            if "Completed" not in text:
                raise RuntimeError(f"the run did not complete: {text!r}")
            seconds.append(float(re.search(r"· ([0-9.]+) s", text).group(1)))
    return seconds


def headless_seconds(runs):
    """`wall_seconds` of the default MLP run through the CLI (same engine, no page)."""
    seconds = []
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "run.json")
        for _ in range(runs):
            subprocess.run([sys.executable, "-m", "lab", "run", "mlp", "--quiet", "--json", out], env=env,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(out) as f:
                seconds.append(json.load(f)["wall_seconds"])
    return seconds


def clicks(browser, repeats, runs, variant):
    """In one fresh server: Train -> first point -> Stop -> Train enabled, `repeats`
    times; then `runs` full default runs in one session and in two at once.

    Returns:
        `(first_point, stop_wait, alone, two)`: lists of seconds, the first click cold.
    """
    port = free_port()
    proc = start_server(port, variant)
    try:
        wait_healthy(port)
        page = open_lab(browser, port)
        train, stop = page.locator(".st-key-train button"), page.locator(".st-key-stop button")
        first_point, stop_wait = [], []
        for n in range(1, repeats + 1):
            page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
            start = time.perf_counter()
            train.click()
            page.wait_for_function(CHART_OF_RUN, arg=n, timeout=TIMEOUT_MS, polling=20)
            first_point.append(time.perf_counter() - start)
            start = time.perf_counter()
            stop.click()
            train_enabled(page)
            stop_wait.append(time.perf_counter() - start)
            print(f"  click {n}: first point {first_point[-1]:.2f} s, stop -> Train enabled {stop_wait[-1]:.2f} s", flush=True)
        alone = full_runs([page], runs)
        print(f"  full runs, one session: {alone}", flush=True)
        two = full_runs([page, open_lab(browser, port)], runs)
        print(f"  full runs, two sessions at once: {two}", flush=True)
        return first_point, stop_wait, alone, two
    finally:
        stop_server(proc)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.click_to_first_point", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="Train clicks in one server; the first is cold (default 5)")
    parser.add_argument("--full-runs", type=int, default=3, help="complete default runs, alone and two at once (default 3; 0 skips)")
    parser.add_argument("--cold-repeats", type=int, default=3, help="fresh servers per cold-start figure (default 3; 0 skips)")
    parser.add_argument("--server", default="stock", choices=("stock", "gc-freeze", "no-clear"),
                        help="server variant (see bench.streamlit_server)")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"server: {args.server}; MLP defaults; {args.repeats} clicks in one fresh server", flush=True)
        first, stop_wait, alone, two = clicks(browser, args.repeats, args.full_runs, args.server)
        cold = {}
        for path, title in (("/", "Deep Learning Lab"), ("/MLP", "Multilayer perceptron")):
            cold[path] = [cold_start(browser, path, title, args.server) for _ in range(args.cold_repeats)]
        browser.close()
    headless = headless_seconds(args.full_runs)
    print(f"  headless (python -m lab run mlp): {headless}")
    warm = first[1:]
    print(f"\n{'figure':44s} {'seconds':>8s}  runs")
    print(f"{'click -> first point, cold (1st click)':44s} {first[0]:8.2f}  1")
    if warm:
        print(f"{'click -> first point, warm (median)':44s} {statistics.median(warm):8.2f}  {len(warm)}  "
              f"({', '.join(f'{s:.2f}' for s in warm)})")
    print(f"{'Stop -> Train enabled (median)':44s} {statistics.median(stop_wait):8.2f}  {len(stop_wait)}")
    if headless:
        ref = statistics.median(headless)
        print(f"{'default run, headless CLI wall_seconds (median)':44s} {ref:8.2f}  {len(headless)}")
        for words, values in (("in the app, one session", alone), ("in the app, two sessions at once", two)):
            print(f"{'default run, ' + words + ' (median)':44s} {statistics.median(values):8.2f}  {len(values)}  "
                  f"x{statistics.median(values) / ref:.2f} headless")
    for path, values in cold.items():
        if values:
            print(f"{'server start -> first render of ' + path + ' (median)':44s} {statistics.median(values):8.2f}  "
                  f"{len(values)}  ({', '.join(f'{s:.2f}' for s in values)})")


if __name__ == "__main__":
    main()
