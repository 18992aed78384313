"""Attention lab: config checks, sequence tasks, the transformer, live frames, generation, codegen and the CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest

from lab.cli import main
from lab.labs.attention import LAB as ATTENTION_LAB
from lab.labs.attention import setup as attention_lab
from lab.labs.attention.config import AttentionConfig
from lab.labs.attention.data import (
    char_windows,
    encode_text,
    load_text,
    parse_tokens,
    task_targets,
)
from lab.labs.attention.data import (
    load as load_attention_data,
)
from lab.training import JobQueue, TrainingJob

SMALL = {"num_layers": 1, "num_heads": 2, "d_model": 16, "key_dim": 4, "ff_dim": 16}
TINY = AttentionConfig(n_samples=400, epochs=2, **SMALL)


def run_job(config):
    return (
        TrainingJob(ATTENTION_LAB, config, load_attention_data(config), number=1, queue=JobQueue(max_jobs=4))
        .start()
        .wait(300)
    )


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"task": "copy_shift", "seq_len": 4, "shift": 4}, "shift \\(4\\) must be smaller"),
        ({"d_model": 15, "positional": "sinusoidal"}, "must be even"),
        ({"n_samples": 200, "batch_size": 256}, "batch_size \\(256\\) is larger"),
        ({"task": "translate"}, "task must be one of reverse, copy_shift, sort, text"),
        ({"seq_len": 40}, "seq_len must be between 2 and 32"),
    ],
)
def test_invalid_settings_say_what_is_wrong(settings, message):
    with pytest.raises(ValueError, match=message):
        AttentionConfig(**settings)


def test_causal_mask_is_automatic_for_text_only_unless_chosen():
    assert AttentionConfig(task="text").causal and not AttentionConfig().causal
    assert AttentionConfig(mask="causal").causal and not AttentionConfig(task="text", mask="none").causal


def test_toy_targets():
    x = np.array([[3, 1, 4, 1, 5]])
    np.testing.assert_array_equal(task_targets("reverse", x), [[5, 1, 4, 1, 3]])
    np.testing.assert_array_equal(task_targets("copy_shift", x, shift=2), [[1, 5, 3, 1, 4]])
    np.testing.assert_array_equal(task_targets("sort", x), [[1, 1, 3, 4, 5]])


def test_toy_data_shapes_ranges_and_seed():
    config = AttentionConfig(task="sort", seq_len=6, vocab_size=3, n_samples=400)
    data = load_attention_data(config)
    assert data.x_train.shape == (400, 6) and data.x_val.shape == (1000, 6) and data.x_train.dtype == np.int32
    assert data.x_train.min() == 0 and data.x_train.max() == 2 and data.tokens == ("0", "1", "2")
    assert (np.diff(data.y_train, axis=1) >= 0).all()
    np.testing.assert_array_equal(data.examples, data.x_val[:4])
    np.testing.assert_array_equal(load_attention_data(config).x_train, data.x_train)
    assert not np.array_equal(load_attention_data(config.replace(seed=1)).x_train, data.x_train)


def test_text_is_the_gettysburg_address_split_in_order():
    text = load_text()
    assert text.startswith("Four score and seven years ago") and text.endswith("shall not perish from the earth.")
    data = load_attention_data(AttentionConfig(task="text", seq_len=16))
    np.testing.assert_array_equal(data.x_train[:, 1:], data.y_train[:, :-1])  # targets are the next characters
    decoded = "".join(data.tokens[i] for i in data.x_val[-1]) + data.tokens[data.y_val[-1, -1]]
    assert text.endswith(decoded)
    assert len(data.x_train) > 8 * len(data.x_val)
    with pytest.raises(ValueError, match="too few"):
        char_windows(np.arange(5), 8)


def test_user_input_is_checked():
    np.testing.assert_array_equal(parse_tokens("1, 2 3 4", 4, 5), [1, 2, 3, 4])
    with pytest.raises(ValueError, match="exactly 4 tokens; you typed 3"):
        parse_tokens("1 2 3", 4, 5)
    with pytest.raises(ValueError, match="between 0 and 4; 7 does not"):
        parse_tokens("1 2 3 7", 4, 5)
    with pytest.raises(ValueError, match="whole numbers"):
        parse_tokens("1 2 x 3", 4, 5)
    with pytest.raises(ValueError, match="never occur"):
        encode_text("Four score #", ("F", "o", "u", "r", " ", "s", "c", "e"))


def test_probe_reads_one_map_per_layer_and_head_and_the_causal_mask_hides_the_future():
    from models.attention import build_transformer

    config = AttentionConfig(num_layers=2, num_heads=3, d_model=16, key_dim=4, ff_dim=16, mask="causal")
    model, probe = build_transformer(config, 10, return_probe=True)
    x = np.arange(8, dtype="int32")[None] % 10
    assert model(x).shape == (1, 8, 10)
    _, attention = attention_lab.read_attention(probe, x)
    assert attention.shape == (1, 2, 3, 8, 8)
    np.testing.assert_allclose(attention.sum(-1), 1.0, atol=1e-5)
    assert np.abs(np.triu(attention[0, 0, 0], k=1)).max() == 0.0
    assert model(x[:, :5]).shape == (1, 5, 10)  # shorter inputs (text prompts) work too


def test_without_positions_attention_cannot_tell_where_a_token_sits():
    from models.attention import build_transformer

    model = build_transformer(AttentionConfig(positional="none", **SMALL), 10)
    x = np.array([[1, 2, 3, 4, 5, 6, 7, 8]], dtype="int32")
    out = np.asarray(model(x))
    np.testing.assert_allclose(
        np.asarray(model(x[:, ::-1])), out[:, ::-1], atol=1e-5
    )  # permuting inputs permutes outputs


def test_saved_model_loads_with_its_positional_layer(tmp_path):
    import keras

    from lab.training import model_to_bytes
    from models.attention import build_transformer

    model = build_transformer(AttentionConfig(positional="learned", **SMALL), 10)
    path = tmp_path / "attention.keras"
    path.write_bytes(model_to_bytes(model))
    x = np.arange(8, dtype="int32")[None]
    np.testing.assert_allclose(keras.models.load_model(path, compile=False)(x), model(x), rtol=1e-5)


def test_thin_keeps_first_latest_and_the_cap():
    frames = [{"epoch": i} for i in range(100)]
    attention_lab.thin(frames, cap=10)
    epochs = [f["epoch"] for f in frames]
    assert len(epochs) == 10 and epochs[0] == 0 and epochs[-1] == 99 and epochs == sorted(epochs)
    for epoch in range(100, 400):  # thinned again and again, the kept epochs stay evenly spread
        frames.append({"epoch": epoch})
        attention_lab.thin(frames, cap=10)
    gaps = np.diff([f["epoch"] for f in frames])
    assert len(frames) <= 10 and frames[-1]["epoch"] == 399 and gaps.max() < 3 * gaps.mean()


def test_reverse_learns_the_anti_diagonal():
    config = AttentionConfig(
        seq_len=5,
        vocab_size=5,
        n_samples=1600,
        batch_size=32,
        epochs=3,
        learning_rate=0.003,
        num_layers=1,
        num_heads=2,
        d_model=32,
        key_dim=8,
        ff_dim=32,
    )
    run = run_job(config)
    assert run.status == "completed"
    assert (
        run.metrics["val_token_accuracy"] > 0.95
        and run.metrics["val_sequence_accuracy"] > 0.8
        and run.history[-1]["loss"] < run.history[0]["loss"]
    )
    frames = run.snapshot["frames"]
    assert frames[0]["epoch"] == 0 and frames[-1]["epoch"] == 3

    def anti_diagonal_heads(frame):  # heads of layer 1 where, on example 0, query q reads position L-1-q most
        reads = frame["attention"][0, 0].astype("float32").argmax(-1)
        return sum((head == [4, 3, 2, 1, 0]).all() for head in reads)

    assert anti_diagonal_heads(frames[-1]) >= 1 and anti_diagonal_heads(frames[0]) == 0


def test_generation_continues_the_prompt_and_checks_it():
    from models.attention import build_transformer

    config = AttentionConfig(task="text", seq_len=16, **SMALL)
    data = load_attention_data(config)
    model, probe = build_transformer(config, data.vocab_size, return_probe=True)
    text = attention_lab.generate(probe, data, "Four score and seven years ago", 20, temperature=0)
    assert text.startswith("Four score and seven years ago") and len(text) == 50  # a prompt longer than seq_len is cut
    assert text == attention_lab.generate(model, data, "Four score and seven years ago", 20, temperature=0)
    assert set(attention_lab.generate(model, data, "We", 20, temperature=1.5, seed=1)) <= set(data.tokens)
    with pytest.raises(ValueError, match="Type a few characters"):
        attention_lab.generate(probe, data, "", 5)


def test_generated_script_reproduces_the_run(tmp_path):
    from lab.labs.attention.codegen import script as attention_script

    config = TINY.replace(dropout=0.1, epochs=1)
    script = tmp_path / "attention_run.py"
    script.write_text(attention_script(config))
    out = subprocess.run([sys.executable, str(script)], check=False, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    last = dict(item.split("=") for item in out.stdout.strip().splitlines()[-1].split())
    run = run_job(config)
    assert float(last["final_loss"]) == pytest.approx(run.history[-1]["loss"], rel=1e-4)
    assert float(last["final_val_loss"]) == pytest.approx(run.history[-1]["val_loss"], rel=1e-4)


def test_cli_reports_validation_metrics_and_a_text_sample(tmp_path, capsys):
    out = tmp_path / "out.json"
    args = [
        "run",
        "attention",
        "--set",
        "task=text",
        "--set",
        "seq_len=16",
        "--set",
        "epochs=1",
        "--set",
        "num_layers=1",
        "--set",
        "d_model=16",
        "--quiet",
        "--json",
        str(out),
    ]
    assert main(args) == 0
    result = json.loads(out.read_text())
    assert result["status"] == "completed" and result["config"]["task"] == "text"
    assert {"val_loss", "val_token_accuracy"} <= set(result["metrics"])
    assert result["metrics"]["sample"].startswith(attention_lab.SAMPLE_PROMPT)
    printed = capsys.readouterr().out
    assert "val_token_accuracy=" in printed and "sample='Four score and" in printed
    assert main(["run", "attention", "--set", "task=copy_shift", "--set", "seq_len=4", "--set", "shift=6"]) == 2
