"""Sequence data of the attention lab: toy token tasks and a shipped text.

Toy tasks map an input sequence to an output token at every position:
`reverse` (y_i = x_{L-1-i}), `copy_shift` (y_i = x_{i-shift}, wrapping round) and
`sort` (y is x in ascending order). The `text` task predicts each next character of
Abraham Lincoln's Gettysburg Address (19 November 1863, the "Bliss copy", public
domain; its dashes written `--`), shipped as `data/gettysburg.txt`.
"""

import dataclasses
import pathlib

import numpy as np

from lab.labs.attention.config import TOY_TASKS
from lab.translation import load_seq2seq

TEXT_PATH = pathlib.Path(__file__).resolve().parents[3] / "data" / "gettysburg.txt"
N_VAL = 1000  # validation sequences of the toy tasks
TEXT_VAL_SHARE = 0.1  # the text's last 10% validates (never trained on)
N_EXAMPLES = 4  # validation examples whose attention is drawn live
SAMPLE_PROMPT = "Four score and"  # the text task's sample and the page's first prompt


@dataclasses.dataclass
class SequenceData:
    """Integer token sequences with their targets.

    Attributes:
        task: the task's name.
        x_train, y_train: `(n, seq_len)` int32 inputs and targets.
        x_val, y_val: the same for validation.
        tokens: the text of each token id (digits for the toy tasks, characters for text).
        examples: `(N_EXAMPLES, seq_len)` validation inputs whose attention is drawn.
        text: the whole text (text task), else "".
    """

    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    tokens: tuple
    examples: np.ndarray
    text: str = ""

    @property
    def vocab_size(self):
        return len(self.tokens)


def task_targets(task, x, shift=1):
    """The target sequence of each row of `x` for a toy task.

    Args:
        task: `reverse`, `copy_shift` or `sort`.
        x: `(n, seq_len)` integer inputs.
        shift: the shift of `copy_shift`.

    Returns:
        `(n, seq_len)` int32 targets.
    """
    if task == "reverse":
        y = x[:, ::-1]
    elif task == "copy_shift":
        y = np.roll(x, shift, axis=1)
    elif task == "sort":
        y = np.sort(x, axis=1)
    else:
        raise ValueError(f"task must be one of {', '.join(TOY_TASKS)}; got {task!r}.")
    return np.ascontiguousarray(y, dtype="int32")


def toy_sequences(task, n, seq_len, vocab_size, shift, rng):
    """`n` random input sequences (tokens drawn uniformly) and their targets."""
    x = rng.integers(0, vocab_size, size=(n, seq_len)).astype("int32")
    return x, task_targets(task, x, shift)


def load_text(path=TEXT_PATH):
    """The shipped text with its line breaks turned into spaces."""
    return " ".join(pathlib.Path(path).read_text(encoding="utf-8").split())


def char_windows(ids, seq_len):
    """Every window of `seq_len` characters and the same window one character later."""
    n = len(ids) - seq_len
    if n < 1:
        raise ValueError(f"The text has {len(ids)} characters: too few for windows of {seq_len}.")
    index = np.arange(seq_len)[None, :] + np.arange(n)[:, None]
    return ids[index].astype("int32"), ids[index + 1].astype("int32")


def load(config):
    """The sequences a config asks for.

    Returns:
        A `SequenceData`, or for the encoder–decoder a `lab.translation.Seq2SeqData`
        (`n_items` or `n_samples` training and 1,000 validation items). Toy tasks: `n_samples` training and 1,000 validation
        sequences drawn with `config.seed` (validation drawn after training). Text:
        windows of the first 90% of the characters train, windows of the last 10%
        validate.
    """
    if config.architecture == "encoder_decoder":
        return load_seq2seq(
            config.task, config.samples, N_VAL, config.seed, config.seq_len, config.vocab_size, N_EXAMPLES
        )
    rng = np.random.default_rng(config.seed)
    if config.task in TOY_TASKS:
        args = (config.seq_len, config.vocab_size, config.shift, rng)
        x_train, y_train = toy_sequences(config.task, config.n_samples, *args)
        x_val, y_val = toy_sequences(config.task, N_VAL, *args)
        tokens = tuple(str(i) for i in range(config.vocab_size))
        return SequenceData(config.task, x_train, y_train, x_val, y_val, tokens, x_val[:N_EXAMPLES])
    text = load_text()
    tokens = tuple(sorted(set(text)))
    ids = encode_text(text, tokens)
    split = int(len(ids) * (1 - TEXT_VAL_SHARE))
    x_train, y_train = char_windows(ids[:split], config.seq_len)
    x_val, y_val = char_windows(ids[split:], config.seq_len)
    picks = np.linspace(0, len(x_val) - 1, N_EXAMPLES - 1).astype(int)
    examples = np.concatenate([x_train[:1], x_val[picks]])  # the opening words, then unseen text
    return SequenceData("text", x_train, y_train, x_val, y_val, tokens, examples, text)


def encode_text(text, tokens):
    """Character ids of `text`.

    Raises:
        ValueError: a character the text never uses (it has no id).
    """
    index = {c: i for i, c in enumerate(tokens)}
    unknown = sorted(set(text) - set(index))
    if unknown:
        raise ValueError(
            f"The model only knows the characters of its text; {', '.join(map(repr, unknown))} "
            "never occur there. Use letters, spaces and simple punctuation."
        )
    return np.array([index[c] for c in text], dtype="int32")


def parse_tokens(text, seq_len, vocab_size):
    """A toy-task input typed by a user, checked.

    Args:
        text: whole numbers separated by spaces or commas ("3 1 4 1 5 9 2 6").
        seq_len: the number of tokens required.
        vocab_size: tokens must lie in 0 .. vocab_size − 1.

    Returns:
        `(seq_len,)` int32 array.

    Raises:
        ValueError: with a sentence that says what to type.
    """
    items = text.replace(",", " ").split()
    try:
        values = [int(item) for item in items]
    except ValueError:
        raise ValueError(
            f"Type whole numbers separated by spaces, like {example_tokens(seq_len, vocab_size)}."
        ) from None
    if len(values) != seq_len:
        raise ValueError(f"The model reads exactly {seq_len} tokens; you typed {len(values)}.")
    bad = [v for v in values if not 0 <= v < vocab_size]
    if bad:
        raise ValueError(f"Tokens must lie between 0 and {vocab_size - 1}; {bad[0]} does not.")
    return np.array(values, dtype="int32")


def example_tokens(seq_len, vocab_size):
    """A valid input to show as an example: a descending run of tokens."""
    return " ".join(str((vocab_size - 1 - i) % vocab_size) for i in range(seq_len))
