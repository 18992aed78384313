"""The autoencoder lab."""

from lab.ui.live import lab_page

lab_page("autoencoder")
