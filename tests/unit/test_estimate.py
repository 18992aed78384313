"""The time estimate shown before Train: the settings' work at the reference speed, then at this server's."""

import pytest

from lab import estimate
from lab.registry import get_lab


@pytest.fixture(autouse=True)
def fresh_measurements():
    estimate.forget()
    yield
    estimate.forget()


def test_the_default_is_estimated_at_the_reference_speed_until_a_run_is_measured():
    for name in ("mlp", "gan", "rnn", "pinn"):
        lab = get_lab(name)
        seconds, here = estimate.estimate(lab, lab.config_cls())
        assert seconds == pytest.approx(lab.reference_seconds) and not here
    assert "on two CPU cores" in estimate.estimate_words(get_lab("mlp"), get_lab("mlp").config_cls())


def test_the_estimate_grows_with_the_work_the_settings_ask_for():
    gan = get_lab("gan")
    default = estimate.estimate(gan, gan.config_cls())[0]
    assert estimate.estimate(gan, gan.config_cls(epochs=150))[0] == pytest.approx(2 * default)
    assert estimate.estimate(gan, gan.config_cls(d_steps=3))[0] == pytest.approx(2 * default)
    rnn = get_lab("rnn")
    lecture = rnn.config_cls(**rnn.preset("lecture_scale").settings)
    assert 3 < estimate.estimate(rnn, lecture)[0] / estimate.estimate(rnn, rnn.config_cls())[0] < 5


def test_a_measured_run_sets_this_servers_speed_for_its_lab_and_the_others():
    mlp, gan = get_lab("mlp"), get_lab("gan")
    estimate.record(mlp, mlp.config_cls(), 2 * mlp.reference_seconds)  # this server is twice as slow
    seconds, here = estimate.estimate(mlp, mlp.config_cls(epochs=80))
    assert seconds == pytest.approx(4 * mlp.reference_seconds) and here
    assert estimate.estimate(gan, gan.config_cls())[0] == pytest.approx(2 * gan.reference_seconds)  # borrowed
    estimate.record(gan, gan.config_cls(), 0.5 * gan.reference_seconds)  # ...but the GAN ran fast here
    assert estimate.estimate(gan, gan.config_cls())[0] == pytest.approx(0.5 * gan.reference_seconds)
    assert "on this server" in estimate.estimate_words(gan, gan.config_cls())


def test_only_recent_runs_count():
    mlp = get_lab("mlp")
    for _ in range(estimate.RECENT):
        estimate.record(mlp, mlp.config_cls(), 10 * mlp.reference_seconds)
    for _ in range(estimate.RECENT):
        estimate.record(mlp, mlp.config_cls(), mlp.reference_seconds)
    assert estimate.estimate(mlp, mlp.config_cls())[0] == pytest.approx(mlp.reference_seconds)


@pytest.mark.parametrize(
    ("seconds", "words"), [(3.2, "about 3 s"), (31, "about 30 s"), (62, "about 60 s"), (136, "about 2 min")]
)
def test_durations_read_as_a_person_would_say_them(seconds, words):
    assert estimate.duration_words(seconds) == words
