"""The autoencoder lab."""

from lab.labs.autoencoder.codegen import autoencoder_script
from lab.labs.autoencoder.views import autoencoder_inputs, autoencoder_views, compare_section
from lab.ui.live import lab_page

lab_page("autoencoder", autoencoder_views, inputs=autoencoder_inputs, code=autoencoder_script)
compare_section()
