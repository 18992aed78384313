"""RNN lab on dates: the encoder–decoder with and without attention, greedy decoding, metrics, save and reload."""

import json

import numpy as np
import pytest

from lab.cli import main
from lab.labs.rnn import LAB as RNN_LAB
from lab.labs.rnn import dates
from lab.labs.rnn.config import RNNConfig
from lab.labs.rnn.data import load as load_sequence_data
from lab.training import JobQueue, TrainingJob
from lab.translation import END, PAD, decoder_inputs

TINY = RNNConfig(task="dates", n_sequences=400, cell="gru", units=16, batch_size=32, epochs=1)


@pytest.fixture(scope="module")
def data():
    return load_sequence_data(TINY)


def build(config, data):
    import keras

    keras.utils.set_random_seed(0)
    return dates.make_model(config, data)


def test_dates_data_splits_and_baseline(data):
    seq = data.extra["seq2seq"]
    assert data.kind == "seq2seq" and len(data.x_train) == 320 and len(data.x_val) == 80
    assert data.x_train.shape[1] == seq.source_len == 29 and data.y_train.shape[1] == seq.target_len == 11
    assert np.all(data.y_val[:, 10] == END) and seq.text(data.y_val[0]) == "".join(seq.pairs_val[0].target)
    assert 0.3 < data.baseline["value"] < 0.8  # "-" at two places, "19"/"20" and month tens are easy guesses


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("attention", [True, False])
def test_model_shapes_and_attention_layers(data, cell, attention):
    from models.rnn_seq2seq import attention_probe, has_attention

    model = build(TINY.replace(cell=cell, attention=attention), data)
    seq = data.extra["seq2seq"]
    out = np.asarray(model([data.x_val[:3], decoder_inputs(data.y_val[:3])]))
    assert out.shape == (3, seq.target_len, seq.vocab_size)
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-5)
    assert has_attention(model) == attention and (attention_probe(model) is None) != attention


def test_padding_is_masked_in_the_encoder_and_gets_no_attention(data):
    from models.rnn_seq2seq import attention_probe

    model = build(TINY, data)
    source, target_in = data.x_val[:4], decoder_inputs(data.y_val[:4])
    weights = np.asarray(attention_probe(model)([source, target_in]))
    assert weights.shape == (4, 11, 29)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-5)  # each output character's α sums to 1
    assert np.all(weights[np.broadcast_to(source[:, None, :] == PAD, weights.shape)] == 0)
    # The encoder skips the padding: its last state is the state after the last character.
    embed, encoder = model.get_layer("source_embedding"), model.get_layer("encoder")
    _, padded = encoder(embed(source))
    for row, n in enumerate(dates.source_lengths(source)):
        _, unpadded = encoder(embed(source[row : row + 1, :n]))
        np.testing.assert_allclose(padded[row], unpadded[0], atol=1e-5)


def test_greedy_decoding_returns_ids_ending_in_end_and_strings(data):
    from models.rnn_seq2seq import GreedyDecoder

    model = build(TINY, data)
    decoded = GreedyDecoder(model).decode(data.x_val[:5], batch_size=2)
    assert decoded.shape == (5, 11) and decoded.dtype == np.int32
    for row in decoded:
        ends = np.flatnonzero(row == END)
        assert len(ends) == 0 or np.all(row[ends[0] + 1 :] == PAD)
    assert all(isinstance(data.extra["seq2seq"].text(row), str) for row in decoded)
    view = dates.drawn_examples(GreedyDecoder(model), None, data)
    assert {"input", "target", "output", "form"} <= set(view[0]) and "alignment" not in view[0]


def test_scores_and_grouping():
    target = np.array([[5, 6, END, PAD], [5, 6, END, PAD], [7, END, PAD, PAD]])
    decoded = np.array([[5, 6, END, PAD], [5, 7, END, PAD], [7, END, PAD, PAD]])
    exact, hits, tokens = dates.scores(decoded, target)
    assert exact.tolist() == [True, False, True] and (hits, tokens) == (7, 8)
    rows = dates.by_length(exact, np.array([10, 10, 8]))
    assert rows == [{"length": 8, "accuracy": 1.0, "count": 1}, {"length": 10, "accuracy": 0.5, "count": 2}]


def test_saved_model_reloads_and_decodes_the_same(data, tmp_path):
    import keras

    import models.rnn_seq2seq
    from models.rnn_seq2seq import GreedyDecoder, attention_probe

    model = build(TINY.replace(cell="lstm"), data)
    path = tmp_path / "dates.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = [data.x_val[:4], decoder_inputs(data.y_val[:4])]
    np.testing.assert_allclose(loaded(x), model(x), atol=1e-6)
    np.testing.assert_allclose(attention_probe(loaded)(x), attention_probe(model)(x), atol=1e-6)
    np.testing.assert_array_equal(GreedyDecoder(loaded).decode(x[0]), GreedyDecoder(model).decode(x[0]))
    assert models.rnn_seq2seq.NotPadding  # registered under "lab>NotPadding" for load_model


def test_short_training_run_improves_sequence_accuracy_and_reports_by_length():
    config = RNNConfig(
        task="dates", n_sequences=2000, cell="gru", units=64, batch_size=32, epochs=2, learning_rate=0.01
    )
    run = TrainingJob(RNN_LAB, config, load_sequence_data(config), queue=JobQueue(max_jobs=4)).start().wait(120)
    assert run.status == "completed", run.message
    before, after = run.first_snapshot["dates"], run.snapshot["dates"]
    assert before["sequence_accuracy"] == 0 and after["sequence_accuracy"] > 0.02  # 14.5% measured
    metrics = run.metrics
    assert metrics["val_sequence_accuracy"] > 0.02 and metrics["val_token_accuracy"] > metrics["baseline_accuracy"]
    assert sum(r["count"] for r in metrics["accuracy_by_length"]) == 400
    assert [r["format"] for r in metrics["accuracy_by_format"]][-1] == "Wednesday, March 3, 2021"
    example = after["examples"][0]
    assert np.allclose(np.sum(example["alignment"]["weights"], axis=1), 1.0, atol=1e-3)
    assert len(example["alignment"]["input"]) == len(example["input"])


def test_cli_writes_sequence_accuracy_with_and_without_attention(tmp_path):
    for attention in ("true", "false"):
        out = tmp_path / f"{attention}.json"
        args = ["run", "rnn", "--set", "task=dates", "--set", f"attention={attention}", "--set", "n_sequences=300"]
        args += ["--set", "units=8", "--set", "epochs=1", "--quiet", "--json", str(out)]
        assert main(args) == 0
        result = json.loads(out.read_text())
        assert result["config"]["attention"] is (attention == "true")
        assert 0 <= result["metrics"]["val_sequence_accuracy"] <= 1 and "accuracy_by_length" in result["metrics"]
    assert main(["run", "rnn", "--set", "task=dates", "--set", "attention=maybe"]) == 2


@pytest.mark.parametrize("cell, attention", [("gru", True), ("lstm", False)])
def test_generated_script_reproduces_the_run(tmp_path, cell, attention):
    from lab.labs.rnn.codegen import script
    from tests.unit.test_codegen import final_losses, imported_modules, start_script

    config = TINY.replace(cell=cell, attention=attention)
    source = script(config)
    assert imported_modules(source) == {"keras", "numpy", "datetime", "string"}
    process = start_script(source, tmp_path)  # runs beside the engine
    run = TrainingJob(RNN_LAB, config, load_sequence_data(config), queue=JobQueue(max_jobs=4)).start().wait(120)
    losses = final_losses(process)
    assert losses["final_loss"] == pytest.approx(run.history[-1]["loss"], rel=1e-6)
    assert losses["final_val_loss"] == pytest.approx(run.history[-1]["val_loss"], rel=1e-6)
