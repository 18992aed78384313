"""AppTest of the home page: one click from each lab card to its page, the gallery, the cheat sheet."""

from streamlit.testing.v1 import AppTest

from tests.app.support import HOME

LAB_PAGES = ["MLP", "Autoencoder", "GAN", "PINN", "RNN_LSTM", "Attention", "Diffusion"]  # the seven labs, in menu order


def test_home_links_every_lab_with_a_picture_and_the_gallery():
    at = AppTest.from_file(HOME).run()
    assert not at.exception
    links = [link.proto.page for link in at.main.get("page_link")]
    assert links == [*LAB_PAGES, "Gallery"]
    assert len(at.get("image")) == len(LAB_PAGES)
    assert "Hyperparameter cheat sheet" in [e.label for e in at.expander]
