"""The attention lab's wiring: sequences, the transformer, attention snapshots and final metrics."""

import numpy as np

from lab.callbacks import steps_per_epoch
from lab.labs.attention import seq2seq
from lab.labs.attention.data import SAMPLE_PROMPT, encode_text
from lab.registry import Setup
from lab.runs import Snapshot

MAX_FRAMES = 60  # attention maps kept for the epoch scrubber (thinned evenly beyond this)
LOSS_SAMPLES = 256  # training sequences behind the untrained model's loss
SAMPLE_CHARS = 200
SAMPLE_TEMPERATURE = 0.5


def build(config, data):
    """Builds the transformer and its fit data; called in the training thread after seeding."""
    if config.architecture == "encoder_decoder":
        return seq2seq.build(config, data)
    from models.attention import build_transformer
    from models.attention_plan import attention_warnings

    model, probe = build_transformer(config, data.vocab_size, return_probe=True)
    frames = []
    steps = steps_per_epoch(len(data.x_train), config.batch_size)
    return Setup(
        model=model,
        x=data.x_train,
        y=data.y_train,
        validation_data=(data.x_val, data.y_val),
        batch_size=config.batch_size,
        warnings=attention_warnings(config),
        snapshot=lambda m: snapshot(m, probe, data, frames, steps),
        extra={"probe": probe, "data": data},
    )


def read_attention(probe, x):
    """Predictions and attention maps of a batch of token sequences.

    Args:
        probe: the model from `build_transformer(..., return_probe=True)`.
        x: `(n, length)` token ids.

    Returns:
        `(logits, attention)`: `(n, length, vocab)` float32 and `(n, layers, heads,
        length, length)` float32, where `attention[e, l, h, q, k]` is how much query
        position q of layer l, head h attends to key position k (each row sums to 1).
    """
    logits, *scores = probe(np.asarray(x, dtype="int32"), training=False)
    return np.asarray(logits), np.stack([np.asarray(s) for s in scores], axis=1)


def cross_entropy(logits, y):
    """Mean cross-entropy of integer targets `y` under `logits` (numerically stable)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-np.take_along_axis(log_p, y[..., None], axis=-1).mean())


def thin(frames, cap=MAX_FRAMES):
    """Keeps at most `cap` frames, those nearest to evenly spaced epochs (always the first and the latest)."""
    if len(frames) <= cap:
        return frames
    epochs = np.array([f["epoch"] for f in frames], dtype=float)
    targets = np.linspace(epochs[0], epochs[-1], cap)
    keep = np.unique(np.abs(epochs[None, :] - targets[:, None]).argmin(axis=1))
    frames[:] = [frames[i] for i in keep]
    return frames


def keep_frame(frames, frame):
    """Adds a snapshot's frame for the replay: it replaces one of the same epoch, and `thin` keeps the cap."""
    if frames and frames[-1]["epoch"] == frame["epoch"]:
        frames[-1] = frame
    else:
        frames.append(frame)
    thin(frames)


class AttentionSnapshot(Snapshot, total=False):
    """The transformer's live views: what `snapshot` returns for the views (every key optional).

    Attributes:
        attention: maps of the drawn validation examples.
        predictions: their predicted ids.
        frames: every kept map, for the replay.
        loss: the loss on training sequences.
    """

    attention: np.ndarray
    predictions: np.ndarray
    frames: list
    loss: float


def snapshot(model, probe, data, frames, steps) -> AttentionSnapshot:
    """Live views of the transformer; called from the training thread.

    Returns:
        dict with `attention` (`(examples, layers, heads, L, L)` float16 maps of the
        drawn validation examples), `predictions` (their predicted ids), `frames`
        (every kept `{"epoch", "attention", "predictions"}` so far, for the
        scrubber) and `loss` (on 256 training sequences).
    """
    logits, attention = read_attention(probe, data.examples)
    epoch = round(float(model.optimizer.iterations.numpy()) / steps)
    frame = {"epoch": epoch, "attention": attention.astype("float16"), "predictions": logits.argmax(-1)}
    keep_frame(frames, frame)
    train_logits, _ = read_attention(probe, data.x_train[:LOSS_SAMPLES])
    return {
        **frame,
        "frames": list(frames),
        "loss": cross_entropy(train_logits, data.y_train[:LOSS_SAMPLES]),
    }


def generate(model, data, prompt, n_chars=SAMPLE_CHARS, temperature=SAMPLE_TEMPERATURE, seed=0):
    """Writes text after a prompt, one sampled character at a time.

    Args:
        model: a trained text transformer (or its probe: the first output is used).
        data: the text task's `SequenceData`.
        prompt: the opening characters (at least one, all from the text).
        n_chars: characters to add.
        temperature: divides the logits before sampling; 0 always takes the most likely character.
        seed: seed of the sampling (None: a fresh random draw).

    Returns:
        The prompt followed by the generated characters.

    Raises:
        ValueError: an empty prompt or one with characters the text never uses.
    """
    if not prompt:
        raise ValueError("Type a few characters for the model to continue.")
    ids = list(encode_text(prompt, data.tokens))
    seq_len = model.get_layer("positions").max_len
    rng = np.random.default_rng(seed)
    for _ in range(n_chars):
        out = model(np.array([ids[-seq_len:]], dtype="int32"), training=False)
        logits = np.asarray(out[0] if isinstance(out, (list, tuple)) else out)[0, -1].astype("float64")
        if temperature <= 0:
            ids.append(int(logits.argmax()))
            continue
        p = np.exp((logits - logits.max()) / temperature)
        ids.append(int(rng.choice(len(p), p=p / p.sum())))
    return prompt + "".join(data.tokens[i] for i in ids[len(prompt) :])


def sequence_accuracy(model, x, y):
    """Share of sequences whose every token is predicted right."""
    predicted = np.asarray(model.predict(x, batch_size=512, verbose=0)).argmax(-1)
    return float((predicted == y).all(axis=1).mean())


def metrics(setup, run):
    """Final metrics: the last epoch's losses and token accuracies; whole-sequence accuracy (toy tasks) or a text sample.

    The encoder–decoder's are `seq2seq.metrics`.
    """
    if run.config.architecture == "encoder_decoder":
        return seq2seq.metrics(setup, run)
    if not run.history:
        return {}
    last = run.history[-1]
    out = {k: last[k] for k in ("loss", "token_accuracy", "val_loss", "val_token_accuracy") if k in last}
    data = setup.extra["data"]
    if data.task == "text":
        out["sample"] = generate(setup.model, data, SAMPLE_PROMPT, seed=run.config.seed)
    else:
        out["val_sequence_accuracy"] = sequence_accuracy(setup.model, data.x_val, data.y_val)
    out["epochs_trained"] = len(run.history)
    return out


def answer(setup, question, **kwargs):
    """The model's answer to a view's question, as it is now (`TrainingJob.ask`).

    Args:
        setup: the lab's `Setup`.
        question: "attention" (`ids`: token ids `(n, L)`) returns `(logits, attention)`
            as `read_attention` does; "generate" (`prompt`, `n_chars`,
            `temperature`) returns the prompt and the characters written after it;
            "decode" (`text`, encoder–decoder) returns `seq2seq.decode_typed`.
    """
    probe, data = setup.extra["probe"], setup.extra["data"]
    if question == "decode":
        return seq2seq.decode_typed(setup, kwargs["text"])
    if question == "attention":
        return read_attention(probe, kwargs["ids"])
    if question == "generate":
        return generate(probe, data, kwargs["prompt"], kwargs["n_chars"], kwargs["temperature"], seed=None)
    raise ValueError(f"The attention lab cannot answer {question!r}.")
