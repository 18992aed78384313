"""The transformer attention lab."""

from lab.codegen.attention import attention_script
from lab.ui.attention_views import attention_inputs, attention_views
from lab.ui.live import lab_page

lab_page("attention", attention_views, inputs=attention_inputs, code=attention_script)
