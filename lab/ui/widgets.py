"""Hyperparameter widgets built from a config's metadata, with URL round-trips."""

import re
import urllib.parse

import streamlit as st

from lab.config import check_field, defaults, parse_value, specs

LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 50.0, 100.0)
MAX_LAYERS_DEFAULT_WIDTH = 16


def kept_text_input(label, key, default, **kwargs):
    """A text box in a live fragment that keeps what the user typed.

    A widget first drawn by a fragment rerun can lose its state in the browser
    when the page is slow to load it, and then comes back empty. Its value is
    kept here as well and passed back as its `value`, so it comes back as the
    user left it (`default` before they typed anything).

    Returns:
        The box's text.
    """
    kept = f"_kept_{key}"
    text = st.text_input(label, value=st.session_state.get(kept, default), key=key, **kwargs)
    st.session_state[kept] = text
    return text


def _saved_key(prefix):
    return f"_{prefix}_saved"


def values_from_query(config_cls, query):
    """Reads the config fields present in URL query parameters.

    Args:
        config_cls: the lab's config class.
        query: `{name: text}` from the URL.

    Returns:
        `(values, problems)`: the valid values by field, and one sentence per
        parameter that was ignored (unknown parameters are left alone).
    """
    values, problems = {}, []
    for name, spec in specs(config_cls).items():
        if name not in query:
            continue
        try:
            value = parse_value(name, spec, query[name])
            check_field(name, spec, value)
        except ValueError as err:
            problems.append(f"The link's {name} was ignored: {err}")
            continue
        values[name] = value
    return values, problems


def initial_values(config_cls, prefix):
    """The values the widgets start from: this session's last, else the URL's, else defaults.

    Returns:
        `(values, problems)` as in `values_from_query`.
    """
    if _saved_key(prefix) in st.session_state:
        return st.session_state[_saved_key(prefix)], []
    start = defaults(config_cls)
    from_query, problems = values_from_query(config_cls, st.query_params.to_dict())
    start.update(from_query)
    return start, problems


def _active(spec, values):
    if not spec.active_if:
        return True
    field, allowed = spec.active_if
    return values.get(field) in allowed


def _widget(name, spec, key, disabled):
    """Draws the widget of one scalar field and returns its value."""
    common = {"label": spec.label, "key": key, "help": spec.help, "disabled": disabled}
    if spec.kind == "choice":
        return st.selectbox(options=spec.choices, **common)
    if spec.kind == "bool":
        return st.checkbox(**common)
    if spec.kind == "str":
        return st.text_input(**common)
    if spec.log:
        options = sorted(set(LEARNING_RATES) | {st.session_state[key]})
        options = [v for v in options if spec.min <= v <= spec.upper()]
        return st.select_slider(options=options, format_func=lambda v: f"{v:g}", **common)
    upper = spec.upper()
    if spec.kind == "float" and upper <= 1 and spec.step and spec.step >= 0.01:
        return st.slider(min_value=float(spec.min), max_value=float(upper), step=spec.step, **common)
    if spec.kind == "float":
        return st.number_input(
            min_value=float(spec.min), max_value=float(upper), step=spec.step, format="%.4f", **common
        )
    return st.number_input(min_value=int(spec.min), max_value=int(upper), step=int(spec.step or 1), **common)


def _layer_editor(prefix, units_spec, act_spec, units, acts):
    """Edits a list of layer widths with an activation per layer."""
    count_key = f"{prefix}_n_layers"
    st.session_state.setdefault(count_key, len(units))
    n = st.slider("Hidden layers", 0, units_spec.max_len, key=count_key, help="0 gives a linear (or logistic) model.")
    per_layer = acts * len(units) if len(acts) == 1 else acts
    widths, activations = [], []
    for i in range(n):
        w_key, a_key = f"{prefix}_units_{i}", f"{prefix}_act_{i}"
        st.session_state.setdefault(w_key, units[i] if i < len(units) else MAX_LAYERS_DEFAULT_WIDTH)
        st.session_state.setdefault(
            a_key, per_layer[i] if i < len(per_layer) else per_layer[-1] if per_layer else acts[0]
        )
        left, right = st.columns(2)
        widths.append(
            left.number_input(
                f"Layer {i + 1} width", int(units_spec.min), int(units_spec.max), key=w_key, help=units_spec.help
            )
        )
        activations.append(
            right.selectbox(f"Layer {i + 1} activation", act_spec.choices, key=a_key, help=act_spec.help)
        )
    if len(set(activations)) <= 1:  # one activation for every layer is written once
        return tuple(widths), (activations[0] if activations else acts[0],)
    return tuple(widths), tuple(activations)


def task_key(config_cls):
    """The query parameter of a classroom link's task text: `task`, or `assignment` in labs whose own setting is
    called `task` (the RNN's and the attention lab's)."""
    return "assignment" if "task" in specs(config_cls) else "task"


def classroom_keys(config_cls):
    """The query parameters of a classroom link (kept in the URL beside the settings), a challenge's included."""
    return ("hide", task_key(config_cls), "challenge")


def classroom(query, config_cls):
    """The classroom settings of a URL: `(hidden fields, task text)`.

    `hide` lists the fields whose widgets a teacher hides (comma-separated, or
    `all`); `task` (see `task_key`) is the text the students see above the lab.
    """
    hide = query.get("hide", "")
    hidden = {"all"} if hide.strip() == "all" else {name.strip() for name in hide.split(",") if name.strip()}
    return hidden, query.get(task_key(config_cls), "").strip()


def config_widgets(config_cls, prefix, container=None, hidden=()):
    """Draws every widget of a config, grouped, and returns the chosen values.

    Widget keys are `<prefix>_<field>` (layer editors use `<prefix>_n_layers`,
    `<prefix>_units_<i>` and `<prefix>_act_<i>`). The values are kept for the
    session, so they survive page switches.

    Args:
        config_cls: the lab's config class.
        prefix: the key prefix (the lab's name).
        container: where to draw (default: the sidebar).
        hidden: fields whose widgets are not drawn (a classroom link); they keep
            the link's (or the default) value. `{"all"}` hides every widget.

    Returns:
        `(values, problems)`: `{field: value}` not yet validated as a whole, and
        sentences about URL parameters that were ignored.
    """
    container = container or st.sidebar
    start, problems = initial_values(config_cls, prefix)
    all_specs = specs(config_cls)
    paired = {s.pairs_with for s in all_specs.values() if s.pairs_with}
    values = dict(start)
    shown = {
        name
        for name, spec in all_specs.items()
        if spec.ui
        and "all" not in hidden
        and name not in hidden
        and not (spec.pairs_with and spec.pairs_with in hidden)
    }
    with container:
        if len(shown) < sum(spec.ui for spec in all_specs.values()):
            st.caption(":material/school: Your teacher fixed some of the settings for this exercise.")
        for group in dict.fromkeys(s.group for s in all_specs.values()):
            if not any(all_specs[name].group == group for name in shown):
                continue
            st.subheader(group)
            for name, spec in all_specs.items():
                if spec.group != group or name not in shown or name in paired:
                    continue
                if spec.pairs_with:
                    values[name], values[spec.pairs_with] = _layer_editor(
                        prefix, spec, all_specs[spec.pairs_with], start[name], start[spec.pairs_with]
                    )
                    continue
                key = f"{prefix}_{name}"
                st.session_state.setdefault(key, start[name])
                values[name] = _widget(name, spec, key, disabled=not _active(spec, values))
    st.session_state[_saved_key(prefix)] = values
    return values, problems


def sync_query_params(config):
    """Writes the settings that differ from the defaults into the URL, so it can be shared (classroom keys stay)."""
    wanted = config.to_strings(only_changed=True)
    kept = classroom_keys(type(config))
    wanted.update({k: v for k, v in st.query_params.to_dict().items() if k in kept})
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def share_query(config, hide=(), task=""):
    """The query string that restores a config (for the share box), with classroom settings when given."""
    query = config.to_strings()
    if hide:
        query["hide"] = ",".join(hide)
    if task:
        query[task_key(type(config))] = task
    return urllib.parse.urlencode(query, safe=",")


def preset_button(prefix, label, values, key, container=st, **button_args):
    """A button that sets several widgets at once (a preset); they take the values on the next run.

    Args:
        prefix: the lab's widget key prefix.
        label: the button's text.
        values: `{field: value}` to set.
        key: the button's widget key.
        container: where to draw the button (a column, say).
        **button_args: more `st.button` arguments (`help`, `icon`, `width`).
    """

    def apply():
        for name, value in values.items():
            st.session_state[f"{prefix}_{name}"] = value

    return container.button(label, key=key, on_click=apply, **button_args)


def open_in_lab(page, prefix, config_cls, settings):
    """Opens a lab page with `settings` (`{field: text}`) in its widgets, the rest at their defaults.

    Forgets the lab's widget values of this session first, so the page starts
    from the link's settings, as a fresh visitor would.
    """
    fields = set(specs(config_cls))
    for key in list(st.session_state):
        rest = key[len(prefix) + 1 :] if key.startswith(f"{prefix}_") else None
        if rest is not None and (rest in fields or re.fullmatch(r"n_layers|units_\d+|act_\d+", rest)):
            del st.session_state[key]
    st.session_state.pop(_saved_key(prefix), None)
    st.switch_page(page, query_params=settings)
