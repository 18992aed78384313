"""The diffusion lab's intro and live views: the forward and reverse processes, the denoising field, band losses."""

import numpy as np
import streamlit as st

from lab.labs.diffusion.charts import bands_chart, field_chart, points_chart, schedule_chart
from lab.labs.diffusion.config import PRESETS
from lab.labs.diffusion.views_compare import compare_section
from lab.labs.gan.charts import digit_grid, modes_chart
from lab.ui.layout import show_chart
from lab.ui.widgets import preset_button
from models.diffusion_schedule import alpha_bars, noised

GAN_GRID25 = "9 of 25"  # the GAN lab's default on grid25 (seed 0), see its tips and bench/README

INTRO = (
    "A **diffusion model** learns to generate by learning to clean. The **forward process** takes a real "
    "sample and buries it under Gaussian noise in T small steps, until nothing of the data is left. A network "
    "ε_θ(x_t, t) sees a noisy sample and its step t and guesses the noise that was added; its loss is the "
    "squared error of that guess, at a random t for every sample. To **generate**, start from pure noise and "
    "run the steps backwards: at each one remove the predicted noise (and, in DDPM, add back a little fresh "
    "noise). Good samples need many small steps, so generating costs T network evaluations per sample: the "
    "price diffusion pays for covering every mode."
)
FORWARD = r"x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,\qquad \bar\alpha_t = \prod_{s \le t}(1-\beta_s)"
REVERSE = (
    r"x_{t-1} = \frac{1}{\sqrt{1-\beta_t}}\Big(x_t - \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\,"
    r"\varepsilon_\theta(x_t, t)\Big) + \sqrt{\beta_t}\,z"
)
TIPS = {
    "ring8": "The defaults (100 steps, 100 epochs, about 25 s on two cores) put about 80% of the samples on the "
    "8 modes, and all 8 are found. Try T = 10 to see too few steps, or a β scale of 8 to see the signal destroyed "
    "early.",
    "grid25": f"25 modes: the GAN lab's default captures {GAN_GRID25} here and published vanilla GANs 3 to 17; "
    "diffusion finds them all, because it never plays a game that rewards dropping a mode.",
    "moons": "Moons and the spiral have no modes: judge the samples by eye against the blue points.",
    "spiral": "Moons and the spiral have no modes: judge the samples by eye against the blue points.",
    "digits": "scikit-learn's 8×8 digits: 64 numbers per sample. The digit settings widen the network; the "
    "walk shows digits appearing out of the noise.",
}


def inputs(values):
    """The intro, the two processes' formulas and a tip for the chosen data set.

    Returns:
        `(values, None)`: the values unchanged (this lab takes no upload).
    """
    st.markdown(INTRO)
    left, right = st.columns(2)
    with left:
        st.caption("Forward: a noisy sample in one jump")
        st.latex(FORWARD)
    with right:
        st.caption("Reverse (DDPM): one step back, z fresh noise")
        st.latex(REVERSE)
    if values.get("dataset") in TIPS:
        st.caption(f":material/lightbulb: {TIPS[values['dataset']]}")
    preset = next(p for p in PRESETS if p.key == "digits")
    if values.get("dataset") == "digits" and any(values.get(k) != v for k, v in preset.settings.items()):
        preset_button(
            "diffusion",
            preset.label,
            preset.settings,
            key="diffusion_digit_settings",
            help=", ".join(f"{k} = {v}" for k, v in preset.settings.items()) + " (`--preset digits`)",
        )
    return values, None


def _forward_view(run, data):
    config = run.config
    alpha_bar = alpha_bars(config.timesteps, config.schedule, config.beta_scale)
    t = st.slider(
        "Forward process: step t",
        1,
        config.timesteps,
        max(1, config.timesteps // 4),
        key="diffusion_forward_t",
        help="Noise the real points to this step, as training does.",
    )
    real = data.x[:800]
    noise = np.random.default_rng(0).standard_normal(real.shape)
    x_t = noised(real, np.full(len(real), t - 1), noise, alpha_bar)
    left, right = st.columns(2)
    with left:
        st.altair_chart(
            points_chart(real, x_t, data.bounds, f"The data dissolving: x_t at t = {t}", kind="noised"),
            width="content",
        )
    with right:
        show_chart(schedule_chart(alpha_bar, t))
        st.caption(
            f"At t = {t}, x_t is {np.sqrt(alpha_bar[t - 1]):.2f} × the data plus {np.sqrt(1 - alpha_bar[t - 1]):.2f} "
            "× noise. Training picks t at random, so every step of this curve gets taught; a schedule whose "
            "signal is gone early wastes the steps after that."
        )


def _reverse_view(snap, data):
    walk = snap["walk"]
    labels = [f"t = {t}" for t in walk["t"]]
    picked = st.select_slider(
        "Reverse process: from noise (left) to samples (right)",
        options=labels,
        value=labels[-1],
        key="diffusion_walk_t",
    )
    frame = labels.index(picked)
    st.altair_chart(
        points_chart(data.x[:800], walk["x"][frame], data.bounds, f"{len(walk['x'][frame])} samples at {picked}"),
        width="content",
    )
    st.caption(
        "The same starting noise every time, so you see the same points walk as the model learns. At t = T they "
        "are a plain Gaussian; each reverse step moves them a little towards the data."
    )


def _field_view(snap, data):
    field = snap["field"]
    picked = st.select_slider(
        "Denoising direction at step t", options=field["t"], value=field["t"][1], key="diffusion_field_t"
    )
    index = field["t"].index(picked)
    st.altair_chart(
        field_chart(field["points"], field["moves"][index], data.bounds, data.x, picked + 1), width="content"
    )
    st.caption(
        "Each arrow points from a noisy position to where the model believes the clean sample is (x̂_0). At "
        "large t the arrows all point to the data's centre: the model can only guess the average; at small t "
        "they point to the nearest mode."
    )


def _quality_view(run, snap, data):
    quality = snap.get("quality") or {}
    if not quality:
        return
    a, b = st.columns(2)
    a.metric("Modes captured", f"{quality['modes_captured']} of {quality['modes_total']}")
    b.metric("High-quality samples", f"{quality['high_quality_fraction']:.1%}")
    show_chart(modes_chart(run, quality["modes_total"]))
    st.caption(
        "The GAN lab's metric: a sample is high quality within 3 standard deviations of its nearest mode, and a "
        "mode is captured when one high-quality sample is nearest to it. Live numbers score the 600 samples "
        "shown; the run's final metrics score 2,500."
    )
    if data.name == "grid25":
        st.info(
            f"On this grid the GAN lab's default captures {GAN_GRID25} modes, and published vanilla GANs 3 to 17 "
            f"(VEEGAN, PacGAN). This run: {quality['modes_captured']} of 25.",
            icon=":material/compare:",
        )


def _bands_view(run):
    if show_chart(bands_chart(run)):
        st.caption(
            "The same squared error, split by the step t each sample drew. Near t = T, x_t is almost the noise "
            "itself, so guessing it is easy and the error is near 0; the hard, informative steps are in between. "
            "Bands stuck at 0 over most of the steps mean the schedule destroyed the data too early."
        )


def _image_views(run, snap):
    left, right = st.columns(2)
    frames = snap["walk_images"]
    with left:
        st.image(digit_grid(snap["images"]), caption="36 generated digits", clamp=True, width=320)
    with right:
        frame = st.slider("Reverse process: frame", 0, len(frames) - 1, len(frames) - 1, key="diffusion_walk_frame")
        st.image(
            digit_grid(frames[frame]), caption=f"The same digits, frame {frame} of the walk", clamp=True, width=320
        )
    _bands_view(run)


def draw(run, data, job):
    """The diffusion model's live views."""
    snap = run.snapshot
    if "images" in snap:
        _image_views(run, snap)
        return
    left, right = st.columns(2)
    with left:
        _reverse_view(snap, data)
    with right:
        _quality_view(run, snap, data)
    _forward_view(run, data)
    left, right = st.columns(2)
    with left:
        _field_view(snap, data)
    with right:
        _bands_view(run)


def sections(config):
    """ "Which generative model?": a GAN, a VAE, a flow and this diffusion model on the same points."""
    compare_section(config)
