"""`python -m lab compare`: four generative models on the same points, the same time and about the same size."""

import json

import numpy as np
import pytest

from lab.cli import main
from lab.compare import LABELS, MODELS, verdict

KEYS = {
    "model",
    "label",
    "params",
    "train_seconds",
    "epochs",
    "sample_seconds",
    "modes_captured",
    "modes_total",
    "high_quality_fraction",
    "samples",
}


def test_compare_trains_the_four_models_alike_and_writes_what_the_page_reads(tmp_path, capsys):
    out = tmp_path / "compare.json"
    assert main(["compare", "--dataset", "ring8", "--budget", "2", "--json", str(out), "--quiet"]) == 0
    result = json.loads(out.read_text())
    assert result["dataset"] == "ring8" and result["budget_seconds"] == 2 and result["seed"] == 0
    entries = result["entries"]
    assert [e["model"] for e in entries] == list(MODELS) and [e["label"] for e in entries] == list(LABELS.values())
    params = [e["params"] for e in entries]
    assert max(params) <= 1.3 * min(params), params  # about the same size
    for e in entries:
        assert KEYS <= set(e)
        assert e["train_seconds"] >= 2 and e["epochs"] >= 0 and e["sample_seconds"] > 0
        assert e["modes_total"] == 8 and 0 <= e["modes_captured"] <= 8 and 0 <= e["high_quality_fraction"] <= 1
        samples = np.asarray(e["samples"])
        assert samples.shape == (500, 2) and np.isfinite(samples).all()
    assert isinstance(result["verdict"], str) and result["verdict"].count(".") >= 2
    printed = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[0] for line in printed[:4]] == list(LABELS.values())
    assert printed[-1] == result["verdict"]


@pytest.mark.parametrize("args", [["--budget", "0"], ["--budget", "-3"], ["--budget", "nan"], ["--dataset", "mnist5k"]])
def test_invalid_arguments_exit_with_2(args, capsys):
    assert main(["compare", *args]) == 2
    assert "Invalid configuration" in capsys.readouterr().err


def entry(model, captured, hq, seconds, total=8):
    return {
        "model": model,
        "label": LABELS[model],
        "modes_captured": captured,
        "modes_total": total,
        "high_quality_fraction": hq,
        "sample_seconds": seconds,
    }


def test_the_verdict_is_read_off_the_figures():
    entries = [
        entry("gan", 7, 0.9, 0.01),
        entry("vae", 8, 0.02, 0.008),
        entry("flow", 8, 0.4, 0.005),
        entry("diffusion", 8, 0.7, 0.5),
    ]
    text = verdict(entries)
    assert text.startswith("VAE, RealNVP flow and Diffusion (DDPM) captured all 8 modes (GAN 7/8).")
    assert "GAN put the largest share" in text and "(90%; VAE 2.0%, RealNVP flow 40%, Diffusion (DDPM) 70%)" in text
    assert "RealNVP flow sampled fastest (5.0 ms per 1,000 points); diffusion took 500 ms, 50 times" in text
    unscored = [{**e, "modes_captured": None, "modes_total": None, "high_quality_fraction": None} for e in entries]
    assert verdict(unscored).startswith("These data have no modes to count")
