"""The GAN lab's intro and live views: samples over D's heatmap, D's means, both losses, modes captured."""

import math

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lab.charts import downsample
from lab.ui.layout import show_chart
from lab.ui.widgets import preset_button

LN2 = math.log(2)
INTRO = (
    "A **generator** G turns random noise z into points; a **discriminator** D scores each point: the "
    "probability that it is real. D learns to tell real from generated points, G learns to fool D. At the "
    "ideal end of the game G draws exactly the real data, D can only guess, D = 1/2 everywhere and each "
    "cross-entropy term is ln 2 ≈ 0.693. Watch the orange points (generated) spread over the blue ones (real) "
    "while the background shows where D believes points are real. To see things go wrong: give D 5 steps per "
    "G step and a 10x higher learning rate (**mode collapse**); add `minimax` to that and the generator's "
    "gradient shrinks about 10-20 fold (the **saturation** the non-saturating loss avoids); pick digits with "
    "the 2-D settings and **D wins**."
)
TIPS = {
    "ring8": "The defaults (seed 0, 300 epochs, about a minute) capture all 8 modes with 94% of the samples within "
             "3 standard deviations (0.06) of a mode. Other seeds also find all 8 modes, but the high-quality share "
             "oscillates between about 50% and 90% from epoch to epoch: that is the game not settling.",
    "grid25": "25 modes are much harder: published vanilla GANs capture 3 to 17 of them; the defaults here capture "
              "9 of 25 after 300 epochs (seed 0), with most samples still between the modes.",
    "moons": "Moons and the spiral have no modes, so only the picture tells how well G does.",
    "spiral": "Moons and the spiral have no modes, so only the picture tells how well G does.",
    "mnist5k": "Digits need more than the 2-D defaults: with them the discriminator wins within a few epochs "
               "(try it, the diagnosis says so). The digit settings give G a 32-number noise vector and wider "
               "layers, and label smoothing keeps D from growing overconfident.",
}
DIGIT_SETTINGS = {"latent_dim": 32, "g_width": 256, "d_width": 256, "g_activation": "leaky_relu",
                  "label_smoothing": 0.2, "batch_size": 64, "epochs": 100}


STEPS = (("gan_step_d", "One D step", "d_step"), ("gan_step_g", "One G step", "g_step"),
         ("gan_step_epoch", "One epoch", "epoch"))


def inputs(values):
    """The intro and a tip for the chosen data set.

    Returns:
        `(values, None)`: the values unchanged (this lab takes no upload).
    """
    st.markdown(INTRO)
    if values.get("dataset") in TIPS:
        st.caption(f":material/lightbulb: {TIPS[values['dataset']]}")
    if values.get("dataset") == "mnist5k" and any(values.get(k) != v for k, v in DIGIT_SETTINGS.items()):
        preset_button("gan", "Use the digit settings", DIGIT_SETTINGS, key="gan_digit_settings",
                      help=", ".join(f"{k} = {v}" for k, v in DIGIT_SETTINGS.items()))
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
            columns[3].caption("Train (or press Stop right after Train), then move the game one update at a time: "
                               "watch D's background shift after a D step and the points move after a G step.")
            return
        log = [row for row in st.session_state.get("gan_step_log", []) if row["run"] == job.run.label]
        if log:
            columns[3].dataframe(log[::-1], hide_index=True, height=140,
                                 column_order=("step", "d_loss", "d_real", "g_loss", "d_fake"))
        else:
            columns[3].caption("Each step acts on the model of the run above; the numbers shown are measured just "
                               "before the update.")


def samples_chart(snap):
    """Generated points over the real ones, with D's probability of "real" as the background."""
    heat = snap["heat"]
    cell = heat["cell"]
    lo, hi = snap["bounds"]
    grid = pd.DataFrame({"x": heat["x"] - cell / 2, "y": heat["y"] - cell / 2, "p": np.round(heat["p"], 3)})
    grid = grid.assign(x2=grid["x"] + cell, y2=grid["y"] + cell)
    least_squares = snap.get("game") == "least_squares"
    domain = [float(grid["p"].min()), float(grid["p"].max())] if least_squares else [0, 1]
    x_enc = alt.X("x:Q", title="x", scale=alt.Scale(domain=[lo, hi], nice=False))
    y_enc = alt.Y("y:Q", title="y", scale=alt.Scale(domain=[lo, hi], nice=False))
    background = alt.Chart(grid).mark_rect(opacity=0.55).encode(
        x=x_enc, x2="x2:Q", y=y_enc, y2="y2:Q",
        color=alt.Color("p:Q", title="D score" if least_squares else "D(x)", scale=alt.Scale(scheme="purplegreen", domain=domain)),
        tooltip=[alt.Tooltip("p:Q", title="D score" if least_squares else "D(x): probability real", format=".2f")],
    )
    real = pd.DataFrame(np.asarray(snap["real"]), columns=["x", "y"]).assign(kind="real")
    fake = pd.DataFrame(np.asarray(snap["samples"]), columns=["x", "y"]).assign(kind="generated")
    points = pd.concat([fake, real])  # real points drawn last, on top
    points = points[(points["x"].between(lo, hi)) & (points["y"].between(lo, hi))]
    dots = alt.Chart(points).mark_circle(size=12, opacity=0.8).encode(
        x="x:Q", y="y:Q",
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["real", "generated"], range=["#08519c", "#f16913"]), legend=alt.Legend(orient="bottom")),
    )
    return alt.layer(background, dots).resolve_scale(color="independent").properties(
        title=f"Samples over D (epoch {snap['epoch']})", height=380, width=380)


def _history_lines(run, columns, names, title, y_title, rule, rule_text, colours=("#08519c", "#f16913"), log=False):
    history = run.history_frame()
    present = [c for c in columns if c in history]
    if not len(history) or not present:
        return None
    frame = downsample(history[["epoch", *present]]).melt("epoch", var_name="series", value_name="value")
    frame["series"] = frame["series"].map(names)
    frame = frame[np.isfinite(frame["value"])]
    lines = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=12)).encode(
        x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log") if log else alt.Scale(zero=False)),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=[names[c] for c in columns], range=list(colours))),
        tooltip=["series:N", "epoch:Q", alt.Tooltip("value:Q", format=".4g")],
    )
    layers = [lines]
    if rule is not None:
        rules = pd.DataFrame({"y": [rule], "text": [rule_text]})
        layers.append(alt.Chart(rules).mark_rule(strokeDash=[5, 4], color="#636363").encode(y="y:Q"))
        layers.append(alt.Chart(rules).mark_text(align="left", dx=4, dy=-6, color="#636363").encode(y="y:Q", text="text:N"))
    return alt.layer(*layers).properties(title=title, height=280)


def d_means_chart(run):
    """Mean D(real) and D(fake) per epoch with the 0.5 line of the ideal equilibrium."""
    return _history_lines(run, ["d_real", "d_fake"], {"d_real": "D(real)", "d_fake": "D(G(z))"},
                          "What the discriminator says (epoch means)", "mean D", 0.5, "equilibrium 0.5")


def losses_chart(run):
    """D's and G's losses per epoch, with the ln 2 line (each cross-entropy term at equilibrium)."""
    ls = run.config.loss == "least_squares"
    return _history_lines(run, ["d_loss", "g_loss"], {"d_loss": "D loss", "g_loss": "G loss"},
                          "Discriminator and generator losses (epoch means)", "loss",
                          None if ls else LN2, "ln 2 ≈ 0.693 (D's loss is 2 ln 2 at equilibrium)")


def modes_chart(run, total):
    """Modes captured and the share of high-quality samples per epoch (VEEGAN metric)."""
    frame = run.history_frame()
    if "modes_captured" not in frame:
        return None
    frame = downsample(frame[["epoch", "modes_captured", "high_quality_fraction"]])
    base = alt.Chart(frame).encode(x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)))
    modes = base.mark_line(point=alt.OverlayMarkDef(size=12), color="#08519c").encode(
        y=alt.Y("modes_captured:Q", title="modes captured (solid)", scale=alt.Scale(domain=[0, total])),
        tooltip=["epoch:Q", "modes_captured:Q", alt.Tooltip("high_quality_fraction:Q", format=".1%")])
    hq = base.mark_line(strokeDash=[4, 3], color="#f16913").encode(
        y=alt.Y("high_quality_fraction:Q", title="high-quality share (dashed)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])))
    return alt.layer(modes, hq).resolve_scale(y="independent").properties(
        title="Modes captured and high-quality share (2,500 samples)", height=280)


def g_gradient_chart(run):
    """The generator's gradient norm per epoch (log scale): it collapses when the minimax loss saturates."""
    return _history_lines(run, ["g_grad_norm"], {"g_grad_norm": "|∇G|"}, "How hard G is pushed: its gradient norm",
                          "gradient norm (log scale)", None, "", colours=("#6a51a3",), log=True)


def spread_chart(run):
    """The spread of the generated samples per epoch, with the line of the real data's spread."""
    return _history_lines(run, ["spread"], {"spread": "spread"}, "How widely the fakes vary (1 = like the real data)",
                          "generated std / real std", 1.0, "real data", colours=("#f16913",))


def mapping_chart(snap):
    """The generator's mapping of a latent grid: lines of constant z1 and z2, drawn where G sends them."""
    mapping = snap["mapping"]
    points = np.asarray(mapping["points"])
    rows = mapping["rows"]
    cols = len(points) // rows
    i, j = np.divmod(np.arange(len(points)), cols)
    frame = pd.DataFrame({"x": points[:, 0], "y": points[:, 1], "i": i, "j": j})
    lo, hi = snap["bounds"]
    scale = dict(scale=alt.Scale(domain=[lo, hi], nice=False, clamp=True))
    real = pd.DataFrame(np.asarray(snap["real"]), columns=["x", "y"])
    layers = [alt.Chart(real).mark_circle(size=8, opacity=0.35, color="#08519c").encode(
        x=alt.X("x:Q", title="x", **scale), y=alt.Y("y:Q", title="y", **scale))]
    layers.append(alt.Chart(frame).mark_line(strokeWidth=1, color="#f16913", clip=True).encode(
        x="x:Q", y="y:Q", detail="i:N", order="j:Q"))
    if rows > 1:
        layers.append(alt.Chart(frame).mark_line(strokeWidth=1, color="#7f2704", clip=True).encode(
            x="x:Q", y="y:Q", detail="j:N", order="i:Q"))
    what = "a line of z" if rows == 1 else f"a {rows}×{cols} grid of z"
    return alt.layer(*layers).properties(title=f"Where G sends {what} (epoch {snap['epoch']})", height=380, width=380)


def digit_grid(images, columns=6):
    """Tiles `(n, h, w)` images in [0, 1] into one greyscale picture with 2-pixel gaps."""
    images = np.asarray(images)
    n, h, w = images.shape
    rows = -(-n // columns)
    canvas = np.ones((rows * (h + 2), columns * (w + 2)))
    for k, image in enumerate(images):
        r, c = divmod(k, columns)
        canvas[r * (h + 2) + 1: r * (h + 2) + 1 + h, c * (w + 2) + 1: c * (w + 2) + 1 + w] = image
    return canvas


def _point_views(run, snap):
    left, right = st.columns(2)
    with left:
        st.altair_chart(samples_chart(snap), width="content")
        st.caption("Blue: real points. Orange: 800 of the 2,500 generated points (the same noise every time, so you "
                   "see each point move). Background: D's probability that a point there is real (green high, purple low).")
    with right:
        st.altair_chart(mapping_chart(snap), width="content")
        st.caption("G is a function from noise to the plane. Each orange line is a line of constant noise, bent by G. "
                   "Where lines crowd, G puts many samples; a grid folded onto one spot is mode collapse.")
    quality = snap.get("quality") or {}
    left, right = st.columns(2)
    with left:
        if quality:
            a, b = st.columns(2)
            a.metric("Modes captured", f"{quality['modes_captured']} of {quality['modes_total']}")
            b.metric("High-quality samples", f"{quality['high_quality_fraction']:.1%}")
            show_chart(modes_chart(run, quality["modes_total"]))
            st.caption("A generated point is high quality when it lies within 3 standard deviations of its nearest mode; "
                       "a mode is captured when at least one high-quality point is nearest to it (VEEGAN, PacGAN).")
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
        st.image(digit_grid(snap["images"]), caption=f"36 generated digits (epoch {snap['epoch']}, the same noise every time)",
                 clamp=True, width=360)
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
        show_chart(losses_chart(run))
    with right:
        show_chart(d_means_chart(run))
    st.caption("The loss chart above shows `loss` = D loss + G loss. When D wins, D(real) → 1, D(G(z)) → 0 and "
               "G's loss climbs; at the ideal equilibrium both means sit at 0.5.")
    left, right = st.columns(2)
    with left:
        show_chart(g_gradient_chart(run))
    with right:
        st.caption("With `minimax` the generator minimises log(1 − D(G(z))). When D confidently rejects the fakes, "
                   "D(G(z)) ≈ 0 where that curve is flat, so G's gradient nearly vanishes and it learns slowly. "
                   "`non_saturating` maximises log D(G(z)) instead: the same fixed point, but a steep slope exactly "
                   "where G is losing. Measured with 5 D steps and D learning rate 0.001 (seed 0): over the first "
                   "20 epochs the median gradient norm was 2.0 with minimax against 42 with non_saturating.")
