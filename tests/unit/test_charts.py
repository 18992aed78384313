"""Loss chart: earlier runs overlaid with the settings that differ."""

import json

from lab import charts
from lab.labs.mlp.config import MLPConfig
from lab.runs import Run


def run_with(number, config, losses):
    history = [{"epoch": i + 1, "loss": v, "val_loss": v * 1.1} for i, v in enumerate(losses)]
    return Run(lab="mlp", config=config, number=number, history=history)


def test_overlay_names_each_earlier_run_by_what_differs():
    current = run_with(3, MLPConfig(), [0.6, 0.3, 0.2])
    slower = run_with(1, MLPConfig(learning_rate=0.0003, epochs=20), [0.7, 0.6, 0.5])
    same = run_with(2, MLPConfig(), [0.6, 0.31, 0.21])
    assert charts.run_differences(current, slower) == "learning_rate=0.0003, epochs=20"
    assert charts.run_differences(current, same) == ""
    spec = charts.loss_chart(current, earlier=[slower, same])
    names = set(spec["datasets"]["earlier"]["run"])
    assert names == {"Run 1: learning_rate=0.0003, epochs=20", "Run 2"}
    assert "earlier runs (settings that differ from this run)" in json.dumps(spec["layer"])
