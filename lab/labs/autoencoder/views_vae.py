"""The autoencoder lab's VAE views: reconstruction and KL curves, prior samples, posterior collapse, the prose."""

import numpy as np
import streamlit as st

from lab import charts
from lab.labs.autoencoder.charts import image_grid
from lab.labs.autoencoder.setup import COLLAPSE_NATS

GRID_PX = 440  # the width of the sample grids on the page
PLAIN_KEY = "ae_plain_views"  # the latest finished plain autoencoder's decoded views, shown beside a VAE's
SAMPLE_COLUMNS = 8

VAE_TIP = (
    "A VAE's loss is summed over the pixels (nats per image), so it is hundreds of times a plain autoencoder's per-pixel mean. "
    "For new digits from a 2-D latent press **VAE with a 2-D latent**: Adam, batch 64, a KL warm-up and 100 epochs."
)
WHY_VAE = {
    "Why sampling from N(0, I) works for a VAE and not for a plain autoencoder": (
        "A plain autoencoder is only asked to rebuild each image from its own code. Nothing says where the codes "
        "should lie or how far apart, so they form islands of any size, anywhere, with empty space between them. "
        "A code drawn from N(0, I) usually lands in that empty space, where the decoder was never trained, and it "
        "decodes to a blot. The VAE's KL term pulls every image's Gaussian towards N(0, I), and the noise added to "
        "each code makes the decoder answer for a whole neighbourhood rather than a point. Together they fill the "
        "region where the prior puts its mass with codes the decoder knows, so a random code decodes to a digit."
    ),
    "Why VAE samples are blurry": (
        "The decoder sees a randomly shifted code at every step, so nearby codes must serve several different "
        "images. Under the pixel loss, the best single answer for several images is their average, and the "
        "average of a few different 3s is a soft, blurred 3. The Gaussian latent also has no gaps: codes between "
        "two digits decode to something between them. With a 2-D latent the whole of MNIST shares one plane, "
        "which makes the blur stronger; more latent dimensions sharpen the reconstructions."
    ),
    "The β trade-off, and posterior collapse": (
        "β weighs the KL term against the reconstruction. With a small β the means spread out beyond the prior's "
        "circles and leave holes, so reconstructions are sharp but some prior samples fall where nothing was "
        "learned. With a larger β the means are packed into the circles: every prior sample decodes to something "
        "digit-like, but the digits get blurrier and similar ones merge. Push β far enough (try 50 with the VAE preset, or 20 on the 8×8 digits) and the "
        "cheapest way to lower the loss is to give every image the prior itself, q(z|x) = N(0, I): the KL falls "
        "to zero, the code carries nothing about the image, and the decoder draws the same average blur whatever "
        "z is. That is called posterior collapse. A KL warm-up (β rising from 0 over the first epochs) lets the "
        "decoder learn to use the code before the KL term pulls the codes together."
    ),
}


def vae_curves(run):
    """Reconstruction and KL, each on its own chart (they differ by orders of magnitude)."""
    st.altair_chart(
        charts.metric_chart(run, "reconstruction").properties(title="Reconstruction (nats per image)"),
        width="stretch",
    )
    st.altair_chart(
        charts.metric_chart(run, "kl").properties(title="KL divergence from N(0, I) (nats per image)"),
        width="stretch",
    )
    st.caption(
        f"The loss is reconstruction + β·KL with β = {run.config.beta:g}"
        + (f", rising from 0 over the first {run.config.kl_warmup} epochs" if run.config.kl_warmup else "")
        + ". The KL counts the nats each code carries about its image beyond the prior."
    )


def _collapse(run):
    """Names posterior collapse when the finished VAE's KL is below `COLLAPSE_NATS`."""
    kl = run.metrics.get("kl") if run.ended else None
    if kl is not None and kl < COLLAPSE_NATS:
        st.warning(
            f"This is posterior collapse: the KL ended at {kl:.3f} nats, so the codes carry almost nothing about "
            "their images. Every image's Gaussian is the prior itself, and the decoder draws the same average "
            f"blur whatever the code. β = {run.config.beta:g} makes using the code cost more than it saves; "
            "lower β, or add a KL warm-up.",
            icon=":material/blur_on:",
        )


def remember_plain(run, data, snap):
    """Keeps the latest finished plain autoencoder's decoded views, for a VAE run to show beside its own."""
    if run.ended and "manifold" in snap and "prior_samples" in snap:
        st.session_state[PLAIN_KEY] = {
            "label": run.label,
            "bottleneck": run.config.bottleneck,
            "image_shape": data.image_shape,
            "manifold": snap["manifold"],
            "prior_samples": snap["prior_samples"],
        }


def prior_samples(run, data, snap):
    """The VAE's images decoded from z ~ N(0, I), beside the plain autoencoder's decoded plane."""
    _collapse(run)
    st.markdown(f"**New digits: decoded from codes drawn from N(0, I)** · epoch {snap['epoch']}")
    left, right = st.columns(2)
    with left:
        st.image(
            image_grid(snap["prior_samples"], data.image_shape, SAMPLE_COLUMNS),
            caption=f"The VAE: {len(snap['prior_samples'])} random codes z ~ N(0, I), the same codes at every redraw",
            output_format="PNG",
            width=GRID_PX,
        )
    with right:
        plain = st.session_state.get(PLAIN_KEY)
        if plain is None or plain["image_shape"] != data.image_shape:
            st.info(
                "Train a plain autoencoder (model = autoencoder) on the same data and its decoded plane and its "
                "samples from N(0, I) appear here, beside the VAE's.",
                icon=":material/compare:",
            )
        else:
            columns = int(round(np.sqrt(len(plain["manifold"]))))
            st.image(
                image_grid(plain["manifold"], data.image_shape, columns),
                caption=f"The plain autoencoder ({plain['label']}, {plain['bottleneck']}-number code): decoded "
                "from the plane where its codes lie",
                output_format="PNG",
                width=GRID_PX,
            )
            st.image(
                image_grid(plain["prior_samples"][:SAMPLE_COLUMNS], data.image_shape, SAMPLE_COLUMNS),
                caption="The same plain autoencoder decoding codes drawn from N(0, I)",
                output_format="PNG",
            )
    for title, text in WHY_VAE.items():
        with st.expander(title, expanded=title.startswith("Why sampling")):
            st.markdown(text)
