"""The attention lab's encoder–decoder: teacher-forced training, greedy decoding, the attention maps and the metrics."""

import numpy as np

from lab.callbacks import steps_per_epoch
from lab.registry import Setup
from lab.runs import Snapshot
from lab.translation import END, PAD, START, check_typed, decoder_inputs

CHUNK = 256  # items per compiled prediction; also the validation items decoded at every snapshot


def build(config, data):
    """Builds the encoder–decoder and its teacher-forced fit data; called in the training thread after seeding."""
    from models.attention import build_encoder_decoder

    model, probe = build_encoder_decoder(config, data.vocab_size, data.source_len, data.target_len, return_probe=True)
    frames = []
    steps = steps_per_epoch(len(data.source_train), config.batch_size)
    return Setup(
        model=model,
        x=[data.source_train, decoder_inputs(data.target_train)],
        y=data.target_train,
        validation_data=([data.source_val, decoder_inputs(data.target_val)], data.target_val),
        batch_size=config.batch_size,
        snapshot=lambda m: snapshot(m, probe, data, frames, steps, config.num_layers),
        extra={"probe": probe, "data": data, "config": config},
    )


def run_probe(probe, source, target_in):
    """The probe's outputs (logits, then every attention map) for any number of items.

    Items go through in chunks of `CHUNK`, the last one padded, so the compiled
    prediction is traced once for every call of a run.

    Returns:
        list of arrays: `(n, target_len, vocab)` logits, then the probe's scores in order.
    """
    n, outs = len(source), []
    for at in range(0, n, CHUNK):
        rows = slice(at, min(at + CHUNK, n))
        pad = CHUNK - (rows.stop - rows.start)
        batch = [np.pad(a[rows], ((0, pad), (0, 0))) for a in (source, target_in)]
        outs.append([np.asarray(o)[: CHUNK - pad] for o in probe.predict_on_batch(batch)])
    return [np.concatenate(parts) for parts in zip(*outs, strict=True)]


def greedy_decode(probe, source, target_len):
    """The model's own answers, token by token: each step feeds back the tokens chosen so far.

    Args:
        probe: the encoder–decoder's probe (`build_encoder_decoder(..., return_probe=True)`).
        source: `(n, source_len)` input ids.
        target_len: the decoder's length.

    Returns:
        `(n, target_len)` int32 ids; after the first end token every id is padding.
    """
    n = len(source)
    tokens = np.full((n, target_len + 1), PAD, dtype="int32")
    tokens[:, 0] = START
    done = np.zeros(n, dtype=bool)
    for i in range(target_len):
        logits = run_probe(probe, source, tokens[:, :target_len])[0]
        step = np.where(done, PAD, logits[:, i].argmax(-1))
        tokens[:, i + 1] = step
        done |= step == END
        if done.all():
            break
    return tokens[:, 1:]


def accuracies(predicted, target):
    """`(token, sequence)` accuracy: the share of real target tokens (the end token counts) and of whole answers right."""
    real = target != PAD
    hits = (predicted == target) | ~real
    return float((predicted == target)[real].mean()), float(hits.all(axis=1).mean())


def read(probe, source, output, num_layers):
    """Every attention map of items whose answer is `output`, read with `output` as the decoder's input.

    Returns:
        `(choices, maps)`: `(n, target_len)` the token chosen at each position (with
        `output` the target, these are the teacher-forced choices), and a dict of `(n,
        layers, heads, queries, keys)` float32 maps: `encoder` (source × source),
        `decoder` (target × target, causal) and `cross` (target × source).
    """
    logits, *scores = run_probe(probe, source, decoder_inputs(output))
    parts = [scores[i * num_layers : (i + 1) * num_layers] for i in range(3)]
    maps = {name: np.stack(part, axis=1) for name, part in zip(("encoder", "decoder", "cross"), parts, strict=True)}
    return logits.argmax(-1).astype("int32"), maps


def year_positions(source_text, year):
    """Where the year is written in a date's text: its 4 digits, or the last 2 for a 2-digit year."""
    at = source_text.rfind(str(year))
    return list(range(at, at + 4)) if at >= 0 else [len(source_text) - 2, len(source_text) - 1]


def year_alignment(cross, pairs):
    """How much of the attention of the answer's year digits falls on the input's year digits.

    Args:
        cross: `(n, layers, heads, target_len, source_len)` cross-attention of the items
            decoded with teacher forcing (query i writes answer character i).
        pairs: the items' `Pair`s (dates).

    Returns:
        `(n, layers, heads)` float: the mean over the 4 year queries of the weight on the year's input positions.
    """
    out = np.zeros(cross.shape[:3])
    for e, pair in enumerate(pairs):
        keys = year_positions("".join(pair.source), "".join(pair.target)[:4])
        out[e] = cross[e, :, :, :4][..., keys].sum(-1).mean(-1)
    return out


class Seq2SeqSnapshot(Snapshot, total=False):
    """The encoder–decoder's live views (every key optional).

    Attributes:
        maps: `{"encoder", "decoder", "cross"}` float16 maps of the drawn examples, decoded greedily.
        outputs: their greedy answers (ids).
        frames: every kept `{"epoch", "maps", "outputs"}` (cross and decoder maps), for the replay.
        exposure: `{"teacher_forced", "free_running"}` token and sequence accuracy of 256 validation items.
        alignment: `(layers, heads)` year alignment of those items (dates only).
    """

    maps: dict
    outputs: np.ndarray
    frames: list
    exposure: dict
    alignment: np.ndarray


def live_items(data):
    """The items decoded at every snapshot: the drawn examples first, then the first validation items."""
    rest = np.setdiff1d(np.arange(len(data.source_val)), data.examples)[: CHUNK - len(data.examples)]
    return np.concatenate([data.examples, rest])


def snapshot(model, probe, data, frames, steps, num_layers) -> Seq2SeqSnapshot:
    """Live views of the encoder–decoder; called from the training thread."""
    from lab.labs.attention.setup import keep_frame

    items = live_items(data)
    source, target = data.source_val[items], data.target_val[items]
    outputs = greedy_decode(probe, source, data.target_len)
    _, maps = read(probe, source[: len(data.examples)], outputs[: len(data.examples)], num_layers)
    maps = {k: v.astype("float16") for k, v in maps.items()}
    forced, forced_maps = read(probe, source, target, num_layers)
    epoch = round(float(model.optimizer.iterations.numpy()) / steps)
    shown = outputs[: len(data.examples)]
    frame = {"epoch": epoch, "maps": {"cross": maps["cross"], "decoder": maps["decoder"]}, "outputs": shown}
    keep_frame(frames, frame)
    out: Seq2SeqSnapshot = {
        "epoch": epoch,
        "maps": maps,
        "outputs": shown,
        "frames": list(frames),
        "exposure": {
            "teacher_forced": dict(zip(("token", "sequence"), accuracies(forced, target), strict=True)),
            "free_running": dict(zip(("token", "sequence"), accuracies(outputs, target), strict=True)),
        },
    }
    if data.task == "dates":
        out["alignment"] = year_alignment(forced_maps["cross"], [data.pairs_val[i] for i in items]).mean(axis=0)
    return out


def metrics(setup, run):
    """Final metrics: the last epoch's losses, greedy and teacher-forced accuracies, every validation answer."""
    if not run.history:
        return {}
    probe, data = setup.extra["probe"], setup.extra["data"]
    last = run.history[-1]
    out = {k: last[k] for k in ("loss", "token_accuracy", "val_loss") if k in last}
    greedy = greedy_decode(probe, data.source_val, data.target_len)
    out["val_token_accuracy"], out["val_sequence_accuracy"] = accuracies(greedy, data.target_val)
    forced, maps = read(probe, data.source_val, data.target_val, run.config.num_layers)
    out["val_token_accuracy_teacher_forced"], out["val_sequence_accuracy_teacher_forced"] = accuracies(
        forced, data.target_val
    )
    if data.task == "dates":
        by_head = year_alignment(maps["cross"], data.pairs_val).mean(axis=0)
        out["year_alignment"] = float(by_head.mean(axis=1).max())
        out["year_alignment_by_layer"] = [float(v) for v in by_head.mean(axis=1)]
    out["examples"] = [
        {"input": data.join(p.source), "target": data.join(p.target), "output": data.text(ids)}
        for p, ids in zip(data.pairs_val, greedy, strict=True)
    ]
    out["epochs_trained"] = len(run.history)
    return out


def decode_typed(setup, text):
    """The model's answer to a typed input, with its maps.

    Returns:
        dict with `source_ids` (the input's ids), `note` (a sentence when the input is
        not an item the task could produce, else ""), `output` (the answer's text),
        `output_ids` and `maps` (as `read` gives them, for this one item).

    Raises:
        ValueError: an input the model cannot read, in a sentence.
    """
    from lab.translation import encode

    data, probe, config = setup.extra["data"], setup.extra["probe"], setup.extra["config"]
    tokens, note = check_typed(data.task, text, config.seq_len, config.vocab_size)
    source = encode([tokens], data.tokens, data.source_len)
    output = greedy_decode(probe, source, data.target_len)
    _, maps = read(probe, source, output, config.num_layers)
    return {
        "source_ids": source[0],
        "note": note,
        "output": data.text(output[0]),
        "output_ids": output[0],
        "maps": {k: v[0] for k, v in maps.items()},
    }
