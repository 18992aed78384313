"""Home page of Deep Learning Lab."""

import streamlit as st

from lab.ui.page import page_setup

LABS = (
    ("pages/1_MLP.py", "Multilayer perceptron", ":material/hub:",
     "Layers, activations, losses and learning rates: watch a dense network carve a decision boundary, "
     "see gradients vanish in a deep sigmoid net and a too-large learning rate blow up."),
    ("pages/2_Autoencoder.py", "Autoencoder", ":material/compress:",
     "Squeeze digits through a bottleneck and rebuild them: the last layer and the loss decide how sharp the "
     "copies are; explore the latent space the network invents."),
)

page_setup("Home")
st.title("Deep Learning Lab")
st.markdown(
    "Pick a network's hyperparameters, press **Train**, and watch it learn: the loss streams in as it "
    "falls, the model's view of the data redraws while it trains, and the app reads the loss curve for you "
    "(healthy, still learning, overfitting, learning rate too high or too low). Everything trains for real, "
    "on your machine, with Keras."
)
for path, label, icon, blurb in LABS:
    with st.container(border=True):
        st.page_link(path, label=f"**{label}**", icon=icon)
        st.caption(blurb)
st.caption("Coming next: a GAN, a physics-informed network for Burgers' equation, RNN vs LSTM, and transformer attention.")
