"""Hyperparameters of the transformer attention lab."""

import dataclasses

from lab.config import BaseConfig, Preset, epochs_param, learning_rate_param, param, seed_param
from lab.labs.mlp.config import OPTIMIZERS

TOY_TASKS = ("reverse", "copy_shift", "sort")
ENCODER_TASKS = TOY_TASKS + ("text",)
TEXT_PAIR_TASKS = ("dates", "numbers")  # written text in, another text out (lab.translation)
SEQ2SEQ_TASKS = TEXT_PAIR_TASKS + ("reverse", "sort")
TASKS = ENCODER_TASKS + TEXT_PAIR_TASKS
ARCHITECTURES = ("encoder", "encoder_decoder")
POSITIONAL = ("sinusoidal", "learned", "none")
MASKS = ("auto", "causal", "none")


@dataclasses.dataclass(frozen=True)
class AttentionConfig(BaseConfig):
    """Every hyperparameter of the attention lab, with its default and allowed values."""

    architecture: str = param(
        "encoder",
        "choice",
        "encoder: one stack of self-attention writes an output at every input position. encoder_decoder: an "
        "encoder reads the input, and a decoder writes the answer token by token, attending to its own earlier "
        "tokens (causal self-attention) and to the encoder's output (cross-attention).",
        group="Data",
        choices=ARCHITECTURES,
    )
    task: str = param(
        "reverse",
        "choice",
        "What the transformer learns: reverse a sequence, shift it, sort it, predict the next character of the "
        "Gettysburg Address (encoder), or, with the encoder–decoder, rewrite a date in ISO form (dates) or "
        "number words in digits (numbers).",
        group="Data",
        choices=TASKS,
    )
    seq_len: int = param(
        8,
        "int",
        "Tokens per sequence (for text: the characters the model sees at once).",
        label="Sequence length",
        group="Data",
        active_if=("task", ENCODER_TASKS),
        min=2,
        max=32,
    )
    vocab_size: int = param(
        10,
        "int",
        "How many different tokens (0, 1, ...) the toy sequences use.",
        label="Vocabulary size",
        group="Data",
        active_if=("task", TOY_TASKS),
        min=2,
        max=30,
    )
    shift: int = param(
        1,
        "int",
        "copy_shift: output position i holds the input at position i − shift (wrapping round).",
        group="Data",
        active_if=("task", ("copy_shift",)),
        min=1,
        max=31,
    )
    n_samples: int = param(
        3200,
        "int",
        "Random training sequences of the toy tasks (1,000 more validate).",
        label="Training sequences",
        group="Data",
        active_if=("task", TOY_TASKS),
        min=200,
        max=100000,
        step=200,
    )
    n_items: int = param(
        6000,
        "int",
        "Dates or numbers written out for training (1,000 more validate).",
        label="Training items",
        group="Data",
        active_if=("task", TEXT_PAIR_TASKS),
        min=200,
        max=100000,
        step=200,
    )
    positional: str = param(
        "sinusoidal",
        "choice",
        "How the model knows where each token sits: fixed sine waves, a learned vector per position, or nothing (then attention sees a bag of tokens).",
        label="Positional encoding",
        choices=POSITIONAL,
    )
    num_layers: int = param(
        2,
        "int",
        "Transformer blocks: attention, then a feed-forward network, each with a residual connection and layer normalisation.",
        label="Layers",
        min=1,
        max=6,
    )
    num_heads: int = param(
        4, "int", "Attention heads per layer; each learns its own pattern.", label="Heads", min=1, max=8
    )
    d_model: int = param(
        64,
        "int",
        "Size of each token's vector (embedding) throughout the model.",
        label="Model size",
        min=8,
        max=256,
        step=8,
    )
    key_dim: int = param(
        16, "int", "Size of each head's queries and keys (d_k in softmax(QKᵀ/√d_k)V).", label="Key size", min=2, max=128
    )
    ff_dim: int = param(
        128,
        "int",
        "Hidden units of the feed-forward network in each block.",
        label="Feed-forward size",
        min=8,
        max=1024,
        step=8,
    )
    dropout: float = param(
        0.0,
        "float",
        "Share of attention weights and activations dropped at random while training (an ensemble of thinned "
        "networks); Keras scales the rest up, so nothing changes at test time.",
        min=0.0,
        max=0.5,
        step=0.05,
        train_only=True,
    )
    mask: str = param(
        "auto",
        "choice",
        "causal hides later positions from each query; auto uses it for text (next-character prediction) and not "
        "for the toy tasks. The encoder–decoder's decoder is always causal and its encoder never.",
        choices=MASKS,
        active_if=("architecture", ("encoder",)),
    )
    optimizer: str = param("adam", "choice", "The update rule.", group="Training", choices=OPTIMIZERS)
    learning_rate: float = learning_rate_param(
        0.001, "Step size of each update; it can be changed while training.", min=1e-5, max=1.0
    )
    batch_size: int = param(64, "int", "Sequences per update.", group="Training", min=8, max=2048)
    epochs: int = epochs_param(10, "the training sequences", max=500)
    seed: int = seed_param("the sequences, the weights and shuffling")

    def check(self):
        if self.architecture == "encoder" and self.task not in ENCODER_TASKS:
            raise ValueError(
                f"{self.task} turns a text into an answer of another length: choose the encoder_decoder architecture."
            )
        if self.architecture == "encoder_decoder" and self.task not in SEQ2SEQ_TASKS:
            raise ValueError(
                f"The encoder–decoder learns {', '.join(SEQ2SEQ_TASKS)}; {self.task} needs the encoder architecture."
            )
        if self.d_model % 2 and self.positional == "sinusoidal":
            raise ValueError(
                f"Sinusoidal positions pair a sine with a cosine, so the model size must be even; got {self.d_model}."
            )
        if self.task == "copy_shift" and self.shift >= self.seq_len:
            raise ValueError(
                f"shift ({self.shift}) must be smaller than the sequence length ({self.seq_len}): "
                "shifting by a whole length gives the input back."
            )
        if self.task != "text" and self.batch_size > self.samples:
            raise ValueError(f"batch_size ({self.batch_size}) is larger than the training items ({self.samples}).")

    @property
    def causal(self):
        """Whether attention hides later positions."""
        return self.task == "text" if self.mask == "auto" else self.mask == "causal"

    @property
    def samples(self):
        """Training items of the task."""
        return self.n_items if self.task in TEXT_PAIR_TASKS else self.n_samples


PRESETS = (
    Preset(
        "text",
        "Use the suggested text settings (32 characters, 40 epochs, learning rate 0.003)",
        {"task": "text", "seq_len": 32, "epochs": 40, "learning_rate": 0.003},
        "next-character prediction on the Gettysburg Address, long enough to see it memorise the text.",
    ),
    Preset(
        "dates",
        "Rewrite dates with the encoder–decoder",
        {"architecture": "encoder_decoder", "task": "dates"},
        "an encoder–decoder turns dates written eight ways into ISO dates; watch the cross-attention align them.",
    ),
    Preset(
        "numbers",
        "Turn number words into digits with the encoder–decoder",
        {"architecture": "encoder_decoder", "task": "numbers"},
        "an encoder–decoder reads 'three hundred and five' and writes 305.",
    ),
)


def work(config):
    """A number proportional to the run's training time: update steps times layers and length (see `lab.estimate`)."""
    if config.architecture == "encoder_decoder":
        from lab.translation import task_lengths

        source_len, target_len = task_lengths(config.task, config.seq_len)
        return config.epochs * config.samples / config.batch_size * config.num_layers * 2 * (source_len + target_len)
    return config.epochs * config.samples / config.batch_size * config.num_layers * config.seq_len
