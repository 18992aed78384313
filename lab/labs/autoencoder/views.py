"""The autoencoder lab's own inputs, live views and "Compare the three"."""

import numpy as np
import streamlit as st

from lab import charts
from lab.config import format_value, parse_value, specs
from lab.labs.autoencoder.charts import (
    VARIANTS,
    compare_chart,
    image_grid,
    latent_chart,
    share_outside,
)
from lab.labs.autoencoder.config import AutoencoderConfig
from lab.labs.autoencoder.setup import INTERPOLATION, first_of_each, plane_to_codes
from lab.labs.autoencoder.views_vae import SAMPLE_COLUMNS, VAE_TIP, prior_samples, remember_plain, vae_curves
from lab.registry import get_lab
from lab.ui.compare import compare_controls

PLANE_PX = 440  # the decoded latent plane's width on the page
COMPARE_KEY = "ae_compare"

INTRO = (
    "An autoencoder learns to copy its input through a narrow layer, the **bottleneck**. The encoder "
    "squeezes each image into a short code z; the decoder rebuilds the image from z alone. Since the code "
    "is much shorter than the image, the network must learn what digits have in common. No labels are "
    "used: the image is its own target. The lecture's finding: the **last layer and the loss** decide how "
    "sharp the copies come out. Train one setting here, or press **Compare the three** at the bottom of "
    "the page to train linear + MSE, sigmoid + MSE and sigmoid + BCE side by side."
)
TIPS = {
    "mnist5k": "The defaults reach a validation MSE of about 0.05 and are still improving after 30 epochs. For sharp "
    "digits pick Adam at 0.001, batch size 64 and 60 epochs: validation MSE 0.01, BCE 0.094.",
    "digits": "The 8×8 digits learn in seconds: Adam at 0.003, batch size 64 and 50 epochs reach a validation MSE of "
    "0.004. Their pixels are grey, not black or white, so even a perfect copy keeps a BCE of about 0.2.",
    "mnist": "Full MNIST has 60,000 training images, so each epoch takes 15 times as long as with mnist5k.",
}

# ---- Pictures -------------------------------------------------------------------------------


def image_row(images, image_shape, caption):
    """One row of images with its caption underneath."""
    st.image(image_grid(images, image_shape, len(images)), caption=caption, output_format="PNG")


# ---- Charts (pure) --------------------------------------------------------------------------


# ---- Inputs ---------------------------------------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def _data_summary(dataset, val_split, seed):
    """What the page says about the data before training: `(name, n_train, n_val, n_pixels)`."""
    data = get_lab("autoencoder").load_data(AutoencoderConfig(dataset=dataset, val_split=val_split, seed=seed))
    return data.name, len(data.x_train), len(data.x_val), data.n_pixels


def _widths_input(values):
    """The encoder widths as comma-separated text (the decoder mirrors them).

    Returns:
        The widths as a tuple, or the text itself when it is not a list of whole
        numbers (the config then says what is wrong).
    """
    spec = specs(AutoencoderConfig)["hidden_units"]
    key = "autoencoder_hidden_units"
    st.session_state.setdefault(key, st.session_state.get(f"_{key}", format_value(values["hidden_units"])))
    text = st.text_input(spec.label, key=key, help=f"{spec.help} Comma-separated, for example 256,64; empty for none.")
    st.session_state[f"_{key}"] = text  # kept when the user visits another page
    try:
        return parse_value("hidden_units", spec, text)
    except ValueError:
        return text


def inputs(values):
    """The introduction and the encoder widths.

    Returns:
        `(values, None)` with `hidden_units` set from the widths input.
    """
    st.markdown(INTRO)
    st.caption(f":material/lightbulb: {VAE_TIP if values.get('model') == 'vae' else TIPS[values['dataset']]}")
    left, _ = st.columns([1, 3], vertical_alignment="bottom")
    with left:
        values = {**values, "hidden_units": _widths_input(values)}
    return values, None


def preview(config, upload):
    """What the validated settings' network and data look like, before training."""
    from models.autoencoder_plan import autoencoder_warnings, count_parameters

    try:
        name, n_train, n_val, n_pixels = _data_summary(config.dataset, config.val_split, config.seed)
    except ValueError as err:
        st.error(f"The data cannot be loaded: {err}")
        return
    vae = config.model == "vae"
    layers = [
        f"{n_pixels} pixels",
        *config.hidden_units,
        f"**{config.bottleneck}** (means and log-variances, then a sampled code)"
        if vae
        else f"**{config.bottleneck}** (the code)",
        *reversed(config.hidden_units),
        f"{n_pixels} pixels",
    ]
    parameters = count_parameters(n_pixels, config.hidden_units, config.bottleneck)
    if vae:  # the log-variance head beside the mean's
        parameters += ((config.hidden_units or (n_pixels,))[-1] + 1) * config.bottleneck
    loss = f"{config.loss} summed over pixels + β·KL with β = {config.beta:g}" if vae else config.loss
    warmup = f", β rising from 0 over {config.kl_warmup} epochs" if vae and config.kl_warmup else ""
    st.markdown(
        f"**Network:** {' → '.join(map(str, layers))} · {parameters:,} parameters · "
        f"last layer {config.output_activation} · loss {loss}{warmup}"
    )
    noise = f"; training inputs get noise of std {config.noise:g}" if config.noise else ""
    st.caption(f"**Data:** {name}; {n_train:,} training and {n_val:,} validation images{noise}.")
    for warning in autoencoder_warnings(config, n_pixels):
        st.warning(warning, icon=":material/warning:")


# ---- Live views -----------------------------------------------------------------------------


def _reconstructions(run, data, snap):
    shape = data.image_shape
    originals = data.x_val[snap["shown"]]
    st.markdown(f"**Reconstructions** · epoch {snap['epoch']}")
    image_row(originals, shape, "Validation images (never trained on)")
    if "noisy" in snap:
        image_row(snap["noisy"], shape, f"The same with noise of std {run.config.noise:g} added")
        image_row(snap["denoised"], shape, "What the network makes of the noisy images")
    image_row(snap["reconstructions"], shape, f"What comes back through the {run.config.bottleneck}-number code")
    outside = share_outside(snap["reconstructions"])
    if outside > 0.001:
        st.caption(
            f"{outside:.0%} of the reconstructed pixels lie outside 0 to 1 (a {run.config.output_activation} "
            "last layer allows it); they are drawn clipped to black or white."
        )


def _pick_keys(run, plane):
    """The slider keys of the picked point, set to the plane's centre at first."""
    keys = [f"ae_pick_{run.number}_{i}" for i in (0, 1)]
    for key, lo, hi in zip(keys, plane["lo"], plane["hi"]):
        st.session_state.setdefault(key, float((lo + hi) / 2))
    return keys


def _plane_words(plane):
    """Where the decoded plane's grid lies, in words."""
    if plane["explained"] is None:
        return (
            f"from −{plane['hi'][0]:g} to {plane['hi'][0]:g} prior standard deviations on each axis"
            if plane.get("prior")
            else "over the area where the codes lie"
        )
    rest = "0 (the prior's mean)" if plane.get("prior") else "its average"
    return f"over the plane of the scatter's two main directions, every other direction at {rest}"


def _latent(run, data, snap, job):
    plane = snap["plane"]
    keys = _pick_keys(run, plane) if job is not None else None
    left, right = st.columns(2)
    with left:
        picked = [st.session_state[key] for key in keys] if keys else None
        st.altair_chart(latent_chart(snap["latent"], plane, picked), width="stretch")
        st.caption(
            (
                "Each point is the mean code of one validation image; the dashed circles are 1 and 2 standard "
                "deviations of the prior N(0, I), where the samples above come from. "
                if plane.get("prior")
                else "Each point is one validation image's code. "
            )
            + "Digits that look alike land close together; the labels only colour the points, the network never "
            "saw them."
        )
    with right:
        st.markdown("**Decoded latent plane**")
        columns = int(round(np.sqrt(len(snap["manifold"]))))
        st.image(image_grid(snap["manifold"], data.image_shape, columns), output_format="PNG", width=PLANE_PX)
        where = _plane_words(plane)
        st.caption(
            f"Images decoded from a grid of codes {where}, laid out like the scatter (up is up). "
            "The decoder never saw most of these codes: this is what it imagines between the digits."
        )
        if not plane.get("prior") and "prior_samples" in snap:
            image_row(
                snap["prior_samples"][:SAMPLE_COLUMNS],
                data.image_shape,
                "Codes drawn from N(0, I), decoded: a plain autoencoder's codes need not lie there (try model = vae)",
            )
    if job is None:
        st.caption(
            ":material/touch_app: When the run ends you can pick a point in this plane and see what it decodes to."
        )
        return
    st.markdown("**Decode a point you pick** (the black cross in the scatter)")
    sliders, image = st.columns([3, 1])
    point = []
    for key, axis, lo, hi in zip(keys, ("Horizontal", "Vertical"), plane["lo"], plane["hi"]):
        pad = 0.25 * (hi - lo)
        point.append(sliders.slider(f"{axis} coordinate", float(lo - pad), float(hi + pad), key=key))
    pixels = job.ask("decode", codes=plane_to_codes(plane, [point]))
    image.image(image_grid(pixels, data.image_shape, 1), caption="decoded", output_format="PNG", width="stretch")


def _interpolation(data, snap, job):
    st.markdown("**Interpolation through the latent space**")
    a, b = INTERPOLATION
    if job is not None:
        left, right, _ = st.columns([1, 1, 4])
        a = left.selectbox("From digit", range(10), index=a, key="ae_from")
        b = right.selectbox("To digit", range(10), index=b, key="ae_to")
    pair = first_of_each(data.y_val, (a, b))
    strip = (
        job.ask("interpolate", x_from=data.x_val[pair[0]], x_to=data.x_val[pair[1]])
        if job is not None and len(pair) == 2
        else snap.get("interpolation")
    )
    if strip is None or len(pair) < 2:
        return
    x_from, x_to = data.x_val[pair]
    t = np.linspace(0.0, 1.0, len(strip))[:, None]
    image_row(
        strip,
        data.image_shape,
        f"From a {a} to a {b} through the code: decoded from points on the straight line between their codes",
    )
    image_row((1 - t) * x_from + t * x_to, data.image_shape, "The same two images simply cross-faded, pixel by pixel")
    if job is None:
        st.caption("Live: the first 0 and the first 1 of the validation images. Pick other digits when the run ends.")


def draw(run, data, job):
    """The autoencoder's live views: reconstructions, MSE (for a VAE reconstruction, KL and prior samples),
    latent space, decoded plane, interpolation."""
    snap = run.snapshot
    trained = job if run.ended and job.ready else None  # the finished model answers the pickers
    vae = run.config.model == "vae"
    left, right = st.columns([3, 2])
    with left:
        _reconstructions(run, data, snap)
    with right:
        if run.history and vae:
            vae_curves(run)
        elif run.history:
            st.altair_chart(
                charts.metric_chart(run, "mse").properties(title="Mean squared pixel error"), width="stretch"
            )
            st.caption("The same yardstick whatever the loss, so runs with different losses can be compared.")
    if vae:
        prior_samples(run, data, snap)
    else:
        remember_plain(run, data, snap)
    _latent(run, data, snap, trained)
    _interpolation(data, snap, trained)


# ---- Compare the three ----------------------------------------------------------------------


def verdict(entries):
    """The sentence naming the variant with the lowest validation MSE, or None before any finished.

    Args:
        entries: `[(name, run), ...]` of ended runs.
    """
    scored = sorted(
        ((run.metrics["val_mse"], name) for name, run in entries if "val_mse" in run.metrics), key=lambda s: s[0]
    )
    if not scored:
        return None
    (best, name), others = scored[0], scored[1:]
    against = " and ".join(f"{v:.4f} for {n}" for v, n in others)
    text = f"**{name}** reconstructs the validation images best: validation MSE {best:.4f}" + (
        f", against {against}." if against else "."
    )
    missing = [name for name, run in entries if "val_mse" not in run.metrics]
    if missing:
        text += f" ({', '.join(missing)} produced no result.)"
    if any(_still_improving(run) for _, run in entries):
        text += " Some curves were still falling when training ended: more epochs may change the order."
    return text


def _still_improving(run, window=5, share=0.01):
    """Whether validation MSE fell by more than `share` over the last `window` epochs."""
    values = [row["val_mse"] for row in run.history if "val_mse" in row]
    return len(values) > window and values[-1] < (1 - share) * values[-1 - window]


def _compare_live(entries, done):
    """The comparison's verdict (once all ended), overlaid curves and side views."""
    runs = [(name, job.run) for name, job in entries]
    if done and (text := verdict(runs)):
        st.success(text, icon=":material/emoji_events:")
    left, right = st.columns(2)
    with left:
        st.altair_chart(compare_chart(runs), width="stretch")
        st.caption(
            "Each was trained on its own loss, but all are measured here by mean squared pixel error, "
            "so their curves share one scale (BCE and MSE do not)."
        )
    with right:
        snaps = [(name, run.snapshot) for name, run in runs if run.snapshot.get("epoch")]
        if snaps:
            data = entries[0][1].data
            image_row(data.x_val[snaps[0][1]["shown"]], data.image_shape, "Validation images")
            for name, snap in snaps:
                image_row(snap["reconstructions"], data.image_shape, f"{name} (epoch {snap['epoch']})")


def sections(config):
    """ "Compare the three": linear + MSE, sigmoid + MSE and sigmoid + BCE on the same data and seed."""
    st.subheader("Compare the three")
    st.markdown(
        "The lecture's experiment: the same network trained three times, changing only the last layer and the loss. "
        "A **linear** last layer with **MSE** can output any value; a **sigmoid** keeps pixels between 0 and 1; "
        "**binary cross-entropy** treats each pixel as the probability of ink and punishes confident mistakes hard."
    )
    compare_controls("autoencoder", COMPARE_KEY, "Compare the three", config, _variants, _shared, _compare_live)


def _variants(config):
    return [(name, config.replace(output_activation=activation, loss=loss)) for name, activation, loss in VARIANTS]


def _shared(config):
    return (
        f"{config.dataset}, bottleneck {config.bottleneck}, {config.optimizer} at learning rate "
        f"{config.learning_rate:g}, {config.epochs} epochs, seed {config.seed}"
    )
