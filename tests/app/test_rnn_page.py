"""AppTest of the RNN page: the worked example's numbers, a tiny training, Compare cells, dynamics."""

import json

from lab.labs.rnn.worked_example import recurrent_params
from tests.app.support import TIMEOUT, open_lab_page

PAGE = "pages/5_RNN_LSTM.py"
LECTURE_NUMBERS = (  # every number of the slide's table, in the slides' numbering
    "y_1 = W_hy·h_1 = [0.5017, 0.3032, 0.2126, 0.2107] · softmax = [0.3015, 0.2472, 0.2258, 0.2254]",
    "**x_1 = S**",
    "h_2 = tanh(W_hh·h_1 + W_xh·x_1 + b) = tanh([",
    "= [0.7166, 0.9363, 0.9070]",
    "y_2 = W_hy·h_2 = [1.9261, 1.1312, 0.9358, 1.0787] · softmax = [0.4441, 0.2006, 0.1650, 0.1903]",
    "= [0.9540, 0.9807, 0.9564]",
    "= [0.9370, 0.9793, 0.9876]",
    "softmax = [0.4456, 0.1934, 0.1632, 0.1978] → predicts **S**",
)


def chart_titles(at):
    return " ".join(
        json.dumps(json.loads(c.proto.spec).get("title", ""), ensure_ascii=False) for c in at.get("vega_lite_chart")
    )


def page_text(at):
    return " ".join(m.value for m in at.markdown)


def test_worked_example_shows_the_lecture_numbers():
    at = open_lab_page(PAGE, {"task": "weather_toy"})
    text = page_text(at)
    for number in LECTURE_NUMBERS:
        assert number in text
    assert "Why gradients vanish or explode" in [h.value for h in at.subheader]
    assert "h_t = tanh(W_hh·h_(t−1)), spectral radius 1" in chart_titles(at)
    assert [t.label for t in at.tabs] == ["SimpleRNN (the lecture's example)", "LSTM cell (an illustration)"]
    assert "many-to-one" in " ".join(c.value for c in at.caption)


def test_bptt_formula_cell_sizes_and_sigmoid_dynamics():
    at = open_lab_page(PAGE, {"task": "adding", "units": "64"})
    assert any(r"\prod_{j=k+1}^{t} \frac{\partial h_j}{\partial h_{j-1}}" in f.value for f in at.latex)
    captions = " ".join(c.value for c in at.caption)
    lstm = recurrent_params("lstm", 64, 2)  # checked against Keras in the unit tests
    assert "At 64 units on 2 input features" in captions and f"{lstm:,} as an LSTM (4.0×)" in captions
    at.radio(key="rnn_dyn_activation").set_value("sigmoid").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "radius/4" in captions and "die out like radiusᵗ" not in captions


def test_train_shows_metric_baseline_gradients_and_gates():
    at = open_lab_page(PAGE)
    at.selectbox(key="rnn_task").set_value("adding")
    at.number_input(key="rnn_seq_len").set_value(10)
    at.number_input(key="rnn_n_sequences").set_value(300)
    at.number_input(key="rnn_units").set_value(8)
    at.number_input(key="rnn_epochs").set_value(2).run()
    assert not at.exception
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["rnn"].wait(TIMEOUT)
    at.run()  # AppTest does not fire run_every: redraw once the job ended
    assert not at.exception
    assert run.status == "completed" and "val_mse" in run.metrics
    titles = chart_titles(at)
    for title in (
        "Loss",
        "Validation MSE against the baseline",
        "Answers against the true sums",
        "Gradient of the loss with respect to each hidden state",
        "LSTM gates along a validation sequence",
    ):
        assert title in titles
    assert at.query_params["seq_len"] == "10"


def test_compare_cells_trains_all_three():
    at = open_lab_page(
        PAGE, {"task": "weather_toy", "n_sequences": "200", "units": "4", "epochs": "1", "batch_size": "32"}
    )
    at.button(key="compare").click().run()
    entries = at.session_state["rnn_compare"]
    assert [name for name, _ in entries] == ["SimpleRNN", "LSTM", "GRU"]
    for _, job in entries:
        assert job.wait(TIMEOUT).status == "completed"
    at.run()
    assert not at.exception
    assert "Validation accuracy of the three cells" in chart_titles(at)
    assert any("does best" in s.value for s in at.success)


def test_bad_copy_length_blocks_training():
    at = open_lab_page(PAGE, {"task": "copy", "seq_len": "4"})
    assert "These settings cannot train" in " ".join(e.value for e in at.error)
    assert at.button(key="train").disabled


def test_the_training_time_is_estimated_before_train_and_follows_the_settings():
    from lab import estimate

    estimate.forget()
    at = open_lab_page(PAGE)
    captions = " ".join(c.value for c in at.caption)
    assert "Training takes about 30 s on two CPU cores" in captions  # the default, at the reference speed
    at.number_input(key="rnn_epochs").set_value(24).run()
    assert "Training takes about 60 s" in " ".join(c.value for c in at.caption)  # twice the epochs


def test_dates_trains_an_encoder_decoder_and_draws_lengths_and_alignment_maps():
    at = open_lab_page(
        PAGE, {"task": "dates", "n_sequences": "200", "cell": "gru", "units": "8", "epochs": "1", "batch_size": "32"}
    )
    text = page_text(at)
    assert "| many-to-many with a delay |" in text and "**dates** (this task)" in text
    assert "**context vector**" in text and any(r"\alpha_{ij}" in f.value for f in at.latex)
    assert at.checkbox(key="rnn_attention").value is True
    assert "Compare with and without attention" in [h.value for h in at.subheader]
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["rnn"].wait(TIMEOUT)
    at.run()
    assert not at.exception
    assert run.status == "completed" and 0 <= run.metrics["val_sequence_accuracy"] <= 1
    titles = chart_titles(at)
    assert "Validation accuracy against the baseline" in titles and "Exact answers by input length" in titles
    example = run.snapshot["dates"]["examples"][0]
    assert f"{example['input']} → " in titles  # an alignment map per drawn example
    assert len(at.dataframe) >= 1 and "greedy decoding" in " ".join(c.value for c in at.caption)


def test_dates_without_attention_says_there_is_no_alignment():
    at = open_lab_page(PAGE, {"task": "dates", "attention": "false", "n_sequences": "200", "units": "4", "epochs": "1"})
    at.button(key="train").click().run()
    assert at.session_state["jobs"]["rnn"].wait(TIMEOUT).status == "completed"
    at.run()
    assert not at.exception
    assert any("no alignment to draw" in i.value for i in at.info)
    assert "→" not in chart_titles(at)
