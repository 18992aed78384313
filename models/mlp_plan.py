"""The MLP's head and size without Keras: the loss / last-layer table, its checks and the parameter count."""

import dataclasses

CLASSIFICATION_LOSSES = ("categorical_crossentropy", "binary_crossentropy", "kl_divergence")


# The loss / last-layer table of the lecture, with softmax for the multi-class rows.
SUITED_ACTIVATION = {
    "mse": "linear",
    "mae": "linear",
    "msle": "linear",
    "binary_crossentropy": "sigmoid",
    "categorical_crossentropy": "softmax",
    "kl_divergence": "softmax",
}


@dataclasses.dataclass(frozen=True)
class Head:
    """The output layer and loss of an MLP for one data set.

    Attributes:
        units: number of output neurons.
        activation: the last layer's activation.
        loss: the Keras loss name.
        one_hot: whether targets are one-hot encoded (else class indices or values).
        classify: whether the task is classification (the metric is accuracy, else mse).
        warnings: sentences explaining mismatches the user chose.
    """

    units: int
    activation: str
    loss: str
    one_hot: bool
    classify: bool
    warnings: tuple


def choose_head(task, n_classes, loss="auto", output_activation="auto", n_targets=1):
    """Resolves `auto` choices and explains mismatched loss / last-layer pairs.

    Args:
        task: "binary", "multiclass" or "regression".
        n_classes: number of classes (classification).
        loss: a loss name or "auto".
        output_activation: an activation name or "auto".
        n_targets: regression outputs.

    Returns:
        A `Head`. Mismatches are kept (this is a lab) and described in `warnings`.
    """
    if loss == "auto":
        loss = {"binary": "binary_crossentropy", "multiclass": "categorical_crossentropy"}.get(task, "mse")
    activation = SUITED_ACTIVATION[loss] if output_activation == "auto" else output_activation
    warnings = []
    if task == "regression":
        units, one_hot = n_targets, False
        if loss in CLASSIFICATION_LOSSES:
            warnings.append(
                f"{loss} is a classification loss, but this is a regression task: it compares "
                "probabilities, not values. Use mse or mae (or msle, for targets that are never negative)."
            )
    else:
        one_hot = not (task == "binary" and loss == "binary_crossentropy")
        units = n_classes if one_hot else 1
        if loss not in CLASSIFICATION_LOSSES:
            warnings.append(
                f"{loss} is a regression loss used on class labels: it fits the one-hot targets as numbers "
                "and learns slowly. Cross-entropy is made for classification."
            )
    suited = SUITED_ACTIVATION[loss]
    if activation != suited:
        warnings.append(_mismatch(loss, activation, suited))
    if activation == "softmax" and units == 1:
        warnings.append("A softmax over a single output is always 1, so the network cannot learn anything.")
    return Head(units, activation, loss, one_hot, task != "regression", tuple(warnings))


def _mismatch(loss, activation, suited):
    why = {
        "binary_crossentropy": "it needs probabilities between 0 and 1",
        "categorical_crossentropy": "it needs a probability distribution over the classes (outputs that are positive and sum to 1)",
        "kl_divergence": "it compares probability distributions (outputs that are positive and sum to 1)",
    }.get(loss, "its targets can be any real number, and a squashing activation limits the range the network can reach")
    return f"{loss} with a {activation} last layer is a mismatch: {why}. The suited last layer is {suited}."


def count_parameters(n_inputs, hidden_units, n_outputs):
    """Trainable parameters of a dense network: sum of inputs x outputs + outputs per layer."""
    sizes = [n_inputs, *hidden_units, n_outputs]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
