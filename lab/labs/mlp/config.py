"""Hyperparameters of the multilayer-perceptron lab."""

import dataclasses

from lab.config import BaseConfig, epochs_param, learning_rate_param, param, seed_param

TWO_D = ("moons", "circles", "xor", "spirals", "blobs")
REGRESSION = ("sine", "diabetes")
TABULAR = ("digits", "iris", "wine", "diabetes")
DATASETS = TWO_D + ("sine",) + TABULAR + ("csv",)
ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "selu", "gelu", "leaky_relu", "linear")
OUTPUT_ACTIVATIONS = ("auto", "linear", "sigmoid", "softmax", "relu", "tanh")
LOSSES = (
    "auto",
    "categorical_crossentropy",
    "binary_crossentropy",
    "kl_divergence",
    "mse",
    "mae",
    "msle",
)
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam", "adagrad", "adadelta")
INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal", "random_normal", "zeros")


@dataclasses.dataclass(frozen=True)
class MLPConfig(BaseConfig):
    """Every hyperparameter of the MLP lab, with its default and allowed values."""

    dataset: str = param(
        "moons",
        "choice",
        "Which data to learn: 2-D toy sets, a 1-D curve, classic tables, or your own CSV.",
        group="Data",
        choices=DATASETS,
    )
    n_samples: int = param(
        600,
        "int",
        "How many points the 2-D and sine data sets have.",
        label="Samples",
        group="Data",
        active_if=("dataset", TWO_D + ("sine",)),
        min=50,
        max=5000,
        step=50,
    )
    noise: float = param(
        0.15,
        "float",
        "How much random scatter the 2-D and sine data sets have.",
        group="Data",
        active_if=("dataset", TWO_D + ("sine",)),
        min=0.0,
        max=1.0,
        step=0.01,
    )
    csv_path: str = param(
        "", "str", "Path of a CSV file (CLI only; the page has an upload).", label="CSV path", group="Data", ui=False
    )
    target: str = param(
        "",
        "str",
        "The CSV column to predict (default: the last column).",
        label="Target column",
        group="Data",
        ui=False,
    )
    val_split: float = param(
        0.25,
        "float",
        "Share of the data held out to measure validation loss.",
        label="Validation share",
        group="Data",
        min=0.05,
        max=0.5,
        step=0.05,
    )
    hidden_units: tuple = param(
        (32, 32),
        "int_list",
        "Width of each hidden layer, input side first; an empty list means no hidden layer.",
        label="Hidden layer widths",
        pairs_with="activations",
        min=1,
        max=512,
        min_len=0,
        max_len=8,
    )
    activations: tuple = param(
        ("relu",),
        "choice_list",
        "Activation of each hidden layer; a single entry applies to all of them.",
        label="Hidden activations",
        choices=ACTIVATIONS,
        min_len=1,
        max_len=8,
    )
    output_activation: str = param(
        "auto",
        "choice",
        "Activation of the last layer; auto picks the one that suits the loss.",
        choices=OUTPUT_ACTIVATIONS,
    )
    loss: str = param(
        "auto",
        "choice",
        "What the network minimises; auto picks the one that suits the task. msle compares log(1 + value), so it "
        "needs targets that are never negative.",
        choices=LOSSES,
    )
    initializer: str = param(
        "glorot_uniform", "choice", "How the weights are drawn before training.", choices=INITIALIZERS
    )
    l1: float = param(
        0.0,
        "float",
        "L1 penalty: adds l1 × Σ|w| to the loss. Its pull has the same size for every weight, so small weights "
        "reach exactly zero and the network becomes sparse.",
        label="L1",
        min=0.0,
        max=0.1,
        step=0.0001,
    )
    l2: float = param(
        0.0,
        "float",
        "L2 penalty: adds l2 × Σw² to the loss, which keeps weights small; with plain SGD it shrinks every weight "
        "by the same share at each step (weight decay). Stopping training early has a similar effect.",
        label="L2",
        min=0.0,
        max=0.1,
        step=0.0001,
    )
    dropout: float = param(
        0.0,
        "float",
        "Share of hidden units switched off at random in each training step, so training averages many thinned "
        "networks (an ensemble). Keras scales the kept units up while training, so nothing changes at test time.",
        min=0.0,
        max=0.9,
        step=0.05,
        train_only=True,
    )
    optimizer: str = param(
        "adam", "choice", "The update rule; momentum is SGD with momentum 0.9.", group="Training", choices=OPTIMIZERS
    )
    learning_rate: float = learning_rate_param(
        0.003, "Step size of each update; it can be changed while training.", min=1e-6, max=100.0
    )
    batch_size: int = param(
        32, "int", "Samples per update; small batches give noisier steps.", group="Training", min=1, max=4096
    )
    epochs: int = epochs_param(40, "the training data")
    seed: int = seed_param("data, weights and shuffling")

    def check(self):
        n_layers = len(self.hidden_units)
        if len(self.activations) not in (1, max(n_layers, 1)):
            raise ValueError(
                f"activations has {len(self.activations)} entries but there are {n_layers} hidden layers: "
                "give one activation for all layers or one per layer."
            )
        if self.dataset == "csv" and not self.csv_path:
            raise ValueError(
                "dataset=csv needs a CSV file: upload one on the page, or set csv_path on the command line."
            )

    @property
    def layer_activations(self):
        """The activation of each hidden layer, one entry per layer."""
        if len(self.activations) == 1:
            return self.activations * len(self.hidden_units)
        return self.activations


def work(config):
    """A number proportional to the run's training time: its update steps (see `lab.estimate`)."""
    return config.epochs * config.n_samples / config.batch_size
