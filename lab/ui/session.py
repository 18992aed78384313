"""What a browser session keeps: its runs and jobs per lab, and whether it is still connected."""

import os
import uuid

import streamlit as st

from lab.store import default_store
from lab.ui.identity import owner, signed_in_user

STORED_RUNS_SHOWN = 20  # a lab page lists its person's latest stored runs (My runs has them all)


def lab_session(lab_name):
    """This session's runs and active jobs of a lab (kept across reruns and page switches).

    A session's first visit to a lab starts from its person's stored runs (`lab.store`).

    Returns:
        `(runs, jobs)`: the lab's list of runs, and `{lab name: latest job}`.
    """
    every_lab = st.session_state.setdefault("runs", {})
    if lab_name not in every_lab:  # a new session (a reload, another day) starts from the stored runs
        every_lab[lab_name] = default_store().runs(owner(), lab=lab_name, limit=STORED_RUNS_SHOWN)[::-1]
    runs = every_lab[lab_name]
    jobs = st.session_state.setdefault("jobs", {})
    return runs, jobs


def session_key():
    """This browser session's key for the training queue's fairness: the signed-in user, else the session."""
    user = signed_in_user()
    if user:
        return f"user:{user}"
    return st.session_state.setdefault("_session_key", uuid.uuid4().hex)


def hosted():
    """The server runs in hosted mode (`LAB_HOSTED`): unexpected failures' details stay in its log."""
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
