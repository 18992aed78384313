"""The gallery entries of the pinn lab: real runs that show one pattern each (see `lab.gallery`)."""

from lab.gallery import Entry

ENTRIES = (
    Entry(
        "pinn-lr-too-high",
        "pinn",
        "PINN with too large a step: the residual never settles",
        "lr_too_high",
        {"steps": "1500", "lbfgs_iterations": "0", "learning_rate": "0.03"},
        "Adam at 0.03 on a physics-informed loss: the PDE residual is a steep, twisted landscape around the shock, "
        "so big steps keep knocking the network out of the valley and the loss jumps up again and again.",
        {"learning_rate": "0.001"},
        "Adam at 0.001 descends smoothly (L-BFGS, switched off here, would then polish the solution).",
        None,
    ),
)
