"""The GAN lab."""

from lab.codegen.gan import gan_script
from lab.ui.gan_views import gan_inputs, gan_views
from lab.ui.live import lab_page

lab_page("gan", gan_views, inputs=gan_inputs, code=gan_script)
