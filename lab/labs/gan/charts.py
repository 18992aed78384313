"""The GAN lab's Altair charts and pictures: samples over D's heatmap, the losses, D's means, modes, G's gradient, the latent mapping, digits."""

import altair as alt
import numpy as np
import pandas as pd

from lab.charts import downsample
from lab.labs.gan.game import equilibrium, number


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
    background = (
        alt.Chart(grid)
        .mark_rect(opacity=0.55)
        .encode(
            x=x_enc,
            x2="x2:Q",
            y=y_enc,
            y2="y2:Q",
            color=alt.Color(
                "p:Q",
                title="D score" if least_squares else "D(x)",
                scale=alt.Scale(scheme="purplegreen", domain=domain),
            ),
            tooltip=[alt.Tooltip("p:Q", title="D score" if least_squares else "D(x): probability real", format=".2f")],
        )
    )
    real = pd.DataFrame(np.asarray(snap["real"]), columns=["x", "y"]).assign(kind="real")
    fake = pd.DataFrame(np.asarray(snap["samples"]), columns=["x", "y"]).assign(kind="generated")
    points = pd.concat([fake, real])  # real points drawn last, on top
    points = points[(points["x"].between(lo, hi)) & (points["y"].between(lo, hi))]
    dots = (
        alt.Chart(points)
        .mark_circle(size=12, opacity=0.8)
        .encode(
            x="x:Q",
            y="y:Q",
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=["real", "generated"], range=["#08519c", "#f16913"]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
    )
    return (
        alt.layer(background, dots)
        .resolve_scale(color="independent")
        .properties(title=f"Samples over D (epoch {snap['epoch']})", height=380, width=380)
    )


def history_lines(run, columns, names, title, y_title, rules=(), colours=("#08519c", "#f16913"), log=False):
    """Lines of history `columns` per epoch, with dashed reference lines `rules`: `(value, label)` pairs."""
    history = run.history_frame()
    present = [c for c in columns if c in history]
    if not len(history) or not present:
        return None
    frame = downsample(history[["epoch", *present]]).melt("epoch", var_name="series", value_name="value")
    frame["series"] = frame["series"].map(names)
    frame = frame[np.isfinite(frame["value"])]
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log") if log else alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(domain=[names[c] for c in columns], range=list(colours)),
            ),
            tooltip=["series:N", "epoch:Q", alt.Tooltip("value:Q", format=".4g")],
        )
    )
    layers = [lines]
    if rules:
        frame = pd.DataFrame(rules, columns=["y", "text"])
        layers.append(alt.Chart(frame).mark_rule(strokeDash=[5, 4], color="#636363").encode(y="y:Q"))
        layers.append(
            alt.Chart(frame).mark_text(align="left", dx=4, dy=-6, color="#636363").encode(y="y:Q", text="text:N")
        )
    return alt.layer(*layers).properties(title=title, height=280)


def d_means_chart(run):
    """Mean D(real) and D(fake) per epoch with the line of D's answer at the equilibrium (1/2 without smoothing)."""
    d = equilibrium(run.config.loss, run.config.label_smoothing)["d"]
    return history_lines(
        run,
        ["d_real", "d_fake"],
        {"d_real": "D(real)", "d_fake": "D(G(z))"},
        "What the discriminator says (epoch means)",
        "mean D",
        [(d, f"equilibrium {d:g}")],
    )


def losses_chart(run):
    """D's and G's losses per epoch, with a dashed line where each settles at the equilibrium of the run's game.

    The lines depend on the loss and the label smoothing (see `lab.labs.gan.game.equilibrium`).
    """
    eq = equilibrium(run.config.loss, run.config.label_smoothing)
    return history_lines(
        run,
        ["d_loss", "g_loss"],
        {"d_loss": "D loss", "g_loss": "G loss"},
        "Discriminator and generator losses (epoch means)",
        "loss",
        [
            (eq["d_loss"], f"D at equilibrium: {number(eq['d_loss'])}"),
            (eq["g_loss"], f"G at equilibrium: {number(eq['g_loss'])}"),
        ],
    )


def modes_chart(run, total):
    """Modes captured and the share of high-quality samples per epoch (VEEGAN metric)."""
    frame = run.history_frame()
    if "modes_captured" not in frame:
        return None
    frame = downsample(frame[["epoch", "modes_captured", "high_quality_fraction"]])
    base = alt.Chart(frame).encode(x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)))
    modes = base.mark_line(point=alt.OverlayMarkDef(size=12), color="#08519c").encode(
        y=alt.Y("modes_captured:Q", title="modes captured (solid)", scale=alt.Scale(domain=[0, total])),
        tooltip=["epoch:Q", "modes_captured:Q", alt.Tooltip("high_quality_fraction:Q", format=".1%")],
    )
    hq = base.mark_line(strokeDash=[4, 3], color="#f16913").encode(
        y=alt.Y(
            "high_quality_fraction:Q",
            title="high-quality share (dashed)",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        )
    )
    return (
        alt.layer(modes, hq)
        .resolve_scale(y="independent")
        .properties(title="Modes captured and high-quality share (2,500 samples)", height=280)
    )


def g_gradient_chart(run):
    """The generator's gradient norm per epoch (log scale): it collapses when the minimax loss saturates."""
    return history_lines(
        run,
        ["g_grad_norm"],
        {"g_grad_norm": "|∇G|"},
        "How hard G is pushed: its gradient norm",
        "gradient norm (log scale)",
        colours=("#6a51a3",),
        log=True,
    )


def spread_chart(run):
    """The spread of the generated samples per epoch, with the line of the real data's spread."""
    return history_lines(
        run,
        ["spread"],
        {"spread": "spread"},
        "How widely the fakes vary (1 = like the real data)",
        "generated std / real std",
        [(1.0, "real data")],
        colours=("#f16913",),
    )


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
    layers = [
        alt.Chart(real)
        .mark_circle(size=8, opacity=0.35, color="#08519c")
        .encode(x=alt.X("x:Q", title="x", **scale), y=alt.Y("y:Q", title="y", **scale))
    ]
    layers.append(
        alt.Chart(frame)
        .mark_line(strokeWidth=1, color="#f16913", clip=True)
        .encode(x="x:Q", y="y:Q", detail="i:N", order="j:Q")
    )
    if rows > 1:
        layers.append(
            alt.Chart(frame)
            .mark_line(strokeWidth=1, color="#7f2704", clip=True)
            .encode(x="x:Q", y="y:Q", detail="j:N", order="i:Q")
        )
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
        canvas[r * (h + 2) + 1 : r * (h + 2) + 1 + h, c * (w + 2) + 1 : c * (w + 2) + 1 + w] = image
    return canvas
