"""Bad input on every lab page: every setting at its bounds, out of range and nonsense, from crafted links.

Every page must either accept the values or say in words what is wrong, never
raise; Train is disabled only with a message that says why.
"""

import pytest

from lab.config import format_value, specs
from lab.registry import labs
from tests.app.support import open_lab_page

LABS = labs()


def _numeric(lab):
    return {f: s for f, s in specs(lab.config_cls).items() if s.ui and s.kind in ("int", "float")}


def links(lab):
    """`(name, query, fields that must be reported)` for one lab."""
    numeric = _numeric(lab)
    all_specs = {f: s for f, s in specs(lab.config_cls).items() if s.ui}
    yield "at their minimum", {f: format_value(s.min) for f, s in numeric.items()}, ()
    yield "at their maximum", {f: format_value(s.upper()) for f, s in numeric.items()}, ()
    yield "far below", {f: "-1e9" for f in numeric}, tuple(numeric)
    yield "far above", {f: "1e9" for f in numeric}, tuple(numeric)
    nonsense = {
        f: {"bool": "maybe", "int_list": "a,b"}.get(s.kind, "no_such_thing")
        for f, s in all_specs.items()
        if s.kind != "str"
    }
    yield "nonsense", nonsense, tuple(nonsense)
    for field, spec in all_specs.items():
        for choice in spec.choices if spec.kind == "choice" else ():
            yield f"{field}={choice}", {field: choice}, ()


CASES = [
    pytest.param(name, query, reported, id=f"{name}-{what}")
    for name, lab in LABS.items()
    for what, query, reported in links(lab)
]


@pytest.mark.parametrize("lab_name, query, reported", CASES)
def test_crafted_link_gives_the_page_or_a_clear_message(lab_name, query, reported):
    at = open_lab_page(LABS[lab_name].page, query)
    assert not at.exception
    words = " ".join(e.value for e in [*at.error, *at.warning])
    if at.button(key="train").disabled:
        assert "cannot train" in words or "could not" in words, "Train is disabled without a reason"
    for field in reported:
        assert f"The link's {field} was ignored" in words
