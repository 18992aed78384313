"""Optimizers by name, shared by every lab."""

OPTIMIZERS = {  # name: (Keras class, its options besides the learning rate)
    "sgd": ("SGD", {}),
    "momentum": ("SGD", {"momentum": 0.9}),
    "rmsprop": ("RMSprop", {}),
    "adam": ("Adam", {}),
    "adagrad": ("Adagrad", {}),
    "adadelta": ("Adadelta", {}),
}


def make_optimizer(name, learning_rate):
    """Returns a fresh Keras optimizer.

    Args:
        name: one of `OPTIMIZERS` ("momentum" is SGD with momentum 0.9).
        learning_rate: the initial learning rate.
    """
    import keras  # here, so that the table above can be read without TensorFlow

    cls, options = OPTIMIZERS[name]
    return getattr(keras.optimizers, cls)(learning_rate=learning_rate, **options)
