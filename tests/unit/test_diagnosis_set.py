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


GENERALISATION = SET.parent / "generalisation_histories.json"


def test_the_generalisation_set_is_split_by_model_family_and_each_run_says_why():
    records = json.loads(GENERALISATION.read_text())
    assert len(records) >= 150
    families = {split: {r["family"] for r in records if r["split"] == split} for split in ("tune", "test")}
    assert families["tune"] and families["test"] and not families["tune"] & families["test"]
    new = [r for r in records if r.get("origin") != "labelled_histories"]
    assert all(r["why"] for r in new) and sum(not r["batch_loss"] for r in new) >= len(new) // 2 - 1


def test_the_diagnosis_reads_models_it_was_not_tuned_on():
    """The figures of bench/README.md ("generalisation"): a fall below them is a regression of the diagnosis."""
    records = json.loads(GENERALISATION.read_text())
    floors = {("tune", True): (0.96, 0.03), ("tune", False): (0.92, 0.06), ("test", True): (0.91, 0.04)}
    floors[("test", False)] = (0.98, 0.02)
    for (split, batches), (recall, false_share) in floors.items():
        chosen = [r for r in records if r["split"] == split and bool(r["batch_loss"]) == batches]
        result = score(chosen)
        wrong = len({run for run, _ in result["false_alarms"]})
        assert result["recall"] >= recall, (split, batches, result["misses"])
        assert wrong <= false_share * len(chosen), (split, batches, result["false_alarms"])
