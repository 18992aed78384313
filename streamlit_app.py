"""Home page of Deep Learning Lab."""

import streamlit as st

from lab.ui.page import page_setup

page_setup("Home")
st.title("Deep Learning Lab")
st.markdown(
    "Pick a network's hyperparameters, press **Train**, and watch it learn: the loss streams in as it "
    "falls, the model's view of the data redraws every second, and the app reads the loss curve for you."
)
st.page_link("pages/1_MLP.py", label="**Multilayer perceptron**: layers, activations, losses and learning rates", icon=":material/hub:")
st.caption("More labs (autoencoder, GAN, PINN, RNN vs LSTM, attention) are on the way.")
