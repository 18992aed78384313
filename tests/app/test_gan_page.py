"""AppTest of the GAN page: a tiny training, its live views and the mode metric."""

import json
import re

import pyarrow as pa
import pytest

from tests.app.support import TIMEOUT, open_lab_page


def chart_titles(at):
    return " ".join(json.dumps(json.loads(c.proto.spec).get("title", "")) for c in at.get("vega_lite_chart"))


def test_train_shows_samples_losses_and_modes():
    at = open_lab_page("pages/3_GAN.py")
    at.number_input(key="gan_n_samples").set_value(512)
    at.number_input(key="gan_batch_size").set_value(128)
    at.number_input(key="gan_g_width").set_value(16)
    at.number_input(key="gan_d_width").set_value(16)
    at.number_input(key="gan_epochs").set_value(2).run()
    assert not at.exception
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["gan"].wait(TIMEOUT)
    at.run()  # AppTest does not fire run_every: redraw once the job ended
    assert not at.exception
    assert run.status == "completed" and run.metrics["modes_total"] == 8
    titles = chart_titles(at)
    for title in (
        "Loss",
        "Samples over D",
        "Where G sends",
        "What the discriminator says",
        "Discriminator and generator losses",
        "Modes captured",
        "How widely the fakes vary",
        "How hard G is pushed",
    ):
        assert title in titles
    assert any(m.label == "Modes captured" for m in at.metric)
    assert at.query_params["n_samples"] == "512"
    assert r"\min_G \max_D" in at.latex[0].value  # the full objective, with the non-saturating change below it
    assert "**The non-saturating change**" in " ".join(m.value for m in at.markdown)
    captions = " ".join(c.value for c in at.caption)
    assert "D's loss is 2 ln 2 ≈ 1.386 and G's non-saturating loss −ln 0.5 ≈ 0.693" in captions
    measured = re.search(
        r"was ([\d.]+) with minimax against ([\d.]+) with non_saturating, (\d+) times larger", captions
    )
    fold = float(measured[2]) / float(measured[1])
    assert int(measured[3]) == round(fold)  # the caption's figure agrees with its own numbers...
    assert f"about {measured[3]} times smaller" in " ".join(m.value for m in at.markdown)  # ...and so does the intro


def test_minimax_with_label_smoothing_moves_the_reference_lines():
    at = open_lab_page(
        "pages/3_GAN.py",
        {
            "loss": "minimax",
            "label_smoothing": "0.2",
            "n_samples": "256",
            "batch_size": "128",
            "g_width": "16",
            "d_width": "16",
            "epochs": "1",
        },
    )
    at.button(key="train").click().run()
    at.session_state["jobs"]["gan"].wait(TIMEOUT)
    at.run()
    assert not at.exception
    losses = next(c for c in at.get("vega_lite_chart") if "Discriminator and generator losses" in c.proto.spec)
    frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in losses.proto.datasets]
    texts = [text for frame in frames if "text" in frame for text in frame["text"]]
    assert texts == ["D at equilibrium: 1.346", "G at equilibrium: −0.511"]
    captions = " ".join(c.value for c in at.caption)
    assert "D answers 0.4 everywhere" in captions and "G's minimax loss ln(1 − 0.4) ≈ −0.511" in captions


def test_step_buttons_move_the_finished_game():
    at = open_lab_page(
        "pages/3_GAN.py", {"n_samples": "512", "batch_size": "128", "g_width": "16", "d_width": "16", "epochs": "2"}
    )
    assert at.button(key="gan_step_d").disabled  # nothing to step before a run
    at.button(key="train").click().run()
    job = at.session_state["jobs"]["gan"]
    job.wait(TIMEOUT)
    at.run()
    before = job.run.snapshot["samples"].copy()
    at.button(key="gan_step_g").click().run()
    assert not at.exception
    assert not (job.run.snapshot["samples"] == before).all()
    at.button(key="gan_step_d").click().run()
    at.button(key="gan_step_epoch").click().run()
    assert not at.exception and len(job.run.history) == 3
    steps = at.dataframe[0].value
    assert list(steps["step"]) == ["epoch", "D", "G"]  # newest first


def test_digits_show_a_grid_of_generated_images():
    at = open_lab_page(
        "pages/3_GAN.py", {"dataset": "mnist5k", "batch_size": "500", "g_width": "16", "d_width": "16", "epochs": "1"}
    )
    assert at.number_input(key="gan_n_samples").disabled  # points only
    at.button(key="train").click().run()
    at.session_state["jobs"]["gan"].wait(TIMEOUT)
    at.run()
    assert not at.exception
    assert any("36 generated digits" in caption for image in at.get("image") for caption in image.captions)


def test_bad_batch_blocks_training():
    at = open_lab_page("pages/3_GAN.py", {"n_samples": "256", "batch_size": "512"})
    assert "These settings cannot train" in " ".join(e.value for e in at.error)
    assert at.button(key="train").disabled


def test_digit_settings_button_fills_the_widgets():
    at = open_lab_page("pages/3_GAN.py", {"dataset": "mnist5k"})
    at.button(key="gan_digit_settings").click().run()
    assert not at.exception
    assert at.number_input(key="gan_latent_dim").value == 32
    assert at.selectbox(key="gan_g_activation").value == "leaky_relu"
    assert at.query_params["latent_dim"] == "32"
    assert "gan_digit_settings" not in [b.key for b in at.button]  # nothing left to apply


def test_discriminator_learning_rate_changes_while_training():
    at = open_lab_page(
        "pages/3_GAN.py", {"n_samples": "2048", "batch_size": "32", "g_width": "16", "d_width": "16", "epochs": "500"}
    )
    at.button(key="train").click().run()
    job = at.session_state["jobs"]["gan"]
    while not job.run.batch_loss and not job.done:
        job.wait(0.1)
    at.select_slider(key="gan_d_learning_rate").set_value(0.003).run()
    assert not at.exception
    while not job.run.lr_changes and not job.done:  # applied by the engine at the next batch
        job.wait(0.05)
    assert job.run.lr_changes[0]["field"] == "d_learning_rate" and job.run.lr_changes[0]["learning_rate"] == 0.003
    assert float(job._setup.model.d_optimizer.learning_rate) == pytest.approx(0.003)
    assert "Discriminator learning rate changed to 0.003" in " ".join(i.value for i in at.info)
    at.run()  # no second change announced once it holds
    assert not any("Discriminator learning rate changed" in i.value for i in at.info)
    job.stop()
    assert job.wait(TIMEOUT).status == "stopped"
