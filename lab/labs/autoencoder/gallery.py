"""The gallery entries of the autoencoder lab: real runs that show one pattern each (see `lab.gallery`)."""

from lab.gallery import Entry

ENTRIES = (
    Entry(
        "autoencoder-still-learning",
        "autoencoder",
        "Autoencoder still learning: a slow optimiser",
        "still_learning",
        {"epochs": "30"},
        "Adadelta with learning rate 1.0 (the lecture's choice) starts with tiny steps: its step size is the "
        "running size of its past steps, which starts at zero, so the first steps are about √ε (ε = 1e-7) and grow "
        "only slowly. After 30 epochs the reconstruction loss is still falling steadily, so the digits are still "
        "getting sharper.",
        {"optimizer": "adam", "learning_rate": "0.001"},
        "Adam at 0.001 gets most of the way in the first few epochs and then flattens.",
        None,
    ),
)
