"""The RNN vs LSTM lab: its descriptor (see `lab.registry`)."""

from lab.labs.rnn.config import PRESETS, RNNConfig, work
from lab.registry import LabSpec

LAB = LabSpec(
    name="rnn",
    title="RNN vs LSTM",
    icon=":material/timeline:",
    order=5,
    page="pages/5_RNN_LSTM.py",
    blurb=(
        "Memory through time: step through the lecture's worked example, forecast Seattle weather, and "
        "watch a plain RNN's gradients vanish where an LSTM remembers."
    ),
    summary="A state carried through time: watch a vanilla RNN forget what an LSTM remembers, on weather and memory tasks.",
    config_cls=RNNConfig,
    work=work,
    reference_seconds=31.0,  # the default run on 2 CPU cores (bench/default_speed.py)
    presets=PRESETS,
    thumbnail="docs/thumbs/rnn.png",
    thumbnail_shot=("task=temperature&epochs=5", 2),
)
