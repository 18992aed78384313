"""The transformer attention lab: its descriptor (see `lab.registry`)."""

from lab.labs.attention.config import PRESETS, AttentionConfig, work
from lab.registry import LabSpec

LAB = LabSpec(
    name="attention",
    title="Transformer attention",
    icon=":material/center_focus_strong:",
    order=6,
    page="pages/6_Attention.py",
    blurb=(
        "A small transformer learns to reverse, shift and sort sequences and to write text, and an "
        "encoder–decoder rewrites dates; every head's attention map is drawn while it forms."
    ),
    summary=(
        "A small transformer learns to reverse, shift and sort sequences and to write text, and an encoder–decoder "
        "rewrites dates and number words; every head's attention map is drawn while it forms."
    ),
    config_cls=AttentionConfig,
    work=work,
    reference_seconds=15.7,  # the default run on 2 CPU cores (bench/default_speed.py)
    presets=PRESETS,
    thumbnail="docs/thumbs/attention.png",
    thumbnail_shot=("", 2),
)
