"""The project's shape: one folder per lab with the same modules, one-line pages, Streamlit only in the UI layer."""

import ast
import importlib
import os
import pathlib
import subprocess
import sys

import pytest

from lab.registry import MODULES, LabSpec, labs

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAB_NAMES = ("mlp", "autoencoder", "gan", "pinn", "rnn", "attention", "diffusion")  # the seven labs, in menu order
HOOKS = {"data": ("load",), "setup": ("build", "metrics"), "views": ("inputs", "draw"), "codegen": ("script",)}
STREAMLIT_ALLOWED = (
    "lab/ui/",
    "lab/labs/*/views.py",
    "lab/labs/*/views_*.py",
)  # within lab/ and models/ (pages and the home page are UI)


def python_files(*folders):
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def imports_of(path):
    """The top-level package names a file imports."""
    tree = ast.parse(path.read_text(), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def allowed_streamlit(path):
    relative = path.relative_to(ROOT).as_posix()
    return any(
        pathlib.PurePosixPath(relative).match(pattern) if "*" in pattern else relative.startswith(pattern)
        for pattern in STREAMLIT_ALLOWED
    )


def test_the_registry_finds_the_six_lab_folders_in_menu_order():
    folders = sorted(p.name for p in (ROOT / "lab" / "labs").iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert sorted(LAB_NAMES) == folders
    assert tuple(labs()) == LAB_NAMES
    assert [spec.order for spec in labs().values()] == sorted(spec.order for spec in labs().values())


@pytest.mark.parametrize("name", LAB_NAMES)
def test_every_lab_folder_has_the_same_modules_and_hooks(name):
    folder = ROOT / "lab" / "labs" / name
    assert {"__init__", *MODULES} <= {p.stem for p in folder.glob("*.py")}
    spec = labs()[name]
    assert isinstance(spec, LabSpec) and (ROOT / spec.page).is_file() and (ROOT / spec.thumbnail).is_file()
    assert spec.config_cls.__module__ == f"lab.labs.{name}.config"
    for module, names in HOOKS.items():
        loaded = spec.module(module)
        for hook in names:
            assert callable(getattr(loaded, hook, None)), f"lab/labs/{name}/{module}.py has no {hook}()"
    assert spec.module("gallery").ENTRIES and {e.lab for e in spec.module("gallery").ENTRIES} == {name}
    if spec.steps:
        assert callable(spec.module("stepping").step)


def test_a_broken_lab_folder_raises_instead_of_being_skipped(tmp_path, monkeypatch):
    import lab.labs
    from lab import registry

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "__init__.py").write_text("LAB = None\n")
    monkeypatch.setattr(lab.labs, "__path__", [*lab.labs.__path__, str(tmp_path)])
    registry.labs.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="lab/labs/broken/__init__.py must define LAB"):
            registry.labs()
    finally:
        registry.labs.cache_clear()
        importlib.invalidate_caches()


def test_each_page_is_one_call_of_at_most_ten_lines():
    for page in sorted((ROOT / "pages").glob("*.py")):
        assert len(page.read_text().splitlines()) <= 10, page.name


def test_streamlit_is_imported_only_by_the_ui_layer():
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in python_files("lab", "models")
        if "streamlit" in imports_of(p) and not allowed_streamlit(p)
    ]
    assert offenders == []
    assert "streamlit" in imports_of(ROOT / "lab" / "labs" / "gan" / "views.py")  # the check sees real imports


def test_no_module_in_lab_or_models_is_over_400_lines():
    long = {
        p.relative_to(ROOT).as_posix(): n
        for p in python_files("lab", "models")
        if (n := len(p.read_text().splitlines())) > 400
    }
    assert long == {}


def test_tests_and_benchmarks_do_not_import_each_other():
    assert [p.name for p in python_files("tests") if "bench" in imports_of(p)] == []
    assert [p.name for p in python_files("bench") if "tests" in imports_of(p)] == []


def test_no_list_of_lab_names_outside_the_lab_folders():
    """The menu, home cards, registry and CLI read the descriptors: no other module spells out every lab."""
    for path in python_files("lab") + [ROOT / "streamlit_app.py"]:
        if "labs" in path.relative_to(ROOT).parts:
            continue
        text = path.read_text()
        quoted = [name for name in LAB_NAMES if f'"{name}"' in text or f"'{name}'" in text]
        assert len(quoted) < 3, f"{path.relative_to(ROOT)} names the labs {quoted}"


def test_no_view_or_page_assigns_to_a_model_an_optimizer_a_job_or_a_run():
    """Data flows one way: views read the run and send the job commands (stop, set, step, ask)."""
    owners = {"run", "job", "model", "optimizer", "setup", "d_optimizer", "g_optimizer"}
    ui = (
        python_files("lab/ui", "pages")
        + sorted((ROOT / "lab" / "labs").glob("*/views*.py"))
        + [ROOT / "streamlit_app.py"]
    )
    found = []
    for path in ui:
        for node in ast.walk(ast.parse(path.read_text())):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AugAssign)
                else []
            )
            for target in targets:
                chain = target
                while isinstance(chain, ast.Attribute | ast.Subscript):
                    chain = chain.value
                    if (
                        isinstance(chain, ast.Attribute)
                        and chain.attr in owners
                        or isinstance(chain, ast.Name)
                        and chain.id in owners
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                        break
    assert found == []


PAGES_WITHOUT_TENSORFLOW = """
import sys
from lab.backends import ThreadBackend
ThreadBackend.describe = lambda self: "worker processes"  # only the in-process stand-in for workers needs TensorFlow
from tests.app.support import open_lab_page
for page in sys.argv[1:]:
    assert not open_lab_page(page).exception, page
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules, page
"""


def test_every_page_renders_without_importing_tensorflow():
    """The server's process draws pages; TensorFlow lives in the workers (its import took 4 s of a first visit)."""
    pages = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    env = {**os.environ, "LAB_BACKEND": "thread", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PAGES_WITHOUT_TENSORFLOW, *pages], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
