"""The GAN lab: its descriptor (see `lab.registry`)."""

from lab.labs.gan.config import PRESETS, GANConfig, work
from lab.registry import LabSpec

LAB = LabSpec(
    name="gan",
    title="GAN",
    icon=":material/join:",
    order=3,
    page="pages/3_GAN.py",
    blurb=(
        "A generator and a discriminator play a game on 2-D data and digits: watch the fakes move onto "
        "the real modes, and see mode collapse, a winning discriminator and oscillation happen."
    ),
    summary="Two networks in a game: a generator learns to fool a discriminator, and you watch it find (or miss) every mode.",
    config_cls=GANConfig,
    work=work,
    reference_seconds=32.0,  # the default run on 2 CPU cores (bench/default_speed.py)
    presets=PRESETS,
    thumbnail="docs/thumbs/gan.png",
    thumbnail_shot=("epochs=150", 1),
    steps=("d_step", "g_step", "epoch"),
    label_words={
        "discriminator_wins": (":orange[:material/gavel:]", "Discriminator wins"),
        "mode_collapse": (":orange[:material/compress:]", "Mode collapse"),
        "oscillation": (":orange[:material/airwaves:]", "Oscillation"),
        "balanced": (":green[:material/balance:]", "Balanced game"),
    },
)
