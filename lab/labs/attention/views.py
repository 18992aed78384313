"""The attention lab's intro and live views: accuracy, every head's attention map, a scrubber, your own input."""

import json

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lab import charts
from lab.labs.attention import views_seq2seq
from lab.labs.attention.config import PRESETS
from lab.labs.attention.data import SAMPLE_PROMPT, encode_text, example_tokens, parse_tokens, task_targets
from lab.ui.layout import show_chart
from lab.ui.widgets import kept_text_input, preset_button

INTRO = (
    "A transformer lets every position look at every other one. Each position asks a **query**, every "
    "position offers a **key** and a **value**; attention = softmax(Q·Kᵀ/√d_k)·V mixes the values by how "
    "well each key matches the query. Several **heads** do this in parallel, each learning its own pattern, "
    "and a **positional encoding** tells the model where each token sits. The maps below show, for one "
    "example, how strongly each position (row) attends to each other position (column), for every layer and "
    "head, redrawn while the model trains. Reversing a sequence needs position i to read position L−1−i: "
    "watch the **anti-diagonal** appear."
)
TIPS = {
    "reverse": "The defaults (2 layers × 4 heads, 3,200 sequences, 10 epochs) reach 100% validation token accuracy "
    "in about half a minute; the anti-diagonal forms in epochs 2 and 3. Set positional encoding to none "
    "to see it fail.",
    "copy_shift": "Each output copies the input `shift` places earlier (wrapping round): the maps show a diagonal moved "
    "sideways by the shift.",
    "sort": "Sorting needs each position to count how many tokens are smaller: the maps are less tidy than for reverse. "
    "The defaults reach about 99.9% validation token accuracy in 10 epochs.",
    "text": "The model reads up to `seq_len` characters of the Gettysburg Address and predicts each next one; the "
    "causal mask hides what comes later. The text is short, so the model memorises it: training accuracy "
    "climbs towards 95% while the validation loss (on the unseen last 10%) turns up, which is overfitting.",
}
HEAT_WIDTH = 1000
HEAT_COLOURS = alt.Scale(domain=[0, 1], scheme="blues")


def inputs(values):
    """The intro, a tip for the chosen task and, for text, a button with suggested settings."""
    task = values.get("task")
    if values.get("architecture") == "encoder_decoder":
        st.markdown(views_seq2seq.INTRO)
        if task in views_seq2seq.TIPS:
            st.caption(f":material/lightbulb: {views_seq2seq.TIPS[task]}")
        return values, None
    st.markdown(INTRO)
    if task in TIPS:
        st.caption(f":material/lightbulb: {TIPS[task]}")
    dates = next(p for p in PRESETS if p.key == "dates")
    preset_button(
        "attention",
        "Try the encoder–decoder: rewrite dates",
        dates.settings,
        key="attention_try_dates",
        icon=":material/translate:",
        help="An encoder reads a written date and a decoder writes it in ISO form, with cross-attention between "
        "them (`--preset dates` on the command line).",
    )
    text = PRESETS[0]
    if task == "text" and any(values.get(k) != v for k, v in text.settings.items()):
        preset_button(
            "attention",
            text.label,
            text.settings,
            key="attention_suggest",
            icon=":material/tune:",
            help="`--preset text` on the command line",
        )
    return values, None


def token_text(token):
    """How a token is written on an axis (a space becomes ␣)."""
    return "␣" if token == " " else token


def attention_frame(attention, labels):
    """Attention maps in long form.

    Args:
        attention: `(layers, heads, L, L)` weights; `[l, h, q, k]` is how much query q attends to key k.
        labels: the text of each of the L tokens.

    Returns:
        DataFrame with `layer`, `head`, `query`, `key` (positions), `query_token`, `key_token` and `weight`.
    """
    layer, h, q, k = np.meshgrid(*(np.arange(s) for s in attention.shape), indexing="ij")
    return pd.DataFrame(
        {
            "layer": [f"Layer {i + 1}" for i in layer.ravel()],
            "head": [f"Head {i + 1}" for i in h.ravel()],
            "query": q.ravel(),
            "key": k.ravel(),
            "query_token": np.asarray(labels)[q.ravel()],
            "key_token": np.asarray(labels)[k.ravel()],
            "weight": np.round(attention.astype("float32").ravel(), 3),
        }
    )


def heatmap_chart(attention, labels, title, width=HEAT_WIDTH):
    """One heatmap per layer (rows) and head (columns), the tokens on both axes.

    Args:
        attention: `(layers, heads, L, L)` weights.
        labels: the text of each of the L tokens.
        title: the chart title.
        width: pixels available for one row of heads.
    """
    heads, n = attention.shape[1], attention.shape[-1]
    size = int(min(np.clip(22 * n, 150, 320), width / heads - 24))
    names = json.dumps([token_text(t) for t in labels])
    axis = {
        "labelExpr": f"{names}[datum.value]",
        "labelAngle": 0,
        "labelOverlap": False,
        "labelFontSize": 12 if n <= 16 else 9,
    }
    base = (
        alt.Chart(attention_frame(attention, labels))
        .mark_rect()
        .encode(
            x=alt.X("key:O", title="key (attended to)", axis=alt.Axis(**axis)),
            y=alt.Y("query:O", title="query", axis=alt.Axis(**axis)),
            color=alt.Color("weight:Q", title="attention", scale=HEAT_COLOURS),
            tooltip=[
                "layer:N",
                "head:N",
                alt.Tooltip("query:O", title="query position"),
                alt.Tooltip("query_token:N", title="query token"),
                alt.Tooltip("key:O", title="key position"),
                alt.Tooltip("key_token:N", title="key token"),
                alt.Tooltip("weight:Q", format=".3f"),
            ],
        )
        .properties(width=size, height=size)
    )
    return base.facet(
        row=alt.Row("layer:N", title=None, header=alt.Header(labelFontSize=13, labelFontWeight="bold")),
        column=alt.Column("head:N", title=None, header=alt.Header(labelFontSize=13, labelFontWeight="bold")),
    ).properties(title=title)


def accuracy_chart(run):
    """Training and validation token accuracy per epoch, or None before the first epoch."""
    history = run.history_frame()
    if "token_accuracy" not in history:
        return None
    return charts.metric_chart(run, "token_accuracy").properties(
        title="Token accuracy: share of positions predicted right", height=260
    )


def prediction_table(tokens, ids, predicted, target, text_task):
    """Input, prediction and target of one sequence as a small table (one column per position)."""

    def words(seq):
        return [token_text(tokens[int(i)]) for i in seq]

    rows = {"input": words(ids), "model says" if not text_task else "model's next character": words(predicted)}
    if target is not None:
        rows["right answer" if not text_task else "actual next character"] = words(target)
        rows["right?"] = ["✓" if p == t else "✗" for p, t in zip(predicted, target)]
    frame = pd.DataFrame(rows).T
    frame.columns = [str(i) for i in range(len(ids))]
    return frame


def _example_label(data, i):
    return (
        "".join(data.tokens[t] for t in data.examples[i])
        if data.task == "text"
        else " ".join(data.tokens[t] for t in data.examples[i])
    )


def attention_panel(run, data):
    """The attention maps of a chosen example at a chosen epoch, with its prediction."""
    snap = run.snapshot
    st.subheader("Attention maps")
    left, right = st.columns([2, 3])
    with left:
        which = st.selectbox(
            "Example",
            range(len(data.examples)),
            key="attention_example",
            format_func=lambda i: f"{i + 1}: {_example_label(data, i)}",
            help="Validation sequences (for text: the opening words, then unseen passages).",
        )
    with right:
        frame = views_seq2seq.epoch_scrubber(run, snap["frames"], "attention", "Drag back to see how the maps formed.")
    ids = data.examples[which]
    labels = [data.tokens[t] for t in ids]
    st.altair_chart(
        heatmap_chart(
            frame["attention"][which], labels, f"Attention of example {which + 1} after epoch {frame['epoch']}"
        ),
        width="content",
    )
    target = None if data.task == "text" else task_targets(data.task, ids[None], run.config.shift)[0]
    st.dataframe(prediction_table(data.tokens, ids, frame["predictions"][which], target, data.task == "text"))
    mask = "the causal mask hides later positions (upper right stays white), " if run.config.causal else ""
    st.caption(
        f"Rows: the query position that looks; columns: the key positions it can read, both labelled with their input "
        f"tokens. Each row sums to 1: dark cells are the positions it reads. {mask.capitalize()}"
        "Hover a cell for its weight. Maps are stored about once a second while training (at most 60)."
    )


def own_sequence(run, data, job):
    """A toy-task input typed by the user: its prediction and attention, or why it cannot be read."""
    config = run.config
    text = kept_text_input(
        f"Your sequence: {config.seq_len} whole numbers from 0 to {config.vocab_size - 1}",
        "attention_input",
        example_tokens(config.seq_len, config.vocab_size),
        help="Separate the numbers with spaces or commas.",
    )
    try:
        ids = parse_tokens(text, config.seq_len, config.vocab_size)
    except ValueError as err:
        st.error(f"This input cannot be read: {err}", icon=":material/error:")
        return
    logits, attention = job.ask("attention", ids=ids[None])
    predicted = logits[0].argmax(-1)
    target = task_targets(config.task, ids[None], config.shift)[0]
    right = int((predicted == target).sum())
    st.markdown(f"**{right} of {len(ids)} tokens right.**")
    st.dataframe(prediction_table(data.tokens, ids, predicted, target, False))
    st.altair_chart(
        heatmap_chart(attention[0], [data.tokens[t] for t in ids], "Attention on your sequence"), width="content"
    )


def own_prompt(run, data, job):
    """Text written after the user's prompt, with a temperature, and the prompt's attention."""
    a, b, c = st.columns([3, 2, 2])
    with a:
        prompt = kept_text_input(
            "Prompt", "attention_prompt", SAMPLE_PROMPT, help="The model continues it one character at a time."
        )
    temperature = b.slider(
        "Temperature",
        0.0,
        2.0,
        0.5,
        0.1,
        key="attention_temperature",
        help="0 always picks the most likely character; higher values pick less likely ones more often.",
    )
    length = c.slider("Characters to write", 20, 400, 200, 20, key="attention_length")
    clicked = st.button("Generate", key="attention_generate", icon=":material/edit_note:")
    try:
        ids = encode_text(prompt, data.tokens)[-run.config.seq_len :]
        if clicked:  # a fresh random draw at every click
            st.session_state["_attention_text"] = (
                id(run),
                job.ask("generate", prompt=prompt, n_chars=length, temperature=temperature),
            )
    except ValueError as err:
        st.error(f"This prompt cannot be used: {err}", icon=":material/error:")
        return
    written_by, text = st.session_state.get("_attention_text", (None, ""))
    if written_by == id(run):
        st.markdown("**Generated text** (your prompt in bold):")
        start = text[: len(prompt)] if text.startswith(prompt) else ""
        st.markdown(f"> **{start}**{text[len(start) :]}")
    if len(ids):
        _, attention = job.ask("attention", ids=ids[None])
        st.altair_chart(
            heatmap_chart(attention[0], [data.tokens[t] for t in ids], "Attention on your prompt"), width="content"
        )


def draw(run, data, job):
    """The attention lab's live views."""
    if run.config.architecture == "encoder_decoder":
        views_seq2seq.draw(run, data, job)
        return
    snap = run.snapshot
    last = run.history[-1] if run.history else {}
    a, b, c = st.columns(3)
    a.metric("Epoch", snap.get("epoch", 0))
    if last:
        b.metric("Validation token accuracy", f"{last.get('val_token_accuracy', float('nan')):.1%}")
        c.metric("Validation loss", f"{last.get('val_loss', float('nan')):.4f}")
    show_chart(accuracy_chart(run))
    attention_panel(run, data)
    st.subheader("Try your own input" if data.task != "text" else "Write with the model")
    st.caption("Uses the model as it is now" + (" (still training)." if not run.ended else ", after training."))
    if not job.ready:
        st.info(job.unavailable, icon=":material/info:")
    elif data.task == "text":
        own_prompt(run, data, job)
    else:
        own_sequence(run, data, job)
