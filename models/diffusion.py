"""A denoising diffusion model (DDPM, Ho et al. 2020) on 2-D points or small images.

The forward process mixes data with noise, x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε; the
network ε_θ(x_t, t) learns to predict the noise ε with a mean squared error, at a
timestep t drawn uniformly. `Diffusion.train_step` does exactly that, so the model
trains through `fit` with the lab's shared callbacks. `sample` runs the reverse
process from pure noise: DDPM's ancestral steps over every t, or DDIM's
deterministic jumps (Song et al. 2021) over fewer.
"""

import math

import keras
import numpy as np
import tensorflow as tf

from models.diffusion_schedule import HO_STEPS, alpha_bars

BANDS = 4  # the loss is also reported per quarter of the timesteps
FAR = 1e6  # reverse steps with β near 1 divide by √(1 − β) and can throw samples away: they are kept finite


@keras.saving.register_keras_serializable(package="lab")
class SinusoidalEmbedding(keras.layers.Layer):
    """Each input number as `size` sines and cosines of geometrically spaced frequencies.

    Args:
        size: features per input number (half sines, half cosines).
        scale: multiplies the input first: a larger scale resolves finer detail.
    """

    def __init__(self, size=32, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.size, self.scale = int(size), float(scale)
        half = self.size // 2
        self.frequencies = np.exp(-math.log(10000.0) * np.arange(half) / max(1, half - 1)).astype("float32")

    def call(self, x):
        angles = keras.ops.expand_dims(x * self.scale, -1) * self.frequencies
        features = keras.ops.concatenate([keras.ops.sin(angles), keras.ops.cos(angles)], axis=-1)
        return keras.ops.reshape(features, (-1, x.shape[-1] * 2 * (self.size // 2)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1] * 2 * (self.size // 2))

    def get_config(self):
        return {**super().get_config(), "size": self.size, "scale": self.scale}


def make_noise_network(n_features, depth, width, timesteps, x_scale=0.0, embedding=32):
    """ε_θ(x_t, t): a dense network from a noisy sample and its timestep to the predicted noise.

    Args:
        n_features: numbers per sample (2 for points, 64 for 8×8 digits).
        depth, width: hidden `Dense` layers (GELU) and their units.
        timesteps: T; the step is embedded as t·1000/T, so any T uses the same frequencies.
        x_scale: embed each coordinate sinusoidally at this scale (points), or 0 to feed
            the sample as it is (images).
        embedding: features per embedded number.

    Returns:
        A functional `keras.Model` with inputs `[x_t, t]` (t: 0-based int steps).
    """
    x = keras.Input(shape=(n_features,), name="noisy_sample")
    t = keras.Input(shape=(), dtype="int32", name="timestep")
    steps = keras.ops.expand_dims(keras.ops.cast(t, "float32") * (HO_STEPS / timesteps), -1)
    parts = [SinusoidalEmbedding(embedding, 1.0, name="time_embedding")(steps)]
    parts.append(SinusoidalEmbedding(embedding, x_scale, name="sample_embedding")(x) if x_scale else x)
    h = keras.layers.Concatenate(name="features")(parts)
    for i in range(1, depth + 1):
        h = keras.layers.Dense(width, activation="gelu", name=f"hidden_{i}")(h)
    eps = keras.layers.Dense(n_features, name="predicted_noise")(h)
    return keras.Model([x, t], eps, name="noise_network")


@keras.saving.register_keras_serializable(package="lab")
class Diffusion(keras.Model):
    """A noise-prediction network and its schedule, trained as in DDPM.

    Args:
        network: `[x_t, t] -> ε̂` (see `make_noise_network`).
        timesteps: T.
        schedule: `linear` or `cosine` (see `betas`).
        beta_scale: the linear schedule's multiplier.

    `train_step` draws t uniformly for each sample, noises it and minimises the mean
    squared error between ε and ε̂. It reports `loss` and `loss_band_1` …
    `loss_band_4`: the same error for the samples whose t fell in each quarter of
    the steps (band 1 is the least noisy). Every value is a batch-size-weighted
    mean over the epoch, like Keras' own `loss`.
    """

    def __init__(self, network, timesteps, schedule="linear", beta_scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        self.timesteps, self.schedule, self.beta_scale = int(timesteps), schedule, float(beta_scale)
        self.alpha_bar = alpha_bars(self.timesteps, schedule, beta_scale)
        self._alpha_bar = tf.constant(self.alpha_bar, dtype="float32")
        self.trackers = {"loss": keras.metrics.Mean(name="loss")}
        for band in range(1, BANDS + 1):
            self.trackers[f"loss_band_{band}"] = keras.metrics.Mean(name=f"loss_band_{band}")
        self.seed_generator = keras.random.SeedGenerator()
        self.built = True

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def errors(self, x0):
        """Draws t and ε for each sample of `x0`; returns `(t, squared error of ε̂ per sample)`."""
        n = keras.ops.shape(x0)[0]
        t = keras.random.randint((n,), 0, self.timesteps, dtype="int32", seed=self.seed_generator)
        eps = keras.random.normal(keras.ops.shape(x0), seed=self.seed_generator)
        a = keras.ops.expand_dims(keras.ops.take(self._alpha_bar, t), -1)
        x_t = keras.ops.sqrt(a) * x0 + keras.ops.sqrt(1.0 - a) * eps
        return t, keras.ops.mean(keras.ops.square(eps - self.network([x_t, t], training=True)), axis=-1)

    def train_step(self, data):
        x0 = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            t, error = self.errors(x0)
            loss = keras.ops.mean(error)
        weights = self.network.trainable_weights
        self.optimizer.apply(tape.gradient(loss, weights), weights)
        self.trackers["loss"].update_state(loss, sample_weight=keras.ops.shape(x0)[0])
        band = t * BANDS // self.timesteps
        for i in range(BANDS):
            self.trackers[f"loss_band_{i + 1}"].update_state(
                error, sample_weight=keras.ops.cast(keras.ops.equal(band, i), "float32")
            )
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def get_config(self):
        return {
            "name": self.name,
            "network": keras.saving.serialize_keras_object(self.network),
            "timesteps": self.timesteps,
            "schedule": self.schedule,
            "beta_scale": self.beta_scale,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["network"] = keras.saving.deserialize_keras_object(config["network"])
        return cls(**config)


def sampling_steps(timesteps, steps):
    """The 0-based timesteps the reverse process visits, last first: all T, or `steps` evenly spaced (DDIM)."""
    steps = min(int(steps or timesteps), timesteps)
    return np.unique(np.linspace(0, timesteps - 1, steps).round().astype(int))[::-1]


def sample(model, n, steps=None, seed=0, keep=0, noise=None):
    """Runs the reverse process from pure noise.

    With `steps` of None or T, DDPM's ancestral sampling: x_{t−1} = (x_t −
    β_t/√(1 − ᾱ_t)·ε̂)/√(1 − β_t) + σ_t·z with σ_t² = β_t (no noise at the last
    step). With fewer steps, DDIM's deterministic update between the visited steps.

    Args:
        model: a trained `Diffusion`.
        n: how many samples.
        steps: reverse steps (at most T).
        seed: seeds the starting noise and DDPM's fresh noise.
        keep: also return this many intermediate states, evenly spaced along the walk.
        noise: the starting x_T, `(n, n_features)`, instead of fresh noise.

    Returns:
        The samples `(n, n_features)`; with `keep`, `(samples, trajectory)` where
        `trajectory` is a list of `(t, x_t)`, from t = T (pure noise) to t = 0 (the samples).
    """
    rng = np.random.default_rng(seed)
    n_features = model.network.input[0].shape[-1]
    x = rng.standard_normal((n, n_features)).astype("float32") if noise is None else np.asarray(noise, "float32")
    alpha_bar = model.alpha_bar
    visit = sampling_steps(model.timesteps, steps)
    ancestral = len(visit) == model.timesteps
    predict = _predictor(model)
    marks = set(np.linspace(0, len(visit), keep).round().astype(int)) if keep else set()
    trajectory = [(model.timesteps, x.copy())] if 0 in marks else []
    for i, t in enumerate(visit):
        eps = predict(x, np.full(n, t, dtype="int32"))
        a_t = alpha_bar[t]
        if ancestral:
            beta = 1.0 - a_t / (alpha_bar[t - 1] if t > 0 else 1.0)
            x = (x - beta / np.sqrt(1.0 - a_t) * eps) / np.sqrt(1.0 - beta)
            if t > 0:
                x = x + np.sqrt(beta) * rng.standard_normal(x.shape)
        else:
            a_prev = alpha_bar[visit[i + 1]] if i + 1 < len(visit) else 1.0
            x0 = (x - np.sqrt(1.0 - a_t) * eps) / np.sqrt(a_t)
            x = np.sqrt(a_prev) * x0 + np.sqrt(1.0 - a_prev) * eps
        x = np.clip(x, -FAR, FAR).astype("float32")
        if i + 1 in marks:
            trajectory.append((int(visit[i + 1]) + 1 if i + 1 < len(visit) else 0, x.copy()))
    return (x, trajectory) if keep else x


def _predictor(model):
    """A compiled `(x_t, t) -> ε̂` for `model`, made once per model."""
    if getattr(model, "_predict_eps", None) is None:
        network = model.network
        model._predict_eps = tf.function(lambda x, t: network([x, t], training=False), reduce_retracing=True)
    return lambda x, t: model._predict_eps(tf.constant(x), tf.constant(t)).numpy()


def denoising_field(model, points, t):
    """The direction the model moves a sample at 0-based step `t`: towards its guess of x_0.

    Returns:
        `(n, n_features)`: x̂_0 − x_t, with x̂_0 = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t.
    """
    points = np.asarray(points, dtype="float32")
    eps = _predictor(model)(points, np.full(len(points), t, dtype="int32"))
    a = model.alpha_bar[t]
    return (points - np.sqrt(1.0 - a) * eps) / np.sqrt(a) - points


def build_diffusion(config, n_features, x_scale=0.0):
    """Builds and compiles the diffusion model a `DiffusionConfig` describes.

    Args:
        config: the `DiffusionConfig` (timesteps, schedule, beta_scale, depth, width, learning_rate).
        n_features: numbers per sample.
        x_scale: the sinusoidal scale of each coordinate (0: the sample is fed as it is).

    Returns:
        A compiled `Diffusion` (Adam, the train step compiled with XLA).
    """
    network = make_noise_network(n_features, config.depth, config.width, config.timesteps, x_scale)
    model = Diffusion(network, config.timesteps, config.schedule, config.beta_scale, name="diffusion")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate), jit_compile=True)
    return model
