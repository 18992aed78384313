"""AppTest of the home page: one click from each lab card to its page, the gallery, the cheat sheet."""

from streamlit.testing.v1 import AppTest

from lab.ui.page import available_labs
from tests.app.support import HOME


def test_home_links_every_lab_with_a_picture_and_the_gallery():
    at = AppTest.from_file(HOME).run()
    assert not at.exception
    links = [link.proto.page for link in at.main.get("page_link")]
    for path, *_ in available_labs():
        assert path.split("/")[-1].split("_", 1)[1].removesuffix(".py") in " ".join(links)
    assert any("Gallery" in link for link in links)
    assert len(at.get("image")) == len(available_labs())
    assert "Hyperparameter cheat sheet" in [e.label for e in at.expander]
