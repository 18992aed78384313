"""The RNN vs LSTM lab."""

from lab.labs.rnn.codegen import rnn_script
from lab.ui.live import lab_page
from lab.labs.rnn.views import compare_section, dynamics_section, rnn_inputs, rnn_views

lab_page("rnn", rnn_views, inputs=rnn_inputs, code=rnn_script)
compare_section()
dynamics_section()
