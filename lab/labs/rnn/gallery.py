"""The gallery entries of the rnn lab: real runs that show one pattern each (see `lab.gallery`)."""

from lab.gallery import Entry

ENTRIES = (
    Entry(
        "rnn-cannot-remember",
        "rnn",
        "RNN that cannot remember: stuck at the baseline",
        "still_learning",
        {
            "task": "adding",
            "cell": "simple_rnn",
            "seq_len": "100",
            "n_sequences": "4000",
            "batch_size": "32",
            "learning_rate": "0.001",
            "epochs": "20",
        },
        "The adding problem hides two marked numbers in a 100-step sequence. A plain RNN's gradient from the "
        "answer back to the markers shrinks at every step (the vanishing gradient), so it never learns where to "
        "look: it creeps along the baseline of always answering 1 (MSE about 0.17), about 0.5% per epoch. A "
        'curve alone cannot tell that: the diagnosis sees a slow, steady fall and says "still learning". '
        "Compare the loss with the task's baseline (the RNN lab draws it) before training longer.",
        {"cell": "gru", "learning_rate": "0.003"},
        "A GRU's gates carry the markers across the sequence: the loss leaves the baseline within "
        "a few epochs and falls close to 0.",
        None,
    ),
)
