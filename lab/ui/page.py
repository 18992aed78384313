"""Page setup shared by the home page and every lab page."""

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import script_runner

from lab.backends import app_backend
from lab.registry import labs
from lab.ui.access import access_gate
from lab.ui.identity import remember_browser

ROOT = Path(__file__).resolve().parents[2]

GALLERY = "pages/8_Gallery.py"
MY_RUNS = "pages/9_My_runs.py"
CHALLENGE = "pages/10_Challenge.py"


def available_labs():
    """The `LabSpec` of each lab whose page file exists, in menu order."""
    return tuple(spec for spec in labs().values() if (ROOT / spec.page).exists())


def keep_keras_session():
    """Stops Streamlit from calling `keras.backend.clear_session()` after every script run.

    Streamlit does so whenever Keras is imported, on every rerun and fragment
    rerun. That reset is process-wide: it empties TensorFlow's kernel cache and
    runs a full garbage collection, which stalled every background training of
    every session (the first epoch of the default MLP took 20 s instead of 1 s).
    The lab never clears the session.
    """
    script_runner._clean_problem_modules = lambda: None


def page_setup(title, wide=True):
    """Sets the page config and draws the navigation in the sidebar.

    Args:
        title: the browser tab and page title.
        wide: use the full window width.
    """
    keep_keras_session()
    st.set_page_config(
        page_title=f"{title} · Deep Learning Lab", page_icon=":material/science:", layout="wide" if wide else "centered"
    )
    with st.sidebar:
        st.markdown("### :material/science: Deep Learning Lab")
        st.page_link("streamlit_app.py", label="Home", icon=":material/home:")
        for spec in available_labs():
            st.page_link(spec.page, label=spec.title, icon=spec.icon)
        st.page_link(GALLERY, label="Gallery of loss curves", icon=":material/photo_library:")
        st.page_link(MY_RUNS, label="My runs", icon=":material/history:")
        st.page_link(CHALLENGE, label="Class challenges", icon=":material/emoji_events:")
        st.divider()
    app_backend()  # starts the training workers with the server's first page, warm before the first click
    access_gate()
    remember_browser()
