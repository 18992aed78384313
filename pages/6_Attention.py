"""The transformer attention lab."""

from lab.labs.attention.codegen import attention_script
from lab.labs.attention.views import attention_inputs, attention_views
from lab.ui.live import lab_page

lab_page("attention", attention_views, inputs=attention_inputs, code=attention_script)
