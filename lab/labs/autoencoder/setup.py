"""The autoencoder lab's wiring: images, model, live views and final metrics."""

import math

import numpy as np

from lab.labs.autoencoder.data import add_noise
from lab.registry import Setup, last_epoch_metrics
from lab.runs import Snapshot

SHOWN_DIGITS = tuple(range(8))  # one validation image of each, reconstructed live
LATENT_POINTS = 1000
GRID = 12  # the decoded latent plane is GRID x GRID images
STEPS = 9  # images along an interpolation
INTERPOLATION = (0, 1)  # the digits interpolated live; any pair once the run ends
PRIOR_SHOWN = 48  # images decoded from z ~ N(0, I), redrawn live
PRIOR_SEED = 1234  # the codes behind them: the same codes decode as the model learns
PRIOR_REACH = 2.0  # a VAE's latent plane spans this many standard deviations of the prior either way
SAMPLES = 500  # a VAE run's final metrics carry this many images decoded from the prior
COLLAPSE_NATS = 0.1  # a final KL below this: the posterior has collapsed onto the prior


def first_of_each(labels, digits):
    """Index of the first image of each digit in `digits` (skipping digits that are absent)."""
    labels = np.asarray(labels)
    return [int(np.flatnonzero(labels == d)[0]) for d in digits if np.any(labels == d)]


def build(config, data):
    """Builds the autoencoder (or VAE) and its fit data; called in the training thread after seeding.

    With `config.noise` > 0 it trains a denoising autoencoder: the training inputs
    are one fixed noisy copy of the images (Gaussian noise, clipped to [0, 1],
    seeded by `config.seed`) and the targets are the clean images. Validation
    always reconstructs clean images from clean images. With `config.model` "vae"
    the model is a `models.vae.VAE`; its `encoder` part gives the mean code only.
    """
    from models.autoencoder_plan import autoencoder_warnings

    warnings = autoencoder_warnings(config, data.n_pixels)
    if config.model == "vae":
        model, parts = _vae(config, data)
        warnings += vae_warnings(config)
    else:
        from models.autoencoder import build_autoencoder, decoder_of, encoder_of

        model = build_autoencoder(config, data.n_pixels)
        parts = {"encoder": encoder_of(model), "decoder": decoder_of(model)}
    return Setup(
        model=model,
        x=add_noise(data.x_train, config.noise, config.seed),
        y=data.x_train,
        validation_data=(data.x_val, data.x_val),
        batch_size=config.batch_size,
        warnings=warnings,
        snapshot=lambda m: snapshot(parts["encoder"], parts["decoder"], config, data),
        extra=parts,
    )


def kl_warmup_steps(config, n_train):
    """Updates in the KL warm-up: `config.kl_warmup` epochs of `n_train` images."""
    return config.kl_warmup * math.ceil(n_train / config.batch_size)


def _vae(config, data):
    import keras

    from models.vae import make_vae

    model = make_vae(
        data.n_pixels,
        config.bottleneck,
        config.hidden_units,
        reconstruction="bce" if config.loss == "binary_crossentropy" else "mse",
        beta=config.beta,
        kl_warmup_steps=kl_warmup_steps(config, len(data.x_train)),
        activation=config.activation,
        output_activation=config.output_activation,
        optimizer=config.optimizer,
        learning_rate=config.learning_rate,
    )
    means = keras.Model(model.encoder.input, model.encoder.outputs[0], name="encoder_mean")
    return model, {"encoder": means, "decoder": model.decoder}


def vae_warnings(config):
    """Sentences about questionable VAE settings (kept, never silently fixed)."""
    warnings = []
    if config.kl_warmup >= config.epochs:
        warnings.append(
            f"The KL warm-up ({config.kl_warmup} epochs) is not shorter than the run ({config.epochs} epochs): "
            f"β never reaches {config.beta:g}, so the codes are never pulled all the way towards N(0, I)."
        )
    if config.beta == 0:
        warnings.append(
            "With β = 0 the KL term is off: the VAE is a plain autoencoder with noisy codes, and nothing makes "
            "codes drawn from N(0, I) decode to digits."
        )
    return tuple(warnings)


def latent_plane(codes, prior=False):
    """A 2-D view of latent codes: the codes themselves when 2-D, else their first two principal components.

    Args:
        codes: `(n, d)` latent codes.
        prior: a VAE's codes: the plane passes through the origin (so the prior
            N(0, I) projects onto it as the 2-D standard normal) and spans
            `PRIOR_REACH` standard deviations either way.

    Returns:
        `(points, plane)`: `points` is `(n, 2)`; `plane` holds `mean` (d,), `axes`
        (2, d) with `z = mean + points @ axes`, `lo` and `hi` (the 2nd and 98th
        percentile of each coordinate, or ±`PRIOR_REACH`), `explained` (the share
        of the codes' variance each axis holds, None for 2-D codes) and `prior`.
    """
    codes = np.asarray(codes, dtype="float64")
    if codes.shape[1] == 2:
        mean, axes, explained = np.zeros(2), np.eye(2), None
    else:
        mean = codes.mean(axis=0)
        _, s, vt = np.linalg.svd(codes - mean, full_matrices=False)
        axes, explained = vt[:2], (s[:2] ** 2 / np.sum(s**2)).tolist()
    if prior:
        mean = np.zeros(codes.shape[1])
    points = (codes - mean) @ axes.T
    if prior:
        lo, hi = np.full(2, -PRIOR_REACH), np.full(2, PRIOR_REACH)
    else:
        lo, hi = np.percentile(points, 2, axis=0), np.percentile(points, 98, axis=0)
    return points, {"mean": mean, "axes": axes, "lo": lo, "hi": hi, "explained": explained, "prior": prior}


def plane_to_codes(plane, points):
    """Latent codes of points `(n, 2)` in a `latent_plane`."""
    return plane["mean"] + np.asarray(points, dtype="float64") @ plane["axes"]


def plane_grid(plane, size=GRID):
    """Points on a `size` x `size` grid over the plane, row by row from the top (high second coordinate)."""
    u = np.linspace(plane["lo"][0], plane["hi"][0], size)
    v = np.linspace(plane["hi"][1], plane["lo"][1], size)
    return np.stack(np.meshgrid(u, v), axis=-1).reshape(-1, 2)


def decode(decoder, codes):
    """Pixels decoded from latent codes."""
    return np.asarray(decoder(np.asarray(codes, dtype="float32"), training=False))


def interpolate(encoder, decoder, x_from, x_to, steps=STEPS):
    """Images decoded from evenly spaced points on the line between two images' codes.

    Returns:
        `(steps, n_pixels)`: the first is the decoded code of `x_from`, the last that of `x_to`.
    """
    z = np.asarray(encoder(np.stack([x_from, x_to]), training=False))
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return decode(decoder, (1 - t) * z[0] + t * z[1])


class AutoencoderSnapshot(Snapshot, total=False):
    """The autoencoder's live views: what `snapshot` returns for the views (every key optional).

    Attributes:
        shown: indices of the validation images shown.
        reconstructions: their reconstructions.
        noisy: noisy copies (with input noise).
        denoised: their reconstructions.
        latent: 2-D points and digits of validation codes.
        plane: the plane of the scatter (`latent_plane`).
        manifold: images decoded over that plane.
        interpolation: images decoded between two digits' codes.
        prior_samples: images decoded from codes z ~ N(0, I).
    """

    shown: np.ndarray
    reconstructions: np.ndarray
    noisy: np.ndarray
    denoised: np.ndarray
    latent: dict
    plane: dict
    manifold: np.ndarray
    interpolation: np.ndarray
    prior_samples: np.ndarray


def prior_codes(n, latent_dim, seed=PRIOR_SEED):
    """`n` codes drawn from N(0, I), the same for the same seed."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype("float32")


def snapshot(encoder, decoder, config, data) -> AutoencoderSnapshot:
    """Live views of the autoencoder; called from the training thread.

    Returns:
        dict with `shown` (indices of the validation images shown), their
        `reconstructions`; with input noise, `noisy` copies and `denoised`
        reconstructions of them; `latent` (2-D points and digits of up to 1,000
        validation images), `plane` (see `latent_plane`), `manifold` (images decoded
        over a grid of that plane), `interpolation` (between the first
        validation images of the digits in `INTERPOLATION`) and `prior_samples`
        (`PRIOR_SHOWN` images decoded from codes drawn from N(0, I): digits for a
        VAE, for a plain autoencoder whatever its decoder makes of codes it never
        saw). A VAE's codes are the encoder's means, on a plane through the origin.
    """
    shown = first_of_each(data.y_val, SHOWN_DIGITS)
    x_shown = data.x_val[shown]
    views = {"shown": shown, "reconstructions": decode(decoder, encoder(x_shown, training=False))}
    if config.noise:
        noisy = add_noise(x_shown, config.noise, config.seed + 1)
        views["noisy"], views["denoised"] = noisy, decode(decoder, encoder(noisy, training=False))
    codes = np.asarray(encoder(data.x_val[:LATENT_POINTS], training=False))
    points, plane = latent_plane(codes, prior=config.model == "vae")
    views["latent"] = {
        "z1": points[:, 0].tolist(),
        "z2": points[:, 1].tolist(),
        "digit": data.y_val[:LATENT_POINTS].tolist(),
    }
    views["plane"] = plane
    views["manifold"] = decode(decoder, plane_to_codes(plane, plane_grid(plane)))
    pair = first_of_each(data.y_val, INTERPOLATION)
    if len(pair) == 2:
        views["interpolation"] = interpolate(encoder, decoder, data.x_val[pair[0]], data.x_val[pair[1]])
    views["prior_samples"] = decode(decoder, prior_codes(PRIOR_SHOWN, config.bottleneck))
    return views


def answer(setup, question, **kwargs):
    """The trained model's answer to a view's question (`TrainingJob.ask`).

    Args:
        setup: the lab's `Setup`.
        question: "decode" (`codes`: latent codes) returns their decoded pixels;
            "interpolate" (`x_from`, `x_to`: two images) returns the strip decoded
            between their codes, as `interpolate` does.
    """
    encoder, decoder = setup.extra["encoder"], setup.extra["decoder"]
    if question == "decode":
        return decode(decoder, kwargs["codes"])
    if question == "interpolate":
        return interpolate(encoder, decoder, kwargs["x_from"], kwargs["x_to"])
    raise ValueError(f"The autoencoder lab cannot answer {question!r}.")


_last_epoch = last_epoch_metrics("val_mse", "val_bce", "loss", "val_loss", "mse", "bce")
_vae_last_epoch = last_epoch_metrics("reconstruction", "val_reconstruction", "val_kl")


def metrics(setup, run):
    """Final metrics: the last epoch's MSE, BCE and losses; for a VAE also its KL and `SAMPLES` prior samples.

    A VAE's `kl` is the last epoch's KL divergence on the validation images (in
    nats per image), and `samples` holds `SAMPLES` images decoded from z ~ N(0, I),
    each a flat list of pixels in [0, 1].
    """
    out = _last_epoch(setup, run)
    if run.config.model != "vae" or not run.history:
        return out
    out.update(_vae_last_epoch(setup, run))
    out["kl"] = out.pop("val_kl")
    samples = decode(setup.extra["decoder"], prior_codes(SAMPLES, run.config.bottleneck, seed=0))
    out["samples"] = np.round(np.clip(samples, 0.0, 1.0).astype("float64"), 4).tolist()
    return out
