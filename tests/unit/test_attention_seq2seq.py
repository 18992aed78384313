"""The attention lab's encoder–decoder: masks, greedy decoding, alignment, saving, codegen and the CLI."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest

from lab.cli import main
from lab.labs.attention import LAB as ATTENTION_LAB
from lab.labs.attention import seq2seq
from lab.labs.attention.config import AttentionConfig
from lab.training import JobQueue, TrainingJob
from lab.translation import END, PAD, START, Pair, decoder_inputs

SMALL = {"num_layers": 1, "num_heads": 2, "d_model": 16, "key_dim": 4, "ff_dim": 16}
DATES = AttentionConfig(architecture="encoder_decoder", task="dates", n_items=400, epochs=1, **SMALL)


def built(config=DATES):
    data = ATTENTION_LAB.load_data(config)
    keras.utils.set_random_seed(config.seed)
    return ATTENTION_LAB.build(config, data), data


def run_job(config):
    data = ATTENTION_LAB.load_data(config)
    return TrainingJob(ATTENTION_LAB, config, data, number=1, queue=JobQueue(max_jobs=4)).start().wait(300)


def test_maps_are_causal_in_the_decoder_and_never_read_padding():
    setup, data = built()
    probe = setup.extra["probe"]
    source, target = data.source_val[:8], data.target_val[:8]
    _, maps = seq2seq.read(probe, source, target, num_layers=1)
    assert maps["cross"].shape == (8, 1, 2, data.target_len, data.source_len)
    assert maps["decoder"].shape == (8, 1, 2, data.target_len, data.target_len)
    np.testing.assert_allclose(maps["cross"].sum(-1), 1, atol=1e-5)
    padding = (source == PAD)[:, None, None, None, :]
    assert np.abs(np.where(np.broadcast_to(padding, maps["cross"].shape), maps["cross"], 0)).max() < 1e-6
    assert np.abs(np.triu(maps["decoder"], k=1)).max() < 1e-6  # no position reads a later one
    # The decoder's choice at position i depends only on the tokens before it: change the later ones.
    changed = decoder_inputs(target).copy()
    changed[:, 5:] = 7
    a = probe.predict_on_batch([source, decoder_inputs(target)])[0]
    b = probe.predict_on_batch([source, changed])[0]
    np.testing.assert_allclose(a[:, :5], b[:, :5], atol=1e-5)


def test_greedy_decoding_feeds_back_its_own_tokens_and_stops_at_the_end():
    setup, data = built()
    out = seq2seq.greedy_decode(setup.extra["probe"], data.source_val[:300], data.target_len)
    assert out.shape == (300, data.target_len) and out.dtype == np.int32
    for row in out:
        ends = np.flatnonzero(row == END)
        if len(ends):
            assert (row[ends[0] + 1 :] == PAD).all()
    # Each greedy token is what the model picks when fed the greedy tokens before it.
    forced, _ = seq2seq.read(setup.extra["probe"], data.source_val[:300], out, num_layers=1)
    first_end = np.where((out == END).any(1), (out == END).argmax(1), data.target_len - 1)
    for r in range(300):
        np.testing.assert_array_equal(forced[r, : first_end[r] + 1], out[r, : first_end[r] + 1])
    assert seq2seq.accuracies(data.target_val, data.target_val) == (1.0, 1.0)


def test_year_alignment_scores_the_weight_on_the_years_digits():
    assert seq2seq.year_positions("Mar 3, 2021", "2021") == [7, 8, 9, 10]
    assert seq2seq.year_positions("20/12/20", "2020") == [6, 7]  # two digits: the last two characters
    pair = Pair(tuple("3 Mar 2021"), tuple("2021-03-03"))
    cross = np.zeros((1, 1, 2, 11, 12))
    cross[0, 0, 0, :4, 6:10] = 0.25  # head 1 reads the year
    cross[0, 0, 1, :, 0] = 1  # head 2 reads the first character
    np.testing.assert_allclose(seq2seq.year_alignment(cross, [pair]), [[[1.0, 0.0]]])


def test_saved_encoder_decoder_loads_and_answers_the_same(tmp_path):
    setup, data = built()
    path = tmp_path / "m.keras"
    setup.model.save(path)
    loaded = keras.models.load_model(path)
    x = [data.source_val[:4], decoder_inputs(data.target_val[:4])]
    np.testing.assert_allclose(loaded.predict_on_batch(x), setup.model.predict_on_batch(x), atol=1e-5)


def test_reverse_as_sequence_to_sequence_learns_and_reports_its_answers():
    config = AttentionConfig(
        architecture="encoder_decoder", task="reverse", seq_len=5, vocab_size=5, n_samples=2000, epochs=6,
        learning_rate=0.003, **{**SMALL, "d_model": 32, "ff_dim": 64},
    )  # fmt: skip
    run = run_job(config)
    assert run.status == "completed", run.message
    m = run.metrics
    assert m["val_token_accuracy"] > 0.6 and m["val_sequence_accuracy"] > 0.2  # chance: 0.2 per token
    assert m["val_token_accuracy_teacher_forced"] >= m["val_token_accuracy"] - 0.05
    assert len(m["examples"]) == 1000 and all(len(e["target"].split()) == 5 for e in m["examples"])
    right = np.mean([e["output"] == e["target"] for e in m["examples"]])
    assert right == pytest.approx(m["val_sequence_accuracy"])
    snap = run.snapshot
    assert snap["frames"][0]["epoch"] == 0 and snap["frames"][-1]["epoch"] == 6
    assert snap["exposure"]["free_running"]["sequence"] > 0.2


def test_cli_writes_sequence_accuracy_alignment_and_examples(tmp_path):
    out = tmp_path / "out.json"
    sets = ["architecture=encoder_decoder", "task=dates", "n_items=400", "epochs=1", "num_layers=1", "d_model=16"]
    assert main(["run", "attention", *[a for s in sets for a in ("--set", s)], "--quiet", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    metrics = result["metrics"]
    assert {"val_sequence_accuracy", "val_token_accuracy", "year_alignment"} <= set(metrics)
    assert len(metrics["examples"]) >= 200
    assert all(set(e) == {"input", "target", "output"} and isinstance(e["output"], str) for e in metrics["examples"])
    assert main(["run", "attention", "--set", "task=dates"]) == 2  # the encoder cannot: a sentence, exit 2


def test_generated_script_reproduces_the_encoder_decoder_run(tmp_path):
    from lab.labs.attention.codegen import script as attention_script

    config = DATES.replace(dropout=0.1)
    path = tmp_path / "seq2seq_run.py"
    path.write_text(attention_script(config))
    out = subprocess.run([sys.executable, str(path)], check=False, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    last = dict(item.split("=") for item in out.stdout.strip().splitlines()[-1].split())
    run = run_job(config)
    assert float(last["final_loss"]) == pytest.approx(run.history[-1]["loss"], rel=1e-4)
    assert float(last["final_val_loss"]) == pytest.approx(run.history[-1]["val_loss"], rel=1e-4)


def test_typed_input_is_decoded_as_a_guess_with_its_maps():
    setup, _ = built()
    answer = seq2seq.decode_typed(setup, "31 February 2021")
    assert "impossible date" in answer["note"] and isinstance(answer["output"], str)
    assert answer["maps"]["cross"].shape[-1] == setup.extra["data"].source_len
    with pytest.raises(ValueError, match="Type something"):
        seq2seq.decode_typed(setup, " ")
    assert START not in answer["output_ids"]
