"""The autoencoder lab: its descriptor (see `lab.registry`)."""

from lab.labs.autoencoder.config import PRESETS, AutoencoderConfig, work
from lab.registry import LabSpec

LAB = LabSpec(
    name="autoencoder",
    title="Autoencoder",
    icon=":material/compress:",
    order=2,
    page="pages/2_Autoencoder.py",
    blurb=(
        "Squeeze digits through a bottleneck and rebuild them: the last layer and the loss decide how "
        "sharp the copies are; explore the latent space the network invents, or make it a VAE that draws new digits."
    ),
    summary="Squeeze digits through a narrow code and back: the last layer and the loss decide how sharp the copies come out.",
    config_cls=AutoencoderConfig,
    work=work,
    presets=PRESETS,
    reference_seconds=8.9,  # the default run on 2 CPU cores (bench/default_speed.py)
    thumbnail="docs/thumbs/autoencoder.png",
    thumbnail_shot=("dataset=digits&optimizer=adam&learning_rate=0.003&batch_size=64&epochs=40", 2),
)
