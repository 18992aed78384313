"""The GAN lab's wiring: real data (2-D points or digits), the GAN, live views and final metrics."""

import numpy as np

from lab.callbacks import steps_per_epoch
from lab.labs.gan.metrics import N_SAMPLES, mode_quality
from lab.registry import Setup
from lab.runs import Snapshot

SHOWN_SAMPLES = 800  # generated points drawn on the chart (the metric uses all 2,500)
SHOWN_REAL = 800
HEAT_GRID = 48  # the discriminator's probability is drawn on HEAT_GRID x HEAT_GRID cells
NOISE_SEED = 1234  # the noise behind the 2,500 scored samples: the same points move as G learns


def fixed_noise(latent_dim, n=N_SAMPLES, seed=NOISE_SEED):
    """The same `n` noise vectors at every snapshot (float32)."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype("float32")


def generate(model, z):
    """Generated points for noise `z`, as a numpy array."""
    return np.asarray(model.generator(z, training=False))


def d_probability(model, points):
    """D's probability that each point is real (its raw score for least squares)."""
    out = np.asarray(model.discriminator(np.asarray(points, dtype="float32"), training=False))[:, 0]
    if model.gan_loss == "least_squares":
        return out
    return 1.0 / (1.0 + np.exp(-np.clip(out, -50, 50)))


def heat_grid(bounds, size=HEAT_GRID):
    """Cell centres `(size*size, 2)` of a square grid over `bounds` and the cell width."""
    lo, hi = bounds
    step = (hi - lo) / size
    ticks = lo + step * (np.arange(size) + 0.5)
    return np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2), step


MAPPING_TICKS = 15  # the latent grid drawn through G has MAPPING_TICKS lines each way
MAPPING_RANGE = 2.5  # ...over [-2.5, 2.5] in z's first two dimensions (the rest 0)
IMAGE_SCORED = 500  # generated digits scored for spread each epoch
IMAGE_SHOWN = 36  # generated digits shown in the grid


def score(samples, data):
    """The VEEGAN metric for mode data sets; an empty dict for moons, spiral and digits."""
    if data.modes is None:
        return {}
    return mode_quality(samples, data.modes, data.std)


def spread(samples, real):
    """How widely the samples vary, as a share of the real data's variation (1: as wide; near 0: collapsed).

    The square root of the generated samples' total variance (summed over
    features) over the real data's.
    """
    real_var = float(np.sum(np.var(real, axis=0)))
    ratio = (
        np.sqrt(float(np.sum(np.var(np.asarray(samples, dtype="float64"), axis=0))) / real_var)
        if real_var > 0
        else np.nan
    )
    return float(ratio) if np.isfinite(ratio) else float("nan")


def latent_grid(latent_dim, ticks=MAPPING_TICKS, span=MAPPING_RANGE):
    """Noise vectors on a grid over z's first two dimensions (a line when `latent_dim` is 1).

    Returns:
        `(z, rows)`: `(rows * ticks, latent_dim)` float32 vectors, row by row.
    """
    line = np.linspace(-span, span, ticks)
    if latent_dim == 1:
        return line[:, None].astype("float32"), 1
    a, b = np.meshgrid(line, line, indexing="ij")
    z = np.zeros((ticks * ticks, latent_dim), dtype="float32")
    z[:, 0], z[:, 1] = a.ravel(), b.ravel()
    return z, ticks


def epoch_quality(model, data, z):
    """The numbers added to each epoch's history: the spread, and the VEEGAN metric for mode data."""
    samples = generate(model, z)
    out = {"spread": spread(samples, data.x)}
    quality = score(samples, data)
    if quality:
        out.update(
            modes_captured=quality["modes_captured"],
            modes_total=quality["modes_total"],
            high_quality_fraction=quality["high_quality_fraction"],
        )
    return out


def build(config, data):
    """Builds the GAN and its fit data; called in the training thread after seeding."""
    from models.gan import build_gan, set_learning_rate
    from models.gan_plan import gan_warnings

    steps = steps_per_epoch(len(data.x), config.batch_size)
    model = build_gan(config, n_features=data.x.shape[1], image=data.is_image, total_steps=steps * config.epochs)
    z = fixed_noise(config.latent_dim, IMAGE_SCORED if data.is_image else N_SAMPLES)
    return Setup(
        model=model,
        x=data.x,
        y=None,
        validation_data=None,
        batch_size=config.batch_size,
        warnings=gan_warnings(config),
        snapshot=lambda m: snapshot(m, data, z, steps),
        extra={"z": z, "data": data},
        epoch_metrics=lambda m: epoch_quality(m, data, z),
        live={
            "g_learning_rate": lambda value: set_learning_rate(model.g_optimizer, value),
            "d_learning_rate": lambda value: set_learning_rate(model.d_optimizer, value),
        },
    )


class GANSnapshot(Snapshot, total=False):
    """The GAN's live views: what `snapshot` returns for the views (every key optional).

    Attributes:
        position: epochs trained, fractional.
        game: the GAN loss.
        images: generated digits in [0, 1] (digits).
        samples: generated points (points).
        real: real points.
        heat: D's probability on a grid.
        mapping: the latent grid through G.
        quality: the VEEGAN metric (mode data).
        bounds: the plot's range.
    """

    position: float
    game: str
    images: np.ndarray
    samples: np.ndarray
    real: np.ndarray
    heat: dict
    mapping: dict
    quality: dict
    bounds: tuple


def snapshot(model, data, z, steps) -> GANSnapshot:
    """Live views of the GAN; called from the training thread.

    Returns:
        dict with `position` (epochs trained, fractional) and `game`; for digits
        `images` (36 generated digits in [0, 1]); for points `samples` (up to 800
        of the 2,500 scored generated points), `real` (up to 800 real points),
        `heat` (`x`, `y`, `p`: D's probability on a grid, `cell` its width),
        `mapping` (`points`: the latent grid through G, `rows`), `quality` (the
        VEEGAN metric, mode data only) and `bounds`.
    """
    out = {"position": round(float(model.g_optimizer.iterations.numpy()) / steps, 3), "game": model.gan_loss}
    if data.is_image:
        images = generate(model, z[:IMAGE_SHOWN])
        out["images"] = np.clip((images.reshape(-1, *data.shape) + 1.0) / 2.0, 0.0, 1.0)
        return out
    samples = generate(model, z)
    cells, cell = heat_grid(data.bounds)
    grid, rows = latent_grid(model.latent_dim)
    return {
        **out,
        "samples": samples[:SHOWN_SAMPLES],
        "real": data.x[:SHOWN_REAL],
        "heat": {"x": cells[:, 0], "y": cells[:, 1], "p": d_probability(model, cells), "cell": cell},
        "mapping": {"points": generate(model, grid), "rows": rows},
        "quality": score(samples, data),
        "bounds": data.bounds,
    }


def metrics(setup, run):
    """Final metrics: the last epoch's losses, D means and spread; for points the VEEGAN metric and 2,500 samples."""
    out = {}
    if run.history:
        last = run.history[-1]
        out.update({k: last[k] for k in ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm", "spread") if k in last})
    data = setup.extra["data"]
    out["epochs_trained"] = len(run.history)
    if data.is_image:
        return out
    samples = generate(setup.model, setup.extra["z"])
    quality = score(samples, data)
    out.update({k: quality[k] for k in ("modes_captured", "modes_total", "high_quality_fraction") if k in quality})
    out["samples"] = np.round(samples.astype("float64"), 5).tolist()
    return out
