"""The RNN lab's encoder–decoder on `dates`: its model, greedy decoding, and accuracy by input length."""

import numpy as np

from lab.translation import PAD, decoder_inputs

LIVE_ITEMS = 500  # validation dates decoded for each live snapshot (the final metrics decode them all)
SHOWN_EXAMPLES = 4  # alignment maps drawn live


def make_model(config, data):
    """The compiled encoder–decoder of a config and its data (see `models.rnn_seq2seq.build_seq2seq`)."""
    from models.rnn import optimizer_with_clipping
    from models.rnn_seq2seq import build_seq2seq, compile_seq2seq

    seq = data.extra["seq2seq"]
    model = build_seq2seq(
        config.cell, config.units, seq.vocab_size, seq.source_len, seq.target_len, attention=config.attention
    )
    return compile_seq2seq(model, optimizer_with_clipping(config.optimizer, config.learning_rate, config.clipnorm))


def fit_data(data):
    """`(x_train, y_train, (x_val, y_val))` for `fit`: source and teacher-forcing inputs, targets."""
    return (
        [data.x_train, decoder_inputs(data.y_train)],
        data.y_train,
        ([data.x_val, decoder_inputs(data.y_val)], data.y_val),
    )


def source_lengths(source):
    """Characters in each row of source ids (padding left out)."""
    return np.sum(np.asarray(source) != PAD, axis=1)


def scores(decoded, target):
    """`(exact, token_hits, tokens)` of greedy answers against their targets.

    Args:
        decoded, target: `(n, target_len)` ids, each row ended by `END` and padded.

    Returns:
        Per-row booleans (the whole answer right, end token included), the number
        of target tokens (padding left out) decoded right, and the number of target tokens.
    """
    real = target != PAD
    return np.all(decoded == target, axis=1), int(np.sum((decoded == target) & real)), int(np.sum(real))


def grouped(exact, keys):
    """`[{"key", "accuracy", "count"}, ...]`: the share of exact answers in each group of `keys`, in sorted order."""
    keys = np.asarray(keys)
    return [
        {"key": k, "accuracy": float(exact[keys == k].mean()), "count": int(np.sum(keys == k))}
        for k in sorted(set(keys.tolist()))
    ]


def by_length(exact, lengths):
    """Exact answers by input length in characters: `[{"length", "accuracy", "count"}, ...]`."""
    return [{"length": g["key"], "accuracy": g["accuracy"], "count": g["count"]} for g in grouped(exact, lengths)]


def by_format(exact, pairs):
    """Exact answers by date format: `[{"format", "accuracy", "count", "mean_length"}, ...]`, shortest first."""
    forms = np.array([p.form for p in pairs])
    lengths = np.array([len(p.source) for p in pairs])
    rows = [
        {
            "format": g["key"],
            "accuracy": g["accuracy"],
            "count": g["count"],
            "mean_length": float(lengths[forms == g["key"]].mean()),
        }
        for g in grouped(exact, forms)
    ]
    return sorted(rows, key=lambda r: r["mean_length"])


def alignment(seq, source_row, target_row, weights):
    """One example's alignment map: its input and target characters and the attention weights between them."""
    n_in = int(np.sum(source_row != PAD))
    n_out = int(np.sum(target_row != PAD))
    return {
        "input": [seq.tokens[i] for i in source_row[:n_in]],
        "output": [seq.tokens[i] for i in target_row[:n_out]],
        "weights": np.round(weights[:n_out, :n_in], 4).tolist(),
    }


def drawn_examples(decoder, probe, data):
    """The drawn validation examples (`Seq2SeqData.examples`): their greedy answers and attention.

    Args:
        decoder: a `GreedyDecoder` of the model.
        probe: the model's `attention_probe`, or None.

    Returns:
        `[{"input", "target", "output", "form"}, ...]`; with a probe, each has an
        `alignment` (see `alignment`): the attention of each target character
        while the decoder writes the true answer (teacher forcing).
    """
    seq = data.extra["seq2seq"]
    shown = seq.examples[:SHOWN_EXAMPLES]
    source, target = data.x_val[shown], data.y_val[shown]
    decoded = decoder.decode(source)
    weights = None if probe is None else probe.predict_on_batch([source, decoder_inputs(target)])
    out = []
    for at, i in enumerate(shown):
        example = {
            "input": "".join(seq.pairs_val[i].source),
            "target": seq.text(target[at]),
            "output": seq.text(decoded[at]),
            "form": seq.pairs_val[i].form,
        }
        if weights is not None:
            example["alignment"] = alignment(seq, source[at], target[at], weights[at])
        out.append(example)
    return out


def evaluate(decoder, data, n=None):
    """Greedy answers to the first `n` validation dates (all when None) and how good they are.

    Returns:
        dict with `sequence_accuracy` (whole answers right), `token_accuracy`,
        `by_length` (see `by_length`) and `by_format` (see `by_format`).
    """
    source, target = data.x_val[:n], data.y_val[:n]
    decoded = decoder.decode(source)
    exact, hits, tokens = scores(decoded, target)
    return {
        "sequence_accuracy": float(exact.mean()),
        "token_accuracy": hits / max(tokens, 1),
        "by_length": by_length(exact, source_lengths(source)),
        "by_format": by_format(exact, data.extra["seq2seq"].pairs_val[: len(source)]),
    }
