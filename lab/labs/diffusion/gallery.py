"""The gallery entries of the diffusion lab: real runs that show one pattern each (see `lab.gallery`)."""

from lab.gallery import Entry

ENTRIES = (
    Entry(
        "diffusion-too-few-steps",
        "diffusion",
        "Diffusion with too few steps: samples between the modes",
        "too_few_steps",
        {"timesteps": "10"},
        "With T = 10 the forward process must reach pure noise in ten jumps, so each reverse step has to undo a "
        "large one. The network's single guess of the noise is an average over many possible clean points, and "
        "the samples land on the ring between the modes instead of on them. The loss curve itself looks "
        "normal: only the samples show it.",
        {"timesteps": "100"},
        "A hundred small steps: each reverse step removes a little noise, which the network predicts well, and "
        "most samples land on a mode.",
        None,
    ),
    Entry(
        "diffusion-signal-destroyed",
        "diffusion",
        "Diffusion whose schedule destroys the signal early",
        "signal_destroyed_early",
        {"beta_scale": "8"},
        "Eight times the usual noise per step: after about a quarter of the steps nothing of the data is left in "
        "x_t. On the later steps the network only has to copy its input, which is already the noise, so their "
        "loss is near zero, while the few steps that carry information get a quarter of the training. The "
        "samples collapse onto a couple of modes, or none.",
        {"beta_scale": "1"},
        "The usual linear schedule keeps some of the data until the last steps, so every step teaches the "
        "network something.",
        None,
    ),
)
