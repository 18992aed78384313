"""Many students at once: N browser sessions train the MLP on one server, round after round.

    python -m bench.concurrent_sessions --sessions 8 --rounds 3 [--max-jobs 2]

Starts a fresh server with LAB_MAX_JOBS, opens N browser contexts (separate
sessions) on the MLP page with their own seed in the link, clicks Train in all of
them together and waits until every one shows "Completed". It checks that each
session shows only its own runs (run numbers 1, 2, ... per session, its own seed
in the URL), and prints the time per round, whether the queue message appeared,
and the server's resident memory after each round.
"""

import argparse
import tempfile
import time

from playwright.sync_api import expect, sync_playwright

from lab.server import CHROMIUM, CHROMIUM_ARGS, Server, rss_mb

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-jobs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    server = Server(tempfile.mkdtemp(prefix="concurrent_sessions_"), env={"LAB_MAX_JOBS": str(args.max_jobs)}).start()
    base = server.base_url
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = []
            for i in range(args.sessions):
                page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
                page.goto(f"{base}/MLP?seed={100 + i}&epochs={args.epochs}")
                page.wait_for_selector(IDLE, timeout=180_000)
                pages.append(page)
            print(f"{args.sessions} sessions open; server RSS {rss_mb(server.proc.pid):.0f} MB", flush=True)
            for round_number in range(1, args.rounds + 1):
                start = time.monotonic()
                for page in pages:
                    page.locator(".st-key-train button").click()
                queued = False
                for page in pages:
                    queued |= page.get_by_text("Waiting for a free training slot").count() > 0
                for i, page in enumerate(pages):
                    progress = page.locator("[data-testid='stMain'] [data-testid='stProgress']").first
                    expect(progress).to_contain_text(f"Run {round_number} · Completed", timeout=600_000)
                    assert f"seed={100 + i}" in page.url, page.url  # its own settings, nobody else's
                    assert page.locator("[data-testid='stException']").count() == 0
                print(
                    f"round {round_number}: {args.sessions} trainings in {time.monotonic() - start:.1f} s, "
                    f"queue shown: {queued}, server RSS {rss_mb(server.proc.pid):.0f} MB",
                    flush=True,
                )
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
