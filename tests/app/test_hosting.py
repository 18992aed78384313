"""Hosted mode and the server's safety settings: what a crafted request or a failure may reveal."""

import ast
import pathlib
import re
import tomllib

import pytest

from tests.app.support import TIMEOUT, open_lab_page

ROOT = pathlib.Path(__file__).resolve().parents[2]
APP_CODE = [*ROOT.glob("lab/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "streamlit_app.py"]


def fail_training(monkeypatch):
    def broken(model):
        raise RuntimeError("disk quota exceeded at /srv/secret/path")

    monkeypatch.setattr("lab.runner.model_summary", broken)  # where the worker builds the model


@pytest.mark.parametrize("hosted", [False, True])
def test_an_unexpected_failure_shows_details_only_when_not_hosted(monkeypatch, hosted):
    monkeypatch.setenv("LAB_HOSTED", "1" if hosted else "0")
    fail_training(monkeypatch)
    at = open_lab_page("pages/1_MLP.py", {"epochs": "2", "n_samples": "200"})
    at.button(key="train").click().run()
    at.session_state["jobs"]["mlp"].wait(TIMEOUT)
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "Training failed" in errors and not at.exception
    assert ("/srv/secret/path" in errors) is not hosted
    assert not at.button(key="train").disabled  # the session stays usable


def test_server_config_keeps_xsrf_on_and_uploads_small():
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] <= 20


def test_the_hosted_image_hides_error_details():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"LAB_HOSTED=1\b", dockerfile)
    assert re.search(r"STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none\b", dockerfile)


def test_the_image_serves_as_an_unprivileged_user_with_a_writable_data_folder():
    """No Docker daemon here: the Dockerfile's own instructions are checked, in order."""
    steps = [
        line.split(None, 1) for line in (ROOT / "Dockerfile").read_text().splitlines() if line and line[0].isupper()
    ]
    users = [(i, arg.strip()) for i, (word, arg) in enumerate(steps) if word == "USER"]
    assert users and users[-1][1] not in ("root", "0"), "the server must not run as root"
    user_at, user = users[-1]
    entry_at = next(i for i, (word, _) in enumerate(steps) if word == "ENTRYPOINT")
    assert user_at < entry_at and not any(word == "RUN" for word, _ in steps[user_at:])
    assert any(word == "RUN" and f"chown -R {user}:{user} /app/data" in arg for word, arg in steps[:user_at])
    assert re.search(r"LAB_DATA_DIR=/app/data\b", (ROOT / "Dockerfile").read_text())  # the run store can be written


@pytest.mark.parametrize(
    "pattern",
    [
        r"safe_mode\s*=\s*False",
        r"pickle\.loads?\(",
        r"allow_pickle\s*=\s*True",
        r"\beval\(",
        r"\bexec\(",
        r"yaml\.load\(",
        r"unsafe_allow_html\s*=\s*True",
    ],
)
def test_no_unsafe_deserialisation_or_raw_html(pattern):
    hits = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in APP_CODE
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(pattern, line)
    ]
    assert not hits, f"{pattern} in {hits}"


def test_every_model_load_uses_keras_safe_mode():
    """The app loads no model file today (views ask the job's model, `job.ask`); any load it adds must be safe."""
    calls = []
    for path in APP_CODE:
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(getattr(node, "func", None), "attr", None) or getattr(
                getattr(node, "func", None), "id", None
            )
            if isinstance(node, ast.Call) and name == "load_model":
                safe = any(k.arg == "safe_mode" and getattr(k.value, "value", None) is True for k in node.keywords)
                calls.append((f"{path.relative_to(ROOT)}:{node.lineno}", safe))
    assert all(safe for _, safe in calls), calls
