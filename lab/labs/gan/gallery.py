"""The gallery entries of the gan lab: real runs that show one pattern each (see `lab.gallery`)."""

from lab.gallery import Entry

# Both entries were recorded with the classic settings (both rates 2e-4, held constant), pinned here.
CLASSIC = {"g_learning_rate": "0.0002", "d_learning_rate": "0.0002", "lr_schedule": "constant"}
ENTRIES = (
    Entry(
        "gan-mode-collapse",
        "gan",
        "GAN mode collapse: every fake lands on one mode",
        "mode_collapse",
        {**CLASSIC, "d_learning_rate": "0.002", "d_steps": "5", "epochs": "40"},
        "The discriminator learns ten times faster and gets five steps per generator step. The generator escapes "
        "it by putting all its points on the one mode D currently trusts: the samples' spread drops to a few "
        "percent of the real data's and one mode of eight is captured. The summed loss looks calm all the while, "
        "which is why a GAN must be judged by its samples.",
        {"d_learning_rate": "0.0002", "d_steps": "1"},
        "Equal learning rates and one D step per G step keep the game even; the generator spreads over the modes.",
        None,
    ),
    Entry(
        "gan-discriminator-wins",
        "gan",
        "GAN: the discriminator wins",
        "discriminator_wins",
        {**CLASSIC, "dataset": "mnist5k", "batch_size": "64", "g_width": "256", "d_width": "256", "epochs": "30"},
        "On 784-pixel digits, a generator fed only 2 noise numbers has too little to work with, while a "
        "256-unit discriminator quickly learns what real digits look like: D(real) climbs towards 1 and "
        "D(G(z)) falls towards 0, and the generator's loss keeps rising.",
        {"latent_dim": "32", "g_activation": "leaky_relu", "label_smoothing": "0.2"},
        "A 32-number noise vector, leaky ReLU in the generator and one-sided label smoothing keep D from winning "
        "outright; the digits become recognisable.",
        None,
    ),
)
