"""The GAN lab's intro and live views: samples over D's heatmap, D's means, both losses, modes captured."""

import math

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lab.charts import downsample

LN2 = math.log(2)
INTRO = (
    "A **generator** G turns random noise z into points; a **discriminator** D scores each point: the "
    "probability that it is real. D learns to tell real from generated points, G learns to fool D. At the "
    "ideal end of the game G draws exactly the real data, D can only guess, D = 1/2 everywhere and each "
    "cross-entropy term is ln 2 ≈ 0.693. Watch the orange points (generated) spread over the blue ones (real) "
    "while the background shows where D believes points are real. Try `minimax` to see the generator stall, "
    "a tiny generator or one latent dimension to see **mode collapse**, or 5 discriminator steps at a high "
    "learning rate to see D win."
)
TIPS = {
    "ring8": "The defaults (seed 0, 300 epochs, about a minute) capture all 8 modes with 94% of the samples within "
             "3 standard deviations (0.06) of a mode. Other seeds also find all 8 modes, but the high-quality share "
             "oscillates between about 50% and 90% from epoch to epoch: that is the game not settling.",
    "grid25": "25 modes are much harder: published vanilla GANs capture 3 to 17 of them.",
    "moons": "Moons and the spiral have no modes, so only the picture tells how well G does.",
    "spiral": "Moons and the spiral have no modes, so only the picture tells how well G does.",
}


def gan_inputs(values):
    """The intro and a tip for the chosen data set."""
    st.markdown(INTRO)
    if values.get("dataset") in TIPS:
        st.caption(f":material/lightbulb: {TIPS[values['dataset']]}")
    return values, None


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


def _history_lines(run, columns, names, title, y_title, rule, rule_text, colours=("#08519c", "#f16913")):
    history = run.history_frame()
    present = [c for c in columns if c in history]
    if not len(history) or not present:
        return None
    frame = downsample(history[["epoch", *present]]).melt("epoch", var_name="series", value_name="value")
    frame["series"] = frame["series"].map(names)
    frame = frame[np.isfinite(frame["value"])]
    lines = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=12)).encode(
        x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
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


def modes_chart(trace, total):
    """Modes captured and the share of high-quality samples over training (VEEGAN metric)."""
    frame = pd.DataFrame(trace)
    base = alt.Chart(frame).encode(x=alt.X("epoch:Q"))
    modes = base.mark_line(point=True, color="#08519c").encode(
        y=alt.Y("modes_captured:Q", title="modes captured", scale=alt.Scale(domain=[0, total])),
        tooltip=["epoch:Q", "modes_captured:Q", alt.Tooltip("high_quality_fraction:Q", format=".1%")])
    hq = base.mark_line(strokeDash=[4, 3], color="#f16913").encode(
        y=alt.Y("high_quality_fraction:Q", title="high-quality share (dashed)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])))
    return alt.layer(modes, hq).resolve_scale(y="independent").properties(title="Modes captured and high-quality samples (2,500 samples)", height=280)


def gan_views(run, data):
    """The GAN's live views."""
    snap = run.snapshot
    left, right = st.columns(2)
    with left:
        st.altair_chart(samples_chart(snap), width="content")
        st.caption("Blue: real points. Orange: 800 of the 2,500 generated points (the same noise every time, so you "
                   "see each point move). Background: D's probability that a point there is real (green high, purple low).")
    with right:
        quality = snap.get("quality") or {}
        if quality:
            a, b = st.columns(2)
            a.metric("Modes captured", f"{quality['modes_captured']} of {quality['modes_total']}")
            b.metric("High-quality samples", f"{quality['high_quality_fraction']:.1%}")
            if snap.get("trace"):
                st.altair_chart(modes_chart(snap["trace"], quality["modes_total"]), width="stretch")
            st.caption("A generated point is high quality when it lies within 3 standard deviations of its nearest mode; "
                       "a mode is captured when at least one high-quality point is nearest to it (VEEGAN, PacGAN).")
    left, right = st.columns(2)
    with left:
        chart = losses_chart(run)
        if chart is not None:
            st.altair_chart(chart, width="stretch")
    with right:
        chart = d_means_chart(run)
        if chart is not None:
            st.altair_chart(chart, width="stretch")
    st.caption("The loss chart above shows `loss` = D loss + G loss. When D wins, D(real) → 1, D(G(z)) → 0 and "
               "G's loss climbs; at the ideal equilibrium both means sit at 0.5.")
