"""Click to first point: how long a student waits for the loss chart after Train.

Starts the app in a real Streamlit server and drives it with Playwright and
Debian's Chromium. Three groups of figures:

1. Click to first point. On `/MLP` with the default settings: click **Train**,
   wait until the live loss chart of that run is drawn (the live panel is a
   fragment that reruns every 0.5 s and draws the chart once the first batch
   has ended), click **Stop**, wait until **Train** is enabled again. The first
   click is cold (TensorFlow and the training graph are built for the first
   time), later clicks are warm. The wait after Stop is reported too; with
   `--stop-after S`, Stop is clicked S seconds after the first point (a run in
   full swing) instead of at once (a run still compiling its first batch).
2. A whole default run in the app vs headless. The run's training time is read
   off the progress bar (`run.wall_seconds`) for one session, and for two
   sessions training at once; the reference is the same run through the CLI
   (`python -m lab run mlp`, same engine, no page). Interleaved: headless, one
   session, two sessions, repeated. The ratio prices what serving the page
   costs the training. For the one-session runs it also reports the CPU
   seconds the server and the browser (Chromium and the Playwright driver,
   which share this machine's cores with the server) spent (Linux `/proc`),
   and how long the page's renderer thread was busy, and running JavaScript
   (Chromium's own counters, over the DevTools protocol).
3. Cold start: from launching a fresh server to the first complete render of
   the home page (`/`) and of a lab page (`/MLP`).

Usage:

```
python -m bench.click_to_first_point [--repeats 5] [--full-runs 3] [--cold-repeats 3] [--stop-after 0] [--server stock]
```

`--server streamlit-cleanup` starts the server through `bench.streamlit_server`
with Streamlit's per-rerun Keras cleanup back on (the app before its fix).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from lab.server import CHROMIUM, CHROMIUM_ARGS, Server

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT_MS = 300_000
TRAIN, STOP = ".st-key-train button", ".st-key-stop button"
PROGRESS = "[data-testid='stMain'] [data-testid='stProgress']"

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
TRAIN_DISABLED = "() => document.querySelector('.st-key-train button').disabled"
TRAIN_ENABLED = "() => !document.querySelector('.st-key-train button').disabled"


def start_server(variant="stock"):
    """A started Streamlit server of the app (`lab.server.Server`), plain or a `bench.streamlit_server` variant."""
    launcher = {"stock": ("-m", "lab.ui.serve"), "plain-streamlit": ("-m", "streamlit")}.get(
        variant, ("-m", "bench.streamlit_server", variant)
    )
    return Server(tempfile.mkdtemp(prefix="click_to_first_point_"), launcher=launcher).start()


def wait_for(page, script, arg=None):
    page.wait_for_function(script, arg=arg, timeout=TIMEOUT_MS, polling=20)


def open_page(browser, server, path="/MLP", title="Multilayer perceptron"):
    """A new session (its own browser context) on `path`, rendered; returns the page.

    A page that has not rendered after 2 minutes is reloaded once (a lost
    websocket connection on a busy machine).
    """
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{server.base_url}{path}")
    try:
        page.wait_for_function(RENDERED, arg=title, timeout=120_000, polling=20)
    except Exception:  # playwright's TimeoutError
        print(f"  {path} did not render in 2 minutes: reloading once", flush=True)
        page.reload()
        wait_for(page, RENDERED, title)
    return page


def cpu_seconds(root):
    """CPU seconds (user + system) used so far by process `root` and its descendants (Linux)."""
    children, tick = {}, os.sysconf("SC_CLK_TCK")
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(name)] = fields
            children.setdefault(int(fields[1]), []).append(int(name))
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += (int(stats[pid][11]) + int(stats[pid][12])) / tick
        todo += children.get(pid, [])
    return total


def first_points(page, repeats, stop_after=0.0):
    """Train -> first point of the loss chart -> (`stop_after` s) -> Stop -> Train enabled, `repeats` times.

    The page must be a fresh session (its runs are numbered from 1).

    Returns:
        `(first_point, stop_wait)`: lists of seconds.
    """
    first_point, stop_wait = [], []
    for n in range(1, repeats + 1):
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        start = time.perf_counter()
        page.locator(TRAIN).click()
        wait_for(page, CHART_OF_RUN, n)
        first_point.append(time.perf_counter() - start)
        time.sleep(stop_after)
        start = time.perf_counter()
        page.locator(STOP).click()
        wait_for(page, TRAIN_ENABLED)
        stop_wait.append(time.perf_counter() - start)
        print(
            f"  click {n}: first point {first_point[-1]:.2f} s, Stop -> Train enabled {stop_wait[-1]:.2f} s", flush=True
        )
    return first_point, stop_wait


def renderer_metrics(cdp):
    """Chromium's counters for a page's renderer (`Performance.getMetrics`): `TaskDuration` is the seconds its
    main thread was busy, `ScriptDuration` the part of them spent running JavaScript."""
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def full_run(pages):
    """Trains the default config to the end in every page at once.

    Returns:
        Each run's training seconds, as its progress bar shows them.
    """
    for page in pages:
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    for page in pages:
        page.locator(TRAIN).click()
    for page in pages:
        wait_for(page, TRAIN_DISABLED)
    seconds = []
    for page in pages:
        wait_for(page, TRAIN_ENABLED)
        text = page.locator(PROGRESS).inner_text()
        if "Completed" not in text:
            raise RuntimeError(f"the run did not complete: {text!r}")
        seconds.append(float(re.search(r"· ([0-9.]+) s", text).group(1)))
    return seconds


def headless_run():
    """`wall_seconds` of the default MLP run through the CLI (same engine, no page)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "run.json")
        subprocess.run(
            [sys.executable, "-m", "lab", "run", "mlp", "--quiet", "--json", out],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with open(out) as f:
            return json.load(f)["wall_seconds"]


def in_app(browser, repeats, runs, variant, stop_after=0.0):
    """Figures 1 and 2, in one fresh server.

    Returns:
        dict of lists of seconds: `first_point`, `stop_wait`, `headless`, `alone`, `two`,
        `server_cpu`, `browser_cpu`, `renderer_busy`, `renderer_script`.
    """
    server = start_server(variant)
    proc = server.proc
    try:
        page = open_page(browser, server)
        out = dict(zip(("first_point", "stop_wait"), first_points(page, repeats, stop_after)))
        other = open_page(browser, server) if runs else None
        out.update(headless=[], alone=[], two=[], server_cpu=[], browser_cpu=[], renderer_busy=[], renderer_script=[])
        renderer = page.context.new_cdp_session(page)
        renderer.send("Performance.enable")
        for _ in range(runs):
            out["headless"].append(headless_run())
            server_before, browser_before = cpu_seconds(proc.pid), cpu_seconds(os.getpid())
            metrics_before = renderer_metrics(renderer)
            out["alone"] += full_run([page])
            metrics = renderer_metrics(renderer)
            out["server_cpu"].append(cpu_seconds(proc.pid) - server_before)
            out["browser_cpu"].append(cpu_seconds(os.getpid()) - browser_before - out["server_cpu"][-1])
            out["renderer_busy"].append(metrics["TaskDuration"] - metrics_before["TaskDuration"])
            out["renderer_script"].append(metrics["ScriptDuration"] - metrics_before["ScriptDuration"])
            out["two"] += full_run([page, other])
            print(
                f"  default run: headless {out['headless'][-1]:.2f} s, one session {out['alone'][-1]:.1f} s, "
                f"two sessions {out['two'][-2]:.1f} / {out['two'][-1]:.1f} s",
                flush=True,
            )
        return out
    finally:
        server.stop()


def cold_start(browser, path, title, variant, delay=0.0):
    """Seconds from launching a fresh server to the first complete render of `path`.

    With `delay`, the first visit comes that many seconds after the server is up (a
    class arriving after the teacher started it), and the seconds count from that visit.
    """
    start = time.perf_counter()
    server = start_server(variant)
    try:
        if delay:
            time.sleep(delay)
            start = time.perf_counter()
        page = open_page(browser, server, path, title)
        seconds = time.perf_counter() - start
        page.context.close()
        return seconds
    finally:
        server.stop()


def _row(words, values, extra=""):
    shown = f"({', '.join(f'{v:.2f}' for v in values)})" if len(values) > 1 else ""
    print(f"{words:52s} {statistics.median(values):8.2f} {len(values):5d}  {extra}{shown}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.click_to_first_point", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--repeats", type=int, default=5, help="Train clicks in one session; the first is cold (default 5)"
    )
    parser.add_argument(
        "--full-runs",
        type=int,
        default=3,
        help="interleaved whole default runs: headless, one session, two sessions (default 3; 0 skips)",
    )
    parser.add_argument(
        "--cold-repeats", type=int, default=3, help="fresh servers per cold-start figure (default 3; 0 skips)"
    )
    parser.add_argument(
        "--visit-after",
        type=float,
        default=20.0,
        help="also time a first visit this many seconds after the server started (default 20; 0 skips)",
    )
    parser.add_argument(
        "--stop-after",
        type=float,
        default=0.0,
        help="seconds between a run's first point and Stop (default 0: at once)",
    )
    parser.add_argument(
        "--server",
        default="stock",
        choices=("stock", "plain-streamlit", "streamlit-cleanup"),
        help="server variant (see bench.streamlit_server)",
    )
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        raise SystemExit("Chromium is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    print(f"server: {args.server}; MLP lab, default settings", flush=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        res = in_app(browser, args.repeats, args.full_runs, args.server, args.stop_after)
        pages = (("/", "Deep Learning Lab"), ("/MLP", "Multilayer perceptron"))
        cold = {
            path: [cold_start(browser, path, title, args.server) for _ in range(args.cold_repeats)]
            for path, title in pages
        }
        later = {
            path: [cold_start(browser, path, title, args.server, args.visit_after) for _ in range(args.cold_repeats)]
            for path, title in pages
            if args.visit_after
        }
        browser.close()
    print(f"\n{'figure (seconds, median)':52s} {'seconds':>8s} {'runs':>5s}")
    _row("click -> first point, cold (1st click)", res["first_point"][:1])
    if len(res["first_point"]) > 1:
        _row("click -> first point, warm", res["first_point"][1:])
    _row("Stop -> Train enabled", res["stop_wait"])
    if res["headless"]:
        _row("default run, headless CLI (wall_seconds)", res["headless"])
        for words, key, per in (("one session", "alone", 1), ("two sessions at once", "two", 2)):
            # each value against the headless run of its own repetition
            ratios = [v / res["headless"][i // per] for i, v in enumerate(res[key])]
            _row(f"default run in the app, {words}", res[key], f"x{statistics.median(ratios):.2f} headless ")
        _row("  CPU s of the server during a one-session run", res["server_cpu"])
        _row("  CPU s of the browser during a one-session run", res["browser_cpu"])
        _row("    its page's main thread busy (Chromium's TaskDuration)", res["renderer_busy"])
        _row("    of which JavaScript (ScriptDuration)", res["renderer_script"])
    for path, values in cold.items():
        if values:
            _row(f"server start -> first render of {path}", values)
    for path, values in later.items():
        if values:
            _row(f"first visit {args.visit_after:g} s after start -> render of {path}", values)


if __name__ == "__main__":
    main()
