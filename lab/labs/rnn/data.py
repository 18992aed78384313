"""Sequence data of the RNN lab: the lecture's weather toy, Seattle's weather and
temperatures (vega_datasets, shipped offline), two synthetic memory tasks and
written dates to normalise.

Every task but `dates` gives sequences `x` of shape `(n, steps, features)` and a
target per sequence, split into training and validation parts. The real series are
split in time: validation targets come after every training target. `dates` gives
character ids: `x` is `(n, source_len)` (a date as written, padded with 0) and `y`
`(n, target_len)` (its ISO form and the end token), from `lab.translation`.
"""

import dataclasses

import numpy as np

from lab.translation import PAD, load_seq2seq

TASKS = ("weather_toy", "seattle_weather", "temperature", "adding", "copy", "dates")
CLASSIFY = ("weather_toy", "seattle_weather", "copy")
WEATHER_TOY = ("S", "C", "R", "T")  # sunny, cloudy, rainy, thunder: the lecture's one-hot symbols
TOY_STEPS = 3  # the toy sees three days and names the fourth
TOY_P_NEXT = 0.9  # the toy weather moves on along S → C → R → T → S with this probability, else stays
SEATTLE_CLASSES = ("drizzle", "fog", "rain", "snow", "sun")
SEATTLE_NUMBERS = ("precipitation", "temp_max", "temp_min", "wind")
COPY_LENGTH = 5  # symbols to remember in the copy task
COPY_SYMBOLS = 8
ADDING_BASELINE = 1 / 6  # predicting 1 always: the variance of the sum of two U(0, 1)


@dataclasses.dataclass
class SequenceData:
    """One task's sequences, targets and baseline.

    Attributes:
        name: the task's name.
        kind: "classification", "regression", "copy" (several classes per sequence)
            or "seq2seq" (an output sequence of its own length: `dates`).
        x_train, y_train, x_val, y_val: float32 sequences `(n, steps, features)` and
            their targets (class indices as int32, values as float32 columns); for
            `dates`, int32 source and target ids.
        classes: class names (classification and copy), else ().
        baseline: `{"name", "metric", "value", "words"}`: what a model must beat.
        input_mean, input_var: per-feature statistics of the training inputs for a
            normalisation layer, or None when the inputs are already on a good scale.
        target_mean, target_std: the scale of a regression target the network
            outputs in its own units (temperature), or None.
        extra: task-specific arrays for the views (persistence forecasts, times; for
            `dates` the `lab.translation.Seq2SeqData` under "seq2seq").
    """

    name: str
    kind: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    classes: tuple
    baseline: dict
    input_mean: np.ndarray | None = None
    input_var: np.ndarray | None = None
    target_mean: float | None = None
    target_std: float | None = None
    extra: dict = dataclasses.field(default_factory=dict)

    @property
    def steps(self):
        return self.x_train.shape[1]

    @property
    def n_features(self):
        """Numbers per step (1 for `dates`: one character id)."""
        return self.x_train.shape[2] if self.x_train.ndim == 3 else 1


def make_adding(n, steps, rng):
    """The adding problem: sum the two marked numbers of a long sequence.

    Each step holds a number drawn from U(0, 1) and a marker (0 or 1); one marker
    sits in the first half, one in the second, and the target is the sum of the
    two marked numbers.

    Returns:
        `(x, y)`: `(n, steps, 2)` float32 and `(n, 1)` float32.
    """
    values = rng.random((n, steps))
    first = rng.integers(0, steps // 2, n)
    second = rng.integers(steps // 2, steps, n)
    markers = np.zeros((n, steps))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype("float32")
    y = (values[rows, first] + values[rows, second]).astype("float32")[:, None]
    return x, y


def make_copy(n, steps, rng, length=COPY_LENGTH, symbols=COPY_SYMBOLS):
    """The copy task: remember the first `length` symbols through a long blank stretch.

    The first `length` steps hold one-hot symbols, the other steps are blank
    (all zeros); at the end the network must name every remembered symbol.

    Returns:
        `(x, y)`: `(n, steps, symbols)` float32 and `(n, length)` int32 symbol indices.
    """
    y = rng.integers(0, symbols, (n, length)).astype("int32")
    x = np.zeros((n, steps, symbols), dtype="float32")
    for position in range(length):
        x[np.arange(n), position, y[:, position]] = 1.0
    return x, y


def make_weather_toy(n, rng, steps=TOY_STEPS, p_next=TOY_P_NEXT):
    """The lecture's toy weather: one-hot S, C, R, T days that mostly follow a cycle.

    Each day moves on along S → C → R → T → S with probability `p_next` and
    otherwise repeats, so after S, C, R the next day is T nine times in ten.

    Returns:
        `(x, y)`: `(n, steps, 4)` float32 one-hot days and `(n,)` int32 next days.
    """
    days = np.empty((n, steps + 1), dtype="int32")
    days[:, 0] = rng.integers(0, 4, n)
    for t in range(1, steps + 1):
        days[:, t] = (days[:, t - 1] + (rng.random(n) < p_next)) % 4
    return np.eye(4, dtype="float32")[days[:, :steps]], days[:, steps]


def windows(series, length, horizon=1):
    """All windows of `length` rows and the index of the row `horizon` steps after each.

    Args:
        series: `(n, features)` array.

    Returns:
        `(x, target_index)`: `(m, length, features)` and `(m,)` indices into `series`.
    """
    starts = np.arange(len(series) - length - horizon + 1)
    index = starts[:, None] + np.arange(length)[None, :]
    return series[index], starts + length + horizon - 1


def _split_in_time(n, val_split):
    """The first index of the validation part: the last `val_split` share of `n`."""
    return round(n * (1 - val_split))


def _vega(name):
    """A data set that vega_datasets ships with the package (read offline)."""
    try:
        from vega_datasets import local_data
    except ImportError:
        raise ValueError("the Seattle data sets need the vega_datasets package (pip install vega_datasets).") from None
    return getattr(local_data, name)()


def load_seattle_weather(days, val_split):
    """Tomorrow's weather category from the past `days` days of Seattle weather.

    Each day is described by its four numbers (precipitation, highest and lowest
    temperature, wind) and its category, one-hot. The last `val_split` of the
    windows (in time) validate.

    Returns:
        `SequenceData` with the majority-class baseline and, in `extra`, the
        persistence accuracy (tomorrow is like today).
    """
    frame = _vega("seattle_weather")
    labels = np.array([SEATTLE_CLASSES.index(w) for w in frame["weather"]], dtype="int32")
    numbers = frame[list(SEATTLE_NUMBERS)].to_numpy(dtype="float64")
    series = np.concatenate([numbers, np.eye(len(SEATTLE_CLASSES))[labels]], axis=1).astype("float32")
    x, target = windows(series, days)
    y = labels[target]
    cut = _split_in_time(len(x), val_split)
    y_train, y_val = y[:cut], y[cut:]
    majority = int(np.bincount(y_train, minlength=len(SEATTLE_CLASSES)).argmax())
    train_days = series[: target[cut - 1]]
    mean, var = train_days.mean(axis=0), train_days.var(axis=0)
    one_hot = slice(len(SEATTLE_NUMBERS), None)
    mean[one_hot], var[one_hot] = 0.0, 1.0  # categories stay one-hot
    accuracy = float(np.mean(y_val == majority))
    return SequenceData(
        name="seattle_weather",
        kind="classification",
        x_train=x[:cut],
        y_train=y_train,
        x_val=x[cut:],
        y_val=y_val,
        classes=SEATTLE_CLASSES,
        baseline={
            "name": "majority class",
            "metric": "val_accuracy",
            "value": accuracy,
            "words": f"always say '{SEATTLE_CLASSES[majority]}' (the commonest training label)",
        },
        input_mean=mean,
        input_var=var,
        extra={
            "persistence_accuracy": float(np.mean(y_val == labels[target[cut:] - 1])),
            "dates": frame["date"].dt.strftime("%Y-%m-%d").to_numpy()[target[cut:]],
        },
    )


def load_temperature(window, horizon, val_split):
    """Seattle's hourly temperature (°F, 2010) `horizon` hours after a `window`-hour past.

    Inputs are the temperature and the hour of day (as sine and cosine, so 23:00
    and 0:00 are neighbours). The persistence forecast repeats the last hour seen.

    Returns:
        `SequenceData` with the persistence baseline (validation MAE in °F) and,
        in `extra`, the persistence forecasts and hours of the validation windows.
    """
    frame = _vega("seattle_temps")
    temps = frame["temp"].to_numpy(dtype="float64")
    hour = frame["date"].dt.hour.to_numpy()
    angle = 2 * np.pi * hour / 24
    series = np.stack([temps, np.sin(angle), np.cos(angle)], axis=1).astype("float32")
    x, target = windows(series, window, horizon)
    y = temps[target].astype("float32")[:, None]
    cut = _split_in_time(len(x), val_split)
    persistence = x[cut:, -1, 0]
    train_hours = series[: target[cut - 1]]
    mae = float(np.mean(np.abs(persistence - y[cut:, 0])))
    return SequenceData(
        name="temperature",
        kind="regression",
        x_train=x[:cut],
        y_train=y[:cut],
        x_val=x[cut:],
        y_val=y[cut:],
        classes=(),
        baseline={
            "name": "persistence",
            "metric": "val_mae",
            "value": mae,
            "words": f"repeat the last hour seen, {horizon} hour{'s' if horizon > 1 else ''} ahead",
        },
        input_mean=train_hours.mean(axis=0),
        input_var=train_hours.var(axis=0),
        target_mean=float(temps[: target[cut - 1]].mean()),
        target_std=float(temps[: target[cut - 1]].std()),
        extra={
            "persistence": persistence,
            "times": frame["date"].dt.strftime("%Y-%m-%d %H:00").to_numpy()[target[cut:]],
        },
    )


def _synthetic(make, n, val_split, seed):
    rng = np.random.default_rng(seed)
    x, y = make(n, rng)
    cut = _split_in_time(n, val_split)
    return x[:cut], y[:cut], x[cut:], y[cut:]


def position_majority(target_train, target_val):
    """Token accuracy of naming, at each target position, the commonest training token there (padding left out)."""
    majority = np.array([np.bincount(column).argmax() for column in target_train.T])
    real = target_val != PAD
    return float(np.sum((target_val == majority) & real) / max(np.sum(real), 1))


def load_dates(n_sequences, val_split, seed):
    """Dates written in the formats of `lab.translation.DATE_FORMATS`, to be written as ISO dates.

    Returns:
        `SequenceData` of kind "seq2seq" whose baseline is the token accuracy of
        naming each position's commonest training character; `extra["seq2seq"]`
        is the `Seq2SeqData` (texts, formats, tokens, the examples drawn live).
    """
    n_val = n_sequences - _split_in_time(n_sequences, val_split)
    seq = load_seq2seq("dates", n_sequences - n_val, n_val, seed)
    return SequenceData(
        "dates",
        "seq2seq",
        seq.source_train,
        seq.target_train,
        seq.source_val,
        seq.target_val,
        classes=seq.tokens,
        baseline={
            "name": "commonest character",
            "metric": "val_accuracy",
            "value": position_majority(seq.target_train, seq.target_val),
            "words": "name at each place of the answer its commonest training character (token accuracy)",
        },
        extra={"seq2seq": seq},
    )


def load(config):
    """The data of an `RNNConfig`'s task.

    Raises:
        ValueError: the real data set cannot be read, or leaves too few windows.
    """
    task, seed = config.task, config.seed
    if task == "seattle_weather":
        return load_seattle_weather(config.days, config.val_split)
    if task == "temperature":
        return load_temperature(config.window, config.horizon, config.val_split)
    if task == "dates":
        return load_dates(config.n_sequences, config.val_split, seed)
    if task == "adding":
        parts = _synthetic(
            lambda n, rng: make_adding(n, config.seq_len, rng), config.n_sequences, config.val_split, seed
        )
        return SequenceData(
            task,
            "regression",
            *parts,
            classes=(),
            baseline={
                "name": "always 1",
                "metric": "val_mse",
                "value": float(np.mean((parts[3] - 1.0) ** 2)),
                "words": f"always answer 1, the mean of the sum (MSE {ADDING_BASELINE:.3f} on average, here on the validation sequences)",
            },
        )
    if task == "copy":
        parts = _synthetic(lambda n, rng: make_copy(n, config.seq_len, rng), config.n_sequences, config.val_split, seed)
        return SequenceData(
            task,
            "copy",
            *parts,
            classes=tuple("abcdefgh"[:COPY_SYMBOLS]),
            baseline={
                "name": "guessing",
                "metric": "val_accuracy",
                "value": 1 / COPY_SYMBOLS,
                "words": f"guess each symbol (1 in {COPY_SYMBOLS}, loss ln {COPY_SYMBOLS} ≈ {np.log(COPY_SYMBOLS):.3f})",
            },
        )
    parts = _synthetic(make_weather_toy, config.n_sequences, config.val_split, seed)
    majority = float(np.bincount(parts[3], minlength=4).max() / len(parts[3]))
    return SequenceData(
        task,
        "classification",
        *parts,
        classes=WEATHER_TOY,
        baseline={
            "name": "majority class",
            "metric": "val_accuracy",
            "value": majority,
            "words": f"always name the commonest next day; a perfect forecaster is right {TOY_P_NEXT:.0%} of the time",
        },
    )
