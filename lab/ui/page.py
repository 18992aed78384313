"""Page setup shared by the home page and every lab page."""

import streamlit as st
from streamlit.runtime.scriptrunner import script_runner

NAV = (
    ("streamlit_app.py", "Home", ":material/home:"),
    ("pages/1_MLP.py", "Multilayer perceptron", ":material/hub:"),
    ("pages/2_Autoencoder.py", "Autoencoder", ":material/compress:"),
    ("pages/3_GAN.py", "GAN", ":material/join:"),
)


def keep_keras_session():
    """Stops Streamlit from calling `keras.backend.clear_session()` after every script run.

    Streamlit does so whenever Keras is imported, on every rerun and fragment
    rerun. That reset is process-wide: it empties TensorFlow's kernel cache and
    runs a full garbage collection, which stalled every background training of
    every session (the first epoch of the default MLP took 20 s instead of 1 s).
    The lab never clears the session (DESIGN.md, "Live training").
    """
    script_runner._clean_problem_modules = lambda: None


def page_setup(title, wide=True):
    """Sets the page config and draws the navigation in the sidebar.

    Args:
        title: the browser tab and page title.
        wide: use the full window width.
    """
    keep_keras_session()
    st.set_page_config(page_title=f"{title} · Deep Learning Lab", page_icon=":material/science:", layout="wide" if wide else "centered")
    with st.sidebar:
        st.markdown("### :material/science: Deep Learning Lab")
        for path, label, icon in NAV:
            st.page_link(path, label=label, icon=icon)
        st.divider()
