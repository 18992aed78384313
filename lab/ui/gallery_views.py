"""The gallery page: real loss curves of every lab, what they mean, and the fix beside each."""

import streamlit as st

from lab import charts, gallery
from lab.config import specs
from lab.registry import get_lab
from lab.ui.own_curve import own_curve_view
from lab.ui.page import page_setup
from lab.ui.panels import label_text
from lab.ui.widgets import open_in_lab

INTRO = (
    "Every curve here comes from a real training run of one of the labs, stored when the gallery was built. "
    "Each shows one pattern. Read the curve first, then the diagnosis the app makes of it, what causes it, "
    "and the same run with a fix on the right. **Open in lab** loads the settings into the lab, so you can "
    "train it yourself and watch the pattern appear live. **Diagnose your own curve** reads a history you bring."
)
HOW_TO_READ = """\
- **Healthy**: a steep fall, then a flat tail; validation close to training.
- **Still learning**: no flat tail yet; more epochs (or a faster optimizer) would still help.
- **Overfitting**: training keeps falling while validation reaches a minimum and climbs.
- **Learning rate too high**: jumps and spikes instead of a smooth fall; **diverged**: the loss blows up to huge values or NaN.
- **Learning rate too low**: almost flat from the start.
- **Validation below training**: normal with dropout, which handicaps only the training loss; without dropout it
  usually means the model improved during the epoch (the training loss is the epoch's average, validation is
  measured at its end) or the validation split is easier.
- GANs are read from the game, not from one loss: who wins, how many modes the fakes cover, whether it settles.
"""


def _labels(diagnosis):
    words = [" ".join(label_text(label)) for label in diagnosis.get("labels", [])]
    return ", ".join(words) or "no clear pattern"


def _side(entry, stored, which):
    run = gallery.as_run(entry.lab, stored, which)
    found = run.diagnosis
    title = {"problem": "The problem", "fix": "For contrast" if entry.contrast else "The fix"}[which]
    st.vega_lite_chart(charts.loss_chart(run, smoothing=0.6, title=title), width="stretch")
    st.markdown(f"**Diagnosis:** {_labels(found)}")
    for finding in found.get("findings", []):
        st.caption(f"{finding['label'].replace('_', ' ')}: {finding['evidence']}")
    config = stored["config"]
    settings = " ".join(f"--set {k}={v or chr(39) * 2}" for k, v in config.items()) or "(the lab's defaults)"
    st.code(f"python -m lab run {entry.lab} {settings}", language="bash", wrap_lines=True)
    fields = specs(get_lab(entry.lab).config_cls)
    for name in (k for k, v in config.items() if v == ""):
        words = fields[name].help
        st.caption(f"`{name}=''` is an empty value on purpose. {fields[name].label}: {words[0].lower()}{words[1:]}")


def _open_button(entry, settings, key, label):
    lab = get_lab(entry.lab)
    if st.button(label, key=key, icon=":material/open_in_new:"):
        open_in_lab(lab.page, lab.name, lab.config_cls, settings)


def entry_view(entry):
    """One gallery entry: the problem's and the fix's curves side by side, the cause and the links."""
    stored = gallery.load(entry)
    st.subheader(entry.title, anchor=entry.id)
    st.caption(f"{get_lab(entry.lab).title} lab · the diagnosis it shows: {label_text(entry.label)[1]}")
    if stored is None:
        st.info(f"This entry is not built yet: `python -m lab gallery --rebuild --only {entry.id}`.")
        return
    st.markdown(entry.cause_text(stored))
    left, right = st.columns(2)
    with left:
        _side(entry, stored["run"], "problem")
        _open_button(entry, entry.settings, f"open_{entry.id}", "Open in lab")
    with right:
        _side(entry, stored["fix"], "fix")
        st.markdown(f"*{entry.fix_text}*")
        _open_button(
            entry,
            entry.fix_settings(),
            f"open_fix_{entry.id}",
            "Open the contrast in lab" if entry.contrast else "Open the fix in lab",
        )
    st.divider()


def gallery_page():
    """Draws the gallery page."""
    page_setup("Gallery of loss curves")
    st.title("Gallery of loss curves")
    st.markdown(INTRO)
    with st.expander("How to read a loss curve"):
        st.markdown(HOW_TO_READ)
    brought = bool(st.session_state.get("own_curve_file") or st.session_state.get("own_curve_text"))
    with st.expander("Diagnose your own curve", icon=":material/upload_file:", expanded=brought):
        own_curve_view()
    names = list(dict.fromkeys(e.lab for e in gallery.entries()))
    titles = {name: get_lab(name).title for name in names}
    chosen = st.pills("Labs", names, selection_mode="multi", default=names, format_func=titles.get, key="gallery_labs")
    shown = [e for e in gallery.entries() if e.lab in (chosen or names)]
    st.caption(f"{len(shown)} of {len(gallery.entries())} entries.")
    for entry in shown:
        entry_view(entry)
