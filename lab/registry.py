"""The lab registry: finds every lab folder under `lab/labs/` and reads its descriptor.

A lab is a package `lab/labs/<name>/` whose `__init__.py` declares `LAB = LabSpec(...)`.
Its modules follow one protocol, so the UI, the CLI, the gallery and the benchmarks
reach every lab the same way:

- `config.py`: the config dataclass (named in the descriptor).
- `data.py`: `load(config) -> data`, or `load(config, upload)` for a lab that takes a
  file; raises ValueError for bad data.
- `setup.py`: `build(config, data) -> Setup` and `metrics(setup, run) -> dict`; for
  labs whose views ask the model questions, `answer(setup, question, **kwargs)`.
- `stepping.py`, for labs with `steps`: `step(setup, action) -> dict`.
- `views.py` (the only Streamlit in the folder): `inputs(values) -> (values, upload)`
  (the lab's own widgets) and `draw(run, data, job)`; optionally `preview(config,
  upload)`, `controls(job)` and `sections(config)`, which get the validated config
  or the job, never raw widget values.
- `codegen.py`: `script(config) -> str`, the standalone Keras script.
- `gallery.py`: `ENTRIES`, the lab's gallery of loss curves (`lab.gallery.Entry`).

The descriptor is plain data and imports only the config, so listing the labs
(home page, sidebar, `python -m lab list`) never imports TensorFlow; each hook is
imported on first use.
"""

import dataclasses
import functools
import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from lab.runs import Snapshot

LABS_PACKAGE = "lab.labs"
MODULES = ("config", "data", "setup", "views", "codegen", "gallery")  # every lab folder has these, besides __init__


@dataclasses.dataclass
class Setup:
    """What a lab's `build` hands to the training engine.

    Attributes:
        model: the compiled `keras.Model`.
        x, y: training inputs and targets for `fit`.
        validation_data: `(x_val, y_val)` or None.
        batch_size: the batch size for `fit`.
        warnings: sentences about questionable choices (shown, never silently fixed).
        snapshot: `model -> Snapshot` of live views (each lab's `<Lab>Snapshot`),
            called where the job trains.
        extra: lab-specific objects the metrics need (the head, the data...).
        epoch_metrics: `model -> dict` of extra numbers for each epoch's history
            row (called at every epoch end, in the training thread), or None.
        live: `{field: apply}` for the settings that may change while training:
            `apply(value)` changes the model (called by the engine between
            batches). None gives the default, `{"learning_rate": <the optimizer's>}`.
    """

    model: Any
    x: Any
    y: Any
    validation_data: tuple | None
    batch_size: int
    warnings: tuple = ()
    snapshot: Callable[[Any], Snapshot] | None = None
    extra: dict = dataclasses.field(default_factory=dict)
    epoch_metrics: Callable[[Any], dict] | None = None
    live: dict[str, Callable[[float], None]] | None = None


@dataclasses.dataclass(frozen=True)
class LabSpec:
    """One lab's descriptor: what lists the lab, and where its hooks live.

    Attributes:
        name: registry and CLI name ("mlp"); also the folder's name.
        title: the page title (and its label in the menu).
        icon: the menu icon (a Streamlit material icon).
        order: the place in the menu and on the home page.
        page: the page file under `pages/` (a deep link opens it).
        blurb: what a newcomer does there, for the home page's card.
        summary: what the lab teaches, in one sentence (`python -m lab list`).
        config_cls: the config dataclass.
        thumbnail: the home card's picture, relative to the repository.
        thumbnail_shot: how `docs/thumbnails.py` makes it: `(query, chart)`, the
            page's settings for a quick run and which of its charts (0 is the loss
            chart) shows the lab's main view once that run has ended.
        steps: the actions a finished run can be stepped by hand (`job.step`).
        label_words: `{label: (icon, words)}` of the diagnosis labels the lab adds.
        log_loss: the loss chart starts on a log scale (a loss that falls by orders of magnitude).
        presets: the lab's `lab.config.Preset`s, offered on its page and by `python -m lab run --preset`.
        work: `config -> float`, proportional to a run's training time (`lab.estimate`); None: its epochs.
        reference_seconds: how long the default run trains on the reference machine (2 CPU cores).
    """

    name: str
    title: str
    icon: str
    order: int
    page: str
    blurb: str
    summary: str
    config_cls: type
    thumbnail: str = ""
    thumbnail_shot: tuple[str, int] = ("", 1)
    steps: tuple[str, ...] = ()
    label_words: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    log_loss: bool = False
    presets: tuple = ()
    work: Callable[[Any], float] | None = None
    reference_seconds: float = 0.0

    def module(self, part: str) -> Any:
        """The lab's module `part` ("data", "setup", "views", "codegen"), imported on first use."""
        return importlib.import_module(f"{LABS_PACKAGE}.{self.name}.{part}")

    def load_data(self, config: Any, upload: Any = None) -> Any:
        """The lab's data for `config` (and an uploaded file, for labs that take one)."""
        data = self.module("data")
        return data.load(config) if upload is None else data.load(config, upload)

    def build(self, config: Any, data: Any) -> Setup:
        """The model and its fit data; called where the job trains, after seeding."""
        return self.module("setup").build(config, data)

    def metrics(self, setup: Setup, run: Any) -> dict:
        """The final metrics of a run."""
        return self.module("setup").metrics(setup, run)

    def preset(self, key: str) -> Any:
        """The preset called `key`.

        Raises:
            ValueError: the lab has no such preset.
        """
        for preset in self.presets:
            if preset.key == key:
                return preset
        known = ", ".join(p.key for p in self.presets) or "none"
        raise ValueError(f"The {self.name} lab has no preset {key!r}; presets: {known}.")

    def check_step(self, action: str) -> None:
        """Raises ValueError unless `action` is one of this lab's hand steps."""
        if action not in self.steps:
            raise ValueError(f"The {self.name} lab has no step {action!r}; steps: {', '.join(self.steps) or 'none'}.")

    def step(self, setup: Setup, action: str) -> dict:
        """One hand step of a finished run's model (an action named in `steps`)."""
        return self.module("stepping").step(setup, action)

    def answer(self, setup: Setup, question: str, **kwargs: Any) -> Any:
        """A trained (or training) model's answer to a question from a view."""
        return self.module("setup").answer(setup, question, **kwargs)

    def script(self, config: Any) -> str:
        """The standalone Keras script that reproduces a run of `config`."""
        return self.module("codegen").script(config)


def last_epoch_metrics(*keys: str) -> Callable[[Setup, Any], dict]:
    """Returns a `metrics` function: the last epoch's values of `keys` and the epochs trained."""

    def metrics(setup: Setup, run: Any) -> dict:
        if not run.history:
            return {}
        last = run.history[-1]
        return {**{k: last[k] for k in keys if k in last}, "epochs_trained": len(run.history)}

    return metrics


@functools.cache
def labs() -> dict[str, LabSpec]:
    """Returns `{name: LabSpec}` of every lab folder, in menu order.

    Raises:
        RuntimeError: a lab folder has no valid descriptor (it is never skipped silently).
    """
    package = importlib.import_module(LABS_PACKAGE)
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg or info.name.startswith("_"):
            continue
        spec = getattr(importlib.import_module(f"{LABS_PACKAGE}.{info.name}"), "LAB", None)
        if not isinstance(spec, LabSpec) or spec.name != info.name:
            raise RuntimeError(f"lab/labs/{info.name}/__init__.py must define LAB = LabSpec(name={info.name!r}, ...).")
        found.append(spec)
    return {spec.name: spec for spec in sorted(found, key=lambda s: (s.order, s.name))}


def get_lab(name: str) -> LabSpec:
    """Returns the `LabSpec` called `name`.

    Raises:
        ValueError: no such lab.
    """
    all_labs = labs()
    if name not in all_labs:
        raise ValueError(f"There is no lab called {name!r}. Labs: {', '.join(all_labs)}.")
    return all_labs[name]


def label_words() -> dict[str, tuple[str, str]]:
    """`{label: (icon, words)}` the labs add to the diagnosis' own labels."""
    return {label: words for spec in labs().values() for label, words in spec.label_words.items()}
