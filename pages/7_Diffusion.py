"""The diffusion lab."""

from lab.ui.live import lab_page

lab_page("diffusion")
