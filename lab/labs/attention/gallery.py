"""The gallery entries of the attention lab: real runs that show one pattern each (see `lab.gallery`)."""

from lab.gallery import Entry
from lab.labs.attention.data import load_text

CHARACTERS = len(load_text())

ENTRIES = (
    Entry(
        "attention-text-overfitting",
        "attention",
        "Transformer memorising a short text: overfitting",
        "overfitting",
        {"task": "text", "seq_len": "32", "epochs": "40", "learning_rate": "0.003"},
        f"The Gettysburg Address has {CHARACTERS:,} characters; a transformer with {{params}} weights learns its "
        "first 90% by heart. Training loss keeps falling while the validation loss (the last 10%, never seen) bottoms out "
        "early and then climbs: the model predicts the memorised text, not the language.",
        {"epochs": "5"},
        "Stopping near the validation minimum (epoch 4 or 5) keeps the best model; only more text would truly fix it.",
        None,
    ),
)
