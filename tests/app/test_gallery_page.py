"""AppTest of the gallery page: entries with both curves, and Open in lab carrying the settings."""

import json

from lab import gallery
from tests.app.support import open_lab_page


def test_gallery_shows_each_built_entry_with_problem_and_fix():
    at = open_lab_page("pages/8_Gallery.py")
    titles = [json.loads(c.proto.spec).get("title") for c in at.get("vega_lite_chart")]
    built = [e for e in gallery.entries() if gallery.load(e) is not None]
    assert titles.count("The problem") == titles.count("The fix") + titles.count("For contrast") == len(built) > 0
    headers = [h.value for h in at.subheader]
    assert all(e.title in headers for e in gallery.entries())
    assert "--set hidden_units=''" in " ".join(c.value for c in at.code)  # an empty value a person can type
    assert any("`hidden_units=''` is an empty value on purpose" in c.value for c in at.caption)
    assert any(
        f"{gallery.load(gallery.get_entry('attention-text-overfitting'))['run']['params']:,} weights" in m.value
        for m in at.markdown
    )


def test_filter_by_lab_and_open_in_lab_loads_the_settings():
    at = open_lab_page("pages/8_Gallery.py")
    at.button_group(key="gallery_labs").set_value(["mlp"]).run()
    assert not at.exception
    headers = [h.value for h in at.subheader]
    assert all(e.title in headers for e in gallery.entries("mlp"))
    assert not any(e.title in headers for e in gallery.entries() if e.lab != "mlp")
    entry = gallery.get_entry("mlp-lr-too-low")
    at.button(key=f"open_{entry.id}").click().run()
    assert not at.exception
    assert at.selectbox(key="mlp_optimizer").value == "sgd"
    assert at.select_slider(key="mlp_learning_rate").value == 0.0001


def test_diagnose_your_own_pasted_curve_and_a_bad_one():
    at = open_lab_page("pages/8_Gallery.py")
    overfit = "\n".join(f"{1 / (e + 1):.4f} {abs(e - 10) * 0.05 + 0.4:.4f}" for e in range(30))
    at.text_area(key="own_curve_text").set_value("loss val_loss\n" + overfit).run()
    assert not at.exception
    titles = [json.loads(c.proto.spec).get("title") for c in at.get("vega_lite_chart")]
    assert "Your curve" in titles
    assert any("Overfitting" in m.value for m in at.markdown)
    at.text_area(key="own_curve_text").set_value("0.9 0.8\nabc\n").run()
    assert "This curve cannot be read: Line 2 (abc) is not one or two numbers." in [e.value for e in at.error]
