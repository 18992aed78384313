"""Side-by-side comparisons: one button trains several variants of the settings on the same data."""

import streamlit as st

from lab.backends import app_backend
from lab.registry import get_lab
from lab.training import QUEUE, TrainingJob
from lab.ui.session import session_key, session_watcher

COMPARE_REDRAW_S = 1.0  # side-by-side comparisons redraw once a second while they train


def compare_controls(lab_name, state_key, label, config, variants_of, settings_of, live):
    """A side-by-side comparison: one button trains several variants of the page's settings on the same data.

    Args:
        lab_name: the lab's registry name.
        state_key: the session key holding `[(name, job), ...]` of the comparison.
        label: the button's text.
        config: the page's validated config, or None when its settings are invalid.
        variants_of: `config -> [(name, config), ...]`, the variants to train.
        settings_of: `config -> str`, what the variants share, in words (for the caption).
        live: `(entries, done) -> None`, draws the comparison's own views from
            `[(name, job), ...]`; redrawn while the jobs train.
    """
    variants = None if config is None else variants_of(config)
    settings_text = None if config is None else settings_of(config)
    entries = st.session_state.get(state_key) or []
    busy = any(not job.done for _, job in entries)
    if st.session_state.get("compare") and variants and not busy:
        lab = get_lab(lab_name)
        try:
            data = lab.load_data(variants[0][1])
        except ValueError as err:
            st.error(f"The data could not be prepared: {err}")
        else:
            watcher, backend, session = session_watcher(), app_backend(), session_key()
            for _, earlier in entries:
                earlier.close()  # their workers are free for others
            st.session_state[state_key] = [
                (
                    name,
                    TrainingJob(lab, config, data, number=i, watcher=watcher, backend=backend, session=session).start(),
                )
                for i, (name, config) in enumerate(variants, start=1)
            ]
            busy = True
    left, right = st.columns([1, 4], vertical_alignment="center")
    left.button(label, key="compare", icon=":material/compare:", disabled=busy or not variants)
    if variants:
        slots = QUEUE.max_jobs
        at_once = (
            f"all {len(variants)} train at once"
            if slots >= len(variants)
            else f"{slots} train at once on this server, the rest wait"
        )
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
            place = job.queue_position()
            st.progress(
                0.0, text=f"{name} · waiting for a free training slot" + (f" (number {place})" if place else "")
            )
        else:
            st.progress(
                run.progress,
                text=f"{name} · {run.status_words()} · epoch {len(run.history)} of "
                f"{run.epochs_planned} · {run.wall_seconds:.1f} s",
            )
    done = all(job.run.ended for _, job in entries)
    live(entries, done)
    if done and st.session_state.get(f"_{state_key}_finalized") != id(entries):
        st.session_state[f"_{state_key}_finalized"] = id(entries)
        st.rerun()  # enables the button again and stops the redraws
