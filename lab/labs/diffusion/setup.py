"""The diffusion lab's wiring: data, the DDPM, live views (reverse walk, denoising field) and final metrics."""

import time

import numpy as np

from lab.callbacks import steps_per_epoch
from lab.labs.gan.metrics import N_SAMPLES, mode_quality
from lab.registry import Setup
from lab.runs import Snapshot

SHOWN_SAMPLES = 600  # generated points walked from noise at each snapshot (the final metrics use 2,500)
SHOWN_REAL = 800
WALK_FRAMES = 11  # states of the reverse walk kept for the scrubber, from pure noise to the samples
FIELD_GRID = 17  # the denoising direction is drawn on FIELD_GRID x FIELD_GRID points
FIELD_TIMES = (0.05, 0.25, 0.5, 0.75)  # ...at these fractions of T
IMAGE_SHOWN = 36  # generated digits shown
SCORED = 500  # samples scored for the history's mode metric
SCORE_ROWS = 10  # ...about this many times per run (and at the last epoch)
SAMPLE_SEED = 1234  # the starting noise of every snapshot: the same points walk as the model learns


def field_times(timesteps):
    """The 0-based steps the denoising field is drawn at (distinct, in increasing order)."""
    return sorted({min(timesteps - 1, round(f * timesteps)) for f in FIELD_TIMES})


def field_grid(bounds, size=FIELD_GRID):
    """`(size*size, 2)` points of a square grid inside `bounds`."""
    lo, hi = bounds
    ticks = np.linspace(lo, hi, size + 2)[1:-1]
    return np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2).astype("float32")


def score(samples, data):
    """The VEEGAN metric for mode data sets; an empty dict for moons, spiral and digits."""
    if data.modes is None:
        return {}
    return mode_quality(samples, data.modes, data.std)


def build(config, data):
    """Builds the diffusion model and its fit data; called where the job trains, after seeding."""
    from models.diffusion import build_diffusion

    steps = steps_per_epoch(len(data.x), config.batch_size)
    model = build_diffusion(config, n_features=data.x.shape[1], x_scale=data.x_scale)
    every = max(1, config.epochs // SCORE_ROWS)

    def epoch_metrics(m):
        epoch = round(float(m.optimizer.iterations.numpy()) / steps)
        if data.modes is None or (epoch % every and epoch != config.epochs):
            return {}
        quality = score(_samples(m, config, SCORED, seed=SAMPLE_SEED + 1), data)
        return {k: quality[k] for k in ("modes_captured", "modes_total", "high_quality_fraction")}

    return Setup(
        model=model,
        x=data.x,
        y=None,
        validation_data=None,
        batch_size=config.batch_size,
        snapshot=lambda m: snapshot(m, config, data, steps),
        extra={"data": data, "config": config},
        epoch_metrics=epoch_metrics,
    )


def _samples(model, config, n, seed=0, keep=0):
    from models.diffusion import sample

    return sample(model, n, steps=config.reverse_steps, seed=seed, keep=keep)


class DiffusionSnapshot(Snapshot, total=False):
    """The diffusion lab's live views: what `snapshot` returns (every key optional).

    Attributes:
        position: epochs trained, fractional.
        samples: generated points (points).
        walk: `{"t": [...], "x": (frames, n, 2)}`: the reverse walk from t = T to 0 (points).
        field: `{"points": (m, 2), "t": [...], "moves": (len(t), m, 2)}`: the denoising direction (points).
        real: real points.
        quality: the VEEGAN metric of the shown samples (mode data).
        bounds: the plot's range.
        images: generated digits in [0, 1] (digits).
        walk_images: `(frames, 36, 8, 8)` the reverse walk of the shown digits.
    """

    position: float
    samples: np.ndarray
    walk: dict
    field: dict
    real: np.ndarray
    quality: dict
    bounds: tuple
    images: np.ndarray
    walk_images: np.ndarray


def snapshot(model, config, data, steps) -> DiffusionSnapshot:
    """Live views of the model; called where the job trains.

    Returns:
        For digits `images` and `walk_images`; for points `samples`, `walk`,
        `field`, `real`, `quality` (mode data) and `bounds`; always `position`.
    """
    from models.diffusion import denoising_field

    out: DiffusionSnapshot = {"position": round(float(model.optimizer.iterations.numpy()) / steps, 3)}
    if data.is_image:
        images, walk = _samples(model, config, IMAGE_SHOWN, seed=SAMPLE_SEED, keep=WALK_FRAMES)
        frames = np.stack([x for _, x in walk]).reshape(len(walk), IMAGE_SHOWN, *data.shape)
        return {**out, "images": _pixels(images.reshape(-1, *data.shape)), "walk_images": _pixels(frames)}
    samples, walk = _samples(model, config, SHOWN_SAMPLES, seed=SAMPLE_SEED, keep=WALK_FRAMES)
    points = field_grid(data.bounds)
    times = field_times(config.timesteps)
    return {
        **out,
        "samples": samples,
        "walk": {"t": [t for t, _ in walk], "x": np.stack([x for _, x in walk])},
        "field": {"points": points, "t": times, "moves": np.stack([denoising_field(model, points, t) for t in times])},
        "real": data.x[:SHOWN_REAL],
        "quality": score(samples, data),
        "bounds": data.bounds,
    }


def _pixels(images):
    """Images in [−1, 1] as pixels in [0, 1]."""
    return np.clip((np.asarray(images) + 1.0) / 2.0, 0.0, 1.0)


def metrics(setup, run):
    """Final metrics: the last epoch's losses; for points 2,500 samples, their mode metric and the sampling time."""
    data, config = setup.extra["data"], setup.extra["config"]
    out = {}
    if run.history:
        last = run.history[-1]
        out.update({k: v for k, v in last.items() if k == "loss" or k.startswith("loss_band_")})
    out["epochs_trained"] = len(run.history)
    started = time.perf_counter()
    samples = _samples(setup.model, config, N_SAMPLES if not data.is_image else IMAGE_SHOWN, seed=SAMPLE_SEED + 2)
    out["sample_seconds"] = round(time.perf_counter() - started, 3)
    if data.is_image:
        return out
    quality = score(samples, data)
    out.update({k: quality[k] for k in ("modes_captured", "modes_total", "high_quality_fraction") if k in quality})
    out["samples"] = np.round(samples.astype("float64"), 5).tolist()
    return out
