"""My runs: every run this person made, in any lab, kept by the run store (`lab.store`)."""

import datetime

import altair as alt
import pandas as pd
import streamlit as st

from lab.registry import get_lab
from lab.store import default_store
from lab.ui.identity import owner
from lab.ui.live import reopen
from lab.ui.page import page_setup


def run_name(run):
    """`MLP · Run 3`: a run's name among all of a person's runs."""
    return f"{get_lab(run.lab).title} · {run.label}"


def _settings_words(run):
    changed = run.config.to_strings()
    return ", ".join(f"{k}={v}" for k, v in changed.items()) or "defaults"


def _final(run, name):
    values = [row.get(name) for row in run.history if isinstance(row.get(name), (int, float))]
    return values[-1] if values else None


def runs_frame(runs):
    """One row per run: its lab, name, start, status, loss curve, final losses, metrics and settings."""
    rows = []
    for run in runs:
        numbers = {
            k: v
            for k, v in run.metrics.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in ("loss", "val_loss")
        }
        rows.append(
            {
                "run": run_name(run),
                "started": datetime.datetime.fromtimestamp(run.started_at),
                "status": run.status_words(),
                "settings": _settings_words(run),
                "loss curve": [row["loss"] for row in run.history if isinstance(row.get("loss"), (int, float))],
                "loss": _final(run, "loss"),
                "val_loss": _final(run, "val_loss"),
                "metrics": ", ".join(f"{k} {v:.4g}" for k, v in list(numbers.items())[:4]),
                "parameters": run.params,
                "seconds": round(run.wall_seconds, 1),
            }
        )
    return pd.DataFrame(rows)


def overlay_chart(runs):
    """The chosen runs' epoch losses in one chart: training solid, validation dashed."""
    rows = [
        {"run": run_name(run), "epoch": row["epoch"], "curve": kind, "loss": row[key]}
        for run in runs
        for row in run.history
        for key, kind in (("loss", "training"), ("val_loss", "validation"))
        if isinstance(row.get(key), (int, float))
    ]
    frame = pd.DataFrame(rows, columns=["run", "epoch", "curve", "loss"])
    return (
        alt.Chart(frame, title="Loss of the chosen runs")
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("epoch:Q", title="epoch"),
            y=alt.Y("loss:Q", title="loss (log scale)", scale=alt.Scale(type="log")),
            color=alt.Color("run:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
            strokeDash=alt.StrokeDash("curve:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["run:N", "curve:N", "epoch:Q", alt.Tooltip("loss:Q", format=".4g")],
        )
        .properties(height=320)
    )


def _actions(store, person, chosen):
    left, middle, right = st.columns(3)
    if left.button("Re-open in lab", disabled=len(chosen) != 1, icon=":material/open_in_new:", key="reopen"):
        run = chosen[0]
        reopen(run.lab, run.key)
        st.switch_page(get_lab(run.lab).page, query_params=run.config.to_strings())
    middle.download_button(
        "Download the chosen runs (zip)",
        lambda: store.export(person, {run.key for run in chosen}),
        "my_runs_chosen.zip",
        "application/zip",
        disabled=not chosen,
        icon=":material/download:",
        on_click="ignore",
        key="download_chosen",
    )
    if right.button("Delete the chosen runs", disabled=not chosen, icon=":material/delete:", key="delete_chosen"):
        gone = store.delete(person, [run.key for run in chosen])
        st.toast(f"Deleted {gone} run{'s' if gone != 1 else ''}.")
        st.rerun()


def _everything(store, person, count):
    left, right = st.columns(2)
    left.download_button(
        "Export all my runs (zip of CSV, JSON and .keras files)",
        lambda: store.export(person),
        "my_runs.zip",
        "application/zip",
        icon=":material/archive:",
        on_click="ignore",
        key="export_all",
    )
    with right.popover("Delete all my runs", icon=":material/delete_forever:"):
        st.write(f"This deletes all {count} of your runs, their curves and models, for good.")
        if st.button("Yes, delete them all", type="primary", key="delete_all"):
            store.delete(person)
            st.session_state.pop("runs", None)  # the lab pages' lists start again from the (empty) store
            st.rerun()


def my_runs_page():
    """The My runs page."""
    page_setup("My runs")
    st.title("My runs")
    store, person = default_store(), owner()
    st.caption(
        "Every run you train, in any lab, is saved while it trains and when it ends: a reload, a closed laptop or a "
        "restarted server loses nothing. They belong to this browser (or to your account when you are signed in); "
        "nobody else can list or open them."
    )
    runs = store.runs(person)
    if store.problem:
        st.warning(store.problem, icon=":material/database:")
    if not runs:
        st.info("No runs yet. Train in any lab and your runs appear here.")
        return
    labs = sorted({run.lab for run in runs}, key=lambda name: get_lab(name).order)
    shown = st.pills(
        "Labs", labs, selection_mode="multi", default=labs, format_func=lambda name: get_lab(name).title, key="labs"
    )
    runs = [run for run in runs if run.lab in (shown or labs)]
    kept = store.model_bytes(person)
    size = f"{kept / 1e6:.1f} MB" if kept >= 1e5 else f"{kept / 1e3:.0f} kB"
    st.caption(f"{len(runs)} run{'s' if len(runs) != 1 else ''} · {size} of models kept. Pick rows to act on them.")
    table = st.dataframe(
        runs_frame(runs),
        hide_index=True,
        on_select="rerun",
        selection_mode="multi-row",
        key="my_runs_table",
        column_config={
            "loss curve": st.column_config.LineChartColumn("loss curve", width="small"),
            "started": st.column_config.DatetimeColumn("started", format="D MMM, HH:mm"),
            "loss": st.column_config.NumberColumn(format="%.4g"),
            "val_loss": st.column_config.NumberColumn(format="%.4g"),
        },
    )
    chosen = [runs[i] for i in table.selection.rows if i < len(runs)]
    _actions(store, person, chosen)
    if len(chosen) >= 2:
        st.altair_chart(overlay_chart(chosen), width="stretch")
    elif chosen:
        st.caption("Pick a second run to overlay their curves.")
    st.divider()
    _everything(store, person, len(runs))
