"""The app on a real local Ray cluster: the default MLP from the browser, the trainer actor, a lost head, a fallback.

The whole scenario runs in `ray_session.py` inside a private network namespace
(`unshare -n`, loopback up), so that Ray, the app and Chromium talk only on loopback.
"""

import importlib.util
import json
import pathlib
import subprocess
import sys

import pytest

from lab.registry import get_lab
from lab.training import TrainingJob

HERE = pathlib.Path(__file__).resolve().parent


def _why_not():
    if importlib.util.find_spec("ray") is None:
        return "Ray is not installed (pip install -r requirements-cluster.txt; `make test` does)"
    probe = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up"], capture_output=True)
    if probe.returncode != 0:
        return f"a private network namespace cannot be made here (unshare -n): {probe.stderr.decode()[-200:]}"
    return None


@pytest.fixture(scope="module")
def ray_session(tmp_path_factory):
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("ray") / "result.json"
    script = f"ip link set lo up && {sys.executable} {HERE / 'ray_session.py'} {out}"
    done = subprocess.run(["unshare", "-n", "sh", "-c", script], capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


def test_the_default_mlp_trains_on_ray_with_the_same_numbers_as_locally(ray_session):
    lab = get_lab("mlp")
    config = lab.config_cls()
    local = TrainingJob(lab, config, lab.load_data(config)).start().wait(300).history[-1]
    remote = ray_session["metrics"]
    assert remote["epoch"] == local["epoch"] == config.epochs
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert remote[key] == pytest.approx(local[key], rel=1e-5), key
    assert "Trains on the Ray cluster at 127.0.0.1:" in ray_session["caption"]


def test_the_ray_state_api_shows_the_trainer_actor(ray_session):
    assert ["Trainer", "ALIVE"] in ray_session["actors"]


def test_a_cluster_lost_mid_run_fails_the_run_with_a_sentence(ray_session):
    text = ray_session["lost"]
    assert "Training failed: the Ray cluster stopped answering" in text
    assert "Traceback" not in text


def test_an_unreachable_cluster_falls_back_to_local_workers_and_says_so(ray_session):
    text = ray_session["fallback"]
    assert "did not answer within 10 s. Trainings run in this server's own worker processes instead." in text
    assert "Run 1 · Completed" in text and "Traceback" not in text
