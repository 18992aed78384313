"""AppTest of the diffusion page: a tiny training, its live views, the mode metric and the scrubbers."""

import json

from tests.app.support import TIMEOUT, open_lab_page

PAGE = "pages/7_Diffusion.py"
TINY = {"n_samples": 512, "batch_size": 128, "width": 16, "timesteps": 20, "epochs": 2}


def chart_titles(at):
    return " ".join(json.dumps(json.loads(c.proto.spec).get("title", "")) for c in at.get("vega_lite_chart"))


def train(at, settings):
    for key, value in settings.items():
        at.number_input(key=f"diffusion_{key}").set_value(value)
    at.run()
    assert not at.exception
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["diffusion"].wait(TIMEOUT)
    at.run()  # AppTest does not fire run_every: redraw once the job ended
    assert not at.exception
    return run


def test_train_shows_the_forward_and_reverse_processes_the_field_and_the_modes():
    at = open_lab_page(PAGE)
    run = train(at, TINY)
    assert run.status == "completed" and run.metrics["modes_total"] == 8
    titles = chart_titles(at)
    for title in (
        "Loss",
        "samples at t = 0",
        "The data dissolving: x_t at t = 5",
        "How much of x_t is data",
        "Where the model moves a sample",
        "Loss per timestep band",
        "Modes captured",
    ):
        assert title in titles, title
    assert any(m.label == "Modes captured" for m in at.metric)
    assert "x_t = \\sqrt{\\bar\\alpha_t}" in at.latex[0].value
    at.select_slider(key="diffusion_walk_t").set_value("t = 20").run()  # back to the pure noise
    assert "samples at t = 20" in chart_titles(at)
    at.slider(key="diffusion_forward_t").set_value(20).run()
    assert "x_t at t = 20" in chart_titles(at) and not at.exception
    assert "Which generative model?" in [s.value for s in at.subheader]


def test_more_sampling_steps_than_t_is_explained_and_train_is_off():
    at = open_lab_page(PAGE, {"timesteps": "20", "sampling_steps": "50"})
    assert not at.exception
    assert any("the reverse process can visit at most T steps" in e.value for e in at.error)
    assert at.button(key="train").disabled


def test_digits_show_generated_digits_and_their_walk():
    at = open_lab_page(PAGE, {"dataset": "digits"})
    run = train(at, {"width": 16, "timesteps": 20, "epochs": 1, "batch_size": 256})
    assert run.status == "completed"
    captions = [caption for image in at.get("image") for caption in image.captions]
    assert "36 generated digits" in captions and "The same digits, frame 10 of the walk" in captions
    assert "Loss per timestep band" in chart_titles(at)
