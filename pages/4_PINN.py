"""The PINN lab: Burgers' equation."""

from lab.labs.pinn.codegen import pinn_script
from lab.ui.live import lab_page
from lab.labs.pinn.views import pinn_inputs, pinn_views

lab_page("pinn", pinn_views, inputs=pinn_inputs, code=pinn_script)
