"""AppTest of the attention page: a tiny training, the attention maps, the scrubber, your own input and text."""

import json

from tests.app.support import TIMEOUT, open_lab_page

TINY = {
    "attention_n_samples": 400,
    "attention_num_layers": 1,
    "attention_num_heads": 2,
    "attention_d_model": 16,
    "attention_ff_dim": 16,
    "attention_epochs": 3,
}


def chart_data(chart):
    """The rows of a chart's data (Streamlit ships them apart from the spec, as Arrow)."""
    import pyarrow as pa

    return [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]


def chart_specs(at):
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def titles(at):
    return " ".join(json.dumps(spec.get("title", "")) for spec in chart_specs(at))


def train(at, settings):
    for key, value in settings.items():
        at.number_input(key=key).set_value(value)
    at.run()
    assert not at.exception
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["attention"].wait(TIMEOUT)
    at.run()  # AppTest does not fire run_every: redraw once the job ended
    assert not at.exception
    return run


def test_reverse_shows_every_head_scrubber_and_checks_own_input():
    at = open_lab_page("pages/6_Attention.py")
    run = train(at, TINY)
    assert run.status == "completed" and len(run.history) == 3
    assert "val_token_accuracy" in run.history[-1]
    text = titles(at)
    for title in ("Loss", "Token accuracy", "Attention of example 1 after epoch 3", "Attention on your sequence"):
        assert title in text
    heatmap = next(c for c in at.get("vega_lite_chart") if "Attention of example" in c.proto.spec)
    cells = chart_data(heatmap)[0]
    assert set(zip(cells["layer"], cells["head"])) == {("Layer 1", "Head 1"), ("Layer 1", "Head 2")}
    rows = cells.groupby(["head", "query"])["weight"].sum()
    assert ((rows > 0.98) & (rows < 1.02)).all()  # each query's attention sums to 1
    assert any(m.label == "Validation token accuracy" for m in at.metric)

    frames = run.snapshot["frames"]
    assert frames[0]["epoch"] == 0 and frames[-1]["epoch"] == 3  # the untrained model and the last epoch at least
    at.select_slider(key="attention_frame").set_value(0).run()  # the scrubber replays the untrained maps
    assert "after epoch 0" in titles(at)

    at.text_input(key="attention_input").set_value("1 2 3").run()
    assert "exactly 8 tokens" in " ".join(e.value for e in at.error)
    at.text_input(key="attention_input").set_value("1 2 3 4 5 6 7 12").run()
    assert "between 0 and 9" in " ".join(e.value for e in at.error)
    at.text_input(key="attention_input").set_value("0 1 2 3 4 5 6 7").run()
    assert not at.error and not at.exception
    assert "tokens right" in " ".join(m.value for m in at.markdown)


def test_text_task_generates_from_a_prompt():
    at = open_lab_page("pages/6_Attention.py", {"task": "text"})
    assert at.button(key="attention_suggest")  # suggested settings for text are offered
    run = train(
        at,
        {
            "attention_seq_len": 12,
            "attention_num_layers": 1,
            "attention_d_model": 16,
            "attention_ff_dim": 16,
            "attention_epochs": 1,
        },
    )
    assert run.status == "completed" and run.config.causal
    at.text_input(key="attention_prompt").set_value("Four score").run()
    at.slider(key="attention_length").set_value(40)
    at.button(key="attention_generate").click().run()
    assert not at.exception and not at.error
    generated = " ".join(m.value for m in at.markdown)
    assert "> **Four score**" in generated
    assert "Attention on your prompt" in titles(at)
    at.text_input(key="attention_prompt").set_value("Four score 😀").run()
    assert "never occur there" in " ".join(e.value for e in at.error)


def test_bad_shift_blocks_training():
    at = open_lab_page("pages/6_Attention.py", {"task": "copy_shift", "seq_len": "4", "shift": "5"})
    assert "These settings cannot train" in " ".join(e.value for e in at.error)
    assert at.button(key="train").disabled


def test_suggested_text_settings_fill_the_widgets():
    at = open_lab_page("pages/6_Attention.py", {"task": "text"})
    at.button(key="attention_suggest").click().run()
    assert not at.exception
    assert at.number_input(key="attention_seq_len").value == 32
    assert at.number_input(key="attention_epochs").value == 40
    assert "attention_suggest" not in [b.key for b in at.button]  # nothing left to apply


def test_encoder_decoder_on_dates_shows_cross_attention_exposure_and_guesses_typed_dates():
    at = open_lab_page("pages/6_Attention.py", {"architecture": "encoder_decoder", "task": "dates"})
    assert "cross-attention" in " ".join(m.value for m in at.markdown)
    tiny = {k: v for k, v in TINY.items() if k != "attention_n_samples"}
    run = train(at, {**tiny, "attention_n_items": 400, "attention_epochs": 2})
    assert run.status == "completed" and 0 <= run.metrics["val_sequence_accuracy"] <= 1
    assert len(run.metrics["examples"]) == 1000
    heatmap = next(c for c in at.get("vega_lite_chart") if "Example: layer 1" in c.proto.spec)
    cells = chart_data(heatmap)[0]
    spec = json.loads(heatmap.proto.spec)["spec"]["encoding"]
    assert (spec["y"]["title"], spec["x"]["title"]) == ("answer writes", "input read")
    rows = cells.groupby(["head", "query"])["weight"].sum()
    assert (rows < 1.02).all()  # the padding's share is cropped: each row sums to at most 1
    assert any(m.label == "Year alignment" for m in at.metric)
    assert "Teacher forcing against running free" in " ".join(s.value for s in at.subheader)
    assert "The model's guess" in " ".join(m.value for m in at.markdown)

    at.text_input(key="seq2seq_input").set_value("31 February 2021").run()
    assert "impossible date" in " ".join(w.value for w in at.warning)
    assert "The model's guess" in " ".join(m.value for m in at.markdown) and not at.exception
    for bad, words in [("", "Type something"), ("x" * 60, "at most"), ("3 März 2021", "is new to it")]:
        at.text_input(key="seq2seq_input").set_value(bad).run()
        assert words in " ".join(e.value for e in at.error) and not at.exception


def test_encoder_tasks_refuse_the_encoder_decoder_and_back():
    at = open_lab_page("pages/6_Attention.py", {"architecture": "encoder", "task": "dates"})
    assert "choose the encoder_decoder architecture" in " ".join(e.value for e in at.error)
    at = open_lab_page("pages/6_Attention.py", {"architecture": "encoder_decoder", "task": "text"})
    assert "needs the encoder architecture" in " ".join(e.value for e in at.error)
