"""Who this browser is, so that a reload, or tomorrow in the same browser, finds the same runs.

A signed-in user (`st.login`) is their account; anyone else is a random token
kept in a first-party cookie of this site. The store only ever sees a hash of
either (`lab.store.owner_key`), and a run is opened only for its owner.
"""

import re
import secrets

import streamlit as st

from lab.store import owner_key

COOKIE = "lab_identity"
COOKIE_DAYS = 400  # browsers cap a cookie's life at about 400 days
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def signed_in_user():
    """The signed-in user's email (or subject) with `st.login`, else None."""
    try:
        return st.user.get("email") or st.user.get("sub") if st.user.is_logged_in else None
    except Exception:  # no authentication configured (or an older Streamlit)
        return None


def owner():
    """The run store's key of this session's person (found by `remember_browser`)."""
    if "_owner" not in st.session_state:
        remember_browser()
    return st.session_state["_owner"]


def remember_browser():
    """Finds this session's person; a browser seen for the first time gets a token, kept as a cookie.

    The cookie is written on every run of the page (the same element each time,
    so the layout never shifts), which also renews its life.
    """
    if "_owner" not in st.session_state:
        user = signed_in_user()
        if user:
            st.session_state["_owner"] = owner_key("user", user)
        else:
            token = st.context.cookies.get(COOKIE)
            token = token if isinstance(token, str) and TOKEN.match(token) else secrets.token_hex(16)
            st.session_state["_browser_token"] = token
            st.session_state["_owner"] = owner_key("browser", token)
    token = st.session_state.get("_browser_token")
    if token:
        _set_cookie(token)


def _set_cookie(token):
    seconds = COOKIE_DAYS * 86400
    st.html(
        "<script>document.cookie = "
        f"'{COOKIE}={token}; path=/; max-age={seconds}; SameSite=Lax' "
        "+ (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
        width="content",
    )
