"""A RealNVP normalizing flow (Dinh et al. 2017) on 2-D points (or any few features).

The flow is an invertible map f from data x to a latent z with a standard-normal
density, so a point's exact log-likelihood is

    log p(x) = log N(f(x); 0, I) + log |det ∂f/∂x|.

f standardises x (a fixed shift and scale, see `RealNVP.adapt`), then applies
affine coupling layers. Each coupling keeps half of the features (alternating
between couplings) and moves the others, z_b = x_b·exp(s(x_a)) + t(x_a), with s
and t from a small MLP; the Jacobian is triangular, its log-determinant Σ s. The
log-scale is bounded, s = c·tanh(h) with a learned c per feature, so early steps
cannot blow up. `RealNVP.train_step` minimises the negative log-likelihood;
sampling runs the couplings backwards from z ~ N(0, I).
"""

import math

import keras
import numpy as np
import tensorflow as tf

LOG_2PI = math.log(2.0 * math.pi)


def coupling_masks(n_features, couplings):
    """`(couplings, n_features)` float32 masks: 1 marks the features a coupling keeps, alternating each layer."""
    index = np.arange(n_features)
    return np.stack([((index + i) % 2 == 1).astype("float32") for i in range(couplings)])


@keras.saving.register_keras_serializable(package="lab")
class AffineCoupling(keras.layers.Layer):
    """One affine coupling: the features where `mask` is 1 pass through and set the others' scale and shift.

    Args:
        mask: `n_features` numbers, 1 for a kept feature, 0 for a moved one.
        depth: hidden `Dense` layers of the scale-and-shift MLP.
        width: units of each.
        activation: their activation.

    The MLP's last layer starts at zero, so a new coupling is the identity.
    """

    def __init__(self, mask, depth=2, width=64, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.mask_values = [float(m) for m in mask]
        self.depth, self.width, self.activation = int(depth), int(width), activation
        n = len(self.mask_values)
        self.mask = tf.constant(self.mask_values, dtype="float32")
        self.hidden = [
            keras.layers.Dense(self.width, activation=activation, name=f"hidden_{i}") for i in range(1, self.depth + 1)
        ]
        self.out = keras.layers.Dense(2 * n, kernel_initializer="zeros", name="scale_and_shift")

    def build(self, input_shape):
        n = len(self.mask_values)
        shape = (None, n)
        for layer in self.hidden:
            layer.build(shape)
            shape = (None, self.width)
        self.out.build(shape)
        self.log_scale_bound = self.add_weight(shape=(n,), initializer="ones", name="log_scale_bound")

    def scale_and_shift(self, kept):
        """`(s, t)` for the moved features (zero on the kept ones), from the kept features `x·mask`."""
        h = kept
        for layer in self.hidden:
            h = layer(h)
        s, t = keras.ops.split(self.out(h), 2, axis=-1)
        moved = 1.0 - self.mask
        return moved * self.log_scale_bound * keras.ops.tanh(s), moved * t

    def call(self, x):
        """Data side to latent side: `(y, log|det|)` per example."""
        s, t = self.scale_and_shift(x * self.mask)
        return x * keras.ops.exp(s) + t, keras.ops.sum(s, axis=-1)

    def inverse(self, y):
        """Latent side to data side (the kept features are the same on both sides)."""
        s, t = self.scale_and_shift(y * self.mask)
        return (y - t) * keras.ops.exp(-s)

    def compute_output_shape(self, input_shape):
        return input_shape, input_shape[:-1]

    def get_config(self):
        config = super().get_config()
        config.update(mask=self.mask_values, depth=self.depth, width=self.width, activation=self.activation)
        return config


@keras.saving.register_keras_serializable(package="lab")
class RealNVP(keras.Model):
    """A RealNVP flow: standardisation, then `couplings` affine couplings, over a standard-normal base.

    Args:
        n_features: numbers per point.
        couplings: coupling layers (they alternate which features move; at least 2 so every feature moves).
        depth: hidden layers of each coupling's MLP.
        width: their units.
        activation: their activation.
        loc, scale: the standardisation, z-side of it is `(x − loc)/scale`: `n_features`
            numbers each (None: 0 and 1); `adapt(x)` sets them from data.

    `train_step` and `test_step` report `loss`: the mean negative log-likelihood of
    the batch in nats, in the data's own units (the standardisation's log-determinant
    included), a batch-size-weighted mean over the epoch like Keras' `loss`.
    """

    def __init__(self, n_features=2, couplings=4, depth=2, width=64, activation="relu", loc=None, scale=None, **kwargs):
        super().__init__(**kwargs)
        if couplings < 1 or depth < 1 or width < 1:
            raise ValueError(f"couplings, depth and width must be at least 1; got {couplings}, {depth}, {width}.")
        self.n_features, self.couplings = int(n_features), int(couplings)
        self.depth, self.width, self.activation = int(depth), int(width), activation
        self.layers_ = [
            AffineCoupling(mask, depth, width, activation, name=f"coupling_{i}")
            for i, mask in enumerate(coupling_masks(self.n_features, self.couplings), start=1)
        ]
        for layer in self.layers_:
            layer.build((None, self.n_features))
        n = self.n_features
        self.loc = self.add_weight(shape=(n,), initializer="zeros", trainable=False, name="loc")
        self.scale = self.add_weight(shape=(n,), initializer="ones", trainable=False, name="scale")
        if loc is not None:
            self.loc.assign(np.broadcast_to(np.asarray(loc, "float32"), (n,)))
        if scale is not None:
            self.scale.assign(np.broadcast_to(np.asarray(scale, "float32"), (n,)))
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self._sampler = None
        self.built = True

    @property
    def metrics(self):
        return [self.loss_tracker]

    def adapt(self, x):
        """Sets the standardisation to the mean and standard deviation of each feature of `x`."""
        x = np.asarray(x, dtype="float64")
        self.loc.assign(x.mean(axis=0).astype("float32"))
        self.scale.assign(np.maximum(x.std(axis=0), 1e-6).astype("float32"))
        return self

    def forward(self, x):
        """Data to latent: `(z, log|det ∂z/∂x|)`, tensors `(batch, n_features)` and `(batch,)`."""
        z = (keras.ops.convert_to_tensor(x, "float32") - self.loc) / self.scale
        log_det = -keras.ops.sum(keras.ops.log(self.scale)) * keras.ops.ones_like(z[:, 0])
        for layer in self.layers_:
            z, step = layer(z)
            log_det = log_det + step
        return z, log_det

    def inverse(self, z):
        """Latent to data: the couplings backwards, then the standardisation undone."""
        x = keras.ops.convert_to_tensor(z, "float32")
        for layer in reversed(self.layers_):
            x = layer.inverse(x)
        return x * self.scale + self.loc

    def call(self, x, training=False):
        """The latent point z = f(x) of each input."""
        return self.forward(x)[0]

    def log_density(self, x):
        """log p(x) of each row of `x`, a tensor (differentiable; `log_prob` is the numpy one)."""
        z, log_det = self.forward(x)
        return -0.5 * keras.ops.sum(keras.ops.square(z), axis=-1) - 0.5 * self.n_features * LOG_2PI + log_det

    def log_prob(self, x, batch_size=4096):
        """log p(x) of each point, in nats.

        Args:
            x: `(n, n_features)` points.

        Returns:
            numpy array `(n,)`.
        """
        x = np.asarray(x, dtype="float32").reshape(-1, self.n_features)
        parts = [np.asarray(self.log_density(x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0,), "float32")

    def sample(self, n, seed=0, batch_size=4096):
        """`n` points: z ~ N(0, I) drawn with NumPy's generator seeded by `seed`, mapped back to data.

        Returns:
            numpy array `(n, n_features)`; the same seed gives the same points.
        """
        if self._sampler is None:
            self._sampler = tf.function(self.inverse, reduce_retracing=True)
        z = np.random.default_rng(seed).standard_normal((int(n), self.n_features)).astype("float32")
        parts = [np.asarray(self._sampler(tf.constant(z[i : i + batch_size]))) for i in range(0, len(z), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, self.n_features), "float32")

    def _record(self, nll, x):
        self.loss_tracker.update_state(nll, sample_weight=tf.cast(tf.shape(x)[0], "float32"))
        return {"loss": self.loss_tracker.result()}

    def train_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        x = tf.convert_to_tensor(x, "float32")
        with tf.GradientTape() as tape:
            nll = -keras.ops.mean(self.log_density(x))
        grads = tape.gradient(nll, self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        return self._record(nll, x)

    def test_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        x = tf.convert_to_tensor(x, "float32")
        return self._record(-keras.ops.mean(self.log_density(x)), x)

    def get_config(self):
        return {
            "name": self.name,
            "n_features": self.n_features,
            "couplings": self.couplings,
            "depth": self.depth,
            "width": self.width,
            "activation": self.activation,
            "loc": np.asarray(self.loc).tolist(),
            "scale": np.asarray(self.scale).tolist(),
        }


def build_flow(n_features=2, couplings=4, depth=2, width=64, learning_rate=1e-3, activation="relu", data=None):
    """Builds and compiles a `RealNVP` trained with Adam.

    Args:
        n_features: numbers per point.
        couplings: affine coupling layers.
        depth, width: hidden layers of each coupling's MLP and their units.
        learning_rate: Adam's learning rate.
        activation: the MLPs' activation.
        data: points to standardise by (`RealNVP.adapt`); None leaves x as it is.

    Returns:
        A compiled `RealNVP`.
    """
    model = RealNVP(n_features, couplings, depth, width, activation, name="realnvp")
    if data is not None:
        model.adapt(data)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate))
    model.optimizer.build(model.trainable_variables)  # now, so that `fit` traces its step once, not twice
    return model
