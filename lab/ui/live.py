"""The lab page: widgets, Train / Stop, the live loss panel, the lab's views, history and downloads.

Every page is one call, `lab_page(name)`. Data flows one way: the widgets give a
validated config, Train starts a job with it, and every view draws the job's
`Run`; the page talks to the job only through its commands (`stop`, `set`,
`step`, `ask`). The lab's own parts come from its `views.py`: `inputs(values)`
(its own widgets), `preview(config, upload)` (what the validated settings give),
`controls(job)`, `draw(run, data, job)` and `sections(config)`; `inputs` and
`draw` are required, the others optional.
"""

import time

import streamlit as st

from lab import charts
from lab.backends import app_backend
from lab.config import specs
from lab.estimate import estimate_words
from lab.registry import get_lab
from lab.store import default_store
from lab.training import QUEUE, ReopenedJob, TrainingJob
from lab.ui.challenges import banner, fixed_values, linked_challenge, recorder
from lab.ui.identity import owner
from lab.ui.page import page_setup
from lab.ui.panels import diagnosis_view, downloads_view, history_view, share_view
from lab.ui.session import hosted, lab_session, session_key, session_watcher
from lab.ui.widgets import classroom, config_widgets, sync_query_params

LOSS_REDRAW_S = 0.7  # the loss chart and progress, a few times a second (on a server with one training)
FIRST_POINT_WAIT_S = 1.0  # right after Train, wait this long for the untrained model's loss
STOP_WAIT_S = 1.0  # after Stop, wait this long for the run to end (it stops within a batch) before drawing Train
FINAL_SAVE_WAIT_S = 2.0  # a run's final save takes milliseconds; a store that hangs is not waited for longer
VIEWS_REDRAW_S = 2.0  # the lab's own views (heavier charts; a new snapshot about as often)
MAX_REDRAW_SLOWDOWN = 4  # a busy server redraws each training's page up to this many times less often


def redraw_slowdown(job):
    """How many times less often the page of `job` (not ended) redraws: once per training on this server.

    One process draws every session's page, and on a small machine the browsers
    share its cores too: two sessions training at once, each redrawn half as
    often, finish their runs about a quarter sooner (bench/README).
    """
    return min(MAX_REDRAW_SLOWDOWN, max(1, job.queue.trainings(job)))


def _start(lab, config, upload, runs, jobs, entry):
    try:
        data = lab.load_data(config, upload)
    except ValueError as err:
        st.error(f"The data could not be prepared: {err}")
        return
    except Exception as err:  # bad user data must never crash the page
        st.error("The data could not be prepared." + ("" if hosted() else f" ({type(err).__name__}: {err})"))
        return
    previous = jobs.get(lab.name)
    if previous is not None:
        previous.close()  # its run stays in the history; its worker is free for others
    store, person = default_store(), owner()
    # The store also counts this browser's runs in other tabs; the session's own, when the store is down.
    number = max(store.next_number(person, lab.name), max((r.number for r in runs), default=0) + 1)
    job = TrainingJob(
        lab,
        config,
        data,
        number=number,
        watcher=session_watcher(),
        backend=app_backend(),
        session=session_key(),
        recorder=recorder(person, *entry),
    ).start()
    jobs[lab.name] = job
    for earlier in runs:  # only the latest run's views and model are shown: free the others' (Run.lighten)
        earlier.lighten()
    runs.append(job.run)


def reopen(lab_name, key):
    """Asks the lab's page to show the stored run `key` again (`My runs`); the page checks it is this person's."""
    st.session_state[f"_reopen_{lab_name}"] = key


def _reopened(lab, runs, jobs):
    """Shows the stored run that `reopen` asked for, if it is this person's and nothing is training."""
    key = st.session_state.pop(f"_reopen_{lab.name}", None)
    if not key:
        return
    job = jobs.get(lab.name)
    if job is not None and not job.done:
        st.warning("A run is still training here: stop it first to re-open a saved run.")
        return
    run = default_store().load(owner(), key)
    if run is None:
        st.warning("That run is not among your saved runs (it may have been deleted).")
        return
    runs[:] = [r for r in runs if r.key != key] + [run]
    jobs[lab.name] = ReopenedJob(lab, run)


def _live_changes(lab, config, job):
    """Sends the live settings that differ from the job's to it (`job.set`); returns what changed, in words."""
    labels = specs(lab.config_cls)
    changed = []
    for field, current in job.settings.items():
        value = getattr(config, field)
        if value != current:
            job.set(field, value)
            changed.append(f"{labels[field].label} changed to {value:g}")
    return changed


def _controls(lab, config, upload, runs, jobs, entry):
    """Train / Stop. Clicks are handled before the buttons are drawn, so both show the new state.

    Args:
        entry: `(challenge, nickname)` that a new run is entered in, or `()`.
    """
    job = jobs.get(lab.name)
    if st.session_state.get("train") and config is not None and (job is None or job.done):
        _start(lab, config, upload, runs, jobs, entry)
        job = jobs.get(lab.name)
    if st.session_state.get("stop") and job is not None and not job.done:
        job.stop()
        job.wait(STOP_WAIT_S)  # Train comes back in this rerun, not at the live panel's next redraw
    active = job is not None and not job.done
    left, right, info = st.columns([1, 1, 4])
    left.button("Train", key="train", type="primary", disabled=active or config is None, icon=":material/play_arrow:")
    right.button("Stop", key="stop", disabled=not active or job.stop_requested, icon=":material/stop:")
    changed = _live_changes(lab, config, job) if active and config is not None else []
    if changed:
        info.info(f"{'; '.join(changed)}: it applies from the next batch (marked on the chart).")
    elif active:
        info.caption(
            "Training runs in the background. Changes to the learning rate apply at once; other settings apply to the next run."
        )
    else:
        words = estimate_words(lab, config) if config is not None else None
        info.caption(f"{words + ' ' if words else ''}Trains on {app_backend().describe()}.")
    if app_backend().notice:
        st.warning(app_backend().notice, icon=":material/cloud_off:")
    return job


def _progress(job):
    run = job.run
    if run.status == "queued":
        position, wait = job.queue_position(), job.expected_wait()
        if position:
            expected = f" Expected wait: about {wait:.0f} s." if wait is not None else ""
            st.info(
                f"Waiting for a free training slot: number {position} in the queue "
                f"({QUEUE.running} of {QUEUE.max_jobs} slots busy on this server).{expected}"
            )
        else:
            st.info("Starting a training process...")
        return
    epoch = len(run.history) if run.ended else min(run.epochs_planned, int(run.position) + 1)
    left = run.seconds_left()
    eta = f" · about {left:.0f} s left" if left is not None and not run.ended else ""
    text = f"{run.label} · {run.status_words()} · epoch {epoch} of {run.epochs_planned} · {run.wall_seconds:.1f} s{eta}"
    st.progress(run.progress, text=text)
    if run.status == "diverged":
        st.error(
            f"Training diverged: {run.message}. The updates overshot and the loss blew up. "
            "Lower the learning rate (or pick another optimizer) and train again."
        )
    elif run.status == "failed":
        hidden = hosted() and not (run.invalid or run.explained)  # an unexpected error's details stay in the log
        st.error(
            "Training failed on the server; its details are in the server's log."
            if hidden
            else f"Training failed: {run.message}"
        )
    elif run.status == "stopped":
        why = f" {run.message}" if run.message else ""
        st.warning(f"Stopped after {len(run.history)} of {run.epochs_planned} epochs.{why} The run is kept below.")
    for warning in run.warnings:
        st.warning(warning, icon=":material/warning:")


def _loss_panel(lab, run, earlier):
    lab_name = lab.name
    c1, c2, c3, c4 = st.columns([1.3, 1.3, 2, 2], vertical_alignment="center")
    log_scale = c1.toggle("Log scale", value=lab.log_loss, key=f"{lab_name}_log")
    batches = c2.toggle("Batches", value=True, key=f"{lab_name}_batches")
    smoothing = c3.slider(
        "Smoothing",
        0.0,
        0.99,
        0.8,
        0.01,
        key=f"{lab_name}_smoothing",
        help="Exponential smoothing of the batch loss (dark line).",
    )
    chosen = c4.multiselect(
        "Overlay earlier runs",
        [r.label for r in earlier],
        default=[r.label for r in earlier[-3:]],
        key=f"{lab_name}_overlay",
    )
    overlay = [r for r in earlier if r.label in chosen]
    st.vega_lite_chart(charts.loss_chart(run, overlay, log_scale, smoothing, batches), width="stretch")
    st.caption(
        "Light line: each batch's own loss. Dark line: its smoothed trend. Dots: the epoch mean "
        "(what Keras reports as `loss`). Orange: validation loss, measured after each epoch. "
        "Purple dashes: live learning-rate changes."
    )


def _has_points(run):
    return bool(run.history or run.batch_loss) or run.initial_loss is not None


def _loss_panel_live(lab, runs, jobs, slowdown):
    job = jobs.get(lab.name)
    if job is None:
        st.info("Pick the settings on the left and press **Train**. The loss appears here as it falls.")
        return
    run = job.run
    deadline = time.monotonic() + FIRST_POINT_WAIT_S
    starting = run.status == "running" or (run.status == "queued" and not job.queue_position())  # sent to a worker
    while starting and not _has_points(run) and not run.ended and time.monotonic() < deadline:
        time.sleep(0.02)  # the first point is a few hundred ms away: draw it now, not a redraw later
    _progress(job)
    if _has_points(run):
        chart_col, side_col = st.columns([3, 2])
        with chart_col:
            _loss_panel(lab, run, [r for r in runs if r is not run and r.history])
        with side_col:
            diagnosis_view(run)
    if run.ended and st.session_state.get("_finalized") != id(run):
        st.session_state["_finalized"] = id(run)
        job.wait_recorded(FINAL_SAVE_WAIT_S)  # the page then shows the run as stored (and its challenge entry)
        st.rerun()
    elif not run.ended and redraw_slowdown(job) != slowdown:
        st.rerun()  # the server got busier or quieter: the page redraws at the new pace


def _views_live(job, draw):
    if job is not None and job.run.snapshot:
        draw(job.run, job.data, job)


def _classroom_task(config_cls):
    """The teacher's task of a classroom link, and the controls it hides."""
    hidden, task = classroom(st.query_params.to_dict(), config_cls)
    if task:
        with st.container(border=True, key="classroom_task"):
            st.markdown(":material/school: **Your task**")
            st.text(task)  # plain text: a link's words are never rendered as markdown
    return hidden


def _validated(lab, values):
    """The config of the widgets' values, or None with the reason shown."""
    try:
        return lab.config_cls(**values)
    except ValueError as err:
        st.error(f"These settings cannot train: {err}")
        return None


def lab_page(lab_name):
    """Draws a whole lab page from the lab's descriptor and its `views.py`.

    Args:
        lab_name: the lab's registry name.
    """
    lab = get_lab(lab_name)
    views = lab.module("views")
    page_setup(lab.title)
    st.title(lab.title)
    challenge = linked_challenge(lab)
    challenge_slot = st.container()
    hidden = _classroom_task(lab.config_cls)
    fixed = fixed_values(lab, challenge) if challenge is not None else {}
    values, problems = config_widgets(lab.config_cls, lab_name, hidden=set(hidden) | set(fixed))
    for problem in problems:
        st.warning(problem)
    values, upload = views.inputs({**values, **fixed})
    config = _validated(lab, values)
    if config is not None:
        sync_query_params(config)
        if hasattr(views, "preview"):
            views.preview(config, upload)
    runs, jobs = lab_session(lab_name)
    _reopened(lab, runs, jobs)
    entry = ()
    if challenge is not None:
        with challenge_slot:
            latest = jobs.get(lab_name)
            entry = (challenge, banner(lab, challenge, config, latest.run if latest is not None else None))
    job = _controls(lab, config, upload, runs, jobs, entry)
    if default_store().problem:
        st.warning(default_store().problem, icon=":material/database:")
    if hasattr(views, "controls"):
        views.controls(job)
    active = job is not None and not job.done
    slowdown = redraw_slowdown(job) if active else 1
    st.fragment(run_every=LOSS_REDRAW_S * slowdown if active else None)(_loss_panel_live)(lab, runs, jobs, slowdown)
    st.fragment(run_every=VIEWS_REDRAW_S * slowdown if active else None)(_views_live)(job, views.draw)
    if job is not None:
        downloads_view(job.run, lab_name)
        if job.run.summary:
            with st.expander(f"Model summary ({job.run.params:,} parameters)"):
                st.code(job.run.summary, language=None)
    if config is not None:
        with st.expander("Show Keras code"):
            st.caption("A standalone script that reproduces this run with the same seed.")
            st.code(lab.script(config), language="python")
        share_view(lab, config, job.run if job is not None and job.done else None)
    history_view(runs)
    if hasattr(views, "sections"):
        views.sections(config)
