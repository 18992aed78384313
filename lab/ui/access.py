"""Optional access control for a hosted server: Streamlit's sign-in (OIDC), or a class code asked once per session."""

import hmac
import os

import streamlit as st

ACCESS_KEY = "_access_granted"


def login_configured():
    """The host configured Streamlit's built-in sign-in (an `[auth]` section in `.streamlit/secrets.toml`)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def access_gate():
    """Stops the page until the visitor is allowed in: signed in (when configured), else the class code.

    The class code is `LAB_ACCESS_CODE`; without it, and without sign-in, everyone is allowed.
    A wrong code gets a message, and the page (its Train button included) stays closed.
    """
    if login_configured():
        if not st.user.is_logged_in:
            st.title("Deep Learning Lab")
            st.info("This server asks you to sign in before you train.", icon=":material/lock:")
            st.button("Sign in", key="access_login", on_click=st.login, type="primary")
            st.stop()
        return
    code = os.environ.get("LAB_ACCESS_CODE", "")
    if not code or st.session_state.get(ACCESS_KEY):
        return
    st.title("Deep Learning Lab")
    with st.form("access_form"):
        st.markdown(":material/lock: **This server is for a class.** Enter the class code your teacher gave you.")
        given = st.text_input("Class code", type="password", key="access_code")
        entered = st.form_submit_button("Enter", type="primary")
    if entered:
        if hmac.compare_digest(given.strip().encode(), code.strip().encode()):
            st.session_state[ACCESS_KEY] = True
            st.rerun()
        st.error("That class code is not right. Check it with your teacher and try again.", icon=":material/error:")
    st.stop()
