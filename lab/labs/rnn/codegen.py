"""Exports an RNN lab run as a standalone Keras script (data, network, training)."""

import inspect
import re
import textwrap

from lab.codegen import assignments, keras_script, notes, optimizer_code, source_of, top_level
from lab.labs.rnn import data as seq
from lab.labs.rnn.setup import uses_lecture_weights
from lab.labs.rnn.worked_example import LECTURE
from models.rnn_plan import EMBEDDING_DIM, rnn_warnings

LAYERS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
SPLIT = """\
# The last VAL_SPLIT of the sequences validate.
cut = round(len(x) * (1 - VAL_SPLIT))
x_train, y_train, x_val, y_val = x[:cut], y[:cut], x[cut:], y[cut:]
"""
SEATTLE = """\
from vega_datasets import local_data

frame = local_data.seattle_weather()
CLASSES = {classes}
labels = np.array([CLASSES.index(w) for w in frame["weather"]], dtype="int32")
numbers = frame[{numbers}].to_numpy(dtype="float64")
# Each day: its four numbers and its category, one-hot.
series = np.concatenate([numbers, np.eye(len(CLASSES))[labels]], axis=1).astype("float32")
x, target = windows(series, DAYS)
y = labels[target]
{split}# The network standardises the numbers with the training days' statistics; categories stay one-hot.
train_days = series[: target[cut - 1]]
mean, var = train_days.mean(axis=0), train_days.var(axis=0)
mean[4:], var[4:] = 0.0, 1.0
majority = np.bincount(y_train).argmax()
print(f"majority-class accuracy: {{np.mean(y_val == majority):.4f}}")
"""
TEMPERATURE = """\
from vega_datasets import local_data

frame = local_data.seattle_temps()
temps = frame["temp"].to_numpy(dtype="float64")
angle = 2 * np.pi * frame["date"].dt.hour.to_numpy() / 24
# Each hour: the temperature (°F) and the hour of day as sine and cosine.
series = np.stack([temps, np.sin(angle), np.cos(angle)], axis=1).astype("float32")
x, target = windows(series, WINDOW, HORIZON)
y = temps[target].astype("float32")[:, None]
{split}train_hours = series[: target[cut - 1]]
mean, var = train_hours.mean(axis=0), train_hours.var(axis=0)
target_mean, target_std = temps[: target[cut - 1]].mean(), temps[: target[cut - 1]].std()
print(f"persistence MAE: {{np.mean(np.abs(x_val[:, -1, 0] - y_val[:, 0])):.4f}} °F")
"""
LECTURE_WEIGHTS = """\
# The lecture's weights (lecture orientation); Keras stores their transposes.
W_xh = np.array({W_xh})
W_hh = np.array({W_hh})
W_hy = np.array({W_hy})
b = np.array({b})
model.get_layer("recurrent").set_weights([W_xh.T, W_hh.T, b])
model.get_layer("output").set_weights([W_hy.T])
"""


DATE_NAMES = ("PAD", "SPECIALS", "CHARS", "FIRST_DATE", "LAST_DATE", "MONTHS", "WEEKDAYS", "_full", "DATE_FORMATS")
DATES = """\

def make_dates(n, rng):
    \"\"\"`n` random dates: each written in a random format, and in ISO form.\"\"\"
    forms = list(DATE_FORMATS)
    picks = rng.integers(0, len(forms), size=n)
    return [(DATE_FORMATS[forms[p]](d), d.isoformat()) for d, p in zip(random_dates(n, rng), picks)]


TOKENS = SPECIALS + CHARS  # ids 0, 1, 2 are padding, start and end
SOURCE_LEN = max(len(f(datetime.date(2000, 9, 27))) for f in DATE_FORMATS.values())  # the longest written date
TARGET_LEN = 11  # "2021-03-03" and the end token
n_val = N_SEQUENCES - round(N_SEQUENCES * (1 - VAL_SPLIT))
rng = np.random.default_rng(SEED)
train, val = make_dates(N_SEQUENCES - n_val, rng), make_dates(n_val, rng)
x_train = encode([s for s, _ in train], TOKENS, SOURCE_LEN)
y_train = encode([t for _, t in train], TOKENS, TARGET_LEN, end=True)
x_val = encode([s for s, _ in val], TOKENS, SOURCE_LEN)
y_val = encode([t for _, t in val], TOKENS, TARGET_LEN, end=True)
print(train[0][0], "->", train[0][1])
"""
DATES_MODEL = """\
source = keras.Input(shape=(SOURCE_LEN,), dtype="int32", name="source")
target_in = keras.Input(shape=(TARGET_LEN,), dtype="int32", name="target_in")
# mask_zero: the encoder skips the padding, so its last state is the state after the last character.
h = keras.layers.Embedding(len(TOKENS), EMBEDDING_DIM, mask_zero=True, name="source_embedding")(source)
encoder_out, *state = keras.layers.{cell}(UNITS, return_sequences=True, return_state=True, name="encoder")(h)
h = keras.layers.Embedding(len(TOKENS), EMBEDDING_DIM, name="target_embedding")(target_in)
# The decoder starts from the encoder's last state: the fixed-size context vector.
h, *_ = keras.layers.{cell}(UNITS, return_sequences=True, return_state=True, name="decoder")(
    h, initial_state=state
)
{attention}outputs = keras.layers.Dense(len(TOKENS), activation="softmax", name="output")(h)
model = keras.Model([source, target_in], outputs, name="seq2seq")
model.compile(
    optimizer={optimizer},
    loss=keras.losses.SparseCategoricalCrossentropy(ignore_class=PAD),
    metrics=[keras.metrics.MeanMetricWrapper(masked_token_accuracy, name="accuracy")],
)
"""
ATTENTION = """\
# Additive attention: e_ij = v·tanh(W·s_i + U·h_j), α_i = softmax(e_i), context c_i = Σ_j α_ij·h_j.
source_mask = NotPadding(name="source_mask")(source)
query = keras.layers.Dense(UNITS, use_bias=False, name="attention_query")(h)
keys = keras.layers.Dense(UNITS, use_bias=False, name="attention_keys")(encoder_out)
context, weights = keras.layers.AdditiveAttention(name="attention")(  # weights: the alignment map
    [query, encoder_out, keys], mask=[None, source_mask], return_attention_scores=True
)
h = keras.layers.Concatenate(name="with_context")([h, context])
"""


def _dates_data(config):
    """Code that writes the lab's dates (`lab.translation`), encodes them as character ids, and the model's helpers."""
    parts = top_level("lab.translation", DATE_NAMES)
    parts += [source_of("lab.translation", name) for name in ("random_dates", "encode", "decoder_inputs")]
    parts.append(DATES)
    parts += [source_of("models.rnn_seq2seq", "NotPadding")] if config.attention else []
    parts.append(source_of("models.sequence_metrics", "masked_token_accuracy"))
    text = "".join(f"\n\n{p}\n\n" if p.startswith(("def ", "@", "\n")) or p is DATES else p for p in parts)
    return re.sub(r"\n{3,}", "\n\n\n", text).strip("\n") + "\n"


def _dates_model(config):
    """Code that builds and compiles the encoder–decoder with the lab's layer names, in the lab's order."""
    optimizer = optimizer_code(config.optimizer)
    if config.clipnorm:
        optimizer = optimizer[:-1] + ", clipnorm=CLIPNORM)"
    return DATES_MODEL.format(
        cell=LAYERS[config.cell], attention=ATTENTION if config.attention else "", optimizer=optimizer
    ).rstrip()


def _data(config):
    """Code that builds x_train, y_train, x_val, y_val (and the scales) as the lab does."""
    if config.task == "dates":
        return _dates_data(config)
    if config.task == "seattle_weather":
        return (
            inspect.getsource(seq.windows)
            + "\n\n"
            + SEATTLE.format(classes=seq.SEATTLE_CLASSES, numbers=list(seq.SEATTLE_NUMBERS), split=SPLIT)
        )
    if config.task == "temperature":
        return inspect.getsource(seq.windows) + "\n\n" + TEMPERATURE.format(split=SPLIT)
    make = {"adding": seq.make_adding, "copy": seq.make_copy, "weather_toy": seq.make_weather_toy}[config.task]
    call = (
        "make_weather_toy(N_SEQUENCES, rng)"
        if config.task == "weather_toy"
        else f"{make.__name__}(N_SEQUENCES, SEQ_LEN, rng)"
    )
    return inspect.getsource(make) + f"\n\nrng = np.random.default_rng(SEED)\nx, y = {call}\n" + SPLIT


def _constants(config):
    names = {"SEED": config.seed}
    if config.task in ("adding", "copy"):
        names["SEQ_LEN"] = config.seq_len
    if config.task in ("adding", "copy", "weather_toy", "dates"):
        names["N_SEQUENCES"] = config.n_sequences
    if config.task == "dates":
        names["EMBEDDING_DIM"] = EMBEDDING_DIM
    if config.task == "copy":
        names.update(COPY_LENGTH=seq.COPY_LENGTH, COPY_SYMBOLS=seq.COPY_SYMBOLS)
    if config.task == "weather_toy":
        names.update(TOY_STEPS=seq.TOY_STEPS, TOY_P_NEXT=seq.TOY_P_NEXT)
    if config.task == "seattle_weather":
        names["DAYS"] = config.days
    if config.task == "temperature":
        names.update(WINDOW=config.window, HORIZON=config.horizon)
    names.update(
        VAL_SPLIT=config.val_split,
        UNITS=config.units,
        LEARNING_RATE=config.learning_rate,
        CLIPNORM=config.clipnorm,
        BATCH_SIZE=config.batch_size,
        EPOCHS=config.epochs,
    )
    return assignments(names)


def _model(config):
    """Code that builds and compiles `model` with the lab's layer names."""
    real = config.task in ("seattle_weather", "temperature")
    lines = ['inputs = keras.Input(shape=x_train.shape[1:], name="sequence")']
    if real:
        lines.append(
            'h = keras.layers.Normalization(mean=mean, variance=np.maximum(var, 1e-8), name="normalize")(inputs)'
        )
        source = "h"
    else:
        source = "inputs"
    lines.append(f'h = keras.layers.{LAYERS[config.cell]}(UNITS, name="recurrent")({source})')
    if config.task in ("adding", "temperature"):
        lines.append('outputs = keras.layers.Dense(1, name="output")(h)')
        if config.task == "temperature":
            lines.append("# The network answers in °F: z * std + mean of the training temperatures.")
            lines.append(
                'outputs = keras.layers.Rescaling(scale=target_std, offset=target_mean, name="to_units")(outputs)'
            )
        loss, metrics = (
            '"mse"',
            '[keras.metrics.MeanSquaredError(name="mse"), keras.metrics.MeanAbsoluteError(name="mae")]',
        )
    else:
        if config.task == "copy":
            lines.append('h = keras.layers.Dense(COPY_LENGTH * COPY_SYMBOLS, name="output")(h)')
            lines.append('h = keras.layers.Reshape((COPY_LENGTH, COPY_SYMBOLS), name="per_symbol")(h)')
            lines.append('outputs = keras.layers.Softmax(name="probabilities")(h)')
        else:
            n = len(seq.SEATTLE_CLASSES) if config.task == "seattle_weather" else 4
            bias = ", use_bias=False" if uses_lecture_weights(config) else ""
            lines.append(f'outputs = keras.layers.Dense({n}, activation="softmax"{bias}, name="output")(h)')
        loss, metrics = (
            '"sparse_categorical_crossentropy"',
            '[keras.metrics.SparseCategoricalAccuracy(name="accuracy")]',
        )
    lines.append('model = keras.Model(inputs, outputs, name="rnn")')
    if uses_lecture_weights(config):
        lines.append(LECTURE_WEIGHTS.format(**{k: LECTURE[k].tolist() for k in ("W_xh", "W_hh", "W_hy", "b")}).rstrip())
    optimizer = optimizer_code(config.optimizer)
    if config.clipnorm:
        optimizer = optimizer[:-1] + ", clipnorm=CLIPNORM)"
    lines.append(f"model.compile(\n    optimizer={optimizer},\n    loss={loss},\n    metrics={metrics},\n)")
    return "\n".join(lines)


def script(config):
    """Returns a standalone Python script that reproduces an RNN lab run.

    The script makes the same sequences (same generator and seed, or the same
    windows of vega_datasets' Seattle data), builds the same layers in the same
    order, seeds Keras where the engine does, and trains with the same `fit`
    call. Its last line of output is `final_loss=<float> final_val_loss=<float>`.

    Args:
        config: an `RNNConfig`.

    Returns:
        The script's source code.
    """
    if config.task == "dates":
        with_or_without = "with" if config.attention else "without"
        return keras_script(
            title=f"A {LAYERS[config.cell]} encoder–decoder {with_or_without} attention on dates",
            lab="RNN vs LSTM",
            imports="import datetime\nimport string\n\nfrom keras import ops\n",
            settings=notes(rnn_warnings(config)) + _constants(config),
            data=_data(config),
            seeded="the initial weights and the shuffling",
            model=_dates_model(config),
            fit_data=(
                "[x_train, decoder_inputs(y_train)], y_train,\n"
                "    validation_data=([x_val, decoder_inputs(y_val)], y_val)"
            ),
        )
    return keras_script(
        title=f"A {LAYERS[config.cell]} network on the {config.task} task",
        lab="RNN vs LSTM",
        imports="",
        settings=notes(rnn_warnings(config)) + _constants(config),
        data=_data(config),
        seeded="the initial weights and the shuffling",
        model=textwrap.dedent(_model(config)),
        fit_data="x_train, y_train, validation_data=(x_val, y_val)",
    )
