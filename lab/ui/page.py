"""Page setup shared by the home page and every lab page."""

import streamlit as st

NAV = (
    ("streamlit_app.py", "Home", ":material/home:"),
    ("pages/1_MLP.py", "Multilayer perceptron", ":material/hub:"),
)


def page_setup(title, wide=True):
    """Sets the page config and draws the navigation in the sidebar.

    Args:
        title: the browser tab and page title.
        wide: use the full window width.
    """
    st.set_page_config(page_title=f"{title} · Deep Learning Lab", page_icon=":material/science:", layout="wide" if wide else "centered")
    with st.sidebar:
        st.markdown("### :material/science: Deep Learning Lab")
        for path, label, icon in NAV:
            st.page_link(path, label=label, icon=icon)
        st.divider()
