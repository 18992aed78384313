"""The encoder–decoder's live views: cross-attention aligning, the causal decoder, exposure bias, your own input."""

import json

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lab import charts
from lab.translation import SPECIALS, check_typed
from lab.ui.widgets import kept_text_input

INTRO = (
    "An **encoder–decoder** writes an answer of its own length. The **encoder** reads the whole input with "
    "self-attention. The **decoder** writes the answer one token at a time: its **causal self-attention** reads "
    "only the tokens it has written so far, and its **cross-attention** asks the encoder's output where to look "
    "next: its queries come from the decoder, its keys and values from the encoder. In training the decoder "
    "reads the true previous tokens (**teacher forcing**); answering on its own, it reads its own guesses "
    "(**greedy decoding**). The cross-attention maps below pair each answer character (rows) with the input "
    "characters it reads (columns), redrawn while the model trains."
)
TIPS = {
    "dates": "Dates come written eight ways (“03/03/21”, “Mar 3, 2021”, “Wednesday, March 3, 2021” …) and the "
    "answer is always the ISO form 2021-03-03. Watch the year digits of the answer find the year in the input, "
    "and the month digits find the month's name.",
    "numbers": "Number words (“one thousand two hundred and thirty-four”) become digits (1234): the answer is much "
    "shorter than the input, and each digit must find its word.",
    "reverse": "As a sequence-to-sequence task the decoder writes the reversed sequence token by token: its "
    "cross-attention should read the input from the end.",
    "sort": "The decoder writes the sorted tokens one by one: each answer token must find the next smallest input.",
}
COLOURS = alt.Scale(domain=[0, 1], scheme="blues")
MAP_WIDTH = 1000


def axis_text(token):
    """How a token is written on an axis: a space as ␣."""
    return "␣" if token == " " else token


def map_frame(weights, query_labels, key_labels):
    """Attention of one layer in long form: `weights` is `(heads, queries, keys)`."""
    h, q, k = np.meshgrid(*(np.arange(s) for s in weights.shape), indexing="ij")
    return pd.DataFrame(
        {
            "head": [f"Head {i + 1}" for i in h.ravel()],
            "query": q.ravel(),
            "key": k.ravel(),
            "query_token": np.asarray(query_labels)[q.ravel()],
            "key_token": np.asarray(key_labels)[k.ravel()],
            "weight": np.round(weights.astype("float32").ravel(), 3),
        }
    )


def pair_heatmap(weights, query_labels, key_labels, title, query_title, key_title, columns=2, width=MAP_WIDTH):
    """One heatmap per head of one layer, queries as rows and keys as columns, labelled with their tokens.

    Args:
        weights: `(heads, queries, keys)` attention weights (each row sums to 1).
        query_labels, key_labels: the tokens of the rows and of the columns.
        title: the chart title.
        query_title, key_title: the axes' titles.
        columns: heads side by side.
        width: pixels for one row of heads.
    """
    n_q, n_k = weights.shape[1:]
    cell = int(np.clip((width / columns - 60) / n_k, 8, 26))

    def axis(labels):
        names = json.dumps([axis_text(t) for t in labels])
        return alt.Axis(labelExpr=f"{names}[datum.value]", labelAngle=0, labelOverlap=False, labelFontSize=12)

    chart = (
        alt.Chart(map_frame(weights, query_labels, key_labels))
        .mark_rect()
        .encode(
            x=alt.X("key:O", title=key_title, axis=axis(key_labels)),
            y=alt.Y("query:O", title=query_title, axis=axis(query_labels)),
            color=alt.Color("weight:Q", title="attention", scale=COLOURS),
            tooltip=[
                "head:N",
                alt.Tooltip("query_token:N", title=query_title),
                alt.Tooltip("key_token:N", title=key_title),
                alt.Tooltip("weight:Q", format=".3f"),
            ],
        )
        .properties(width=cell * n_k, height=cell * n_q)
    )
    header = alt.Header(labelFontSize=13, labelFontWeight="bold", title=None)
    return chart.facet(facet=alt.Facet("head:N", header=header), columns=columns).properties(title=title)


def source_tokens(data, ids):
    """The input tokens of a row of source ids (padding left out)."""
    return [data.tokens[i] for i in ids if i != 0]


def layer_picker(run, key):
    """A layer selector (a fixed choice when there is one layer)."""
    layers = run.config.num_layers
    if layers == 1:
        return 0
    return st.radio("Layer", range(layers), format_func=lambda i: f"Layer {i + 1}", horizontal=True, key=key)


MAP_TABS = (
    (
        "cross",
        "Cross-attention",
        ("answer writes", "input read"),
        "Row: the answer character being written; columns: the input characters. Each row sums to 1, so a dark cell "
        "is where that character of the answer reads from. Hover a cell for its weight.",
    ),
    (
        "decoder",
        "Decoder self-attention (causal)",
        ("answer writes", "decoder reads"),
        "The causal mask at work: the position that writes a character reads only the start token and the "
        "characters written before it, so everything right of the diagonal stays white.",
    ),
    ("encoder", "Encoder self-attention", ("input position", "input read"), ""),
)
"""Each map's key, tab, axis titles (rows, columns) and caption."""


def maps_view(run, data, maps, output, source_ids, label, key):
    """Tabs with the cross-attention, decoder self-attention and encoder self-attention of one item."""
    src = source_tokens(data, source_ids)
    rows = data.answer_tokens(output)
    reads = [SPECIALS[1], *rows[:-1]]  # the decoder's inputs: start, then what it wrote before
    axes = {"cross": (rows, src), "decoder": (rows, reads), "encoder": (src, src)}
    tabs = st.tabs([tab for _, tab, _, _ in MAP_TABS])
    for tab, (name, _, titles, caption) in zip(tabs, MAP_TABS, strict=True):
        with tab:
            if name not in maps:
                st.caption("The encoder's maps are kept for the newest epoch only.")
                continue
            layer = layer_picker(run, f"{key}_{name}_layer")
            queries, keys = axes[name]
            weights = maps[name][layer][:, : len(queries), : len(keys)]
            chart = pair_heatmap(weights, queries, keys, f"{label}: layer {layer + 1}", *titles)
            st.altair_chart(chart, width="content")
            if caption:
                st.caption(caption)


def epoch_scrubber(run, frames, prefix, help):
    """The epoch scrubber; returns the chosen frame.

    While training, the maps follow the newest epoch unless the user turns "Follow the
    training" off; once the run ends, the slider replays every kept epoch. Its widgets
    are keyed `<prefix>_follow` and `<prefix>_frame`.
    """
    epochs = [f["epoch"] for f in frames]
    frame_key, run_key = f"{prefix}_frame", f"_{prefix}_frame_run"  # a new run starts at its newest epoch
    if not run.ended and st.toggle(
        "Follow the training",
        value=True,
        key=f"{prefix}_follow",
        help="Turn off to drag back through the epochs while the model trains.",
    ):
        return frames[-1]
    if st.session_state.get(frame_key) not in epochs or st.session_state.get(run_key) != id(run):
        st.session_state[frame_key] = epochs[-1]
    st.session_state[run_key] = id(run)
    if len(epochs) > 1:
        st.select_slider("Replay: attention after epoch", options=epochs, key=frame_key, help=help)
    return frames[epochs.index(st.session_state[frame_key])]


def answer_line(data, pair, output):
    """The item's input, the model's guess and the right answer, in words."""
    guess, right = data.text(output), data.join(pair.target)
    mark = "✓ right" if guess == right else f"✗ the answer is **{right}**"
    return f"**{data.join(pair.source)}** → the model's guess: **{guess or '(nothing)'}** ({mark})"


def examples_panel(run, data):
    """The maps of a chosen validation item at a chosen epoch."""
    snap = run.snapshot
    st.subheader("How the answer reads the input")
    left, right = st.columns([2, 3])
    with left:
        which = st.selectbox(
            "Example",
            range(len(data.examples)),
            key="seq2seq_example",
            format_func=lambda i: data.join(data.pairs_val[data.examples[i]].source),
            help="Validation items the model never trained on"
            + (", one per long date format." if data.task == "dates" else "."),
        )
    with right:
        frame = epoch_scrubber(run, snap["frames"], "seq2seq", "Drag back to see the alignment form.")
    item = data.examples[which]
    maps = snap["maps"] if frame["epoch"] == snap.get("epoch") else frame["maps"]
    output = frame["outputs"][which]
    st.markdown(answer_line(data, data.pairs_val[item], output) + f" after epoch {frame['epoch']}")
    maps_view(run, data, {k: v[which] for k, v in maps.items()}, output, data.source_val[item], "Example", "example")


def alignment_view(snap):
    """Dates: how much of the answer's year attention falls on the input's year, per layer and head."""
    if "alignment" not in snap:
        return
    by_head = np.asarray(snap["alignment"])
    best = by_head.mean(axis=1).max()
    st.metric(
        "Year alignment",
        f"{best:.0%}",
        help="Of the attention that the answer's four year digits give to the input, the share that lands on the "
        "input's year digits (256 validation dates read with teacher forcing; mean over heads, best layer). "
        "A head that has not learned where the year is spreads its attention and scores about 4/25 ≈ 15%.",
    )
    table = pd.DataFrame(by_head, index=[f"Layer {i + 1}" for i in range(len(by_head))])
    table.columns = [f"Head {i + 1}" for i in range(by_head.shape[1])]
    st.dataframe(table.style.format("{:.0%}"), width="content")


def exposure_view(snap):
    """Teacher forcing against free-running decoding, on the same validation items."""
    if "exposure" not in snap:
        return
    st.subheader("Teacher forcing against running free")
    e = snap["exposure"]
    table = pd.DataFrame(
        {
            "token accuracy": [e["teacher_forced"]["token"], e["free_running"]["token"]],
            "whole answers right": [e["teacher_forced"]["sequence"], e["free_running"]["sequence"]],
        },
        index=["teacher forcing (reads the true previous characters)", "free running (reads its own guesses)"],
    )
    st.dataframe(table.style.format("{:.1%}"), width="content")
    st.caption(
        "Training always shows the decoder the right previous characters, but answering on its own it reads its "
        "own guesses, so one early mistake leads the rest astray. The gap between the two rows is **exposure "
        "bias** (Bengio et al. 2015 trained with a growing share of the model's own guesses, scheduled sampling, "
        "to narrow it). The loss chart and Keras' token accuracy are teacher-forced; the sequence accuracy in the "
        "final metrics decodes greedily."
    )


def own_item(run, data, job):
    """An input typed by the user: the model's guess and its alignment, or why it cannot be read."""
    config = run.config
    default = {"dates": "3 March 2021", "numbers": "three hundred and five"}.get(data.task, "")
    if not default:
        default = " ".join(str((config.vocab_size - 1 - i) % config.vocab_size) for i in range(config.seq_len))
    text = kept_text_input(
        "Your input",
        "seq2seq_input",
        default,
        help="A date in any of the trained formats, number words, or digit tokens, as the task needs.",
    )
    try:
        _, note = check_typed(data.task, text, config.seq_len, config.vocab_size)
    except ValueError as err:
        st.error(f"This input cannot be read: {err}", icon=":material/error:")
        return
    if note:
        st.warning(note, icon=":material/warning:")
    answer = job.ask("decode", text=text)
    st.markdown(f"The model's guess: **{answer['output'] or '(nothing)'}**")
    st.caption("A guess, not a fact: the model writes the characters it finds most likely, right or wrong.")
    maps_view(run, data, answer["maps"], answer["output_ids"], answer["source_ids"], "Your input", "own")


def draw(run, data, job):
    """The encoder–decoder's live views."""
    snap = run.snapshot
    a, b, c = st.columns(3)
    a.metric("Epoch", snap.get("epoch", 0))
    if "exposure" in snap:
        b.metric(
            "Whole answers right",
            f"{snap['exposure']['free_running']['sequence']:.1%}",
            help="Greedy decoding of 256 validation items at the latest snapshot.",
        )
    if run.history:
        c.metric("Validation loss", f"{run.history[-1].get('val_loss', float('nan')):.4f}")
    if "token_accuracy" in run.history_frame():
        st.altair_chart(
            charts.metric_chart(run, "token_accuracy").properties(
                title="Token accuracy with teacher forcing: share of answer characters right", height=260
            ),
            width="stretch",
        )
    if "frames" not in snap:
        return
    examples_panel(run, data)
    alignment_view(snap)
    exposure_view(snap)
    st.subheader("Try your own input")
    st.caption("Uses the model as it is now" + (" (still training)." if not run.ended else ", after training."))
    if not job.ready:
        st.info(job.unavailable, icon=":material/info:")
    else:
        own_item(run, data, job)
