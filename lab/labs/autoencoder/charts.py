"""The autoencoder lab's pictures and Altair charts: image grids, the latent scatter, the comparison's curves."""

import altair as alt
import numpy as np
import pandas as pd

TILE_PX = 72  # images are enlarged to about this many pixels per side, pixel by pixel
GAP_PX = 4
VARIANTS = (
    ("linear + MSE", "linear", "mse"),
    ("sigmoid + MSE", "sigmoid", "mse"),
    ("sigmoid + BCE", "sigmoid", "binary_crossentropy"),
)
VARIANT_COLOURS = ("#e6550d", "#31a354", "#3182bd")
DIGIT_COLOURS = alt.Scale(scheme="category10", domain=[str(d) for d in range(10)])
PRIOR_RADII = (1.0, 2.0)  # circles of the prior N(0, I) drawn over a VAE's latent means


def pixel_scale(image_shape):
    return max(1, round(TILE_PX / image_shape[0]))


def image_grid(images, image_shape, columns):
    """Tiles flattened images into one picture, enlarged pixel by pixel, white gaps between them.

    Args:
        images: `(n, height * width)` pixels; values outside [0, 1] are clipped.
        image_shape: `(height, width)`.
        columns: images per row.

    Returns:
        A 2-D uint8 array (0 black, 255 white) for `st.image`.
    """
    images = np.clip(np.asarray(images, dtype="float32"), 0.0, 1.0).reshape(-1, *image_shape)
    k = pixel_scale(image_shape)
    images = images.repeat(k, axis=1).repeat(k, axis=2)
    rows = -(-len(images) // columns)
    h, w = images.shape[1:]
    grid = np.ones((rows * (h + GAP_PX) - GAP_PX, columns * (w + GAP_PX) - GAP_PX), dtype="float32")
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        grid[r * (h + GAP_PX) : r * (h + GAP_PX) + h, c * (w + GAP_PX) : c * (w + GAP_PX) + w] = image
    return (grid * 255).round().astype("uint8")


def share_outside(images):
    """Share of pixels outside [0, 1] (a linear or relu last layer can produce them)."""
    images = np.asarray(images)
    return float(np.mean((images < 0) | (images > 1)))


def prior_circles(radii=PRIOR_RADII, points=120):
    """Circles of the given radii around the origin: where the prior N(0, I) puts its mass in a plane.

    Returns:
        An Altair layer of dashed grey circles, labelled "1σ", "2σ"... in the tooltip.
    """
    angle = np.linspace(0.0, 2 * np.pi, points)
    frame = pd.concat(
        pd.DataFrame(
            {"z1": r * np.cos(angle), "z2": r * np.sin(angle), "order": np.arange(points), "circle": f"{r:g}σ"}
        )
        for r in radii
    )
    return (
        alt.Chart(frame)
        .mark_line(color="#555555", strokeDash=[5, 4], strokeWidth=1.2)
        .encode(x="z1:Q", y="z2:Q", order="order:Q", detail="circle:N", tooltip=["circle:N"])
    )


def latent_chart(latent, plane, picked=None):
    """The latent codes of validation images as points coloured by digit.

    Args:
        latent: the snapshot's `latent` dict (`z1`, `z2`, `digit`).
        plane: the snapshot's `plane` (for the axis titles; with `prior`, a VAE's
            means and the prior's 1σ and 2σ circles).
        picked: an optional `(z1, z2)` drawn as a black cross.
    """
    frame = pd.DataFrame(latent).assign(digit=lambda d: d["digit"].astype(str))
    explained = plane["explained"]
    what = "means" if plane.get("prior") else "codes"
    if explained is None:
        x_title, y_title, title = "z1", "z2", f"Latent space: the 2-D {what}"
    else:
        x_title = f"principal component 1 ({explained[0]:.0%} of the variance)"
        y_title = f"principal component 2 ({explained[1]:.0%})"
        title = f"Latent space: {len(plane['mean'])}-D {what}, two main directions"
    points = (
        alt.Chart(frame)
        .mark_circle(size=18, opacity=0.75)
        .encode(
            x=alt.X("z1:Q", title=x_title, scale=alt.Scale(zero=False)),
            y=alt.Y("z2:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color("digit:N", scale=DIGIT_COLOURS, legend=alt.Legend(orient="right", title="digit")),
            tooltip=["digit:N", alt.Tooltip("z1:Q", format=".2f"), alt.Tooltip("z2:Q", format=".2f")],
        )
    )
    layers = [prior_circles(), points] if plane.get("prior") else [points]
    if picked is not None:
        mark = pd.DataFrame({"z1": [picked[0]], "z2": [picked[1]]})
        layers.append(
            alt.Chart(mark).mark_point(shape="cross", size=260, color="black", filled=True).encode(x="z1:Q", y="z2:Q")
        )
    return alt.layer(*layers).properties(title=title, height=380)


def compare_chart(entries):
    """Validation MSE per epoch of each variant of "Compare the three", on one axis.

    Args:
        entries: `[(name, run), ...]`.
    """
    parts = [
        run.history_frame()[["epoch", "val_mse"]].assign(variant=name)
        for name, run in entries
        if run.history and "val_mse" in run.history[0]
    ]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["epoch", "val_mse", "variant"])
    frame = frame[np.isfinite(frame["val_mse"].astype(float))]
    names = [name for name, _, _ in VARIANTS]
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("epoch:Q", title="epoch", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("val_mse:Q", title="validation MSE", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "variant:N",
                title=None,
                scale=alt.Scale(domain=names, range=list(VARIANT_COLOURS)),
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            tooltip=["variant:N", "epoch:Q", alt.Tooltip("val_mse:Q", format=".4f")],
        )
        .properties(title="Validation MSE of the three", height=320)
    )
