"""AppTest of the PINN page: a tiny training, its live views, presets and bad settings."""

import json

from tests.app.support import TIMEOUT, open_lab_page


def chart_titles(at):
    return " ".join(
        json.dumps(json.loads(c.proto.spec).get("title", ""), ensure_ascii=False) for c in at.get("vega_lite_chart")
    )


def tiny(at):
    at.number_input(key="pinn_n_f").set_value(200)
    at.number_input(key="pinn_depth").set_value(2)
    at.number_input(key="pinn_width").set_value(8)
    at.number_input(key="pinn_steps").set_value(100)
    at.number_input(key="pinn_lbfgs_iterations").set_value(100).run()
    assert not at.exception


def test_train_shows_loss_terms_error_heatmaps_and_slices():
    at = open_lab_page("pages/4_PINN.py")
    tiny(at)
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["pinn"].wait(TIMEOUT)
    at.run()  # AppTest does not fire run_every: redraw once the job ended
    assert not at.exception
    assert run.status == "completed" and len(run.history) == 2
    titles = chart_titles(at)
    for title in (
        "Loss",
        "Loss terms",
        "Error against the exact solution",
        "u predicted",
        "u exact",
        "|error|",
        "Slices through the shock",
        "|PDE residual|",
        "Where the points are",
    ):
        assert title in titles, title
    labels = {m.label: m.value for m in at.metric}
    assert labels["Relative L2 error"] == f"{run.snapshot['rel_l2_error']:.2e}"
    assert at.query_params["n_f"] == "200"
    assert "def residual(points)" in " ".join(c.value for c in at.code)
    assert at.toggle(key="pinn_log").value  # the loss falls by orders of magnitude: a log axis from the start
    loss_spec = next(c.proto.spec for c in at.get("vega_lite_chart") if '"Loss"' in c.proto.spec)
    assert '"log"' in loss_spec
    history = at.dataframe[-1].proto.columns
    assert '"%.4g"' in history and "loss" in history  # the run history keeps small losses readable, not 0


def test_inverse_preset_fills_widgets_and_shows_lambdas():
    at = open_lab_page("pages/4_PINN.py")
    at.button(key="pinn_preset_inverse_problem").click().run()
    assert at.selectbox(key="pinn_mode").value == "inverse" and at.number_input(key="pinn_n_u").value == 2000
    intro = at.markdown[0].value
    assert "measurements of u inside the domain" in intro and "initial and boundary points" not in intro
    at.number_input(key="pinn_n_u").set_value(300)
    at.number_input(key="pinn_n_f").set_value(200)
    at.number_input(key="pinn_width").set_value(8)
    at.number_input(key="pinn_steps").set_value(100)
    at.number_input(key="pinn_lbfgs_iterations").set_value(0).run()
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["pinn"].wait(TIMEOUT)
    at.run()
    assert not at.exception and run.status == "completed"
    assert "λ1 and λ2 while training" in chart_titles(at)
    assert {"λ1", "λ2"} <= {m.label for m in at.metric}
    at.button(key="pinn_preset_high_accuracy").click().run()
    assert at.number_input(key="pinn_n_f").value == 10000 and at.selectbox(key="pinn_mode").value == "forward"


def test_bad_steps_block_training():
    at = open_lab_page("pages/4_PINN.py", {"steps": "150"})
    assert "multiple of 100" in " ".join(e.value for e in at.error)
    assert at.button(key="train").disabled


def test_adaptive_points_and_hard_constraints_show_their_effect():
    at = open_lab_page("pages/4_PINN.py")
    tiny(at)
    at.number_input(key="pinn_adaptive_points").set_value(100)
    at.number_input(key="pinn_adaptive_rounds").set_value(2)
    at.checkbox(key="pinn_hard_constraints").check().run()
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["pinn"].wait(TIMEOUT)
    at.run()
    assert not at.exception and run.status == "completed", run.message
    assert run.snapshot["n_f"] == 300 and len(run.snapshot["x_added"]) == 100
    assert run.metrics["loss_u"] < 1e-10  # the constraints hold the initial and boundary values by construction
    titles = chart_titles(at)
    assert "|error| before the adaptive points" in titles and "|error| now, after 2 round(s)" in titles
    assert "added (RAR)" in " ".join(c.proto.spec for c in at.get("vega_lite_chart"))
    assert at.query_params["adaptive_points"] == "100" and at.query_params["hard_constraints"] == "true"


def test_hard_constraints_in_the_inverse_problem_say_why_not():
    at = open_lab_page("pages/4_PINN.py", {"mode": "inverse", "hard_constraints": "true"})
    assert "measurements inside the domain" in " ".join(e.value for e in at.error)
    assert at.button(key="train").disabled
