"""The RNN vs LSTM lab."""

from lab.codegen.rnn import rnn_script
from lab.ui.live import lab_page
from lab.ui.rnn_views import compare_section, dynamics_section, rnn_inputs, rnn_views

lab_page("rnn", rnn_views, inputs=rnn_inputs, code=rnn_script)
compare_section()
dynamics_section()
