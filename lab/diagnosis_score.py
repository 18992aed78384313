"""How well the diagnosis reads a labelled set of loss histories: recall and false alarms, per label.

The set is `tests/data/labelled_histories.json`, made by `python -m bench.labelled_histories`;
its test and that benchmark both score it here.
"""

from lab.diagnosis import diagnose_history


def score(records):
    """Recall of the true labels and false alarms (labels found that are not true), overall and per label.

    Returns:
        dict: `recall`, `false_alarm_rate` (false labels per run), `per_label`
        (`{label: [found, true]}`), `misses` and `false_alarms` (lists of `(id, label)`).
    """
    found_true = total_true = 0
    per_label, misses, false = {}, [], []
    for record in records:
        found = set(diagnose_history(record["history"], record["batch_loss"])["labels"])
        for label in record["labels"]:
            hit = label in found
            found_true += hit
            total_true += 1
            counts = per_label.setdefault(label, [0, 0])
            counts[0] += hit
            counts[1] += 1
            if not hit:
                misses.append((record["id"], label))
        false += [(record["id"], label) for label in sorted(found - set(record["labels"]))]
    return {
        "recall": found_true / max(total_true, 1),
        "false_alarm_rate": len(false) / max(len(records), 1),
        "per_label": per_label,
        "misses": misses,
        "false_alarms": false,
        "runs": len(records),
    }
