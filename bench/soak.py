"""Soak: 50 trainings in a row in one browser session, then 50 across sessions, on one server.

    python -m bench.soak [--runs 50] [--sessions 10] [--path "/MLP?epochs=5"]
    python -m bench.soak --across-only --runs 200 --sessions 10 --path "/MLP?epochs=3"

Starts a fresh server, opens the lab in Chromium and clicks Train `--runs` times
in one session, waiting for each "Run N · Completed"; then opens `--sessions`
new sessions one after another (each closed when done) that share another
`--runs` trainings. With `--across-only` it skips the one-session part. The memory is the server's and
its training workers' together. It prints it every 10 trainings (and the mean over a worker cycle
around training 20 and at the end: a worker is replaced every `LAB_WORKER_MAX_JOBS` trainings, so one
sample can catch a fresh worker or an old one),
the growth per training, how many runs completed, and any exception a page showed.
The first session stays open throughout and still shows its last run at the end.
"""

import argparse
import os
import statistics
import tempfile
import time

from playwright.sync_api import expect, sync_playwright

from lab.server import CHROMIUM, CHROMIUM_ARGS, Server, rss_mb

# Trainings in which every worker is replaced once (each after LAB_WORKER_MAX_JOBS trainings).
WORKER_CYCLE = int(os.environ.get("LAB_WORKER_MAX_JOBS", 10)) * int(os.environ.get("LAB_MAX_JOBS", 2))

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PROGRESS = "[data-testid='stMain'] [data-testid='stProgress']"
EXCEPTION = "[data-testid='stException']"


def open_session(browser, url):
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=180_000)
    return page


def train(page, number):
    """Clicks Train and waits for run `number` to complete; returns whether the page shows an exception."""
    page.locator(".st-key-train button").click()
    expect(page.locator(PROGRESS).first).to_contain_text(f"Run {number} · Completed", timeout=600_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    return page.locator(EXCEPTION).count() > 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--path", default="/MLP?epochs=5")
    parser.add_argument("--across-only", action="store_true", help="only the trainings across sessions")
    args = parser.parse_args()
    server = Server(tempfile.mkdtemp(prefix="soak_")).start()
    url = server.base_url + args.path
    pid = server.proc.pid
    completed = exceptions = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            first = open_session(browser, url)
            start_rss = rss_mb(pid)
            print(f"one session open: server RSS {start_rss:.0f} MB", flush=True)
            began = time.monotonic()
            for number in range(1, 0 if args.across_only else args.runs + 1):
                exceptions += train(first, number)
                completed += 1
                if number % 10 == 0:
                    print(
                        f"  one session, {number} trainings: RSS {rss_mb(pid):.0f} MB "
                        f"({time.monotonic() - began:.0f} s)",
                        flush=True,
                    )
            one_rss = rss_mb(pid)
            per_session = -(-args.runs // args.sessions)
            done, samples = 0, {}
            for _ in range(args.sessions):
                page = open_session(browser, url)
                for number in range(1, min(per_session, args.runs - done) + 1):
                    exceptions += train(page, number)
                    completed += 1
                    done += 1
                    samples[done] = rss_mb(pid)
                    if done % 10 == 0:
                        print(f"  across sessions, {done} trainings: RSS {samples[done]:.0f} MB", flush=True)
                page.context.close()
            end_rss = rss_mb(pid)
            kept = "(nothing: --across-only)" if args.across_only else first.locator(PROGRESS).first.inner_text()
            planned = args.runs * (1 if args.across_only else 2)
            print(f"trainings completed: {completed} of {planned}; pages with an exception: {exceptions}")
            cycle = WORKER_CYCLE  # a window of one full worker cycle evens out where each worker is in its life
            if done >= 20 + cycle:
                around_20 = statistics.mean(samples[k] for k in range(20 - cycle // 2 + 1, 20 + cycle // 2 + 1))
                last = statistics.mean(samples[k] for k in range(done - cycle + 1, done + 1))
                print(
                    f"across sessions, mean RSS over a worker cycle: {around_20:.0f} MB around training 20, "
                    f"{last:.0f} MB over the last {cycle}: {last - around_20:+.0f} MB"
                )
            if 20 in samples and done in samples:
                print(
                    f"across sessions: RSS {samples[20]:.0f} MB at training 20, {samples[done]:.0f} MB at training "
                    f"{done}: {samples[done] - samples[20]:+.0f} MB (median of the samples after 20: "
                    f"{sorted(v for k, v in samples.items() if k >= 20)[len([k for k in samples if k >= 20]) // 2]:.0f} MB)"
                )
            print(
                f"RSS: {start_rss:.0f} MB at start, {one_rss:.0f} MB after {0 if args.across_only else args.runs} in one session "
                f"({(one_rss - start_rss) / max(1, 0 if args.across_only else args.runs):.1f} MB per training), {end_rss:.0f} MB after "
                f"{args.runs} more across {args.sessions} sessions ({(end_rss - one_rss) / args.runs:.1f} MB per training)"
            )
            print(f"the first session, still open, shows: {kept!r}")
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
