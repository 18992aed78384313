"""The panels under a lab's live chart: the diagnosis, downloads, the run history and the share box."""

import functools

import streamlit as st

from lab.config import specs
from lab.history_files import tensorboard_zip
from lab.registry import label_words
from lab.ui.challenges import builder
from lab.ui.widgets import share_query

LABEL_WORDS = {  # the diagnosis' own labels; each lab adds its own (`LabSpec.label_words`)
    "healthy": (":green[:material/check_circle:]", "Healthy"),
    "still_learning": (":blue[:material/trending_down:]", "Still learning"),
    "overfitting": (":orange[:material/warning:]", "Overfitting"),
    "lr_too_high": (":orange[:material/ssid_chart:]", "Learning rate too high"),
    "diverged": (":red[:material/error:]", "Diverged"),
    "lr_too_low": (":orange[:material/hourglass_bottom:]", "Learning rate too low"),
    "val_below_train": (":blue[:material/info:]", "Validation below training"),
}


@functools.cache
def _all_label_words():
    return {**LABEL_WORDS, **label_words()}


def label_text(label):
    """`(icon, words)` of a diagnosis label (the diagnosis' own or a lab's)."""
    return _all_label_words().get(label, ("•", label))


def diagnosis_view(run):
    """The live diagnosis of the loss curve."""
    result = run.diagnosis or {}
    st.markdown("**What the loss curve says**")
    if not result or result.get("too_early"):
        st.caption(result.get("summary") or "Too early to tell: train a few epochs.")
        return
    st.caption(result.get("summary", ""))
    for finding in result.get("findings", []):
        icon, words = label_text(finding["label"])
        st.markdown(f"{icon} **{words}**: {finding['evidence']}  \n*{finding['advice']}*")


METRIC_FORMAT = "%.4g"  # four significant digits: a PINN's loss of 1.35e-06 must not show as 0


def history_view(runs):
    """The session's runs as a table: settings that changed and final metrics."""
    if not runs:
        return
    st.subheader("Run history")
    rows, metrics = [], set()
    for run in reversed(runs):
        row = {"run": run.label, "status": run.status, "seconds": round(run.wall_seconds, 1)}
        row.update({k: str(v) for k, v in run.config.to_strings().items()})
        numbers = {k: v for k, v in run.metrics.items() if isinstance(v, float)}
        row.update(numbers)
        metrics.update(numbers)
        rows.append(row)
    significant = {name: st.column_config.NumberColumn(format=METRIC_FORMAT) for name in metrics}
    st.dataframe(rows, hide_index=True, width="stretch", column_config=significant)


def model_help(lab_name, file_name):
    """How to load a downloaded model, as the README's "Use a trained model" shows."""
    return (
        f"In Python, from the app's folder: `import keras`, `import models.{lab_name}` (it registers the lab's "
        f'own classes), then `model = keras.saving.load_model("{file_name}")` and `model.predict(...)`. '
        "The README's \"Use a trained model\" shows each lab's input."
    )


def downloads_view(run, lab_name):
    """Downloads of a run: history CSV, config JSON, the trained model, the history as a TensorBoard log."""
    if not run.ended:
        return
    a, b, c, d = st.columns(4)
    stem = f"{lab_name}_run{run.number}"
    a.download_button(
        "History (CSV)", run.to_csv(), f"{stem}_history.csv", "text/csv", key="download_csv", on_click="ignore"
    )
    b.download_button(
        "Config (JSON)",
        run.config_json(),
        f"{stem}_config.json",
        "application/json",
        key="download_config",
        on_click="ignore",
    )
    if run.model_bytes:
        c.download_button(
            "Model (.keras)",
            run.model_bytes,
            f"{stem}.keras",
            "application/octet-stream",
            key="download_model",
            on_click="ignore",
            help=model_help(lab_name, f"{stem}.keras"),
        )
    history, batch_loss = list(run.history), list(run.batch_loss)
    d.download_button(
        "History (TensorBoard)",
        lambda: tensorboard_zip(history, batch_loss),  # written on the click only
        f"{stem}_tensorboard.zip",
        "application/zip",
        key="download_tensorboard",
        on_click="ignore",
        help="The curves as a TensorBoard log: unzip it, then `tensorboard --logdir` the folder.",
    )


def share_view(lab, config, run):
    """The share box: a link that restores the settings, a classroom link builder, and a class challenge's.

    Args:
        run: the latest run on the page (a challenge's metric is chosen from what it measured), or None.
    """
    with st.expander("Share these settings, or make a classroom link"):
        base = (st.context.url or "").split("?")[0]
        st.caption("The address bar already holds the settings; this link restores them.")
        st.code(f"{base}?{share_query(config)}", language=None)
        st.markdown(
            "**Classroom link**: your students open the lab with these settings, the controls you pick "
            "hidden, and your task shown above the lab."
        )
        fields = [name for name, spec in specs(lab.config_cls).items() if spec.ui]
        hide = st.multiselect("Hide these controls", ["all", *fields], key=f"{lab.name}_class_hide")
        task = st.text_area(
            "Task for the students",
            key=f"{lab.name}_class_task",
            max_chars=500,
            placeholder="For example: press Train, then halve the learning rate. What happens to the loss?",
        )
        if hide or task:
            st.code(f"{base}?{share_query(config, hide, task)}", language=None)
        st.divider()
        builder(lab, config, run)
