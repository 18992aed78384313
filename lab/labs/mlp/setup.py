"""The MLP lab's wiring: data, model, live views and final metrics."""

import numpy as np

from lab.labs.mlp.config import TWO_D
from lab.registry import Setup, last_epoch_metrics
from lab.runs import Snapshot

GRID = 60
CURVE_POINTS = 200
GRADIENT_SAMPLES = 256


def build(config, data):
    """Builds the MLP and its fit data; called in the training thread after seeding."""
    from models.mlp import build_mlp, encode_targets
    from models.mlp_plan import choose_head

    head = choose_head(data.task, data.n_classes, config.loss, config.output_activation)
    model = build_mlp(config, data.x_train, head)
    y_train = encode_targets(data.y_train, head, data.n_classes)
    y_val = encode_targets(data.y_val, head, data.n_classes)
    return Setup(
        model=model,
        x=data.x_train,
        y=y_train,
        validation_data=(data.x_val, y_val),
        batch_size=config.batch_size,
        warnings=head.warnings,
        snapshot=lambda m: snapshot(m, config, data, head, y_train),
        extra={"head": head},
    )


def predict_classes(model, x, head):
    """Class indices predicted for `x`."""
    p = np.asarray(model(x, training=False))
    return (p[:, 0] > 0.5).astype(int) if p.shape[1] == 1 else p.argmax(axis=1)


def class_probability_grid(model, data, head, size=GRID):
    """The predicted class and its probability over a grid covering 2-D inputs.

    Returns:
        dict with `x1`, `x2` (flattened grid coordinates), `cls` (the predicted
        class) and `p` (its probability).
    """
    x = np.concatenate([data.x_train, data.x_val])
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = 0.1 * (hi - lo)
    g1, g2 = np.meshgrid(
        np.linspace(lo[0] - pad[0], hi[0] + pad[0], size), np.linspace(lo[1] - pad[1], hi[1] + pad[1], size)
    )
    grid = np.stack([g1.ravel(), g2.ravel()], axis=1).astype("float32")
    p = np.asarray(model(grid, training=False))
    if p.shape[1] == 1:
        p = np.concatenate([1 - p, p], axis=1)
    prob, cls = p.max(axis=1), p.argmax(axis=1)
    return {"x1": grid[:, 0].tolist(), "x2": grid[:, 1].tolist(), "p": prob.tolist(), "cls": cls.tolist()}


def gradient_magnitudes(model, x, y, head):
    """The loss on `x` and the mean absolute gradient of each Dense layer's weights.

    Returns:
        `(loss, [{"layer", "position", "mean_abs_gradient"}, ...])`, input side first.
    """
    import keras
    import tensorflow as tf

    loss_fn = keras.losses.get(head.loss)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(loss_fn(y, model(x, training=False)))
    grads = tape.gradient(loss, [layer.kernel for layer in dense])
    return float(loss), [
        {
            "layer": layer.name,
            "position": i,
            "mean_abs_gradient": float(tf.reduce_mean(tf.abs(g))) if g is not None else 0.0,
        }
        for i, (layer, g) in enumerate(zip(dense, grads), start=1)
    ]


def confusion(y_true, y_pred, n):
    """The confusion matrix: rows are true classes, columns predicted classes."""
    matrix = np.zeros((n, n), dtype=int)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix.tolist()


class MLPSnapshot(Snapshot, total=False):
    """The MLP's live views: what `snapshot` returns for the views (every key optional).

    Attributes:
        loss: the loss on a training sample.
        gradients: mean |gradient| of each Dense layer's weights.
        confusion: the validation confusion matrix (classification).
        boundary: the predicted class and its probability on a grid (2-D data).
        curve: the fitted curve (sine).
    """

    loss: float
    gradients: list
    confusion: list
    boundary: dict
    curve: dict


def snapshot(model, config, data, head, y_train) -> MLPSnapshot:
    """Live views of the MLP; called from the training thread."""
    loss, gradients = gradient_magnitudes(model, data.x_train[:GRADIENT_SAMPLES], y_train[:GRADIENT_SAMPLES], head)
    views = {"loss": loss, "gradients": gradients}
    if data.task != "regression":
        views["confusion"] = confusion(data.y_val, predict_classes(model, data.x_val, head), data.n_classes)
    if config.dataset in TWO_D:
        views["boundary"] = class_probability_grid(model, data, head)
    if config.dataset == "sine":
        xs = np.linspace(data.x_train.min(), data.x_train.max(), CURVE_POINTS, dtype="float32")[:, None]
        views["curve"] = {"x": xs[:, 0].tolist(), "y": np.asarray(model(xs, training=False))[:, 0].tolist()}
    return views


metrics = last_epoch_metrics("loss", "val_loss", "accuracy", "val_accuracy", "mse", "val_mse")
