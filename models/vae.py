"""A variational autoencoder (Kingma & Welling 2014): encoder to a Gaussian, reparameterisation, decoder.

The encoder maps an input x to the mean μ and the log-variance log σ² of a
diagonal Gaussian q(z|x); a code is drawn as z = μ + σ·ε with ε ~ N(0, I) (the
reparameterisation trick, so gradients flow through μ and σ), and the decoder
maps z back to data space. `VAE.train_step` minimises

    loss = reconstruction + β·KL,   KL = ½ Σ (μ² + σ² − log σ² − 1)

per example (summed over the latent units, averaged over the batch), with β
rising in a straight line from 0 over the first `kl_warmup_steps` updates when
that is set. Sampling from the prior z ~ N(0, I) and decoding gives new data.
"""

import keras
import numpy as np
import tensorflow as tf

from models.optimizers import make_optimizer

RECONSTRUCTIONS = ("bce", "mse")


def kl_divergence(mean, log_var):
    """KL(N(μ, σ²) ‖ N(0, I)) of each example, summed over the latent units.

    Args:
        mean: `(batch, latent_dim)` means μ.
        log_var: `(batch, latent_dim)` log-variances log σ².

    Returns:
        `(batch,)` tensor of ½ Σ (μ² + σ² − log σ² − 1), in nats.
    """
    return 0.5 * keras.ops.sum(keras.ops.square(mean) + keras.ops.exp(log_var) - log_var - 1.0, axis=-1)


def reconstruction_error(x, x_hat, kind):
    """Reconstruction error of each example, summed over its features.

    Args:
        x: `(batch, n_features)` targets.
        x_hat: `(batch, n_features)` decoder outputs (probabilities for "bce").
        kind: "bce" (binary cross-entropy, outputs clipped into (0, 1) as Keras
            does) or "mse" (squared error).

    Returns:
        `(batch,)` tensor.
    """
    if kind == "bce":
        return keras.ops.sum(keras.ops.binary_crossentropy(x, x_hat), axis=-1)
    return keras.ops.sum(keras.ops.square(x - x_hat), axis=-1)


@keras.saving.register_keras_serializable(package="lab")
class VAE(keras.Model):
    """An encoder and a decoder trained as a variational autoencoder.

    Args:
        encoder: `keras.Model` mapping `(batch, n_features)` to `[mean, log_var]`,
            each `(batch, latent_dim)`.
        decoder: `keras.Model` mapping `(batch, latent_dim)` codes to
            `(batch, n_features)` (sigmoid outputs for "bce").
        reconstruction: "bce" (binary cross-entropy summed over features) or
            "mse" (squared error summed over features).
        beta: the weight β of the KL term (β-VAE, Higgins et al. 2017).
        kl_warmup_steps: updates over which β rises linearly from 0 to `beta`;
            0 uses `beta` from the first update.

    `fit(x)` rebuilds `x`; `fit(x, y)` rebuilds the targets `y` from the inputs
    `x` (a denoising VAE). `train_step` and `test_step` return `loss`
    (reconstruction + β·KL, with the β of the current update), `reconstruction`,
    `kl`, and per-feature means `mse` and (for "bce") `bce`, on the same scale as
    a plain autoencoder's metrics.
    Every value is a batch-size-weighted mean over the epoch, like Keras' `loss`.
    Both steps draw z with fresh noise, so the validation loss is a one-sample
    estimate of the same objective.
    """

    def __init__(self, encoder, decoder, reconstruction="bce", beta=1.0, kl_warmup_steps=0, **kwargs):
        super().__init__(**kwargs)
        if reconstruction not in RECONSTRUCTIONS:
            raise ValueError(f"reconstruction must be one of {', '.join(RECONSTRUCTIONS)}; got {reconstruction!r}.")
        if beta < 0 or kl_warmup_steps < 0:
            raise ValueError(f"beta and kl_warmup_steps must be at least 0; got {beta} and {kl_warmup_steps}.")
        self.encoder = encoder
        self.decoder = decoder
        self.reconstruction = reconstruction
        self.beta = float(beta)
        self.kl_warmup_steps = int(kl_warmup_steps)
        self.latent_dim = int(decoder.inputs[0].shape[-1])
        names = ("loss", "reconstruction", "kl", "mse") + (("bce",) if reconstruction == "bce" else ())
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}
        self.seed_generator = keras.random.SeedGenerator()  # stateful: fresh ε every step, seeded globally
        self.built = True  # both networks are built functional models

    def call(self, x, training=False):
        """The decoded mean code of each input: a deterministic reconstruction."""
        mean, _ = self.encoder(x, training=training)
        return self.decoder(mean, training=training)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def current_beta(self):
        """β for the next update: `beta`, scaled by updates done / `kl_warmup_steps` during the warm-up."""
        if not self.kl_warmup_steps:
            return tf.constant(self.beta)
        done = tf.cast(self.optimizer.iterations, "float32")
        return self.beta * tf.minimum(1.0, done / self.kl_warmup_steps)

    def _terms(self, x, target, training):
        mean, log_var = self.encoder(x, training=training)
        eps = keras.random.normal(keras.ops.shape(mean), seed=self.seed_generator)
        z = mean + keras.ops.exp(0.5 * log_var) * eps
        x_hat = self.decoder(z, training=training)
        reconstruction = keras.ops.mean(reconstruction_error(target, x_hat, self.reconstruction))
        kl = keras.ops.mean(kl_divergence(mean, log_var))
        values = {"loss": reconstruction + self.current_beta() * kl, "reconstruction": reconstruction, "kl": kl}
        values["mse"] = keras.ops.mean(keras.ops.square(target - x_hat))
        if self.reconstruction == "bce":
            values["bce"] = keras.ops.mean(keras.ops.binary_crossentropy(target, x_hat))
        return values

    def _record(self, values, x):
        weight = tf.cast(tf.shape(x)[0], "float32")
        for name, value in values.items():
            self.trackers[name].update_state(value, sample_weight=weight)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def train_step(self, data):
        x, target = self._unpack(data)
        with tf.GradientTape() as tape:
            values = self._terms(x, target, training=True)
        variables = self.encoder.trainable_variables + self.decoder.trainable_variables
        grads = tape.gradient(values["loss"], variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        return self._record(values, x)

    def test_step(self, data):
        x, target = self._unpack(data)
        return self._record(self._terms(x, target, training=False), x)

    @staticmethod
    def _unpack(data):
        """`(x, target)` of a batch: the target is `y` when given (clean images for noisy inputs), else `x`."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        x = tf.convert_to_tensor(x)
        return x, x if y is None else tf.convert_to_tensor(y)

    def get_config(self):
        return {
            "name": self.name,
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "reconstruction": self.reconstruction,
            "beta": self.beta,
            "kl_warmup_steps": self.kl_warmup_steps,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        return cls(**config)


def make_vae(
    n_features,
    latent_dim,
    hidden_units,
    reconstruction="bce",
    beta=1.0,
    kl_warmup_steps=0,
    activation="relu",
    output_activation=None,
    optimizer="adam",
    learning_rate=1e-3,
):
    """Builds and compiles a dense VAE whose encoder has the given widths and whose decoder mirrors them.

    Args:
        n_features: numbers per example (784 for 28×28 images).
        latent_dim: size of the code z.
        hidden_units: widths of the encoder's hidden layers, input side first.
        reconstruction: "bce" or "mse" (see `VAE`).
        beta: the weight of the KL term.
        kl_warmup_steps: updates over which β rises from 0 (see `VAE`).
        activation: activation of every hidden layer.
        output_activation: the decoder's last activation; None picks sigmoid for
            "bce" and linear for "mse".
        optimizer: a name from `models.optimizers.OPTIMIZERS`.
        learning_rate: its learning rate.

    Returns:
        A compiled `VAE` with layers `encoder_1`, ..., `z_mean`, `z_log_var` and
        `decoder_1`, ..., `reconstruction`.

    Raises:
        ValueError: "bce" with a last layer other than sigmoid.
    """
    if output_activation is None:
        output_activation = "sigmoid" if reconstruction == "bce" else "linear"
    if reconstruction == "bce" and output_activation != "sigmoid":
        raise ValueError(
            f"A VAE with binary cross-entropy needs a sigmoid last layer (pixels as probabilities); got {output_activation}."
        )
    inputs = keras.Input(shape=(n_features,), name="x")
    h = inputs
    for i, units in enumerate(hidden_units, start=1):
        h = keras.layers.Dense(units, activation=activation, name=f"encoder_{i}")(h)
    mean = keras.layers.Dense(latent_dim, name="z_mean")(h)
    log_var = keras.layers.Dense(latent_dim, name="z_log_var")(h)
    encoder = keras.Model(inputs, [mean, log_var], name="encoder")
    z = keras.Input(shape=(latent_dim,), name="z")
    h = z
    for i, units in enumerate(reversed(hidden_units), start=1):
        h = keras.layers.Dense(units, activation=activation, name=f"decoder_{i}")(h)
    outputs = keras.layers.Dense(n_features, activation=output_activation, name="reconstruction")(h)
    decoder = keras.Model(z, outputs, name="decoder")
    vae = VAE(encoder, decoder, reconstruction, beta, kl_warmup_steps, name="vae")
    vae.compile(optimizer=make_optimizer(optimizer, learning_rate))
    return vae


def build_vae(
    n_features,
    latent_dim,
    depth,
    width,
    reconstruction="bce",
    beta=1.0,
    learning_rate=1e-3,
    kl_warmup_steps=0,
    activation="relu",
):
    """Builds and compiles a dense VAE with `depth` hidden layers of `width` units on each side, trained with Adam.

    Args:
        n_features: numbers per example (2 for points).
        latent_dim: size of the code z.
        depth: hidden layers in the encoder (and in the decoder).
        width: units per hidden layer.
        reconstruction: "bce" (sigmoid outputs, for data in [0, 1]) or "mse"
            (linear outputs, for any real data).
        beta: the weight of the KL term.
        learning_rate: Adam's learning rate.
        kl_warmup_steps: updates over which β rises from 0.
        activation: activation of every hidden layer.

    Returns:
        A compiled `VAE`: `vae.encoder` maps x to `[mean, log_var]`, `vae.decoder`
        maps z to x̂ in data space.
    """
    return make_vae(
        n_features,
        latent_dim,
        (int(width),) * int(depth),
        reconstruction=reconstruction,
        beta=beta,
        kl_warmup_steps=kl_warmup_steps,
        activation=activation,
        learning_rate=learning_rate,
    )


def sample_prior(vae, n, seed=0, batch_size=1024):
    """Decodes `n` codes drawn from the prior z ~ N(0, I).

    Args:
        vae: a `VAE`.
        n: how many samples.
        seed: seed of the codes (NumPy), so the same seed gives the same samples.
        batch_size: codes decoded at once.

    Returns:
        numpy array `(n, n_features)`.
    """
    z = np.random.default_rng(seed).standard_normal((int(n), vae.latent_dim)).astype("float32")
    parts = [np.asarray(vae.decoder(z[i : i + batch_size], training=False)) for i in range(0, len(z), batch_size)]
    return np.concatenate(parts) if parts else np.zeros((0, vae.decoder.outputs[0].shape[-1]), "float32")
