"""The multilayer-perceptron lab: its descriptor (see `lab.registry`)."""

from lab.labs.mlp.config import MLPConfig, work
from lab.registry import LabSpec

LAB = LabSpec(
    name="mlp",
    title="Multilayer perceptron",
    icon=":material/hub:",
    order=1,
    page="pages/1_MLP.py",
    blurb=(
        "Layers, activations, losses and learning rates: watch a dense network carve a decision boundary, "
        "see gradients vanish in a deep sigmoid net and a too-large learning rate blow up."
    ),
    summary="Layers, activations, losses and learning rates: watch a dense network carve a decision boundary.",
    config_cls=MLPConfig,
    work=work,
    reference_seconds=6.6,  # the default run on 2 CPU cores (bench/default_speed.py)
    thumbnail="docs/thumbs/mlp.png",
    thumbnail_shot=("epochs=60", 1),
)
