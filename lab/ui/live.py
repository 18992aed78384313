"""The lab page: widgets, Train / Stop, the live panel, run history and downloads.

Every lab page calls `lab_page(name, views)`; `views` draws the lab's own live
views from a run's snapshot.
"""

import os
import time

import streamlit as st

from lab import charts
from lab.registry import get_lab
from lab.training import QUEUE, TrainingJob, training_device
from lab.ui.page import page_setup
from lab.ui.widgets import classroom, config_widgets, share_query, sync_query_params

LOSS_REDRAW_S = 0.7  # the loss chart and progress, a few times a second
FIRST_POINT_WAIT_S = 0.6  # right after Train, wait this long for the untrained model's loss
VIEWS_REDRAW_S = 2.0  # the lab's own views (heavier charts; snapshots come about once a second)
LABEL_WORDS = {
    "healthy": (":green[:material/check_circle:]", "Healthy"),
    "still_learning": (":blue[:material/trending_down:]", "Still learning"),
    "overfitting": (":orange[:material/warning:]", "Overfitting"),
    "lr_too_high": (":orange[:material/ssid_chart:]", "Learning rate too high"),
    "diverged": (":red[:material/error:]", "Diverged"),
    "lr_too_low": (":orange[:material/hourglass_bottom:]", "Learning rate too low"),
    "val_below_train": (":blue[:material/info:]", "Validation below training"),
    "discriminator_wins": (":orange[:material/gavel:]", "Discriminator wins"),
    "mode_collapse": (":orange[:material/compress:]", "Mode collapse"),
    "oscillation": (":orange[:material/airwaves:]", "Oscillation"),
    "balanced": (":green[:material/balance:]", "Balanced game"),
}


def _session(lab_name):
    """This session's runs and active job of a lab (kept across reruns and page switches)."""
    runs = st.session_state.setdefault("runs", {}).setdefault(lab_name, [])
    jobs = st.session_state.setdefault("jobs", {})
    return runs, jobs


def _hosted():
    return os.environ.get("LAB_HOSTED", "") not in ("", "0", "false")


def session_watcher():
    """A callable that is True while this browser session is connected; None outside a server (AppTest).

    Jobs started from a page use it to stop themselves once the page has been
    closed for a while (`TrainingJob`, `LAB_ABANDON_S`).
    """
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return None
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(session_id)


def _start(lab, config, upload, runs, jobs):
    try:
        data = lab.load_data(config, upload)
    except ValueError as err:
        st.error(f"The data could not be prepared: {err}")
        return
    except Exception as err:  # bad user data must never crash the page
        st.error("The data could not be prepared." + ("" if _hosted() else f" ({type(err).__name__}: {err})"))
        return
    job = TrainingJob(lab, config, data, number=len(runs) + 1, watcher=session_watcher()).start()
    jobs[lab.name] = job
    for earlier in runs:  # only the latest run's views and model are shown: free the others' (Run.lighten)
        earlier.lighten()
    runs.append(job.run)


def _controls(lab, config, upload, runs, jobs):
    """Train / Stop. Clicks are handled before the buttons are drawn, so both show the new state."""
    job = jobs.get(lab.name)
    if st.session_state.get("train") and config is not None and (job is None or job.done):
        _start(lab, config, upload, runs, jobs)
        job = jobs.get(lab.name)
    if st.session_state.get("stop") and job is not None:
        job.stop()
    active = job is not None and not job.done
    left, right, info = st.columns([1, 1, 4])
    left.button("Train", key="train", type="primary", disabled=active or config is None, icon=":material/play_arrow:")
    right.button("Stop", key="stop", disabled=not active or job.stop_requested, icon=":material/stop:")
    if active and config is not None and config.learning_rate != job.learning_rate:
        job.set_learning_rate(config.learning_rate)
        info.info(f"Learning rate changed to {config.learning_rate:g}: it applies from the next batch (marked on the chart).")
    elif active:
        info.caption("Training runs in the background. Changes to the learning rate apply at once; other settings apply to the next run.")
    else:
        info.caption(f"Trains on this server's {training_device()}.")
    return job


def _progress(job):
    run = job.run
    if run.status == "queued":
        position = job.queue_position()
        st.info(f"Waiting for a free training slot: number {position} in the queue "
                f"({QUEUE.running} of {QUEUE.max_jobs} slots busy on this server).")
        return
    epoch = len(run.history) if run.ended else min(run.epochs_planned, int(run.position) + 1)
    left = run.seconds_left()
    eta = f" · about {left:.0f} s left" if left is not None and not run.ended else ""
    text = f"{run.label} · {run.status_words()} · epoch {epoch} of {run.epochs_planned} · {run.wall_seconds:.1f} s{eta}"
    st.progress(run.progress, text=text)
    if run.status == "diverged":
        st.error(f"Training diverged: {run.message}. The updates overshot and the loss blew up. "
                 "Lower the learning rate (or pick another optimizer) and train again.")
    elif run.status == "failed":
        hidden = _hosted() and not run.invalid  # an unexpected error's details stay in the server log
        st.error("Training failed on the server; its details are in the server's log." if hidden
                 else f"Training failed: {run.message}")
    elif run.status == "stopped":
        why = f" {run.message}" if run.message else ""
        st.warning(f"Stopped after {len(run.history)} of {run.epochs_planned} epochs.{why} The run is kept below.")
    for warning in run.warnings:
        st.warning(warning, icon=":material/warning:")


def diagnosis_view(run):
    """The live diagnosis of the loss curve."""
    result = run.diagnosis or {}
    st.markdown("**What the loss curve says**")
    if not result or result.get("too_early"):
        st.caption(result.get("summary") or "Too early to tell: train a few epochs.")
        return
    st.caption(result.get("summary", ""))
    for finding in result.get("findings", []):
        icon, words = LABEL_WORDS.get(finding["label"], ("•", finding["label"]))
        st.markdown(f"{icon} **{words}**: {finding['evidence']}  \n*{finding['advice']}*")


def _loss_panel(lab_name, run, earlier):
    c1, c2, c3, c4 = st.columns([1.3, 1.3, 2, 2], vertical_alignment="center")
    log_scale = c1.toggle("Log scale", key=f"{lab_name}_log")
    batches = c2.toggle("Batches", value=True, key=f"{lab_name}_batches")
    smoothing = c3.slider("Smoothing", 0.0, 0.99, 0.8, 0.01, key=f"{lab_name}_smoothing", help="Exponential smoothing of the batch loss (dark line).")
    chosen = c4.multiselect("Overlay earlier runs", [r.label for r in earlier], default=[r.label for r in earlier[-3:]], key=f"{lab_name}_overlay")
    overlay = [r for r in earlier if r.label in chosen]
    st.altair_chart(charts.loss_chart(run, overlay, log_scale, smoothing, batches), width="stretch")
    st.caption("Light line: each batch's own loss. Dark line: its smoothed trend. Dots: the epoch mean "
               "(what Keras reports as `loss`). Orange: validation loss, measured after each epoch. "
               "Purple dashes: live learning-rate changes.")


def _has_points(run):
    return bool(run.history or run.batch_loss) or run.initial_loss is not None


def _loss_panel_live(lab, runs, jobs):
    job = jobs.get(lab.name)
    if job is None:
        st.info("Pick the settings on the left and press **Train**. The loss appears here as it falls.")
        return
    run = job.run
    deadline = time.monotonic() + FIRST_POINT_WAIT_S
    while run.status == "running" and not _has_points(run) and time.monotonic() < deadline:
        time.sleep(0.02)  # the first point is a few hundred ms away: draw it now, not a redraw later
    _progress(job)
    if _has_points(run):
        chart_col, side_col = st.columns([3, 2])
        with chart_col:
            _loss_panel(lab.name, run, [r for r in runs if r is not run and r.history])
        with side_col:
            diagnosis_view(run)
    if run.ended and st.session_state.get("_finalized") != id(run):
        st.session_state["_finalized"] = id(run)
        st.rerun()


def _views_live(job, views):
    if job is not None and job.run.snapshot:
        views(job.run, job.data)


def history_view(runs):
    """The session's runs as a table: settings that changed and final metrics."""
    if not runs:
        return
    st.subheader("Run history")
    rows = []
    for run in reversed(runs):
        row = {"run": run.label, "status": run.status, "seconds": round(run.wall_seconds, 1)}
        row.update({k: str(v) for k, v in run.config.to_strings().items()})
        row.update({k: round(v, 4) for k, v in run.metrics.items() if isinstance(v, float)})
        rows.append(row)
    st.dataframe(rows, hide_index=True, width="stretch")


def downloads_view(run, lab_name):
    """Downloads of a run: history CSV, config JSON, the trained model."""
    if not run.ended:
        return
    a, b, c = st.columns(3)
    stem = f"{lab_name}_run{run.number}"
    a.download_button("History (CSV)", run.to_csv(), f"{stem}_history.csv", "text/csv", key="download_csv", on_click="ignore")
    b.download_button("Config (JSON)", run.config_json(), f"{stem}_config.json", "application/json", key="download_config", on_click="ignore")
    if run.model_bytes:
        c.download_button("Model (.keras)", run.model_bytes, f"{stem}.keras", "application/octet-stream", key="download_model", on_click="ignore")


COMPARE_REDRAW_S = 1.0  # side-by-side comparisons redraw once a second while they train


def compare_controls(lab_name, state_key, label, variants, settings_text, live):
    """A side-by-side comparison: one button trains several variants of the settings on the same data.

    Args:
        lab_name: the lab's registry name.
        state_key: the session key holding `[(name, job), ...]` of the comparison.
        label: the button's text.
        variants: `[(name, config), ...]` to train, or None when the settings are invalid.
        settings_text: what the variants share, in words (for the caption).
        live: `(entries, done) -> None`, draws the comparison's own views from
            `[(name, job), ...]`; redrawn while the jobs train.
    """
    entries = st.session_state.get(state_key) or []
    busy = any(not job.done for _, job in entries)
    if st.session_state.get("compare") and variants and not busy:
        lab = get_lab(lab_name)
        try:
            data = lab.load_data(variants[0][1])
        except ValueError as err:
            st.error(f"The data could not be prepared: {err}")
        else:
            watcher = session_watcher()
            st.session_state[state_key] = [(name, TrainingJob(lab, config, data, number=i, watcher=watcher).start())
                                           for i, (name, config) in enumerate(variants, start=1)]
            busy = True
    left, right = st.columns([1, 4], vertical_alignment="center")
    left.button(label, key="compare", icon=":material/compare:", disabled=busy or not variants)
    if variants:
        slots = QUEUE.max_jobs
        at_once = (f"all {len(variants)} train at once" if slots >= len(variants)
                   else f"{slots} train at once on this server, the rest wait")
        right.caption(f"Trains {len(variants)} networks with your other settings ({settings_text}); {at_once}.")
    st.fragment(run_every=COMPARE_REDRAW_S if busy else None)(_compare_live)(state_key, live)


def _compare_live(state_key, live):
    """Each variant's progress, then the lab's views; one full rerun when all ended (enables the button)."""
    entries = st.session_state.get(state_key)
    if not entries:
        return
    for name, job in entries:
        run = job.run
        if run.status == "queued":
            st.progress(0.0, text=f"{name} · waiting for a free training slot")
        else:
            st.progress(run.progress, text=f"{name} · {run.status_words()} · epoch {len(run.history)} of "
                                           f"{run.epochs_planned} · {run.wall_seconds:.1f} s")
    done = all(job.run.ended for _, job in entries)
    live(entries, done)
    if done and st.session_state.get(f"_{state_key}_finalized") != id(entries):
        st.session_state[f"_{state_key}_finalized"] = id(entries)
        st.rerun()  # enables the button again and stops the redraws


def share_view(lab, config):
    """The share box: a link that restores the settings, and a classroom link builder for teachers."""
    from lab.config import specs

    with st.expander("Share these settings, or make a classroom link"):
        base = (st.context.url or "").split("?")[0]
        st.caption("The address bar already holds the settings; this link restores them.")
        st.code(f"{base}?{share_query(config)}", language=None)
        st.markdown("**Classroom link**: your students open the lab with these settings, the controls you pick "
                    "hidden, and your task shown above the lab.")
        fields = [name for name, spec in specs(lab.config_cls).items() if spec.ui]
        hide = st.multiselect("Hide these controls", ["all", *fields], key=f"{lab.name}_class_hide")
        task = st.text_area("Task for the students", key=f"{lab.name}_class_task", max_chars=500,
                            placeholder="For example: press Train, then halve the learning rate. What happens to the loss?")
        if hide or task:
            st.code(f"{base}?{share_query(config, hide, task)}", language=None)


def lab_page(lab_name, views, inputs=None, code=None):
    """Draws a whole lab page.

    Args:
        lab_name: the lab's registry name.
        views: `(run, data) -> None`, draws the lab's live views.
        inputs: `(values) -> (values, upload)`, extra inputs (file uploads), optional.
        code: `(config) -> str`, the standalone Keras script, optional.
    """
    lab = get_lab(lab_name)
    page_setup(lab.title)
    st.title(lab.title)
    hidden, task = classroom(st.query_params.to_dict())
    if task:
        with st.container(border=True, key="classroom_task"):
            st.markdown(":material/school: **Your task**")
            st.text(task)  # plain text: a link's words are never rendered as markdown
    values, problems = config_widgets(lab.config_cls, lab_name, hidden=hidden)
    for problem in problems:
        st.warning(problem)
    upload = None
    if inputs:
        values, upload = inputs(values)
    try:
        config = lab.config_cls(**values)
    except ValueError as err:
        st.error(f"These settings cannot train: {err}")
        config = None
    if config is not None:
        sync_query_params(config)
    runs, jobs = _session(lab_name)
    job = _controls(lab, config, upload, runs, jobs)
    active = job is not None and not job.done
    st.fragment(run_every=LOSS_REDRAW_S if active else None)(_loss_panel_live)(lab, runs, jobs)
    st.fragment(run_every=VIEWS_REDRAW_S if active else None)(_views_live)(job, views)
    if job is not None:
        downloads_view(job.run, lab_name)
        if job.run.summary:
            with st.expander(f"Model summary ({job.run.params:,} parameters)"):
                st.code(job.run.summary, language=None)
    if config is not None and code is not None:
        with st.expander("Show Keras code"):
            st.caption("A standalone script that reproduces this run with the same seed.")
            st.code(code(config), language="python")
    if config is not None:
        share_view(lab, config)
    history_view(runs)
