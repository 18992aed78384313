"""Class challenges in the app: the teacher's builder (in a lab's share box), the students' banner, the board page.

A teacher trains once, then creates a challenge from that lab's share box: the
settings that stay fixed (the data), the metric to beat and the limits. Students
open its link (`/MLP?challenge=ID&...`), pick a nickname and train; the server
enters each of their finished runs that meets the challenge (`lab.store.challenges`).
The board (`/Challenge?id=ID`) ranks each student's best run.
"""

import pathlib
import re
import urllib.parse

import streamlit as st

from lab.config import specs
from lab.registry import get_lab, labs
from lab.store import challenges, default_store
from lab.ui.identity import owner
from lab.ui.page import CHALLENGE, page_setup
from lab.ui.widgets import kept_text_input

BOARD_REDRAW_S = 5.0  # an open board shows new entries without a reload


def page_path(page):
    """The URL path of a page file: `pages/1_MLP.py` -> `MLP`."""
    return re.sub(r"^\d+_", "", pathlib.Path(page).stem)


def app_root():
    """The app's address, ending in `/` (`http://host:8501/`), or `/` where the page's URL is unknown."""
    url = st.context.url
    if not isinstance(url, str) or "://" not in url:
        return "/"
    return url.split("?")[0].rsplit("/", 1)[0] + "/"


def lab_link(challenge, settings=None):
    """The link that opens the challenge's lab for it, with `settings` (`{name: text}`) besides the fixed ones."""
    query = {**(settings or {}), **challenge.fixed, "challenge": challenge.id}
    return f"{app_root()}{page_path(get_lab(challenge.lab).page)}?{urllib.parse.urlencode(query)}"


def board_link(challenge):
    return f"{app_root()}{page_path(CHALLENGE)}?id={challenge.id}"


# ---- On a lab page -------------------------------------------------------------------------


def linked_challenge(lab):
    """The challenge this page's link names (`?challenge=ID`), or None (with a sentence when it is unknown)."""
    challenge_id = st.query_params.get("challenge", "")
    if not challenge_id:
        return None
    challenge = challenges.get(default_store(), challenge_id)
    if challenge is None:
        st.warning(
            "This link names a class challenge that this server does not know. Check the link with your teacher."
        )
        return None
    if challenge.lab != lab.name:
        title = get_lab(challenge.lab).title
        st.warning(f"This class challenge is for another lab: [open it in the {title} lab]({lab_link(challenge)}).")
        return None
    return challenge


def fixed_values(lab, challenge):
    """The challenge's fixed settings as values for the lab's config (those that still parse)."""
    try:
        config = lab.config_cls.from_strings(challenge.fixed)
    except ValueError as err:
        st.warning(f"Some of this challenge's fixed settings are no longer valid: {err}")
        return {}
    return {name: getattr(config, name) for name in challenge.fixed}


def banner(lab, challenge, config, run):
    """Above the lab: the challenge, the student's nickname, and whether their latest run was entered.

    Returns:
        The nickname the next run is entered with.
    """
    store = default_store()
    with st.container(border=True, key="challenge_banner"):
        st.markdown(f":material/emoji_events: **Class challenge: {_plain(challenge.title)}**")
        fixed = ", ".join(f"{name}={text}" for name, text in challenge.fixed.items()) or "nothing"
        st.caption(f"{challenge.describe()}. Fixed for everyone: {fixed}.")
        left, right = st.columns([2, 3], vertical_alignment="bottom")
        with left:
            nickname = kept_text_input(
                "Your nickname on the board",
                "challenge_nickname",
                "",
                max_chars=challenges.NICKNAME_CHARS,
                placeholder="anonymous",
            )
        right.markdown(f"[:material/leaderboard: See the board]({board_link(challenge)})")
        if not challenge.open:
            st.info("This challenge is closed: new runs are no longer entered.", icon=":material/lock:")
        elif run is not None and run.ended:
            _entry_result(store, challenge, run)
        if challenge.open and config is not None:
            ahead = challenges.setting_reasons(challenge, config)
            if ahead:
                st.warning(f"A run with these settings would not be entered: {'; '.join(ahead)}.")
    return nickname


def _entry_result(store, challenge, run):
    value = challenges.entry_value(store, challenge.id, run.key)
    if value is not None:
        rows = challenges.board(store, challenge, viewer=owner())
        mine = next((row for row in rows if row["you"]), None)
        place = f" Your best is number {mine['rank']} of {len(rows)}." if mine else ""
        st.success(f"{run.label} is entered: {challenge.metric} {value:.4g}.{place}", icon=":material/check_circle:")
    else:
        why = challenges.reasons(challenge, run) or ["the run store could not enter it"]
        st.warning(f"{run.label} was not entered: {'; '.join(why)}.", icon=":material/block:")


def recorder(person, challenge=None, nickname=""):
    """A job's recorder: saves the run in the store, and at its end enters it in `challenge` when it meets it."""
    store = default_store()

    def record(run, final):
        saved = store.save(person, run, final)
        if final and saved and challenge is not None:
            challenges.enter(store, challenge.id, person, run.key, nickname)

    return record


# ---- The builder, in a lab's share box --------------------------------------------------------


def builder(lab, config, run):
    """The teacher's form: a challenge on this lab, its metric chosen from what `run` (their last run) measured."""
    st.markdown(
        "**Class challenge**: your students train with the settings you fix, and a board ranks each one's best run."
    )
    measured = challenges.scores(run) if run is not None and run.status == "completed" else {}
    if not measured:
        st.caption("Train once with the data you want: the challenge's metric is chosen from what that run measures.")
        return
    prefix = f"{lab.name}_challenge"
    title = st.text_input("Title", key=f"{prefix}_title", max_chars=challenges.TITLE_CHARS, placeholder="Best score")
    names = sorted(measured, key=lambda name: (name.startswith("val_") is False, name))
    metric = st.selectbox("Metric to rank by", names, key=f"{prefix}_metric")
    goal = st.radio(
        "Better is",
        ["max", "min"],
        index=["max", "min"].index(challenges.default_goal(metric)),
        format_func={"max": "higher", "min": "lower"}.get,
        horizontal=True,
        key=f"{prefix}_goal_{metric}",
    )
    all_specs = specs(lab.config_cls)
    shown = [name for name, spec in all_specs.items() if spec.ui]
    data = [name for name in shown if all_specs[name].group in ("Data", "Problem") or name == "seed"]
    fixed = st.multiselect("Settings everyone must keep", shown, default=data, key=f"{prefix}_fixed")
    left, right = st.columns(2)
    max_params = left.number_input("At most this many parameters (0: any)", 0, 10**8, 0, key=f"{prefix}_params")
    max_epochs = right.number_input("At most this many epochs (0: any)", 0, 100_000, 0, key=f"{prefix}_epochs")
    if st.button("Create the challenge", key=f"{prefix}_create", icon=":material/emoji_events:"):
        strings = config.to_strings(only_changed=False)
        created = challenges.create(
            default_store(),
            owner(),
            lab.name,
            title,
            {name: strings[name] for name in fixed},
            metric,
            goal,
            {"params": max_params, "epochs": max_epochs},
        )
        if created is None:
            st.error(default_store().problem)
        else:
            st.session_state[f"{prefix}_created"] = created.id
    created = challenges.get(default_store(), st.session_state.get(f"{prefix}_created"))
    if created is not None:
        st.success(f"Challenge created: {created.describe()}.", icon=":material/emoji_events:")
        st.caption("Give your students this link (it starts them from these settings):")
        st.code(lab_link(created, config.to_strings()), language=None)
        st.markdown(f"[:material/leaderboard: Open the board]({board_link(created)}) (keep it: it is yours to close)")


# ---- The board page ----------------------------------------------------------------------------


def challenge_page():
    """The Challenge page: a challenge's board (`?id=`), else the challenges this person made or entered."""
    page_setup("Class challenges")
    store = default_store()
    challenge = challenges.get(store, st.query_params.get("id", ""))
    if challenge is None:
        _overview(store, bool(st.query_params.get("id")))
        return
    st.title(f":material/emoji_events: {_plain(challenge.title)}")
    lab = get_lab(challenge.lab)
    fixed = ", ".join(f"{name}={text}" for name, text in challenge.fixed.items()) or "nothing"
    st.markdown(f"**{lab.title}** · {challenge.describe()} · fixed for everyone: {fixed}")
    st.markdown(f"[:material/play_arrow: Take part: open the lab for this challenge]({lab_link(challenge)})")
    if owner() == challenge.owner:
        _teacher_controls(store, challenge)
    st.fragment(run_every=BOARD_REDRAW_S if challenge.open else None)(_board)(store, challenge.id)


def _teacher_controls(store, challenge):
    if challenge.open:
        st.caption("You created this challenge. Students join with the link above; close it to stop new entries.")
        if st.button("Close the challenge", key="challenge_close", icon=":material/lock:"):
            challenges.close(store, owner(), challenge.id)
            st.rerun()
    else:
        st.caption("You created this challenge.")


def _board(store, challenge_id):
    challenge = challenges.get(store, challenge_id)
    if challenge is None:
        st.info("This challenge is gone.")
        return
    if not challenge.open:
        st.info("This challenge is closed: the board is final.", icon=":material/lock:")
    rows = challenges.board(store, challenge, viewer=owner())
    if not rows:
        st.info("No runs entered yet. Every finished run that meets the challenge appears here.")
        return
    frame = challenges.board_frame(challenge, rows)
    frame["open in lab"] = [lab_link(challenge, row["settings"]) for row in rows]
    shown = frame.assign(nickname=[f"{row['nickname']} (you)" if row["you"] else row["nickname"] for row in rows])
    st.dataframe(
        shown,
        hide_index=True,
        key="challenge_board",
        column_config={
            "open in lab": st.column_config.LinkColumn("open in lab", display_text="Open in lab"),
            challenge.metric: st.column_config.NumberColumn(format="%.4g"),
            "entered": st.column_config.DatetimeColumn(format="D MMM, HH:mm"),
        },
    )
    st.caption(f"Each student's best run, {len(rows)} in all. 'Open in lab' trains the same settings again.")
    st.download_button(
        "Download the board (CSV)",
        frame.to_csv(index=False),
        file_name=f"challenge_{challenge.id[:8]}.csv",
        mime="text/csv",
        key="challenge_csv",
        icon=":material/download:",
    )


def _overview(store, unknown):
    st.title(":material/emoji_events: Class challenges")
    if unknown:
        st.warning("No challenge has this link. Check it with your teacher.")
    st.markdown(
        "A teacher fixes a lab's data and a score to beat; every student's finished runs are ranked on a board. "
        "To create one, train once on a lab page, open **Share these settings, or make a classroom link** and fill "
        "in **Class challenge**."
    )
    person = owner()
    for heading, found in (
        ("Challenges you created", challenges.created_by(store, person)),
        ("Challenges you took part in", challenges.entered_by(store, person)),
    ):
        if found:
            st.subheader(heading)
            for challenge in found:
                state = "open" if challenge.open else "closed"
                st.markdown(
                    f"- [{_plain(challenge.title)}]({board_link(challenge)}): "
                    f"{labs()[challenge.lab].title}, {challenge.describe()} ({state})"
                )
    if store.problem:
        st.warning(store.problem, icon=":material/database:")


def _plain(text):
    """A teacher's or student's words, safe inside markdown (no links, no formatting)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)
