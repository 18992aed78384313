"""The RNN vs LSTM lab."""

from lab.ui.live import lab_page

lab_page("rnn")
