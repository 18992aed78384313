"""The MLP lab's standalone Keras script."""

import inspect
import textwrap

from lab.codegen import FLOAT32, SPLIT, STRATIFIED_SPLIT, assignments, keras_script, literal, notes, optimizer_code
from lab.labs.mlp import data as lab_data
from models.mlp_plan import choose_head

# The calls of `data._toy`; the lab's own generators are copied into the script.
OWN_TOYS = ("xor", "spirals", "sine")
TOYS = {
    "moons": "datasets.make_moons(N_SAMPLES, noise=NOISE, random_state=SEED)",
    "circles": "datasets.make_circles(N_SAMPLES, noise=NOISE * 0.5, factor=0.5, random_state=SEED)",
    "blobs": "datasets.make_blobs(N_SAMPLES, centers=3, cluster_std=1.0 + 3 * NOISE, random_state=SEED)",
    "xor": "make_xor(N_SAMPLES, NOISE, np.random.RandomState(SEED))",
    "spirals": "make_spirals(N_SAMPLES, NOISE, np.random.RandomState(SEED))",
    "sine": "make_sine(N_SAMPLES, NOISE, np.random.RandomState(SEED))",
}
CLASSES = """\
# Classes become the indices 0, 1, ... of their sorted labels.
classes, y = np.unique(y_raw, return_inverse=True)
"""
STANDARDISE = """\
# Standardised targets (mean 0, std 1) keep the loss on a readable scale.
y = (y_raw - y_raw.mean()) / y_raw.std()
"""
ONE_HOT = 'y_train, y_val = (keras.utils.to_categorical(t, OUTPUT_UNITS).astype("float32") for t in (y_train, y_val))'
COLUMN = 'y_train, y_val = (t.astype("float32").reshape(-1, 1) for t in (y_train, y_val))'
CSV = f"""frame = pd.read_csv(CSV_PATH)
target = TARGET or frame.columns[-1]
if target not in frame.columns:
    raise SystemExit(f"There is no column {{target!r}}; the columns are {{list(frame.columns)}}.")
features = frame.drop(columns=[target])
if frame.isna().any().any() or not all(map(pd.api.types.is_numeric_dtype, features.dtypes)):
    raise SystemExit("The feature columns must hold numbers, and no value may be missing.")
x, y_raw = features.to_numpy(dtype=float), frame[target].to_numpy()
# Text, or at most 20 distinct whole numbers, means classes; anything else is a value.
if pd.api.types.is_numeric_dtype(y_raw) and not (np.all(y_raw % 1 == 0) and len(np.unique(y_raw)) <= 20):
    task = "regression"
{textwrap.indent(STANDARDISE, "    ")}else:
{textwrap.indent(CLASSES, "    ")}    task = "binary" if len(classes) == 2 else "multiclass"
OUTPUT_ACTIVATION, LOSS, ONE_HOT = HEADS[task]
OUTPUT_UNITS = len(classes) if ONE_HOT else 1
# Stratifying keeps each class's share the same in both parts.
stratify = y if task != "regression" and np.bincount(y).min() >= 2 else None
"""


def _hyperparameters(config):
    """The named settings of an MLP run, one `NAME = value` line each."""
    names = {"SEED": config.seed}
    if config.dataset == "csv":
        names.update(CSV_PATH=config.csv_path, TARGET=config.target)
    elif config.dataset in TOYS:
        names.update(N_SAMPLES=config.n_samples, NOISE=config.noise)
    names.update(
        VAL_SPLIT=config.val_split,
        HIDDEN_UNITS=list(config.hidden_units),
        ACTIVATIONS=list(config.layer_activations),
        INITIALIZER=config.initializer,
    )
    if config.l1 or config.l2:
        names.update(L1=config.l1, L2=config.l2)
    if config.dropout:
        names["DROPOUT"] = config.dropout
    names.update(LEARNING_RATE=config.learning_rate, BATCH_SIZE=config.batch_size, EPOCHS=config.epochs)
    return assignments(names)


def _head(config):
    """The output layer's settings, with `auto` resolved as the lab resolves it.

    Returns:
        `(code, head)`. A CSV file's task is only known once the script reads it, so
        its code is a table of the head for each task and `head` is None.
    """
    if config.dataset == "csv":
        rows = ""
        for task in ("binary", "multiclass", "regression"):
            h = choose_head(task, 3, config.loss, config.output_activation)
            rows += f"    {literal(task)}: ({literal(h.activation)}, {literal(h.loss)}, {h.one_hot}),\n"
        why = "# The output layer for each task your file may hold: (activation, loss, one-hot targets).\n"
        return f"{why}HEADS = {{\n{rows}}}", None
    data = lab_data.load(config)
    head = choose_head(data.task, data.n_classes, config.loss, config.output_activation)
    activation_note = f"  # auto: suits {head.loss}" if config.output_activation == "auto" else ""
    loss_note = f"  # auto for a {data.task} task" if config.loss == "auto" else ""
    code = (
        f"{notes(head.warnings)}OUTPUT_UNITS = {head.units}\n"
        f"OUTPUT_ACTIVATION = {literal(head.activation)}{activation_note}\n"
        f"LOSS = {literal(head.loss)}{loss_note}"
    )
    return code, head


def _data(config, head):
    """Code that builds x_train, y_train, x_val, y_val as `lab.data.load` does."""
    name = config.dataset
    if name == "csv":
        code = CSV + SPLIT.format(", stratify=stratify")
    else:
        if name in OWN_TOYS:
            code = inspect.getsource(getattr(lab_data, f"make_{name}")) + f"\nx, y_raw = {TOYS[name]}\n"
        elif name in TOYS:
            code = f"x, y_raw = {TOYS[name]}\n"
        else:
            code = f"bunch = datasets.load_{name}()\nx, y_raw = bunch.data, bunch.target\n"
        code += CLASSES + STRATIFIED_SPLIT if head.classify else STANDARDISE + SPLIT.format("")
    if head is None:
        code += f"if ONE_HOT:\n    {ONE_HOT}\nelse:\n    {COLUMN}\n"
    elif head.one_hot:
        code += f"# One output per class, so the targets are one-hot rows.\n{ONE_HOT}\n"
    else:
        code += f"# One output neuron, so the targets are a column.\n{COLUMN}\n"
    return code + FLOAT32


def script(config):
    """Returns a standalone Python script that reproduces an MLP run.

    The script rebuilds the data (same generator, seed, split and encoding), the
    model (same layers, names, initializer, regularizer, dropout and head), the
    optimizer and the `fit` call, and seeds Keras where the engine does: after the
    data, before the model. Its last line of output is
    `final_loss=<float> final_val_loss=<float>`.

    Args:
        config: an `MLPConfig`.

    Returns:
        The script's source code.
    """
    head_code, head = _head(config)
    if config.dataset == "csv":
        imports, metrics = "import pandas as pd\n", '["mse"] if task == "regression" else ["accuracy"]'
    else:
        imports = "" if config.dataset in OWN_TOYS else "from sklearn import datasets\n"
        metrics = '["accuracy"]' if head.classify else '["mse"]'
    regularizer = "\n        kernel_regularizer=keras.regularizers.L1L2(L1, L2)," if config.l1 or config.l2 else ""
    dropout = (
        (
            "\n    # Dropout switches off a random share of the units at each training step."
            '\n    h = keras.layers.Dropout(DROPOUT, name=f"dropout_{i}")(h)'
        )
        if config.dropout
        else ""
    )
    model = f"""\
# The first layer standardises each input with the training set's mean and variance;
# a column that is constant in training keeps its scale instead of dividing by ~0.
variance = x_train.var(axis=0)
variance = np.where(variance > 1e-8, variance, 1.0)
normalize = keras.layers.Normalization(mean=x_train.mean(axis=0), variance=variance, name="normalize")
inputs = keras.Input(shape=(x_train.shape[1],), name="features")
h = normalize(inputs)
for i, (units, activation) in enumerate(zip(HIDDEN_UNITS, ACTIVATIONS), start=1):
    h = keras.layers.Dense(
        units, activation=activation, kernel_initializer=INITIALIZER,{regularizer}
        name=f"hidden_{{i}}",
    )(h){dropout}
outputs = keras.layers.Dense(
    OUTPUT_UNITS, activation=OUTPUT_ACTIVATION, kernel_initializer=INITIALIZER, name="output"
)(h)
model = keras.Model(inputs, outputs, name="mlp")
model.compile(
    optimizer={optimizer_code(config.optimizer)},
    loss=LOSS,
    metrics={metrics},
)"""
    return keras_script(
        title=f"A multilayer perceptron on {'your CSV file' if config.dataset == 'csv' else config.dataset}",
        lab="MLP",
        imports=f"{imports}from sklearn.model_selection import train_test_split\n",
        settings=f"{_hyperparameters(config)}\n{head_code}",
        data=_data(config, head),
        seeded="the initial weights, the dropout masks and the shuffling",
        model=model,
        fit_data="x_train, y_train, validation_data=(x_val, y_val)",
    )
