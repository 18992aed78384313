"""Home page of Deep Learning Lab."""

import streamlit as st

from lab.ui.page import GALLERY, available_labs, page_setup

page_setup("Home")
st.title("Deep Learning Lab")
st.markdown(
    "Pick a network's hyperparameters, press **Train**, and watch it learn: the loss streams in as it "
    "falls, the model's view of the data redraws while it trains, and the app reads the loss curve for you "
    "(healthy, still learning, overfitting, learning rate too high or too low). Everything trains for real, "
    "on your machine, with Keras."
)
for path, label, icon, blurb in available_labs():
    with st.container(border=True):
        st.page_link(path, label=f"**{label}**", icon=icon)
        st.caption(blurb)
with st.container(border=True):
    st.page_link(GALLERY, label="**Gallery of loss curves**", icon=":material/photo_library:")
    st.caption("Real curves from every lab, good and bad: healthy, still learning, overfitting, a learning rate too "
               "high or too low, divergence, a GAN's mode collapse. Each comes with its diagnosis, its cause and the "
               "fix beside it; open any of them in its lab and train it yourself.")
