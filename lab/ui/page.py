"""Page setup shared by the home page and every lab page."""

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import script_runner

ROOT = Path(__file__).resolve().parents[2]

LAB_PAGES = (
    ("pages/1_MLP.py", "Multilayer perceptron", ":material/hub:",
     "Layers, activations, losses and learning rates: watch a dense network carve a decision boundary, "
     "see gradients vanish in a deep sigmoid net and a too-large learning rate blow up."),
    ("pages/2_Autoencoder.py", "Autoencoder", ":material/compress:",
     "Squeeze digits through a bottleneck and rebuild them: the last layer and the loss decide how sharp the "
     "copies are; explore the latent space the network invents."),
    ("pages/3_GAN.py", "GAN", ":material/join:",
     "A generator and a discriminator play a game on 2-D data and digits: watch the fakes move onto the real "
     "modes, and see mode collapse, a winning discriminator and oscillation happen."),
    ("pages/4_PINN.py", "PINN: Burgers' equation", ":material/waves:",
     "A network that knows the physics: the PDE residual joins the loss, the shock at x = 0 forms, and the "
     "error against the exact solution falls; or learn the equation's coefficients from data."),
    ("pages/5_RNN_LSTM.py", "RNN vs LSTM", ":material/timeline:",
     "Memory through time: step through the lecture's worked example, forecast Seattle weather, and watch a "
     "plain RNN's gradients vanish where an LSTM remembers."),
    ("pages/6_Attention.py", "Transformer attention", ":material/center_focus_strong:",
     "A small transformer learns to reverse, shift and sort sequences and to write text; every head's "
     "attention map is drawn while it forms."),
)

GALLERY = "pages/7_Gallery.py"


def available_labs():
    """The `(path, label, icon, blurb)` of each lab whose page file exists, in menu order."""
    return tuple(entry for entry in LAB_PAGES if (ROOT / entry[0]).exists())


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
        st.page_link("streamlit_app.py", label="Home", icon=":material/home:")
        for path, label, icon, _ in available_labs():
            st.page_link(path, label=label, icon=icon)
        st.page_link(GALLERY, label="Gallery of loss curves", icon=":material/photo_library:")
        st.divider()
