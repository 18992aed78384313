"""The lab registry: every lab reached the same way by the UI, CLI and benchmarks."""

import dataclasses
import importlib
import importlib.util
from typing import Callable


@dataclasses.dataclass
class Setup:
    """What a lab's `build` hands to the training engine.

    Attributes:
        model: the compiled `keras.Model`.
        x, y: training inputs and targets for `fit`.
        validation_data: `(x_val, y_val)` or None.
        batch_size: the batch size for `fit`.
        warnings: sentences about questionable choices (shown, never silently fixed).
        snapshot: `model -> dict` of live views, called from the training thread.
        extra: lab-specific objects the metrics need (the head, the data...).
        epoch_metrics: `model -> dict` of extra numbers for each epoch's history
            row (called at every epoch end, in the training thread), or None.
    """

    model: object
    x: object
    y: object
    validation_data: tuple | None
    batch_size: int
    warnings: tuple = ()
    snapshot: Callable | None = None
    extra: dict = dataclasses.field(default_factory=dict)
    epoch_metrics: Callable | None = None


@dataclasses.dataclass(frozen=True)
class LabSpec:
    """One lab.

    Attributes:
        name: registry and CLI name ("mlp").
        title: the page title.
        summary: what the lab teaches, in one sentence.
        page: the page file under `pages/`.
        config_cls: the config dataclass.
        load_data: `(config, upload=None) -> data`; raises ValueError for bad data.
        build: `(config, data) -> Setup`, called in the training thread after seeding.
        metrics: `(setup, run) -> dict` of final metrics.
    """

    name: str
    title: str
    summary: str
    page: str
    config_cls: type
    load_data: Callable
    build: Callable
    metrics: Callable


def last_epoch_metrics(*keys):
    """Returns a `metrics` function: the last epoch's values of `keys` and the epochs trained."""

    def metrics(setup, run):
        if not run.history:
            return {}
        last = run.history[-1]
        return {**{k: last[k] for k in keys if k in last}, "epochs_trained": len(run.history)}

    return metrics


LAB_MODULES = ("mlp", "autoencoder", "gan", "pinn", "rnn", "attention")  # menu order; modules in lab/labs


def labs():
    """Returns `{name: LabSpec}` of every lab, imported on demand (TensorFlow is heavy)."""
    found = [name for name in LAB_MODULES if importlib.util.find_spec(f"lab.labs.{name}") is not None]
    specs = [importlib.import_module(f"lab.labs.{name}").LAB for name in found]
    return {spec.name: spec for spec in specs}


def get_lab(name):
    """Returns the `LabSpec` called `name`.

    Raises:
        ValueError: no such lab.
    """
    all_labs = labs()
    if name not in all_labs:
        raise ValueError(f"There is no lab called {name!r}. Labs: {', '.join(all_labs)}.")
    return all_labs[name]
