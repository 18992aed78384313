"""The metric of the sequence-to-sequence models: the attention lab's encoder–decoder and the RNN lab's dates."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="lab")
def masked_token_accuracy(y_true, y_pred):
    """Share of target tokens whose most likely token is right, padding (id 0) left out (teacher-forced in `fit`)."""
    y_true = ops.cast(ops.reshape(y_true, ops.shape(y_pred)[:-1]), "int32")
    real = ops.cast(ops.not_equal(y_true, 0), "float32")
    hits = ops.cast(ops.equal(ops.cast(ops.argmax(y_pred, axis=-1), "int32"), y_true), "float32")
    return ops.sum(hits * real) / ops.maximum(ops.sum(real), 1.0)
