"""What a browser session keeps: its runs and jobs per lab, and whether it is still connected."""

import os
import uuid

import streamlit as st


def lab_session(lab_name):
    """This session's runs and active jobs of a lab (kept across reruns and page switches).

    Returns:
        `(runs, jobs)`: the lab's list of runs, and `{lab name: latest job}`.
    """
    runs = st.session_state.setdefault("runs", {}).setdefault(lab_name, [])
    jobs = st.session_state.setdefault("jobs", {})
    return runs, jobs


def session_key():
    """This browser session's key for the training queue's fairness: the signed-in user, else the session."""
    user = _signed_in_user()
    if user:
        return f"user:{user}"
    return st.session_state.setdefault("_session_key", uuid.uuid4().hex)


def _signed_in_user():
    try:
        return st.user.get("email") or st.user.get("sub") if st.user.is_logged_in else None
    except Exception:  # no authentication configured (or an older Streamlit)
        return None


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
