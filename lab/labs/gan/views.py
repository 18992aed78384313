"""The GAN lab's intro and live views: samples over D's heatmap, D's means, both losses, modes captured."""

import streamlit as st

from lab.labs.gan.charts import (
    d_means_chart,
    digit_grid,
    g_gradient_chart,
    losses_chart,
    mapping_chart,
    modes_chart,
    samples_chart,
    spread_chart,
)
from lab.labs.gan.config import PRESETS
from lab.labs.gan.game import equilibrium_caption
from lab.ui.layout import show_chart
from lab.ui.widgets import preset_button

# Median generator gradient norm over 20 epochs with the mode-collapse recipe (d_steps=5, d_learning_rate=0.002,
# seed 0, from the lecture scale), measured with `python -m lab run gan --preset lecture_scale --set loss=LOSS
# --set d_steps=5 --set d_learning_rate=0.002 --set epochs=20` (before the preset existed: the then defaults).
G_GRADIENT = {"minimax": 1.92, "non_saturating": 69.7}
SATURATION = G_GRADIENT["non_saturating"] / G_GRADIENT["minimax"]

INTRO = (
    "A **generator** G turns random noise z into points; a **discriminator** D scores each point: the "
    "probability that it is real. D learns to tell real from generated points, G learns to fool D. At the "
    "ideal end of the game G draws exactly the real data and D can only guess: without label smoothing "
    "D = 1/2 everywhere and each cross-entropy term is ln 2 ≈ 0.693. Watch the orange points (generated) "
    "spread over the blue ones (real) while the background shows where D believes points are real. To see "
    "things go wrong, start from **Lecture scale** (constant rates of 2e-4): give D 5 steps per G step and a 10x "
    "higher learning rate (**mode collapse**); add "
    f"`minimax` to that and the generator's gradient is about {SATURATION:.0f} times smaller (the "
    "**saturation** the non-saturating loss avoids); pick digits with the 2-D settings and **D wins**."
)
OBJECTIVE = (
    r"\min_G \max_D \; \mathbb{E}_{x \sim p_\text{data}}\big[\log D(x)\big]"
    r" + \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z))\big)\big]"
)
OBJECTIVE_TEXT = (
    "D maximises this value: it wants D(x) near 1 on real points and D(G(z)) near 0 on generated ones. G "
    "minimises it, and only the second term depends on G: that is the `minimax` loss. **The non-saturating "
    r"change** (`non_saturating`, the default): G maximises $\mathbb{E}_z[\log D(G(z))]$ instead of minimising "
    r"$\mathbb{E}_z[\log(1 - D(G(z)))]$. Both have the same fixed point, but the first is steep exactly "
    "where D rejects the fakes. `least_squares` replaces the logs by squared distances to the targets, and "
    "label smoothing makes D aim at 1 − smoothing instead of 1 for real points."
)
TIPS = {
    "ring8": "The defaults (seed 0, 75 epochs, about half a minute) capture all 8 modes with about 93% of the "
    "samples within 3 standard deviations (0.06) of a mode. They anneal both learning rates over the second half "
    "of the run. With the rates held constant (the lecture scale: 2e-4 for 300 epochs, about two minutes) seed 0 "
    "ends at 94%, but for other seeds the share swings between about 50% and 90% from epoch to epoch: the game "
    "not settling.",
    "grid25": "25 modes are much harder: published vanilla GANs capture 3 to 17 of them; the defaults here capture "
    "21 of 25 (seed 0), but only about a third of the samples sit on a mode: most are still between them.",
    "moons": "Moons and the spiral have no modes, so only the picture tells how well G does.",
    "spiral": "Moons and the spiral have no modes, so only the picture tells how well G does.",
    "mnist5k": "Digits need more than the 2-D defaults: with them the discriminator wins within a few epochs "
    "(try it, the diagnosis says so). The digit settings give G a 32-number noise vector and wider "
    "layers, and label smoothing keeps D from growing overconfident.",
}


STEPS = (
    ("gan_step_d", "One D step", "d_step"),
    ("gan_step_g", "One G step", "g_step"),
    ("gan_step_epoch", "One epoch", "epoch"),
)


def inputs(values):
    """The intro and a tip for the chosen data set.

    Returns:
        `(values, None)`: the values unchanged (this lab takes no upload).
    """
    st.markdown(INTRO)
    st.latex(OBJECTIVE)
    st.markdown(OBJECTIVE_TEXT)
    if values.get("dataset") in TIPS:
        st.caption(f":material/lightbulb: {TIPS[values['dataset']]}")
    preset = next(p for p in PRESETS if p.key == "digits")
    digits = preset.settings
    if values.get("dataset") == "mnist5k" and any(values.get(k) != v for k, v in digits.items()):
        preset_button(
            "gan",
            preset.label,
            digits,
            key="gan_digit_settings",
            help=", ".join(f"{k} = {v}" for k, v in digits.items()) + " (`--preset digits` on the command line)",
        )
    return values, None


def _apply_step(job):
    """Carries out a step button clicked in the last rerun (before the views draw, so they show its result)."""
    for key, _, action in STEPS:
        if st.session_state.get(key):
            log = st.session_state.setdefault("gan_step_log", [])
            log.append({"run": job.run.label, **job.step(action)})
            del log[:-8]


def controls(job):
    """GAN Lab's step controls, acting on the latest run through `job.step` once it has ended (completed or stopped)."""
    ready = job is not None and job.steppable
    if ready:
        _apply_step(job)
    with st.container(border=True):
        st.markdown("**Step by hand**")
        columns = st.columns([1, 1, 1, 3])
        for column, (key, label, _) in zip(columns, STEPS):
            column.button(label, key=key, disabled=not ready, width="stretch")
        if not ready:
            columns[3].caption(
                "Train (or press Stop right after Train), then move the game one update at a time: "
                "watch D's background shift after a D step and the points move after a G step."
            )
            return
        log = [row for row in st.session_state.get("gan_step_log", []) if row["run"] == job.run.label]
        if log:
            columns[3].dataframe(
                log[::-1], hide_index=True, height=140, column_order=("step", "d_loss", "d_real", "g_loss", "d_fake")
            )
        else:
            columns[3].caption(
                "Each step acts on the model of the latest run (below); the numbers shown are measured just before the update."
            )


def _point_views(run, snap):
    left, right = st.columns(2)
    with left:
        st.altair_chart(samples_chart(snap), width="content")
        st.caption(
            "Blue: real points. Orange: 800 of the 2,500 generated points (the same noise every time, so you "
            "see each point move). Background: D's probability that a point there is real (green high, purple low)."
        )
    with right:
        st.altair_chart(mapping_chart(snap), width="content")
        st.caption(
            "G is a function from noise to the plane. Each orange line is a line of constant noise, bent by G. "
            "Where lines crowd, G puts many samples; a grid folded onto one spot is mode collapse."
        )
    quality = snap.get("quality") or {}
    left, right = st.columns(2)
    with left:
        if quality:
            a, b = st.columns(2)
            a.metric("Modes captured", f"{quality['modes_captured']} of {quality['modes_total']}")
            b.metric("High-quality samples", f"{quality['high_quality_fraction']:.1%}")
            show_chart(modes_chart(run, quality["modes_total"]))
            st.caption(
                "A generated point is high quality when it lies within 3 standard deviations of its nearest mode; "
                "a mode is captured when at least one high-quality point is nearest to it (VEEGAN, PacGAN)."
            )
        else:
            _spread_view(run)
    with right:
        if quality:
            _spread_view(run)


def _spread_view(run):
    if show_chart(spread_chart(run)):
        st.caption("The spread falls towards 0 when G collapses onto a few outputs, whatever the data.")


def _image_views(run, snap):
    left, right = st.columns(2)
    with left:
        st.image(
            digit_grid(snap["images"]),
            caption=f"36 generated digits (epoch {snap['epoch']}, the same noise every time)",
            clamp=True,
            width=360,
        )
    with right:
        _spread_view(run)


def draw(run, data, job):
    """The GAN's live views."""
    snap = run.snapshot
    if "images" in snap:
        _image_views(run, snap)
    else:
        _point_views(run, snap)
    left, right = st.columns(2)
    with left:
        if show_chart(losses_chart(run)):
            st.caption(equilibrium_caption(run.config.loss, run.config.label_smoothing))
    with right:
        show_chart(d_means_chart(run))
    st.caption(
        "The loss chart above shows `loss` = D loss + G loss. When D wins, D(real) → 1, D(G(z)) → 0 and "
        "G's loss climbs; at the ideal equilibrium both means sit at 0.5."
    )
    left, right = st.columns(2)
    with left:
        show_chart(g_gradient_chart(run))
    with right:
        st.caption(
            "With `minimax` the generator minimises log(1 − D(G(z))). When D confidently rejects the fakes, "
            "D(G(z)) ≈ 0 where that curve is flat, so G's gradient nearly vanishes and it learns slowly. "
            "`non_saturating` maximises log D(G(z)) instead: the same fixed point, but a steep slope exactly "
            "where G is losing. Measured with 5 D steps and D learning rate 0.002 (seed 0): over the first "
            f"20 epochs the median gradient norm was {G_GRADIENT['minimax']:g} with minimax against "
            f"{G_GRADIENT['non_saturating']:g} with non_saturating, {SATURATION:.0f} times larger."
        )
