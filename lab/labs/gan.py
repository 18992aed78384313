"""The GAN lab's wiring: real 2-D data, the GAN, live views and final metrics."""

import numpy as np

from lab.configs.gan import GANConfig
from lab.data_gan import load_gan_data
from lab.gan_metrics import N_SAMPLES, mode_quality
from lab.registry import LabSpec, Setup

SHOWN_SAMPLES = 800  # generated points drawn on the chart (the metric uses all 2,500)
SHOWN_REAL = 800
HEAT_GRID = 48  # the discriminator's probability is drawn on HEAT_GRID x HEAT_GRID cells
NOISE_SEED = 1234  # the noise behind the 2,500 scored samples: the same points move as G learns


class Samples(list):
    """The generated [x, y] pairs in the final metrics.

    A list (it goes into the JSON as one) that formats itself in a line of text
    as `<2500 pairs>`, so the CLI's one-line summary can print every metric with
    a number format.
    """

    def __format__(self, spec):
        return f"<{len(self)} pairs>"


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


def score(samples, data):
    """The VEEGAN metric for mode data sets; an empty dict for moons and spiral."""
    if data.modes is None:
        return {}
    return mode_quality(samples, data.modes, data.std)


def build(config, data):
    """Builds the GAN and its fit data; called in the training thread after seeding."""
    from models.gan import build_gan, gan_warnings

    model = build_gan(config)
    z = fixed_noise(config.latent_dim)
    trace = []
    steps = max(1, -(-len(data.x) // config.batch_size))
    return Setup(
        model=model,
        x=data.x,
        y=None,
        validation_data=None,
        batch_size=config.batch_size,
        warnings=gan_warnings(config),
        snapshot=lambda m: snapshot(m, data, z, trace, steps),
        extra={"z": z, "trace": trace, "data": data},
    )


def snapshot(model, data, z, trace, steps):
    """Live views of the GAN; called from the training thread.

    Returns:
        dict with `samples` (up to 800 of the 2,500 scored generated points),
        `real` (up to 800 real points), `heat` (`x`, `y`, `p`: D's probability on a
        grid, `cell` its width), `quality` (the VEEGAN metric of all 2,500 points,
        mode data only) and `trace` (the metric at every snapshot so far:
        `epoch`, `modes_captured`, `high_quality_fraction`).
    """
    samples = generate(model, z)
    quality = score(samples, data)
    epoch = float(model.g_optimizer.iterations.numpy()) / steps
    if quality:
        trace.append({"epoch": round(epoch, 3), "modes_captured": quality["modes_captured"],
                      "high_quality_fraction": quality["high_quality_fraction"]})
    cells, cell = heat_grid(data.bounds)
    return {
        "samples": samples[:SHOWN_SAMPLES],
        "real": data.x[:SHOWN_REAL],
        "heat": {"x": cells[:, 0], "y": cells[:, 1], "p": d_probability(model, cells), "cell": cell},
        "quality": quality,
        "trace": list(trace),
        "bounds": data.bounds,
        "game": model.gan_loss,
    }


def metrics(setup, run):
    """Final metrics: the last epoch's losses and D means, the VEEGAN metric and the 2,500 samples."""
    out = {}
    if run.history:
        last = run.history[-1]
        out.update({k: last[k] for k in ("d_loss", "g_loss", "d_real", "d_fake") if k in last})
    samples = generate(setup.model, setup.extra["z"])
    quality = score(samples, setup.extra["data"])
    out.update({k: quality[k] for k in ("modes_captured", "modes_total", "high_quality_fraction") if k in quality})
    out["epochs_trained"] = len(run.history)
    out["samples"] = Samples(np.round(samples.astype("float64"), 5).tolist())
    return out


LAB = LabSpec(
    name="gan",
    title="GAN",
    summary="Two networks in a game: a generator learns to fool a discriminator, and you watch it find (or miss) every mode.",
    page="pages/3_GAN.py",
    config_cls=GANConfig,
    load_data=lambda config, upload=None: load_gan_data(config),
    build=build,
    metrics=metrics,
)
