"""Optimizers by name, shared by every lab."""

import keras

OPTIMIZERS = {
    "sgd": lambda lr: keras.optimizers.SGD(learning_rate=lr),
    "momentum": lambda lr: keras.optimizers.SGD(learning_rate=lr, momentum=0.9),
    "rmsprop": lambda lr: keras.optimizers.RMSprop(learning_rate=lr),
    "adam": lambda lr: keras.optimizers.Adam(learning_rate=lr),
    "adagrad": lambda lr: keras.optimizers.Adagrad(learning_rate=lr),
    "adadelta": lambda lr: keras.optimizers.Adadelta(learning_rate=lr),
}


def make_optimizer(name, learning_rate):
    """Returns a fresh Keras optimizer.

    Args:
        name: one of `OPTIMIZERS` ("momentum" is SGD with momentum 0.9).
        learning_rate: the initial learning rate.
    """
    return OPTIMIZERS[name](learning_rate)
