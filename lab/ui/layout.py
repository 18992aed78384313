"""Small layout helpers shared by the labs' views."""

import streamlit as st


def show_chart(chart, width="stretch", **kwargs):
    """Draws an Altair chart, or nothing when the chart builder had nothing to draw (None).

    Returns:
        True when a chart was drawn.
    """
    if chart is None:
        return False
    st.altair_chart(chart, width=width, **kwargs)
    return True
