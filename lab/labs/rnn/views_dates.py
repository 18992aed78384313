"""The RNN lab's views of the encoder–decoder on dates: the configurations table, the explainer, live views and
"Compare with and without attention"."""

import streamlit as st

from lab.labs.rnn.charts import CELL_NAMES, alignment_chart, length_chart, length_compare_chart, metric_chart
from lab.labs.rnn.dates import LIVE_ITEMS
from lab.ui.compare import compare_controls

ATTENTION_KEY = "rnn_compare_attention"
CONFIGURATIONS = (  # (configuration, example, the lab's tasks that show it)
    ("one-to-many", "one input, a sequence out: a caption for an image", ()),
    (
        "many-to-one",
        "a sequence in, one answer at the end: sentiment, tomorrow's weather",
        ("weather_toy", "seattle_weather", "temperature", "adding", "copy"),
    ),
    (
        "many-to-many with a delay",
        "read the whole input, then write an output of its own length: translation",
        ("dates",),
    ),
    ("many-to-many aligned", "one output per input step: labelling each video frame", ()),
)
CONFIGURATION_NOTES = {
    "copy": "its five symbols come out together, from the last state",
    "many-to-many aligned": "the lecture's worked example (a target after every day) in the step-through",
}
SEQ2SEQ = (
    "An **encoder–decoder** (Sutskever et al. 2014; Cho et al. 2014) reads the input with one RNN, the "
    "encoder, and writes the answer with a second, the decoder, which starts from the encoder's last state. "
    "That state is the **context vector**: one vector of `units` numbers, the same size whether the date is "
    "“03/03/21” or “Wednesday, March 3, 2021”. Everything the decoder writes must pass through it, and what "
    "the encoder read early has to survive every later step. On long sentences this is the bottleneck: "
    "Cho et al. saw translation quality fall as sentences grew. Dates are short, so here the price is mostly "
    "paid in learning: without attention the network needs many more epochs to get whole answers right. "
    "While training, the decoder reads the true previous character (**teacher forcing**); when it answers, "
    "it reads its own previous output (**greedy decoding**: the most likely character each time, until the "
    "end token)."
)
BAHDANAU = (
    "**Additive attention** (Bahdanau, Cho and Bengio 2015) keeps every encoder output h_j instead. Before it "
    "writes output character i, the decoder scores each input position against its state s, turns the "
    "scores into weights that sum to 1, and reads the weighted mean of the h_j as a fresh context c_i:"
)
BAHDANAU_MATH = (
    r"e_{ij} = v^\top \tanh(W s_{i-1} + U h_j), \qquad \alpha_{ij} = \frac{\exp e_{ij}}{\sum_k \exp e_{ik}}, "
    r"\qquad c_i = \sum_j \alpha_{ij}\, h_j"
)
BAHDANAU_AFTER = (
    "Here Keras' `AdditiveAttention` computes the scores from the decoder output s_i (the state after it read "
    "the previous character, so it plays the part of s_(i−1)), W and U are two Dense layers without bias, and "
    "c_i joins s_i before the softmax over the characters. Padding gets no weight. The weights α are the "
    "**alignment map**: the month digits of the answer should look at the month's name, the year at the year. "
    "No single vector has to carry the whole input any more, and every input character is one step away from "
    "every output character, which also shortens the path the gradient travels back."
)


def configurations_table(task):
    """The input/output configurations of recurrent networks as a Markdown table, marking the lab's tasks."""
    rows = ["| configuration | what it does | in this lab |", "| --- | --- | --- |"]
    for name, words, tasks in CONFIGURATIONS:
        shown = [f"**{t}** (this task)" if t == task else t for t in tasks]
        shown = [
            f"{text} ({CONFIGURATION_NOTES[t]})" if t in CONFIGURATION_NOTES else text
            for t, text in zip(tasks, shown, strict=True)
        ]
        if name in CONFIGURATION_NOTES:
            shown.append(CONFIGURATION_NOTES[name])
        rows.append(f"| {name} | {words} | {', '.join(shown) or '—'} |")
    return "\n".join(rows)


def seq2seq_explainer():
    """The fixed-size context vector's problem and additive attention, in words and formulas."""
    st.markdown(SEQ2SEQ)
    st.markdown(BAHDANAU)
    st.latex(BAHDANAU_MATH)
    st.markdown(BAHDANAU_AFTER)


def examples_table(examples):
    """The drawn dates: input, target and the greedy answer."""
    st.dataframe(
        [
            {
                "input": e["input"],
                "target": e["target"],
                "greedy answer": e["output"],
                "right": e["output"] == e["target"],
            }
            for e in examples
        ],
        hide_index=True,
        width="stretch",
    )


def draw_dates(run, data):
    """The encoder–decoder's live views: token accuracy, exact answers by input length, the alignment maps."""
    snap = run.snapshot.get("dates")
    left, right = st.columns(2)
    with left:
        if run.history:
            st.altair_chart(metric_chart(run, data), width="stretch")
            st.caption(
                "Token accuracy with teacher forcing: the decoder reads the true previous character. Dashed: the "
                f"baseline to beat — {data.baseline['words']}."
            )
    if not snap:
        return
    with right:
        st.altair_chart(length_chart(snap["by_length"], run.snapshot.get("epoch", 0)), width="stretch")
        final = run.metrics.get("val_sequence_accuracy")
        final = (
            f" All {len(data.x_val):,} validation dates: {final:.1%} exact, token accuracy "
            f"{run.metrics['val_token_accuracy']:.1%}."
            if final is not None
            else ""
        )
        st.caption(
            f"The first {min(LIVE_ITEMS, len(data.x_val))} validation dates, answered by greedy decoding (the "
            f"decoder reads its own previous output): {snap['sequence_accuracy']:.1%} exactly right, token "
            f"accuracy {snap['token_accuracy']:.1%}.{final}"
        )
    examples_table(snap["examples"])
    if not run.config.attention:
        st.info(
            "Without attention there is no alignment to draw: the decoder sees the input only through the "
            "encoder's last state. Switch **Attention** on to see which input characters each output character reads.",
            icon=":material/visibility_off:",
        )
        return
    columns = st.columns(2)
    for i, example in enumerate(snap["examples"]):
        with columns[i % 2]:
            st.altair_chart(alignment_chart(example), width="stretch")
    st.caption(
        "Alignment maps: row i is how the decoder spreads its attention α over the input characters while it "
        "writes character i of the true answer (teacher forcing; the title shows its own greedy answer). Darker "
        "is more weight; each row sums to 1."
    )


def attention_verdict(entries):
    """The sentence comparing exact answers with and without attention, overall and on the longest inputs, or None.

    Args:
        entries: `[(name, run), ...]` of ended runs.
    """
    scored = [(name, run.metrics) for name, run in entries if "accuracy_by_format" in run.metrics]
    if not scored:
        return None
    longest = max(scored[0][1]["accuracy_by_format"], key=lambda r: r["mean_length"])["format"]

    def on_longest(metrics):
        return next(r["accuracy"] for r in metrics["accuracy_by_format"] if r["format"] == longest)

    return (
        "Exact answers: "
        + "; ".join(
            f"**{name}** {m['val_sequence_accuracy']:.1%} overall, {on_longest(m):.1%} on “{longest}”"
            for name, m in scored
        )
        + "."
    )


def _attention_live(entries, done):
    """The attention comparison's verdict (once both ended) and exact answers by input length of each."""
    runs = [(name, job.run) for name, job in entries]
    if done and (text := attention_verdict(runs)):
        st.success(text, icon=":material/emoji_events:")
    lines = [
        (name, run.metrics.get("accuracy_by_length") or run.snapshot.get("dates", {}).get("by_length"))
        for name, run in runs
    ]
    st.altair_chart(length_compare_chart(lines), width="stretch")
    st.caption(
        "While they train: the first validation dates; once ended: all of them. Without attention the long "
        "formats fall behind: their beginning has to survive more encoder steps in one fixed-size state."
    )


def _attention_variants(config):
    return [("with attention", config.replace(attention=True)), ("without attention", config.replace(attention=False))]


def _attention_shared(config):
    return (
        f"dates, {CELL_NAMES[config.cell]} with {config.units} units, {config.optimizer} at learning rate "
        f"{config.learning_rate:g}, {config.epochs} epochs, seed {config.seed}"
    )


def attention_section(config):
    """ "Compare with and without attention": the same encoder–decoder on dates, trained with and without it."""
    st.subheader("Compare with and without attention")
    st.markdown(
        "The same dates, seed and settings, trained twice: once with additive attention, once with only the "
        "encoder's last state as the context."
    )
    compare_controls(
        "rnn",
        ATTENTION_KEY,
        "Compare attention",
        config,
        _attention_variants,
        _attention_shared,
        _attention_live,
    )
