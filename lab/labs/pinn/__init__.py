"""The PINN lab (Burgers' equation): its descriptor (see `lab.registry`)."""

from lab.labs.pinn.config import PRESETS, PINNConfig, work
from lab.registry import LabSpec

LAB = LabSpec(
    name="pinn",
    title="PINN: Burgers' equation",
    icon=":material/waves:",
    order=4,
    page="pages/4_PINN.py",
    blurb=(
        "A network that knows the physics: the PDE residual joins the loss, the shock at x = 0 forms, and "
        "the error against the exact solution falls; or learn the equation's coefficients from data."
    ),
    summary="A network that knows the physics: the PDE residual joins the loss; watch the shock form and the error against the exact solution fall, or learn the equation's coefficients from data.",
    config_cls=PINNConfig,
    work=work,
    reference_seconds=30.0,  # the default run on 2 CPU cores (bench/default_speed.py)
    thumbnail="docs/thumbs/pinn.png",
    thumbnail_shot=("", 3),
    log_loss=True,
    presets=PRESETS,
)
