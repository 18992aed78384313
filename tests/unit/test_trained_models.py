"""A model saved through the CLI loads in a fresh Python with exactly the README's lines ("Use a trained model")."""

import pathlib
import re
import subprocess
import sys

import pytest

from lab.cli import main
from lab.registry import labs

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
QUICK = {  # the defaults where the README's input depends on them, trained briefly
    "mlp": ["epochs=1"],
    "autoencoder": ["epochs=1"],
    "gan": ["epochs=1", "n_samples=512"],
    "pinn": ["steps=100", "lbfgs_iterations=0"],
    "rnn": ["epochs=1", "n_sequences=200"],
    "attention": ["epochs=1", "n_samples=200"],
    "diffusion": ["epochs=1", "n_samples=512", "timesteps=20"],
}


def readme_snippet(lab):
    """The README's code block that starts with `# <lab>:`."""
    blocks = re.findall(r"```python\n(# (\w+):.*?)```", README, re.S)
    found = [code for code, name in blocks if name == lab]
    assert len(found) == 1, f"the README has no (or more than one) 'Use a trained model' block for {lab}"
    return found[0]


def test_the_readme_shows_every_lab():
    assert sorted(QUICK) == sorted(labs())
    for lab in labs():
        assert f'keras.saving.load_model("{lab}_run1.keras")' in readme_snippet(lab)


@pytest.mark.parametrize("lab", QUICK)
def test_a_saved_model_loads_and_predicts_with_the_readmes_lines(lab, tmp_path):
    path = tmp_path / f"{lab}_run1.keras"  # the download's name for a session's first run
    sets = [arg for pair in QUICK[lab] for arg in ("--set", pair)]
    assert main(["run", lab, *sets, "--quiet", "--save-model", str(path)]) == 0
    code = readme_snippet(lab).replace(f'"{lab}_run1.keras"', repr(str(path)))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout.strip().splitlines()[-1]
    assert re.search(r"\d", printed), done.stdout  # the prediction (numbers, or a shape) is printed
    if lab == "autoencoder":
        assert printed == "(4, 784)"
