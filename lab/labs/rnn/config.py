"""Hyperparameters of the RNN vs LSTM lab."""

import dataclasses
import math

from lab.config import BaseConfig, Preset, epochs_param, learning_rate_param, param, seed_param
from lab.labs.mlp.config import OPTIMIZERS
from lab.labs.rnn.data import COPY_LENGTH, TASKS

CELLS = ("simple_rnn", "lstm", "gru")
SYNTHETIC = ("weather_toy", "adding", "copy", "dates")
MEMORY = ("adding", "copy")
SEQ2SEQ = ("dates",)


@dataclasses.dataclass(frozen=True)
class RNNConfig(BaseConfig):
    """Every hyperparameter of the RNN lab, with its default and allowed values."""

    task: str = param(
        "adding",
        "choice",
        "What the network learns: the lecture's toy weather, Seattle's weather tomorrow, the temperature some hours ahead, a memory task (adding, copy), or dates to rewrite in ISO form with an encoder–decoder (dates).",
        group="Data",
        choices=TASKS,
    )
    seq_len: int = param(
        50,
        "int",
        "Steps in each sequence of a memory task: the longer, the further back the network must remember.",
        label="Sequence length",
        group="Data",
        min=2,
        max=500,
        active_if=("task", MEMORY),
    )
    n_sequences: int = param(
        10000,
        "int",
        "How many sequences are generated (training and validation together).",
        label="Sequences",
        group="Data",
        min=200,
        max=50000,
        step=100,
        active_if=("task", SYNTHETIC),
    )
    days: int = param(
        7,
        "int",
        "How many past days the network sees before naming tomorrow's weather.",
        label="Past days",
        group="Data",
        min=1,
        max=60,
        active_if=("task", ("seattle_weather",)),
    )
    window: int = param(
        24,
        "int",
        "How many past hours the network sees.",
        label="Window (hours)",
        group="Data",
        min=2,
        max=336,
        active_if=("task", ("temperature",)),
    )
    horizon: int = param(
        1,
        "int",
        "How many hours ahead the temperature is forecast.",
        label="Hours ahead",
        group="Data",
        min=1,
        max=48,
        active_if=("task", ("temperature",)),
    )
    val_split: float = param(
        0.2,
        "float",
        "Share of the sequences kept for validation (for real data: the latest ones).",
        label="Validation share",
        group="Data",
        min=0.1,
        max=0.5,
        step=0.05,
    )
    attention: bool = param(
        True,
        "bool",
        "The decoder attends over every encoder output (additive, Bahdanau) instead of reading the input only "
        "through the encoder's last state.",
        label="Attention",
        active_if=("task", SEQ2SEQ),
    )
    cell: str = param(
        "lstm",
        "choice",
        "The recurrent cell: simple_rnn (one tanh layer), lstm (gated cell state) or gru (two gates, no separate cell state).",
        choices=CELLS,
    )
    units: int = param(64, "int", "Size of the hidden state h_t.", label="Hidden units", min=1, max=256)
    optimizer: str = param(
        "adam", "choice", "The update rule; momentum is SGD with momentum 0.9.", group="Training", choices=OPTIMIZERS
    )
    learning_rate: float = learning_rate_param(
        3e-3, "The step size; it can be changed while training.", min=1e-5, max=1.0
    )
    clipnorm: float = param(
        1.0,
        "float",
        "Gradient clipping: each weight's gradient is scaled down to at most this norm (0 switches clipping off).",
        label="Clip gradient norm",
        group="Training",
        min=0.0,
        max=100.0,
        step=0.5,
    )
    batch_size: int = param(64, "int", "Sequences per update.", group="Training", min=1, max=2048)
    epochs: int = epochs_param(12, "the training sequences", max=500)
    seed: int = seed_param("the synthetic data, the weights and shuffling")

    def check(self):
        if self.task == "copy" and self.seq_len <= COPY_LENGTH:
            raise ValueError(
                f"The copy task shows {COPY_LENGTH} symbols before the blank stretch, so seq_len must be at least "
                f"{COPY_LENGTH + 1}; got {self.seq_len}."
            )
        if self.task in SYNTHETIC:
            n_train = round(self.n_sequences * (1 - self.val_split))
            if self.batch_size > n_train:
                raise ValueError(
                    f"batch_size ({self.batch_size}) is larger than the {n_train} training sequences: "
                    "pick a smaller batch or more sequences."
                )


PRESETS = (
    Preset(
        "lecture_scale",
        "Lecture scale",
        {"task": "adding", "seq_len": 100, "epochs": 25},
        "the classic adding problem at 100 steps for 25 epochs (about two minutes on two cores): the LSTM "
        "sits on the baseline for about a dozen epochs, then gets the sum right; the SimpleRNN never leaves it.",
    ),
    Preset(
        "dates",
        "Dates: GRU encoder–decoder",
        {"task": "dates", "cell": "gru", "units": 128, "batch_size": 128, "epochs": 10},
        "a GRU encoder–decoder of 128 units, batch 128, 10 epochs: measured here, 100% of the validation dates "
        "exactly right with attention and 82% without (81% on the longest format, “Wednesday, March 3, 2021”); "
        "about three and two minutes on two shared cores.",
    ),
)


REAL_ROWS = {"temperature": 8760, "seattle_weather": 1461}  # hours of 2010, days of 2012-2015
# An encoder–decoder update of 64 dates at 64 units, in the adding default's units (10 + 50 per update); rough,
# from runs on two cores shared with another job (the estimate then follows the lab's own recent runs).
DATE_COST = {True: 140.0, False: 90.0}
CELL_COST = {"simple_rnn": 0.5, "lstm": 1.0, "gru": 1.0}  # SimpleRNN / LSTM measured 0.47-0.52; GRU not measured


def work(config):
    """A number proportional to the run's training time: update steps times time steps (see `lab.estimate`)."""
    rows = REAL_ROWS.get(config.task, config.n_sequences) * (1 - config.val_split)
    steps = {"weather_toy": 3, "temperature": config.window, "seattle_weather": config.days}.get(config.task)
    updates = config.epochs * math.ceil(rows / config.batch_size)
    if config.task == "dates":
        size = config.batch_size / 64 * config.units / 64
        return updates * DATE_COST[config.attention] * size * CELL_COST[config.cell]
    return updates * (10 + (steps or config.seq_len)) * CELL_COST[config.cell]
