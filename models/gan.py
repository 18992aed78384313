"""A GAN on 2-D points or digit images: generator, discriminator and a `keras.Model` that trains both.

`GAN.train_step` makes `d_steps` discriminator updates and one generator update
per batch, so the GAN trains through `fit` with the lab's shared callbacks. The
discriminator outputs a logit (a score for least squares); D(x) is its sigmoid.
"""

import keras
import tensorflow as tf

LOSSES = ("non_saturating", "minimax", "least_squares")


@keras.saving.register_keras_serializable(package="lab")
class HoldThenDecay(keras.optimizers.schedules.LearningRateSchedule):
    """A learning rate held for the first part of training, then lowered in a straight line.

    Args:
        base: the rate at the start; `base.assign(value)` changes it (and so the
            whole schedule) while training.
        total_steps: the updates the run will make.
        hold: the share of `total_steps` at the full rate.
        final: the share of `base` reached at the last step and kept after it.
    """

    def __init__(self, base, total_steps, hold=0.5, final=0.1):
        self.base = tf.Variable(float(base), trainable=False, dtype="float32", name="base_learning_rate")
        self.total_steps, self.hold, self.final = max(1, int(total_steps)), float(hold), float(final)

    def __call__(self, step):
        progress = tf.cast(step, "float32") / self.total_steps
        slope = (1.0 - self.final) / (1.0 - self.hold)
        return self.base * tf.clip_by_value(1.0 - slope * (progress - self.hold), self.final, 1.0)

    def get_config(self):
        return {
            "base": float(self.base.numpy()),
            "total_steps": self.total_steps,
            "hold": self.hold,
            "final": self.final,
        }


def set_learning_rate(optimizer, value):
    """Sets an optimizer's learning rate; under a `HoldThenDecay` schedule, the rate the schedule starts from."""
    schedule = optimizer._learning_rate  # Keras keeps the schedule here; `learning_rate` reads its current value
    if isinstance(schedule, HoldThenDecay):
        schedule.base.assign(value)
    else:
        optimizer.learning_rate = value


def make_optimizer(name, learning_rate):
    """A fresh optimizer; Adam uses beta_1 = 0.5, the usual choice for GANs (DCGAN)."""
    from models.optimizers import make_optimizer as plain

    if name == "adam":
        return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5)
    return plain(name, learning_rate)


def make_mlp(n_in, n_out, depth, width, activation, name, out_name, out_activation=None):
    """A dense network `n_in -> depth x width -> n_out` (linear last layer unless `out_activation`)."""
    inputs = keras.Input(shape=(n_in,), name=f"{name}_input")
    h = inputs
    for i in range(1, depth + 1):
        h = keras.layers.Dense(width, activation=activation, name=f"{name}_{i}")(h)
    outputs = keras.layers.Dense(n_out, activation=out_activation, name=out_name)(h)
    return keras.Model(inputs, outputs, name=name)


@keras.saving.register_keras_serializable(package="lab")
class GAN(keras.Model):
    """Generator and discriminator trained against each other.

    Args:
        generator: `keras.Model` mapping `(batch, latent_dim)` noise to `(batch, n_features)` samples.
        discriminator: `keras.Model` mapping points to one logit (score) each.
        latent_dim: size of the noise z ~ N(0, I).
        loss: `non_saturating` (G minimises −log D(G(z))), `minimax` (G minimises
            log(1 − D(G(z))), which saturates when D wins) or `least_squares`
            (D pulls real scores to 1 and fake ones to 0, G pulls fake ones to 1).
        d_steps: discriminator updates per generator update (each on the same real
            batch with fresh noise).
        label_smoothing: one-sided: D's target for real points is 1 − this.

    `train_step` returns `d_loss`, `g_loss` (each network's own objective, as it
    minimises it; for minimax `g_loss` is log(1 − D(G(z))), negative), `d_real` and
    `d_fake` (mean D on real and generated points: the sigmoid for the
    cross-entropy games, the raw score for least squares) and `loss` =
    `d_loss + g_loss`, and `g_grad_norm`: the global norm of the generator's
    gradient (tiny when minimax saturates). At the ideal equilibrium without label
    smoothing D = 1/2 everywhere, so with cross-entropy each term is ln 2: `d_loss` =
    2 ln 2, `g_loss` = ln 2 (non-saturating) or −ln 2 (minimax); smoothing moves D's
    optimum to (1 − label_smoothing)/2. Every value is a batch-size-weighted mean over
    the epoch, like Keras' own `loss`.
    """

    def __init__(
        self, generator, discriminator, latent_dim, loss="non_saturating", d_steps=1, label_smoothing=0.0, **kwargs
    ):
        super().__init__(**kwargs)
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}; got {loss!r}.")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.gan_loss = loss
        self.d_steps = int(d_steps)
        self.label_smoothing = float(label_smoothing)
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("loss", "d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm")
        }
        self.d_optimizer = None
        self.g_optimizer = None
        self.seed_generator = keras.random.SeedGenerator()  # stateful: fresh noise every step, seeded globally
        self._d_step = self._g_step = None  # compiled single steps, made on first use
        self.built = True  # both networks are built functional models

    def call(self, z, training=False):
        """Generated points for noise `z`."""
        return self.generator(z, training=training)

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        """Sets both optimizers; `model.optimizer` is the generator's (the live learning-rate control moves it).

        Args:
            d_optimizer: the discriminator's optimizer.
            g_optimizer: the generator's optimizer.
        """
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        super().compile(optimizer=self.g_optimizer, **kwargs)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def noise(self, n):
        return keras.random.normal((n, self.latent_dim), seed=self.seed_generator)

    def _d_objective(self, real_out, fake_out):
        target = 1.0 - self.label_smoothing
        if self.gan_loss == "least_squares":
            return 0.5 * (tf.reduce_mean(tf.square(real_out - target)) + tf.reduce_mean(tf.square(fake_out)))
        real = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.fill(tf.shape(real_out), target), logits=real_out)
        fake = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_out), logits=fake_out)
        return tf.reduce_mean(real) + tf.reduce_mean(fake)

    def _g_objective(self, fake_out):
        if self.gan_loss == "least_squares":
            return 0.5 * tf.reduce_mean(tf.square(fake_out - 1.0))
        if self.gan_loss == "minimax":
            return -tf.reduce_mean(tf.nn.softplus(fake_out))  # log(1 − sigmoid(l)) = −softplus(l)
        return tf.reduce_mean(tf.nn.softplus(-fake_out))  # −log sigmoid(l)

    def _prob(self, out):
        return tf.reduce_mean(out if self.gan_loss == "least_squares" else tf.sigmoid(out))

    def _d_update(self, real):
        fake = self.generator(self.noise(tf.shape(real)[0]), training=True)
        with tf.GradientTape() as tape:
            real_out = self.discriminator(real, training=True)
            fake_out = self.discriminator(fake, training=True)
            d_loss = self._d_objective(real_out, fake_out)
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        return d_loss, self._prob(real_out)

    def _g_update(self, n):
        with tf.GradientTape() as tape:
            fake_out = self.discriminator(self.generator(self.noise(n), training=True), training=True)
            g_loss = self._g_objective(fake_out)
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return g_loss, self._prob(fake_out), tf.linalg.global_norm(grads)

    def train_step(self, data):
        real, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        real = tf.convert_to_tensor(real)
        n = tf.shape(real)[0]
        for _ in range(self.d_steps):
            d_loss, d_real = self._d_update(real)
        g_loss, d_fake, g_grad = self._g_update(n)
        values = {
            "loss": d_loss + g_loss,
            "d_loss": d_loss,
            "g_loss": g_loss,
            "d_real": d_real,
            "d_fake": d_fake,
            "g_grad_norm": g_grad,
        }
        weight = tf.cast(n, "float32")
        for name, value in values.items():
            self.trackers[name].update_state(value, sample_weight=weight)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def step_discriminator(self, real):
        """One discriminator update on the real batch `real` (and as many fresh fakes).

        Returns:
            dict of floats: `d_loss` and `d_real` before the update.
        """
        if self._d_step is None:
            self._d_step = tf.function(self._d_update)
        d_loss, d_real = self._d_step(tf.convert_to_tensor(real, dtype="float32"))
        return {"d_loss": float(d_loss), "d_real": float(d_real)}

    def step_generator(self, n):
        """One generator update with `n` fresh noise vectors.

        Returns:
            dict of floats: `g_loss`, `d_fake` and `g_grad_norm` before the update.
        """
        if self._g_step is None:
            self._g_step = tf.function(self._g_update)
        g_loss, d_fake, g_grad = self._g_step(tf.constant(int(n)))
        return {"g_loss": float(g_loss), "d_fake": float(d_fake), "g_grad_norm": float(g_grad)}

    def get_config(self):
        return {
            "name": self.name,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "loss": self.gan_loss,
            "d_steps": self.d_steps,
            "label_smoothing": self.label_smoothing,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)


def build_gan(config, n_features=2, image=False, total_steps=0):
    """Builds and compiles the GAN a `GANConfig` describes.

    Args:
        config: the `GANConfig`.
        n_features: numbers per real sample (2 for points, 784 for 28×28 digits).
        image: the samples are images scaled to [−1, 1]: the generator ends in tanh.
        total_steps: generator updates in the whole run; with `lr_schedule="anneal"`
            both learning rates follow `HoldThenDecay` over them (the
            discriminator's over `d_steps` times as many).

    Returns:
        A compiled `GAN`: generator `latent_dim -> g_depth x g_width -> n_features`,
        discriminator `n_features -> d_depth x d_width -> 1` (a logit).
    """
    out_name, out_activation = ("image", "tanh") if image else ("point", None)
    generator = make_mlp(
        config.latent_dim,
        n_features,
        config.g_depth,
        config.g_width,
        config.g_activation,
        "generator",
        out_name,
        out_activation,
    )
    discriminator = make_mlp(
        n_features, 1, config.d_depth, config.d_width, config.d_activation, "discriminator", "score"
    )
    model = GAN(
        generator, discriminator, config.latent_dim, config.loss, config.d_steps, config.label_smoothing, name="gan"
    )
    d_rate, g_rate = config.d_learning_rate, config.g_learning_rate
    if config.lr_schedule == "anneal" and total_steps:
        d_rate = HoldThenDecay(d_rate, total_steps * config.d_steps)
        g_rate = HoldThenDecay(g_rate, total_steps)
    model.compile(
        d_optimizer=make_optimizer(config.d_optimizer, d_rate), g_optimizer=make_optimizer(config.g_optimizer, g_rate)
    )
    return model
