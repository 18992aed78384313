"""Home page of Deep Learning Lab."""

import pathlib

import streamlit as st

from lab.ui.page import GALLERY, available_labs, page_setup

ROOT = pathlib.Path(__file__).resolve().parent
PATH = (
    "**A path through the labs:** start with the **multilayer perceptron** (layers, activations, learning "
    "rates, reading a loss curve), squeeze digits through an **autoencoder**, pit two networks against each "
    "other in the **GAN**, give a network memory in **RNN vs LSTM**, watch a **transformer's attention** form, "
    "and finish with physics in the **PINN**. Visit the **gallery** whenever a curve puzzles you."
)
CHEAT_SHEET = """\
| knob | what it does | where to start |
|---|---|---|
| **Architecture** (layers × units) | more layers and units can draw more complicated functions, but train slower and overfit small data | 2 hidden layers of 32–64 units for 2-D data; widen before you deepen |
| **Epochs** | passes over the training data | until the validation loss stops falling; more only helps while it still falls |
| **Loss** | what "wrong" means: cross-entropy for classes, mean squared error for numbers | match it to the last layer: sigmoid + binary cross-entropy, softmax + categorical cross-entropy, linear + MSE |
| **Activation** | the bend in each unit | ReLU (fast, can die), tanh (smooth, centred), sigmoid (saturates in deep stacks: vanishing gradients) |
| **Optimiser** | how the gradient becomes a step | Adam adapts each weight's step and forgives a rough learning rate; SGD needs a tuned one |
| **Learning rate** | the step size | Adam 1e-3 to 3e-3; SGD 0.01 to 0.1. Jumpy loss: divide by 3–10. Flat loss: multiply by 10 |
| **Batch size** | examples per step | 32–256: small batches are noisy but cheap steps, large ones smooth but fewer per epoch |
"""

page_setup("Home")
st.title("Deep Learning Lab")
st.markdown(
    "Pick a network's hyperparameters, press **Train**, and watch it learn: the loss streams in as it "
    "falls, the model's view of the data redraws while it trains, and the app reads the loss curve for you "
    "(healthy, still learning, overfitting, learning rate too high or too low). Everything trains for real, "
    "on your machine, with Keras."
)
st.markdown(PATH)
labs = available_labs()
for start in range(0, len(labs), 3):
    for column, spec in zip(st.columns(3), labs[start : start + 3]):
        with column.container(border=True):
            thumb = ROOT / spec.thumbnail
            if spec.thumbnail and thumb.is_file():
                st.image(str(thumb), width="stretch")
            st.page_link(spec.page, label=f"**{spec.title}**", icon=spec.icon)
            st.caption(spec.blurb)
with st.container(border=True):
    st.page_link(GALLERY, label="**Gallery of loss curves**", icon=":material/photo_library:")
    st.caption(
        "Real curves from every lab, good and bad: healthy, still learning, overfitting, a learning rate too "
        "high or too low, divergence, a GAN's mode collapse, an RNN that cannot remember. Each comes with its "
        "diagnosis, its cause and the fix beside it; open any of them in its lab and train it yourself."
    )
with st.expander("Hyperparameter cheat sheet"):
    st.markdown(CHEAT_SHEET)
