"""The multilayer perceptron: head choice, loss/last-layer checks and the builder."""

import keras
import numpy as np

from models.optimizers import make_optimizer


def encode_targets(y, head, n_classes):
    """Returns the targets in the form the head's loss expects."""
    if head.one_hot:
        return keras.utils.to_categorical(y, n_classes).astype("float32")
    return np.asarray(y, dtype="float32").reshape(len(y), -1)


def build_mlp(config, x_train, head):
    """Builds and compiles the MLP a config describes.

    The first layer is a `Normalization` with the training inputs' mean and
    variance, so the saved model takes raw inputs.

    Args:
        config: an `MLPConfig`.
        x_train: training inputs (to adapt the normalisation).
        head: the `Head` from `choose_head`.

    Returns:
        A compiled `keras.Model`.
    """
    regularizer = keras.regularizers.L1L2(config.l1, config.l2) if (config.l1 or config.l2) else None
    variance = x_train.var(axis=0)
    # A column constant in training (a blank pixel) keeps its scale instead of dividing by ~0.
    variance = np.where(variance > 1e-8, variance, 1.0)
    norm = keras.layers.Normalization(mean=x_train.mean(axis=0), variance=variance, name="normalize")
    inputs = keras.Input(shape=(x_train.shape[1],), name="features")
    h = norm(inputs)
    for i, (units, activation) in enumerate(zip(config.hidden_units, config.layer_activations), start=1):
        h = keras.layers.Dense(
            units,
            activation=activation,
            kernel_initializer=config.initializer,
            kernel_regularizer=regularizer,
            name=f"hidden_{i}",
        )(h)
        if config.dropout:
            h = keras.layers.Dropout(config.dropout, name=f"dropout_{i}")(h)
    outputs = keras.layers.Dense(
        head.units, activation=head.activation, kernel_initializer=config.initializer, name="output"
    )(h)
    model = keras.Model(inputs, outputs, name="mlp")
    if head.classify:
        metric = keras.metrics.CategoricalAccuracy if head.one_hot else keras.metrics.BinaryAccuracy
        metrics = [metric(name="accuracy")]
    else:
        metrics = [keras.metrics.MeanSquaredError(name="mse")]
    model.compile(optimizer=make_optimizer(config.optimizer, config.learning_rate), loss=head.loss, metrics=metrics)
    return model
