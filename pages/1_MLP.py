"""The multilayer-perceptron lab."""

from lab.ui.live import lab_page

lab_page("mlp")
