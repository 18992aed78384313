"""The gallery's "Diagnose your own curve": anyone's Keras history, drawn and read like a lab's run."""

import streamlit as st

from lab import charts
from lab.diagnosis import diagnose_history
from lab.history_files import parse_columns, read_history
from lab.runs import Run
from lab.ui.panels import diagnosis_view

KINDS = (
    "a CSV from Keras' `CSVLogger` (or any CSV with a `loss` column), the JSON of `history.history`, "
    "the JSON of `python -m lab run`, a TensorBoard event file, or a zip of a TensorBoard log folder"
)


def as_run(history, batch_loss=None):
    """A finished `Run` holding a read history (epochs numbered from 1, batches spread over them), diagnosed."""
    rows = [{"epoch": i + 1, **row} for i, row in enumerate(history)]
    batches = list(batch_loss or [])
    positions = [round((i + 1) * len(rows) / len(batches), 4) for i in range(len(batches))]
    return Run(
        lab="own",
        config=None,
        status="completed",
        epochs_planned=len(rows),
        history=rows,
        batch_loss=batches,
        batch_position=positions,
        diagnosis=diagnose_history(history, batches or None),
    )


def _read(upload, pasted):
    """`(history, batch_loss)` from the upload or the pasted text, or None with the reason shown."""
    try:
        if upload is not None:
            return read_history(upload.getvalue(), upload.name)
        if pasted.strip():
            return parse_columns(pasted), None
    except ValueError as err:
        st.error(f"This curve cannot be read: {err}", icon=":material/error:")
    except Exception as err:  # an odd file must never crash the page
        st.error(f"This curve cannot be read ({type(err).__name__}).", icon=":material/error:")
    return None


def own_curve_view():
    """Upload or paste a loss history; see it drawn with the diagnosis, its evidence and the fix."""
    st.markdown(
        f"Trained a model somewhere else? Bring its history: {KINDS}. Or paste the numbers, one epoch per line "
        "(the training loss, then the validation loss if you have it). The same diagnosis as in the labs reads it."
    )
    left, right = st.columns(2)
    upload = left.file_uploader("Your history file", key="own_curve_file", help="At most 50 MB.")
    pasted = right.text_area(
        "Or paste the losses", key="own_curve_text", height=150, placeholder="loss val_loss\n0.92 0.95\n0.61 0.70\n..."
    )
    read = _read(upload, pasted)
    if read is None:
        return
    history, batch_loss = read
    run = as_run(history, batch_loss)
    chart_col, side_col = st.columns([3, 2])
    with chart_col:
        st.vega_lite_chart(charts.loss_chart(run, smoothing=0.6, title="Your curve"), width="stretch")
        st.caption(f"{len(history)} epochs" + (f", {len(batch_loss)} batch losses" if batch_loss else "") + ".")
    with side_col:
        diagnosis_view(run)
