"""Which generative model? A GAN, a VAE, a RealNVP flow and a DDPM trained on the same 2-D points.

Each model trains for the same wall-clock budget (`TimeBudget` stops `fit`) with
about the same number of parameters (about 45,000: every network's widths are
picked for it), then draws 2,500 samples scored by the VEEGAN metric
(`lab.labs.gan.metrics.mode_quality`; not defined on moons and spiral) and is timed
drawing 1,000 more. The settings of each model:

- GAN: the GAN lab's defaults (3 hidden layers each side, non-saturating loss,
  Adam 1e-3 with beta_1 = 0.5, batch 256, rates held for half the run then lowered
  to a tenth), with 104 units instead of 128 so that generator and discriminator
  together match the others. The lab anneals over a number of epochs; here the
  same schedule follows the elapsed share of the budget.
- VAE: 3 hidden layers of 104 units in the encoder and in the decoder, a 2-D
  latent, squared-error reconstruction with β = 1 on standardised points (a
  Gaussian decoder of variance ½: much wider than the modes, so its samples, the
  decoded means of prior codes, smear between them), Adam 1e-3, batch 256.
- flow: `models.flow.RealNVP`, 8 couplings with 2 hidden layers of 72 units,
  standardised points, Adam 3e-3, batch 512.
- diffusion: the diffusion lab's defaults (3 layers of 128, T = 100, linear
  schedule, Adam 3e-3, batch 512), DDPM's ancestral sampling over all T steps.
"""

import math
import time

import keras
import numpy as np

from lab.labs.gan.config import POINT_DATASETS
from models.gan import HoldThenDecay

MODELS = ("gan", "vae", "flow", "diffusion")
LABELS = {"gan": "GAN", "vae": "VAE", "flow": "RealNVP flow", "diffusion": "Diffusion (DDPM)"}
SCORED = 2500  # samples scored by the mode metric
TIMED = 1000  # samples timed
KEPT = 500  # samples kept in the result, for the charts
EPOCHS = 1_000_000  # `fit` runs until the budget stops it
SCHEDULE_TICKS = 1000  # the budget's elapsed share, in the steps of `HoldThenDecay`
GAN_WIDTH = 104
VAE_DEPTH, VAE_WIDTH, VAE_BETA, VAE_BATCH, VAE_RATE = 3, 104, 1.0, 256, 1e-3
FLOW_COUPLINGS, FLOW_DEPTH, FLOW_WIDTH, FLOW_BATCH, FLOW_RATE = 8, 2, 72, 512, 3e-3


class TimeBudget(keras.callbacks.Callback):
    """Stops `fit` once `seconds` have passed since its first update ended.

    The first update is left out of the budget: it traces (and for the diffusion
    model XLA-compiles) the train step, a cost of the implementation, not of the
    model family, and it differs between them (1 to 3 s here).

    Args:
        seconds: the training budget.
        anneal: `(optimizer, base_rate)` pairs whose learning rate is held for the
            first half of the budget, then lowered in a straight line to a tenth
            (the GAN lab's `HoldThenDecay`, over time instead of steps).

    After `fit`, `first_seconds` (the first update), `seconds` (training after
    it), `updates` and `epochs` (whole epochs) say how it went.
    """

    def __init__(self, seconds, anneal=()):
        super().__init__()
        self.budget, self.anneal = float(seconds), list(anneal)
        self.schedule = HoldThenDecay(1.0, SCHEDULE_TICKS)  # the share of each base rate, over the budget
        self.begun, self.started = 0.0, None
        self.first_seconds, self.seconds, self.updates, self.epochs = 0.0, 0.0, 0, 0

    def on_train_begin(self, logs=None):
        self.begun = time.perf_counter()

    def on_train_batch_begin(self, batch, logs=None):
        if not self.anneal:
            return
        share = 0.0 if self.started is None else (time.perf_counter() - self.started) / self.budget
        factor = float(self.schedule(share * SCHEDULE_TICKS))
        for optimizer, rate in self.anneal:
            optimizer.learning_rate = rate * factor

    def on_train_batch_end(self, batch, logs=None):
        self.updates += 1
        now = time.perf_counter()
        if self.started is None:
            self.started, self.first_seconds = now, now - self.begun
        self.seconds = now - self.started
        if self.seconds >= self.budget:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


def _standardise(x):
    loc, scale = x.mean(axis=0), x.std(axis=0)
    return ((x - loc) / scale).astype("float32"), loc, scale


def _gan(data, seed):
    from lab.labs.gan.config import GANConfig
    from lab.labs.gan.setup import generate
    from models.gan import build_gan

    config = GANConfig(dataset=data.name, seed=seed, g_width=GAN_WIDTH, d_width=GAN_WIDTH, lr_schedule="constant")
    model = build_gan(config, n_features=2)
    anneal = [(model.g_optimizer, config.g_learning_rate), (model.d_optimizer, config.d_learning_rate)]

    def draw(n, s):
        z = np.random.default_rng(s).standard_normal((n, config.latent_dim)).astype("float32")
        return generate(model, z)

    params = model.generator.count_params() + model.discriminator.count_params()
    return model, data.x, config.batch_size, draw, params, anneal


def _vae(data, seed):
    from models.vae import build_vae, sample_prior

    x, loc, scale = _standardise(data.x)
    model = build_vae(2, 2, VAE_DEPTH, VAE_WIDTH, reconstruction="mse", beta=VAE_BETA, learning_rate=VAE_RATE)
    params = model.encoder.count_params() + model.decoder.count_params()
    return model, x, VAE_BATCH, lambda n, s: sample_prior(model, n, s) * scale + loc, params, ()


def _flow(data, seed):
    from models.flow import build_flow

    model = build_flow(2, FLOW_COUPLINGS, FLOW_DEPTH, FLOW_WIDTH, FLOW_RATE, data=data.x)
    return model, data.x, FLOW_BATCH, model.sample, model.count_params(), ()


def _diffusion(data, seed):
    from lab.labs.diffusion.config import DiffusionConfig
    from lab.labs.diffusion.data import X_SCALES
    from models.diffusion import build_diffusion, sample

    config = DiffusionConfig(dataset=data.name, seed=seed)
    model = build_diffusion(config, 2, X_SCALES[data.name])
    draw = lambda n, s: sample(model, n, steps=config.reverse_steps, seed=s)  # noqa: E731
    return model, data.x, config.batch_size, draw, model.network.count_params(), ()


BUILDERS = {"gan": _gan, "vae": _vae, "flow": _flow, "diffusion": _diffusion}


def train_and_score(name, data, budget_seconds, seed):
    """Builds model `name`, trains it for `budget_seconds` on `data` and scores its samples.

    Returns:
        One entry of `compare`'s result.
    """
    from lab.labs.gan.metrics import mode_quality

    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    model, x, batch_size, draw, params, anneal = BUILDERS[name](data, seed)
    budget = TimeBudget(budget_seconds, anneal)
    model.fit(x, batch_size=batch_size, epochs=EPOCHS, shuffle=True, verbose=0, callbacks=[budget])
    draw(TIMED, seed + 1)  # warm-up: tracing, first calls
    started = time.perf_counter()
    draw(TIMED, seed + 2)
    sample_seconds = time.perf_counter() - started
    samples = np.asarray(draw(SCORED, seed + 3), dtype="float64")
    quality = mode_quality(samples, data.modes, data.std) if data.modes is not None else {}
    hq = quality.get("high_quality_fraction")
    return {
        "model": name,
        "label": LABELS[name],
        "params": int(params),
        "train_seconds": round(budget.seconds, 2),
        "first_update_seconds": round(budget.first_seconds, 2),
        "epochs": budget.epochs,
        "updates": budget.updates,
        "sample_seconds": round(sample_seconds, 4),
        "modes_captured": quality.get("modes_captured"),
        "modes_total": quality.get("modes_total"),
        "high_quality_fraction": None if hq is None else round(hq, 4),
        "samples": np.round(samples[:KEPT], 4).tolist(),
    }


def _share(value):
    """A share in words: whole percents, one decimal below 10%."""
    return f"{value:.0%}" if value >= 0.1 else f"{value:.1%}"


def _names(entries):
    labels = [e["label"] for e in entries]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def verdict(entries):
    """Two or three sentences read off the entries: modes captured, the best high-quality share, sampling speed."""
    by_name = {e["model"]: e for e in entries}
    sentences = []
    scored = [e for e in entries if e["modes_total"]]
    if scored:
        total = scored[0]["modes_total"]
        full = [e for e in scored if e["modes_captured"] == total]
        missed = ", ".join(f"{e['label']} {e['modes_captured']}/{total}" for e in scored if e not in full)
        if len(full) == len(scored):
            sentences.append(f"Every model captured all {total} modes.")
        elif full:
            sentences.append(f"{_names(full)} captured all {total} modes ({missed}).")
        else:
            sentences.append(f"No model captured all {total} modes ({missed}).")
        best = max(scored, key=lambda e: e["high_quality_fraction"])
        others = ", ".join(f"{e['label']} {_share(e['high_quality_fraction'])}" for e in scored if e is not best)
        sentences.append(
            f"{best['label']} put the largest share of its samples within 3 standard deviations of a mode "
            f"({_share(best['high_quality_fraction'])}; {others})."
        )
    else:
        sentences.append("These data have no modes to count: compare the samples with the real points by eye.")
    fastest = min(entries, key=lambda e: e["sample_seconds"])
    line = f"{fastest['label']} sampled fastest ({fastest['sample_seconds'] * 1000:.1f} ms per 1,000 points)"
    slow = by_name.get("diffusion")
    if slow is not None and "gan" in by_name and slow is not fastest:
        ratio = slow["sample_seconds"] / max(by_name["gan"]["sample_seconds"], 1e-9)
        line += f"; diffusion took {slow['sample_seconds'] * 1000:.0f} ms, {ratio:.0f} times as long as the GAN"
    sentences.append(line + ".")
    return " ".join(sentences)


def compare(dataset, budget_seconds, seed=0, models=MODELS, progress=None):
    """Trains each generative model on the same points for the same time and scores them.

    Args:
        dataset: one of `POINT_DATASETS`.
        budget_seconds: training seconds per model.
        seed: seeds the data, the weights and the samples.
        models: which of `MODELS`, in this order.
        progress: called with a line of text before each model trains.

    Returns:
        dict with `dataset`, `budget_seconds`, `seed`, `entries` (one dict per
        model: `model`, `label`, `params`, `train_seconds` (after the first
        update), `first_update_seconds`, `epochs`, `updates`,
        `sample_seconds` for 1,000 samples, `modes_captured`, `modes_total`,
        `high_quality_fraction` (None without modes) and 500 `samples`) and
        `verdict`.

    Raises:
        ValueError: an unknown data set or model, or a budget that is not a positive number.
    """
    from lab.labs.gan.config import GANConfig
    from lab.labs.gan.data import load

    if dataset not in POINT_DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(POINT_DATASETS)}; got {dataset!r}.")
    if not (isinstance(budget_seconds, (int, float)) and math.isfinite(budget_seconds) and budget_seconds > 0):
        raise ValueError(f"the budget must be a positive number of seconds; got {budget_seconds!r}.")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"models must be among {', '.join(MODELS)}; got {', '.join(unknown)}.")
    data = load(GANConfig(dataset=dataset, seed=seed))
    entries = []
    for name in models:
        if progress:
            progress(f"Training {LABELS[name]} on {dataset} for {budget_seconds:g} s ...")
        entries.append(train_and_score(name, data, budget_seconds, seed))
    return {
        "dataset": dataset,
        "budget_seconds": budget_seconds,
        "seed": seed,
        "entries": entries,
        "verdict": verdict(entries),
    }


def entry_line(entry):
    """One model's figures as a line of text."""
    modes = "–" if entry["modes_total"] is None else f"{entry['modes_captured']}/{entry['modes_total']}"
    hq = "–" if entry["high_quality_fraction"] is None else f"{entry['high_quality_fraction']:.1%}"
    return (
        f"{entry['label']:17s} params {entry['params']:>7,d}  train {entry['train_seconds']:5.1f} s "
        f"({entry['epochs']} epochs)  sample {entry['sample_seconds']:.3f} s per 1,000  modes {modes:>5s}  "
        f"high quality {hq:>6s}"
    )


def markdown_table(result):
    """The result as a Markdown table (for bench/README.md)."""
    lines = [
        "| model | params | train s | epochs (updates) | s per 1,000 samples | modes | high quality |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in result["entries"]:
        modes = "–" if e["modes_total"] is None else f"{e['modes_captured']}/{e['modes_total']}"
        hq = "–" if e["high_quality_fraction"] is None else f"{e['high_quality_fraction']:.1%}"
        lines.append(
            f"| {e['label']} | {e['params']:,} | {e['train_seconds']:.1f} | {e['epochs']} ({e['updates']:,}) | "
            f"{e['sample_seconds']:.3f} | {modes} | {hq} |"
        )
    return "\n".join(lines)
