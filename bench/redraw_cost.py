"""Redraw cost: what drawing the live charts costs, and what it costs the training.

While a job trains, the lab page reruns two fragments: the loss panel every
`lab.ui.live.LOSS_REDRAW_S` and the lab's own views every `VIEWS_REDRAW_S`.
Each rerun builds Altair charts and Streamlit converts them to Vega-Lite with
Arrow data. That is Python work in the server process: it competes with the
training thread for the GIL (and, on 2 cores, for the CPU).

Part 1 times each chart of the MLP page, built from a finished default run:
`build` (the `lab.charts` builder) and `convert` (Streamlit's Altair to
Vega-Lite conversion plus the JSON it sends). Part 2 trains the default run
through the engine alone and with a simulated viewer: a thread that builds and
converts the same charts at the page's cadence. Interleaved alone / viewer /
alone / viewer ... after one warm-up of each. No browser, no websocket: a lower bound of what one
watching session costs.

Usage:

```
python -m bench.redraw_cost [--repeats 5]
```
"""

import argparse
import json
import os
import statistics
import threading
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def convert(chart):
    """Streamlit's conversion of a chart: a Vega-Lite dict's data frames to Arrow, an Altair chart's spec.

    Uses Streamlit's private API for Altair charts (falls back to `to_dict`).
    """
    if isinstance(chart, dict):
        from streamlit import dataframe_util

        arrow = [dataframe_util.convert_anything_to_arrow_bytes(d) for d in chart.get("datasets", {}).values()]
        return json.dumps({k: v for k, v in chart.items() if k != "datasets"}) + str(sum(map(len, arrow)))
    try:
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

        spec = _convert_altair_to_vega_lite_spec(chart)
    except ImportError:
        spec = chart.to_dict()
    return json.dumps(spec, default=str)


def loss_charts(run, data):
    """The loss panel's charts, as `lab.ui.live` draws them with its defaults."""
    from lab import charts

    return [charts.loss_chart(run, [], False, 0.8, True)]


def view_charts(run, data):
    """The MLP views' charts, as `lab.labs.mlp.views.draw` draws them."""
    import numpy as np

    from lab import charts

    snap, out = run.snapshot, []
    if "boundary" in snap:
        x = np.concatenate([data.x_train, data.x_val])
        y = np.concatenate([data.y_train, data.y_val])
        out.append(charts.boundary_chart(snap["boundary"], x, y, data.class_names))
    if len(run.history):
        out.append(charts.metric_chart(run, "accuracy" if "accuracy" in run.history[-1] else "mse"))
    if "gradients" in snap:
        out.append(
            charts.gradient_chart(snap["gradients"], getattr(run, "first_snapshot", {}).get("gradients"), snap["epoch"])
        )
    if "confusion" in snap:
        out.append(charts.confusion_chart(snap["confusion"], data.class_names))
    return out


def redraw(charts_fn, run, data):
    """Builds and converts one fragment's charts; returns `(build s, convert s)`."""
    start = time.perf_counter()
    built = charts_fn(run, data)
    mid = time.perf_counter()
    for chart in built:
        convert(chart)
    return mid - start, time.perf_counter() - mid


class Viewer:
    """A thread that redraws a run's charts at the lab page's cadence until stopped."""

    def __init__(self, job):
        from lab.ui import live

        self.job = job
        self.periods = ((loss_charts, live.LOSS_REDRAW_S), (view_charts, live.VIEWS_REDRAW_S))
        self.busy = 0.0
        self._thread = threading.Thread(target=self._main, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._thread.join()

    def _main(self):
        due = [time.monotonic()] * len(self.periods)
        while not self.job.done:
            now = time.monotonic()
            for i, (charts_fn, period) in enumerate(self.periods):
                run = self.job.run
                if now >= due[i] and (run.batch_loss or run.history):
                    self.busy += sum(redraw(charts_fn, run, self.job.data))
                    due[i] = now + period
            time.sleep(0.01)


VARIANTS = {"alone": False, "with a simulated viewer": True}  # name: viewer on


def train(lab, config, data, variant):
    """One default run through the engine.

    Returns:
        `(run.wall_seconds, viewer busy s, process CPU s)`.
    """
    from lab.training import JobQueue, TrainingJob

    job = TrainingJob(lab, config, data, number=1, queue=JobQueue(1))
    cpu = time.process_time()
    if not VARIANTS[variant]:
        job.start().wait()
        return job.run.wall_seconds, 0.0, time.process_time() - cpu
    with Viewer(job) as v:
        job.start().wait()
    return job.run.wall_seconds, v.busy, time.process_time() - cpu


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.redraw_cost", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--repeats", type=int, default=5, help="timings per chart and interleaved training pairs (default 5)"
    )
    args = parser.parse_args(argv)
    from lab.registry import get_lab
    from lab.training import TrainingJob
    from lab.ui import live

    lab = get_lab("mlp")
    config = lab.config_cls()
    data = lab.load_data(config)
    run = TrainingJob(lab, config, data).start().wait()
    print(
        f"MLP defaults ({config.dataset}, {config.epochs} epochs): {len(run.batch_loss)} batches, "
        f"redraws every {live.LOSS_REDRAW_S} s (loss) and {live.VIEWS_REDRAW_S} s (views)\n"
    )
    print(f"{'fragment':10s} {'build ms':>9s} {'convert ms':>11s} {'total ms':>9s} {'share of one core':>18s}")
    load = 0.0
    for name, fn, period in (("loss", loss_charts, live.LOSS_REDRAW_S), ("views", view_charts, live.VIEWS_REDRAW_S)):
        redraw(fn, run, data)  # warm-up
        times = [redraw(fn, run, data) for _ in range(args.repeats)]
        build = statistics.median(t[0] for t in times)
        conv = statistics.median(t[1] for t in times)
        load += (build + conv) / period
        print(
            f"{name:10s} {1000 * build:9.1f} {1000 * conv:11.1f} {1000 * (build + conv):9.1f} {100 * (build + conv) / period:17.1f}%"
        )
    print(
        f"{'both':10s} {'':9s} {'':11s} {'':9s} {100 * load:17.1f}%   (charts of the finished run: the end of training)"
    )

    for variant in VARIANTS:  # warm-up
        train(lab, config, data, variant)
    seconds = {variant: [] for variant in VARIANTS}
    busy = {variant: [] for variant in VARIANTS}
    cpu = {variant: [] for variant in VARIANTS}
    for _ in range(args.repeats):
        for variant in VARIANTS:
            s, b, c = train(lab, config, data, variant)
            seconds[variant].append(s)
            busy[variant].append(b)
            cpu[variant].append(c)
    print(f"\ndefault run through the engine, median of {args.repeats} interleaved rounds (run.wall_seconds)")
    alone = seconds["alone"]
    for variant, values in seconds.items():
        ratio = statistics.median(v / a for v, a in zip(values, alone))
        drew = f"(the viewer drew for {statistics.median(busy[variant]):.2f} s of it)" if VARIANTS[variant] else ""
        print(
            f"  {variant:25s} {statistics.median(values):6.2f} s   x{ratio:.2f}   "
            f"CPU {statistics.median(cpu[variant]):5.2f} s   {drew}"
        )


if __name__ == "__main__":
    main()
