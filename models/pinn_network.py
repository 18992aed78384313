"""The network u(t, x) of the PINN: a tanh (or sine) MLP, optionally with the initial and boundary values built in."""

import keras
import numpy as np


@keras.saving.register_keras_serializable(package="lab")
def sin(x):
    """The sine activation (SIREN-style networks)."""
    return keras.ops.sin(x)


def activation_fn(name):
    """A Keras activation by name, with `sin` added."""
    return sin if name == "sin" else name


@keras.saving.register_keras_serializable(package="lab")
class HardConstraints(keras.layers.Layer):
    """u = −sin(πx) + t·(1 − x²)·N(t, x) from rows (t, x) and N: the initial value and the walls' zeros hold exactly.

    At t = 0 the second term vanishes, leaving −sin(πx); at x = ±1 both terms vanish
    (sin(±π) = 0 to float precision). The network N only has to learn the rest.
    """

    def call(self, inputs):
        t_x, n = inputs
        t, x = t_x[:, 0:1], t_x[:, 1:2]
        return -keras.ops.sin(np.pi * x) + t * (1.0 - x * x) * n


def make_network(depth, width, activation="tanh", dtype="float32", hard_constraints=False):
    """The network u(t, x): `(batch, 2)` rows (t, x) -> `(batch, 1)`.

    t in [0, 1] is first mapped to [−1, 1] like x, so both inputs span the same range.

    Args:
        depth: hidden layers.
        width: units per hidden layer.
        activation: the hidden activation ("sin" or a Keras name).
        dtype: "float32" or "float64".
        hard_constraints: wrap the output in `HardConstraints`, so that
            u(0, x) = −sin(πx) and u(t, ±1) = 0 hold by construction.

    Returns:
        A functional `keras.Model` named `u_net`.
    """
    inputs = keras.Input(shape=(2,), name="t_x", dtype=dtype)
    h = keras.layers.Rescaling(
        scale=np.array([2.0, 1.0]), offset=np.array([-1.0, 0.0]), name="to_unit_square", dtype=dtype
    )(inputs)
    for i in range(1, depth + 1):
        h = keras.layers.Dense(
            width,
            activation=activation_fn(activation),
            kernel_initializer="glorot_normal",
            name=f"hidden_{i}",
            dtype=dtype,
        )(h)
    outputs = keras.layers.Dense(1, name="N" if hard_constraints else "u", dtype=dtype)(h)
    if hard_constraints:
        outputs = HardConstraints(name="u", dtype=dtype)([inputs, outputs])
    return keras.Model(inputs, outputs, name="u_net")
