"""Config machinery shared by every lab.

A lab's config is a frozen dataclass whose fields are declared with `param(...)`.
The metadata (range, choices, help text, widget group) is the single source of
truth for the widgets, the CLI flags, the URL query parameters and validation.
"""

import dataclasses
import math
import os
from typing import Any, ClassVar


@dataclasses.dataclass(frozen=True)
class Spec:
    """Metadata of one hyperparameter.

    Args:
        kind: one of "int", "float", "choice", "bool", "str", "int_list", "choice_list".
        help: one sentence shown next to the widget and in `lab show`.
        label: the widget label.
        group: the widget group ("Data", "Model", "Training").
        min, max: inclusive bounds for numbers (and for each item of int lists).
        choices: allowed values for choice kinds.
        log: a number best picked on a log scale (learning rates).
        step: widget step for numbers.
        min_len, max_len: allowed lengths of list kinds.
        cap_env: environment variable that lowers `max` on a hosted server.
        pairs_with: for an int list, the choice list edited beside it item by item.
        active_if: `(field, values)`: the widget only matters when `field` is in `values`.
        ui: False for settings that have no widget (the page sets them another way).
        live: the setting may change while the model trains (`job.set`); it applies at the next batch.
        train_only: when non-zero, the setting handicaps only training (dropout, input noise), so a
            validation loss below the training loss is expected.
    """

    kind: str
    help: str
    label: str
    group: str
    min: float | None = None
    max: float | None = None
    choices: tuple = ()
    log: bool = False
    step: float | None = None
    min_len: int = 0
    max_len: int = 8
    cap_env: str | None = None
    pairs_with: str | None = None
    active_if: tuple = ()
    ui: bool = True
    live: bool = False
    train_only: bool = False

    def upper(self):
        """The effective maximum: `max`, lowered by the cap environment variable."""
        if self.cap_env and os.environ.get(self.cap_env):
            cap = float(os.environ[self.cap_env])
            return cap if self.max is None else min(self.max, cap)
        return self.max


@dataclasses.dataclass(frozen=True)
class Preset:
    """Settings a lab offers together: a button on its page, `--preset KEY` on the command line.

    Args:
        key: the CLI name ("high_accuracy").
        label: the button's text.
        settings: `{field: value}`; the other fields keep their defaults.
        note: what the preset gives, in a sentence.
    """

    key: str
    label: str
    settings: dict
    note: str


def param(default, kind, help, label=None, group="Model", **kwargs):
    """Declares a config field with its widget and validation metadata.

    Args:
        default: the default value (lists are given as tuples).
        kind: see `Spec.kind`.
        help: one sentence for the widget tooltip and the CLI schema.
        label: widget label (defaults to the field name in words).
        group: widget group.
        **kwargs: other `Spec` fields.

    Returns:
        A `dataclasses.field` carrying the `Spec` in its metadata.
    """
    spec = Spec(kind=kind, help=help, label=label or "", group=group, **kwargs)
    return dataclasses.field(default=default, metadata={"spec": spec})


def learning_rate_param(default, help, min, max, **kwargs):
    """A learning rate: picked on a log scale in the Training group, changeable while training."""
    return param(default, "float", help, group="Training", min=min, max=max, log=True, live=True, **kwargs)


def epochs_param(default, passes_over, max=2000):
    """The epochs of a run ("Passes over <passes_over>."), capped on a hosted server by `LAB_MAX_EPOCHS`."""
    return param(
        default, "int", f"Passes over {passes_over}.", group="Training", min=1, max=max, cap_env="LAB_MAX_EPOCHS"
    )


def seed_param(seeds):
    """The random seed ("Random seed for <seeds>: ..."): every lab's runs are reproducible from it."""
    return param(
        0, "int", f"Random seed for {seeds}: the same seed gives the same run.", group="Training", min=0, max=2**31 - 1
    )


def train_only_settings(config):
    """The settings of `config` that handicap only training, in words ("dropout 0.3"); empty when none is on."""
    return [
        f"{spec.label.lower()} {getattr(config, name):g}"
        for name, spec in specs(type(config)).items()
        if spec.train_only and getattr(config, name)
    ]


def specs(config_cls):
    """Returns `{name: Spec}` for a config class, in declaration order."""
    out = {}
    for f in dataclasses.fields(config_cls):
        spec = f.metadata["spec"]
        label = spec.label or f.name.replace("_", " ").capitalize()
        out[f.name] = dataclasses.replace(spec, label=label)
    return out


def live_fields(config_cls):
    """The names of the settings that may change while training, in declaration order."""
    return tuple(name for name, spec in specs(config_cls).items() if spec.live)


def live_value(settings, field, value):
    """`value` as a live change of `field` (a learning rate), checked against the live `settings`.

    Raises:
        ValueError: `field` cannot change while training, or `value` is not a positive number.
    """
    if field not in settings:
        raise ValueError(f"{field} cannot change while training; live settings: {', '.join(settings)}.")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{field} must be a positive number, not {value}.")
    return value


def defaults(config_cls):
    """Returns `{name: default}` for a config class."""
    return {f.name: f.default for f in dataclasses.fields(config_cls)}


def _number(name, text, cast):
    try:
        value = cast(text)
    except (TypeError, ValueError):
        kind = "a whole number" if cast is int else "a number"
        raise ValueError(f"{name} must be {kind}, not {text!r}.") from None
    return value


def parse_value(name, spec, text):
    """Converts one value given as text (CLI flag, URL parameter) to its field type.

    Raises:
        ValueError: the text is not of the field's type.
    """
    if not isinstance(text, str):
        return text
    text = text.strip()
    if spec.kind == "int":
        return _number(name, text, int)
    if spec.kind == "float":
        return _number(name, text, float)
    if spec.kind == "bool":
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{name} must be true or false, not {text!r}.")
    if spec.kind == "int_list":
        items = [t for t in text.replace(" ", "").split(",") if t]
        return tuple(_number(name, t, int) for t in items)
    if spec.kind == "choice_list":
        return tuple(t for t in text.replace(" ", "").split(",") if t)
    return text


def format_value(value):
    """Formats a field value as text for the CLI and the URL (inverse of `parse_value`)."""
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check_number(name, spec, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, not {value!r}.")
    if spec.kind == "int" and int(value) != value:
        raise ValueError(f"{name} must be a whole number, not {value}.")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value}.")
    upper = spec.upper()
    if spec.min is not None and value < spec.min or upper is not None and value > upper:
        capped = " on this server" if upper != spec.max else ""
        raise ValueError(f"{name} must be between {_fmt(spec.min)} and {_fmt(upper)}{capped}; got {_fmt(value)}.")


def _fmt(x):
    return f"{x:g}" if isinstance(x, float) else str(x)


def check_field(name, spec, value):
    """Checks one value against its spec.

    Raises:
        ValueError: with a sentence that says what is wrong and what is allowed.
    """
    if spec.kind in ("int", "float"):
        _check_number(name, spec, value)
    elif spec.kind == "choice":
        if value not in spec.choices:
            raise ValueError(f"{name} must be one of {', '.join(map(str, spec.choices))}; got {value!r}.")
    elif spec.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, not {value!r}.")
    elif spec.kind in ("int_list", "choice_list"):
        if not isinstance(value, tuple) or not spec.min_len <= len(value) <= spec.max_len:
            raise ValueError(
                f"{name} must be a comma-separated list of {spec.min_len} to {spec.max_len} items; got {value!r}."
            )
        for item in value:
            if spec.kind == "int_list":
                _check_number(f"each item of {name}", dataclasses.replace(spec, kind="int"), item)
            elif item not in spec.choices:
                raise ValueError(f"each item of {name} must be one of {', '.join(spec.choices)}; got {item!r}.")


class BaseConfig:
    """Mixin for lab configs: validation on construction and text round-trips.

    Subclasses are frozen dataclasses declared with `param(...)` and may add
    cross-field checks in `check()`. Every lab's config has `epochs` and `seed`.
    """

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]  # set by @dataclass on each subclass
    epochs: int
    seed: int

    def __post_init__(self):
        for name, spec in specs(type(self)).items():
            check_field(name, spec, getattr(self, name))
        self.check()

    def check(self):
        """Cross-field validation; raises ValueError. Override in subclasses."""

    @classmethod
    def from_strings(cls, values):
        """Builds a config from `{name: text}` (CLI `--set`, URL query parameters).

        Raises:
            ValueError: an unknown key or a value that does not parse or validate.
        """
        all_specs = specs(cls)
        unknown = sorted(set(values) - set(all_specs))
        if unknown:
            raise ValueError(f"Unknown setting {', '.join(unknown)}. Known settings: {', '.join(all_specs)}.")
        parsed = {k: parse_value(k, all_specs[k], v) for k, v in values.items()}
        return cls(**parsed)

    def to_dict(self):
        """Returns the config as a JSON-ready dict (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}

    def to_strings(self, only_changed=True):
        """Returns `{name: text}`, by default only the values that differ from the defaults."""
        base = defaults(type(self))
        return {k: format_value(v) for k, v in dataclasses.asdict(self).items() if not only_changed or v != base[k]}

    def replace(self, **changes):
        """Returns a validated copy with some fields changed."""
        return dataclasses.replace(self, **changes)
