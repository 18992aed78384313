"""The diffusion lab: its descriptor (see `lab.registry`)."""

from lab.labs.diffusion.config import PRESETS, DiffusionConfig, work
from lab.registry import LabSpec

LAB = LabSpec(
    name="diffusion",
    title="Diffusion",
    icon=":material/blur_on:",
    order=7,
    page="pages/7_Diffusion.py",
    blurb=(
        "A DDPM learns to undo noise on 2-D data and digits: watch data dissolve into noise, samples walk back "
        "from noise onto every mode, and compare it with a GAN, a VAE and a flow on the same points."
    ),
    summary="A diffusion model learns to remove noise step by step, and generates by walking pure noise back to the data.",
    config_cls=DiffusionConfig,
    work=work,
    reference_seconds=23.0,  # the default run on 2 CPU cores (bench/default_speed.py)
    presets=PRESETS,
    thumbnail="docs/thumbs/diffusion.png",
    thumbnail_shot=("epochs=40", 1),
    label_words={
        "too_few_steps": (":orange[:material/stairs:]", "Too few steps"),
        "signal_destroyed_early": (":orange[:material/blur_on:]", "Signal destroyed early"),
    },
)
