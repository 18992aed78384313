"""The diagnosis against a labelled set of real loss histories (bench/labelled_histories.py made them)."""

import json
import pathlib

from lab.diagnosis_score import score

SET = pathlib.Path(__file__).resolve().parents[1] / "data" / "labelled_histories.json"


def test_diagnosis_finds_the_true_labels_with_few_false_alarms():
    records = json.loads(SET.read_text())
    assert len(records) >= 40 and {r["lab"] for r in records} >= {"mlp", "autoencoder", "gan"}
    result = score(records)
    assert result["recall"] >= 0.9, result["misses"]
    assert result["false_alarm_rate"] <= 0.25, result["false_alarms"]
