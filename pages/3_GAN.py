"""The GAN lab."""

from lab.labs.gan.codegen import gan_script
from lab.labs.gan.views import gan_inputs, gan_views
from lab.ui.live import lab_page

lab_page("gan", gan_views, inputs=gan_inputs, code=gan_script)
