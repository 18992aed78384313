"""AppTest of the autoencoder page: train, live views, picked points, warnings, "Compare the three"."""

import json

from tests.app.support import TIMEOUT, open_lab_page


def open_page(query=None):
    return open_lab_page("pages/2_Autoencoder.py", query)


def tiny(at, epochs=3):
    """Small digits settings: a tiny network, a few epochs."""
    at.selectbox(key="autoencoder_dataset").select("digits")
    at.text_input(key="autoencoder_hidden_units").input("16")
    at.number_input(key="autoencoder_bottleneck").set_value(4)
    at.number_input(key="autoencoder_epochs").set_value(epochs).run()
    assert not at.exception


def texts(elements):
    return " ".join(str(e.value) for e in elements)


def chart_titles(at):
    return " ".join(json.dumps(json.loads(c.proto.spec).get("title", "")) for c in at.get("vega_lite_chart"))


def captions(at):
    return " ".join(c for image in at.get("image") for c in image.captions)


def test_train_shows_reconstructions_latent_space_and_picked_point():
    at = open_page()
    tiny(at)
    assert "64 pixels → 16 → **4** (the code) → 16 → 64 pixels" in texts(at.markdown)
    at.button(key="train").click().run()
    job = at.session_state["jobs"]["autoencoder"]
    run = job.wait(TIMEOUT)
    at.run()  # AppTest does not fire run_every: redraw once the job ended
    assert not at.exception
    assert run.status == "completed" and {"val_mse", "val_bce"} <= set(run.metrics)
    titles = chart_titles(at)
    assert (
        "Loss" in titles
        and "Latent space: 4-D codes, two main directions" in titles
        and "Mean squared pixel error" in titles
    )
    assert "Validation images (never trained on)" in captions(at)
    assert "What comes back through the 4-number code" in captions(at)
    assert "From a 0 to a 1 through the code" in captions(at)
    # Once the run has ended, a point picked in the plane is decoded by the trained model.
    assert "Decode a point you pick" in texts(at.markdown)
    at.slider(key="ae_pick_1_0").set_value(at.slider(key="ae_pick_1_0").max).run()
    at.selectbox(key="ae_to").select(7).run()
    assert not at.exception and "From a 0 to a 7 through the code" in captions(at)
    assert at.query_params["dataset"] == "digits" and at.query_params["hidden_units"] == "16"


def test_mismatch_warns_and_bad_widths_block_training():
    at = open_page({"dataset": "digits"})
    at.selectbox(key="autoencoder_output_activation").select("linear").run()
    assert "binary_crossentropy with a linear last layer is a mismatch" in texts(at.warning)
    at.text_input(key="autoencoder_hidden_units").input("128, x").run()
    assert "These settings cannot train" in texts(at.error)
    assert at.button(key="train").disabled and at.button(key="compare").disabled


def test_compare_the_three_trains_three_runs_and_gives_a_verdict():
    at = open_page()
    tiny(at, epochs=2)
    at.button(key="compare").click().run()
    entries = at.session_state["ae_compare"]
    assert [name for name, _ in entries] == ["linear + MSE", "sigmoid + MSE", "sigmoid + BCE"]
    runs = [job.wait(TIMEOUT) for _, job in entries]
    at.run()
    assert not at.exception
    assert all(r.status == "completed" for r in runs)
    assert [(r.config.output_activation, r.config.loss) for r in runs] == [
        ("linear", "mse"),
        ("sigmoid", "mse"),
        ("sigmoid", "binary_crossentropy"),
    ]
    assert len({(r.config.seed, r.config.bottleneck, r.config.dataset) for r in runs}) == 1
    best = min(entries, key=lambda e: e[1].run.metrics["val_mse"])[0]
    assert f"**{best}** reconstructs the validation images best" in texts(at.success)
    assert "Validation MSE of the three" in chart_titles(at)
    assert all(f"{name} (epoch 2)" in captions(at) for name, _ in entries)
    assert not at.button(key="compare").disabled


FAST = {"dataset": "digits", "optimizer": "adam", "learning_rate": "0.003", "batch_size": "64"}


def tiny_vae(at, beta=1.0):
    """The tiny settings as a VAE with a 2-D latent (a few seconds on the page opened with `FAST`)."""
    at.selectbox(key="autoencoder_model").select("vae").run()  # β and the warm-up apply to a VAE only
    at.text_input(key="autoencoder_hidden_units").input("16")
    at.number_input(key="autoencoder_bottleneck").set_value(2)
    at.number_input(key="autoencoder_beta").set_value(beta)
    at.number_input(key="autoencoder_epochs").set_value(4).run()
    assert not at.exception


def train(at):
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["autoencoder"].wait(TIMEOUT)
    at.run()  # AppTest does not fire run_every: redraw once the job ended
    assert not at.exception and run.status == "completed", run.message
    return run


def test_vae_shows_its_curves_prior_samples_and_the_plain_autoencoders_plane():
    at = open_page(FAST)
    at.text_input(key="autoencoder_hidden_units").input("16")
    at.number_input(key="autoencoder_bottleneck").set_value(2)
    at.number_input(key="autoencoder_epochs").set_value(2).run()
    train(at)  # a plain autoencoder first: the VAE's samples are shown beside its decoded plane
    assert "Codes drawn from N(0, I), decoded: a plain autoencoder" in captions(at)
    tiny_vae(at)
    assert "(means and log-variances, then a sampled code)" in texts(at.markdown)
    run = train(at)
    assert {"val_mse", "val_bce", "kl"} <= set(run.metrics) and len(run.metrics["samples"]) == 500
    titles = chart_titles(at)
    assert "Reconstruction (nats per image)" in titles and "KL divergence from N(0, I)" in titles
    assert "Latent space: the 2-D means" in titles
    circles = [c for c in at.get("vega_lite_chart") if "strokeDash" in c.proto.spec and "circle" in c.proto.spec]
    assert circles, "the prior's circles are drawn over the latent means"
    shown = captions(at)
    assert "The VAE: 48 random codes z ~ N(0, I)" in shown
    assert "The plain autoencoder (Run 1, 2-number code): decoded from the plane where its codes lie" in shown
    assert "Why sampling from N(0, I) works for a VAE" in " ".join(e.label for e in at.expander)
    assert "posterior collapse" not in texts(at.warning)


def test_vae_with_a_large_beta_names_posterior_collapse():
    at = open_page(FAST)
    tiny_vae(at, beta=20.0)
    run = train(at)
    assert run.metrics["kl"] < 0.1
    assert "This is posterior collapse" in texts(at.warning)
