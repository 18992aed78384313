"""Helpers shared by the AppTests of the lab pages."""

import pathlib

from streamlit.testing.v1 import AppTest

TIMEOUT = 120
HOME = str(pathlib.Path(__file__).resolve().parents[2] / "streamlit_app.py")


def open_lab_page(page, query=None):
    """An AppTest session that opened the home page (with `query` in its URL), then `page`."""
    at = AppTest.from_file(HOME, default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at
