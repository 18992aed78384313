"""Hyperparameters of the PINN lab (viscous Burgers' equation, forward and inverse)."""

import dataclasses
import math

from lab.config import BaseConfig, Preset, learning_rate_param, param, seed_param

NU_BURGERS = 0.01 / math.pi  # the published benchmark's viscosity, 0.0031831
MODES = ("forward", "inverse")
EQUATIONS = ("burgers", "heat")
SAMPLINGS = ("uniform", "latin_hypercube", "grid")
ACTIVATIONS = ("tanh", "sin", "swish", "gelu", "sigmoid", "elu", "relu")
DTYPES = ("float32", "float64")
STEPS_PER_EPOCH = 100  # one "epoch" on the charts is 100 Adam steps or 100 L-BFGS iterations
MAX_STEPS = 50000
MAX_LBFGS = 20000


@dataclasses.dataclass(frozen=True)
class PINNConfig(BaseConfig):
    """Every hyperparameter of the PINN lab, with its default and allowed values.

    The defaults (6 × 20 tanh, 2,500 collocation points, L-BFGS alone, as Raissi
    et al. trained) solve the published Burgers benchmark to a relative L2 error
    of about 5e-3.
    """

    mode: str = param(
        "forward",
        "choice",
        "forward: find u(t, x) from the initial and boundary values and the PDE. inverse: find the PDE's coefficients λ1 and λ2 from scattered measurements of u.",
        group="Problem",
        choices=MODES,
    )
    equation: str = param(
        "burgers",
        "choice",
        "burgers: u_t + u·u_x − ν·u_xx = 0 (a shock forms at x = 0). heat: u_t − ν·u_xx = 0 (the sine wave decays). Both start from u(0, x) = −sin(πx) with u = 0 at x = ±1.",
        group="Problem",
        choices=EQUATIONS,
    )
    nu: float = param(
        NU_BURGERS,
        "float",
        "The viscosity ν: smaller values make a steeper shock, harder to learn (the benchmark uses 0.01/π ≈ 0.0031831).",
        label="Viscosity ν",
        group="Problem",
        min=1e-3,
        max=1.0,
        log=True,
    )
    noise: float = param(
        0.0,
        "float",
        "Inverse problem only: Gaussian noise added to the measurements, as a share of u's standard deviation (0.01 = 1%).",
        label="Measurement noise",
        group="Problem",
        active_if=("mode", ("inverse",)),
        min=0.0,
        max=0.2,
        step=0.01,
    )
    n_u: int = param(
        100,
        "int",
        "forward: points on the initial line t = 0 and the walls x = ±1 where u is known. inverse: measurements of u scattered over (t, x).",
        label="Data points n_u",
        group="Points",
        min=4,
        max=20000,
        step=50,
    )
    n_f: int = param(
        2500,
        "int",
        "Collocation points where the PDE residual is measured and pushed to zero.",
        label="Collocation points n_f",
        group="Points",
        min=16,
        max=40000,
        step=500,
    )
    sampling: str = param(
        "latin_hypercube",
        "choice",
        "How the points are placed: uniform at random, Latin hypercube (random but evenly spread in t and in x), or a regular grid.",
        group="Points",
        choices=SAMPLINGS,
    )
    resample_every: int = param(
        0,
        "int",
        "Draw fresh collocation points every this many Adam steps (0: keep the first ones). A shifted grid when sampling is grid.",
        label="Resample every k steps",
        group="Points",
        min=0,
        max=10000,
        step=100,
    )
    adaptive_points: int = param(
        0,
        "int",
        "Residual-based adaptive refinement (RAR): during L-BFGS, add this many collocation points in all, a few "
        "rounds apart, each where the residual is largest among fresh random candidates. They gather at the shock, "
        "where a PINN's error lives (0: keep the first points).",
        label="Adaptive points (RAR)",
        group="Points",
        min=0,
        max=20000,
        step=100,
    )
    adaptive_rounds: int = param(
        4,
        "int",
        "In how many rounds, evenly spread over the L-BFGS iterations, the adaptive points are added.",
        label="Adaptive rounds",
        group="Points",
        min=1,
        max=20,
    )
    depth: int = param(6, "int", "Hidden layers of the network u(t, x).", group="Model", min=1, max=10)
    width: int = param(20, "int", "Units in each hidden layer.", group="Model", min=4, max=128)
    activation: str = param(
        "tanh",
        "choice",
        "The hidden layers' activation. The residual needs second derivatives: relu's is zero almost everywhere "
        "(and undefined at 0), so relu cannot feel u_xx.",
        group="Model",
        choices=ACTIVATIONS,
    )
    hard_constraints: bool = param(
        False,
        "bool",
        "Build the initial and boundary conditions into the network: u = −sin(πx) + t·(1 − x²)·N(t, x) equals "
        "−sin(πx) at t = 0 and 0 at x = ±1 whatever N is, so the data term is 0 and only the PDE is learned. "
        "Forward problem only.",
        label="Hard constraints",
        group="Model",
        active_if=("mode", ("forward",)),
    )
    weight_u: float = param(
        1.0,
        "float",
        "Weight of the data term (initial/boundary misfit, or the measurements) in the loss.",
        label="Data weight",
        group="Training",
        min=0.0,
        max=100.0,
        step=0.1,
    )
    weight_f: float = param(
        1.0,
        "float",
        "Weight of the PDE residual term in the loss.",
        label="PDE weight",
        group="Training",
        min=0.0,
        max=100.0,
        step=0.1,
    )
    learning_rate: float = learning_rate_param(
        1e-3, "Adam's step size; it can be changed while Adam trains.", min=1e-5, max=0.1
    )
    steps: int = param(
        0,
        "int",
        "Adam steps, each on all the points (full batch); a multiple of 100. 0 (the default) goes straight to L-BFGS, which is faster here; Adam first shows how much slower a first-order method is.",
        label="Adam steps",
        group="Training",
        min=0,
        max=MAX_STEPS,
        step=STEPS_PER_EPOCH,
    )
    lbfgs_iterations: int = param(
        4000,
        "int",
        "L-BFGS iterations after Adam (0: none). L-BFGS uses curvature and polishes the solution far beyond Adam; it stops earlier when it converges.",
        label="L-BFGS iterations",
        group="Training",
        min=0,
        max=MAX_LBFGS,
        step=STEPS_PER_EPOCH,
    )
    lbfgs_memory: int = param(
        50,
        "int",
        "How many recent steps L-BFGS remembers to estimate the curvature. A longer history costs a little per "
        "iteration and often needs fewer of them, above all in float64.",
        label="L-BFGS history",
        group="Training",
        min=3,
        max=300,
    )
    dtype: str = param(
        "float32",
        "choice",
        "Number precision of the network: float64 is slower, but lets L-BFGS go further.",
        label="Precision",
        group="Training",
        choices=DTYPES,
    )
    seed: int = seed_param("the points, the weights and the noise")

    def check(self):
        if self.steps % STEPS_PER_EPOCH:
            raise ValueError(
                f"Adam steps are counted in blocks of {STEPS_PER_EPOCH} (one epoch on the charts): pick a multiple of {STEPS_PER_EPOCH}, not {self.steps}."
            )
        if self.steps + self.lbfgs_iterations == 0:
            raise ValueError("Nothing would train: give Adam some steps or L-BFGS some iterations.")
        if self.weight_u + self.weight_f == 0:
            raise ValueError(
                "Both loss weights are 0, so the loss is always 0: give the data or the PDE term some weight."
            )
        if self.hard_constraints and self.mode == "inverse":
            raise ValueError(
                "Hard constraints build the initial and boundary values into u; the inverse problem learns from "
                "measurements inside the domain instead: switch them off, or solve the forward problem."
            )
        if self.adaptive_points and not self.lbfgs_iterations:
            raise ValueError("Adaptive points are added during L-BFGS: give L-BFGS some iterations, or set them to 0.")
        if self.adaptive_points and self.adaptive_rounds >= self.lbfgs_iterations:
            raise ValueError(
                f"{self.adaptive_rounds} adaptive rounds need more than {self.adaptive_rounds} L-BFGS iterations "
                "to fall between: fewer rounds, or more iterations."
            )
        if self.mode == "inverse" and self.weight_u == 0:
            raise ValueError(
                "The inverse problem learns λ1 and λ2 from the measurements: their weight must be above 0."
            )

    @property
    def adam_epochs(self):
        """Epochs (blocks of 100 steps) of Adam."""
        return self.steps // STEPS_PER_EPOCH

    @property
    def refine_every(self):
        """L-BFGS iterations between two rounds of adaptive points (0: no rounds)."""
        if not self.adaptive_points:
            return 0
        return math.ceil(self.lbfgs_iterations / (self.adaptive_rounds + 1))

    @property
    def epochs(self):
        """Epochs planned: Adam's blocks, then L-BFGS' (the chart's x axis, in blocks of 100)."""
        return self.adam_epochs + math.ceil(self.lbfgs_iterations / STEPS_PER_EPOCH)


INVERSE = {
    "mode": "inverse",
    "depth": 4,
    "width": 32,
    "n_u": 2000,
    "n_f": 2500,
    "steps": 2000,
    "lbfgs_iterations": 4000,
    "learning_rate": 1e-3,
}
PRESETS = (
    Preset(
        "quick",
        "Quick (default)",
        {},
        "6 × 20 tanh, 2,500 collocation points, L-BFGS alone: below 1e-2 in about 30 s, 3e-3 to 5e-3 at the end "
        "on two CPU cores. Some seeds stall at an error near 0.2: then try another seed.",
    ),
    Preset(
        "high_accuracy",
        "High accuracy",
        {
            "depth": 8,
            "width": 20,
            "n_f": 10000,
            "steps": 500,
            "lbfgs_iterations": 10000,
            "learning_rate": 1e-3,
            "dtype": "float64",
        },
        "Raissi et al.'s network (8 × 20 tanh, 10,000 collocation points) in float64 with a long L-BFGS run: below "
        "1e-3 after about 3.5 minutes on two CPU cores, 4e-4 after all 10,000 iterations.",
    ),
    Preset(
        "three_digits",
        "Three digits",
        {"n_f": 5000, "lbfgs_iterations": 9000, "lbfgs_memory": 100, "dtype": "float64"},
        "the default network (6 × 20 tanh) on 5,000 collocation points, in float64, with an L-BFGS history of 100 "
        "steps: below 1e-3 after 1.2-2.4 minutes on two CPU cores, about 5e-4 at the end (three minutes); with some "
        "seeds the error drifts back above 1e-3 while the loss still falls.",
    ),
    Preset(
        "inverse_problem",
        "Inverse problem",
        INVERSE,
        "learns λ1 (true 1) and λ2 (true 0.01/π ≈ 0.0031831) from 2,000 clean samples of the exact solution.",
    ),
    Preset(
        "inverse_1pct_noise",
        "Inverse, 1% noise",
        {**INVERSE, "noise": 0.01},
        "the same with 1% Gaussian noise on the samples.",
    ),
)


def work(config):
    """A number proportional to the run's training time: Adam steps and L-BFGS iterations on every point."""
    points = config.n_f + config.adaptive_points + config.n_u
    return (config.steps + config.lbfgs_iterations) * points * config.depth * config.width**2
