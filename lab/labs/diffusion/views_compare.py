""" "Which generative model?": the diffusion page runs `python -m lab compare` and shows its table and verdict.

The comparison trains four models one after another, for minutes; it runs as its
own process (the same command the README names), so the page stays responsive and
the result is exactly what the command line gives.
"""

import json
import pathlib
import subprocess
import sys
import tempfile
import time

import altair as alt
import pandas as pd
import streamlit as st

from lab.labs.diffusion.charts import points_chart
from lab.labs.gan import data as gan_data
from lab.labs.gan.config import POINT_DATASETS, GANConfig

ROOT = pathlib.Path(__file__).resolve().parents[3]
STATE = "diffusion_compare"
BUDGET_DEFAULT, BUDGET_MIN, BUDGET_MAX = 20, 2, 120  # training seconds per model
MODELS = 4
OVERHEAD_S = 15  # start-up, compilation and sampling, on top of the four budgets (measured on two cores)
COLUMNS = {
    "label": "model",
    "params": "parameters",
    "train_seconds": "training s",
    "sample_seconds": "s per 1,000 samples",
    "modes_captured": "modes captured",
    "high_quality_fraction": "high-quality share",
}


def _start(dataset, budget, seed):
    folder = pathlib.Path(tempfile.mkdtemp(prefix="lab-compare-"))
    out, log = folder / "compare.json", folder / "compare.log"
    command = [sys.executable, "-m", "lab", "compare", "--dataset", dataset, "--budget", str(budget)]
    command += ["--seed", str(seed), "--json", str(out)]
    with open(log, "w") as handle:
        process = subprocess.Popen(command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
    st.session_state[STATE] = {
        "process": process,
        "out": out,
        "log": log,
        "started": time.monotonic(),
        "expected": MODELS * budget + OVERHEAD_S,
        "dataset": dataset,
        "result": None,
        "error": None,
    }


def _finish(state):
    """Reads the finished process's JSON (or its last words) into `state`."""
    process = state.pop("process")
    if process.returncode == 0 and state["out"].is_file():
        state["result"] = json.loads(state["out"].read_text())
    else:
        lines = state["log"].read_text().strip().splitlines() if state["log"].is_file() else []
        state["error"] = lines[-1] if lines else f"the comparison stopped with exit status {process.returncode}"


def _progress(state):
    process = state.get("process")
    if process is None:
        return False
    if process.poll() is None:
        elapsed = time.monotonic() - state["started"]
        st.progress(
            min(0.99, elapsed / state["expected"]),
            text=f"Training the four models on {state['dataset']}: {elapsed:.0f} s of about {state['expected']} s",
        )
        return True
    _finish(state)
    st.rerun(scope="fragment")  # draw the widgets enabled again, with the result


def _table(entries):
    frame = pd.DataFrame(entries)
    frame = frame[[c for c in COLUMNS if c in frame]].rename(columns=COLUMNS)
    if "high-quality share" in frame:
        frame["high-quality share"] = frame["high-quality share"].map(lambda v: "–" if pd.isna(v) else f"{v:.1%}")
    return frame


def _result(result):
    entries = result["entries"]
    real = gan_data.load(GANConfig(dataset=result["dataset"], n_samples=800))
    charts = [
        points_chart(real.x, entry["samples"], real.bounds, entry["label"]).properties(width=165, height=165)
        for entry in entries
    ]
    st.altair_chart(alt.hconcat(*charts).resolve_scale(color="shared"), width="content")
    st.dataframe(_table(entries), hide_index=True, key="diffusion_compare_table")
    st.markdown(f"**Verdict.** {result['verdict']}")
    st.caption(
        f"Each model trained for about {result['budget_seconds']:g} s on the same {result['dataset']} points, with "
        "about the same number of parameters. The same comparison from the command line: "
        f"`python -m lab compare --dataset {result['dataset']} --budget {result['budget_seconds']:g} --json out.json`."
    )


@st.fragment
def _panel(default_dataset, seed):
    state = st.session_state.get(STATE) or {}
    running = state.get("process") is not None
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    dataset = left.selectbox(
        "Data",
        POINT_DATASETS,
        index=POINT_DATASETS.index(default_dataset),
        key="diffusion_compare_dataset",
        disabled=running,
    )
    budget = middle.number_input(
        "Training seconds per model",
        BUDGET_MIN,
        BUDGET_MAX,
        BUDGET_DEFAULT,
        key="diffusion_compare_budget",
        disabled=running,
        help="Each of the four models trains for this long; the whole comparison takes about four times as long.",
    )
    if right.button("Compare the four", key="diffusion_compare_start", disabled=running, width="stretch"):
        _start(dataset, int(budget), seed)
        st.rerun(scope="fragment")
    state = st.session_state.get(STATE) or {}
    if _progress(state):
        time.sleep(1.0)
        st.rerun(scope="fragment")
    if state.get("error"):
        st.error(f"The comparison did not finish: {state['error']}")
    elif state.get("result"):
        _result(state["result"])


def compare_section(config):
    """The "Which generative model?" section under the lab."""
    st.subheader("Which generative model?")
    st.markdown(
        "Four families learn the same 2-D points, each with about the same number of parameters and the same "
        "training time. A **GAN** turns noise into points in one pass, trained by a game against a "
        "discriminator: fast to sample, sharp, but it may drop modes. A **VAE** decodes a Gaussian latent: it "
        "covers the data but smears it. A **normalizing flow** (RealNVP) bends a Gaussian with invertible "
        "layers, so it knows each point's exact likelihood, but a smooth invertible map leaves bridges between "
        "modes. **Diffusion** covers every mode with sharp samples, and pays for it at sampling time: one "
        "network evaluation per step."
    )
    default = config.dataset if config is not None and config.dataset in POINT_DATASETS else POINT_DATASETS[0]
    _panel(default, config.seed if config is not None else 0)
