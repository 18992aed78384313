"""The PINN lab: Burgers' equation."""

from lab.ui.live import lab_page

lab_page("pinn")
