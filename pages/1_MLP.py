"""The multilayer-perceptron lab."""

from lab.ui.live import lab_page
from lab.labs.mlp.views import mlp_inputs, mlp_views

lab_page("mlp", mlp_views, inputs=mlp_inputs, code=lambda config: __import__("lab.codegen", fromlist=["mlp_script"]).mlp_script(config))
