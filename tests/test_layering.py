"""The package's three layers, enforced.

``cnn_course`` is built in three layers; a module may import from its own layer and the
ones below, never from above:

0. the NumPy core -- the slides' numbers and the reference computations. It never imports
   TensorFlow, Keras or matplotlib, not even inside a function, so a student can use it
   (and the tests can check it) in a second, without a GPU and without a display;
1. the Keras layer -- data, models, training, pretrained networks, explanations. It may
   use the core, and never imports matplotlib or the figures: what it computes, a figure
   draws, never the other way round;
2. the figures -- ``viz`` and ``widgets``. They may import anything below.

``import cnn_course`` itself stays free of TensorFlow.

Each module's layer is written in :data:`LAYERS`; the tests read every module's source
with :mod:`ast` (every import statement, at the top, inside functions and under
``TYPE_CHECKING``, plus ``importlib.import_module("...")`` calls with a literal name), and
import the core modules in a fresh interpreter to see what they really load. Modules are
found by walking the package folder, so a module added anywhere is checked -- and one that
nobody placed in a layer fails until it is.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cnn_course"

CORE, KERAS, FIGURES = 0, 1, 2
LAYER_NAMES = {CORE: "the NumPy core", KERAS: "the Keras layer", FIGURES: "the figures"}

LAYERS: dict[str, int] = {
    # 0. NumPy core: the standard library and NumPy only.
    "cnn_course": CORE,  # the package itself: `import cnn_course` is cheap
    "cnn_course._checks": CORE,
    "cnn_course._format": CORE,
    "cnn_course._lazy": CORE,  # imports nothing heavy itself; see LAZY_GATEWAY
    "cnn_course.course": CORE,  # the course map: which notebook follows which decks
    "cnn_course.kernels": CORE,
    "cnn_course.metrics": CORE,
    "cnn_course.ops": CORE,
    "cnn_course.shapes": CORE,
    "cnn_course.slides": CORE,
    # 1. Keras layer: may use the core; never matplotlib, viz or widgets.
    "cnn_course.architectures": KERAS,
    "cnn_course.bench": KERAS,
    "cnn_course.cli": KERAS,  # the cnn-course command; imports TensorFlow only for `info`
    "cnn_course.__main__": KERAS,  # python -m cnn_course: the same command
    "cnn_course.data": KERAS,
    "cnn_course.doctor": KERAS,  # imports TensorFlow only for the device check
    "cnn_course.exercises": KERAS,
    "cnn_course.explain": KERAS,
    "cnn_course.generalisation": KERAS,
    "cnn_course.layers": KERAS,
    "cnn_course.models": KERAS,
    "cnn_course.pretrained": KERAS,
    "cnn_course.runtime": KERAS,
    "cnn_course.train": KERAS,
    "cnn_course.transfer": KERAS,
    # 2. Figures: may import anything below.
    "cnn_course.viz": FIGURES,
    "cnn_course.widgets": FIGURES,
}
"""Every module's layer. An entry covers the submodules of a package (``cnn_course.viz``
covers ``cnn_course.viz.images``), except the root ``cnn_course``, which covers only itself."""

KERAS_LIBRARIES = frozenset({"tensorflow", "keras", "tf_keras"})
PLOT_LIBRARIES = frozenset({"matplotlib", "mpl_toolkits", "pylab"})

LAZY_GATEWAY = "cnn_course._lazy"
"""The one module that imports Keras and TensorFlow for the Keras layer on first use
(inside its functions; see its docstring). It belongs to the core because importing it
costs nothing; the rest of the core never imports it, as that would be Keras by the
back door."""

QUICK_TO_IMPORT: dict[str, str] = {
    "cnn_course.data": "the cnn-course command and `doctor` check the bundled files with it",
    "cnn_course.runtime": "the set-up cell reads quick mode and the device before training",
    "cnn_course.pretrained": "its file helpers find and check the bundled weights",
    "cnn_course.doctor": "it reports a broken TensorFlow instead of failing to import it",
    "cnn_course.cli": "`cnn-course --help` answers in a moment",
    "cnn_course.__main__": "`python -m cnn_course`: the same command",
}
"""One lazy-import policy (issue 23 §3). The Keras-layer modules that must stay quick to
import, and why: they import Keras and TensorFlow inside the functions that need them, through
:data:`LAZY_GATEWAY`, and never at the top. Every other Keras-layer module imports them at the
top, like any library, and never inside a function. ``import cnn_course`` itself loads no
submodule (:data:`cnn_course.__all__` names them; attribute access imports one on first use)."""


# ------------------------------------------------------------------ reading the package
def _python_files(package: Path) -> dict[Path, str]:
    """Every ``.py`` file of the package -> the dotted name it would be imported as."""
    files = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if any(part.startswith(".") or part == "__pycache__" for part in parts):
            continue
        files[path] = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    return files


def package_modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package, found by walking its folder: dotted name -> file.

    Where a package and a module share a name (``viz/__init__.py`` and ``viz.py``), the
    package is the one Python imports: see :func:`shadowed_files`.
    """
    found: dict[str, Path] = {}
    for path, name in _python_files(package).items():
        if name not in found or path.name == "__init__.py":
            found[name] = path
    return found


def shadowed_files(package: Path = PACKAGE) -> list[Path]:
    """Module files that Python never imports because a package has their name."""
    modules = package_modules(package)
    return [path for path, name in _python_files(package).items() if modules[name] != path]


def _within(module: str, package: str) -> bool:
    """Whether ``module`` is ``package`` or one of its submodules."""
    return module == package or module.startswith(package + ".")


def layer_of(module: str) -> int | None:
    """The layer :data:`LAYERS` gives ``module`` (or a package above it); None if none."""
    if module in LAYERS:
        return LAYERS[module]
    parent = module
    while "." in parent:
        parent = parent.rpartition(".")[0]
        if parent in LAYERS and parent != "cnn_course":
            return LAYERS[parent]
    return None


@dataclass(frozen=True)
class Import:
    """One import found in a module's source."""

    target: str
    """The module imported, absolute: ``keras.layers``, ``cnn_course.viz``."""
    line: int
    statement: str
    in_function: bool
    type_checking: bool

    @property
    def library(self) -> str:
        return self.target.partition(".")[0]

    def where(self, module: str) -> str:
        flags = {"in a function": self.in_function, "under TYPE_CHECKING": self.type_checking}
        context = [text for text, on in flags.items() if on]
        extra = f" ({', '.join(context)})" if context else ""
        return f"{module} line {self.line}{extra}: `{self.statement}`"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _literal_prefix(node: ast.expr) -> str | None:
    """The module name a dynamic import asks for, up to its first non-literal part."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value.rstrip(".") or None
    return None


class _ImportCollector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, modules: Iterable[str]):
        self.package = module if is_package else module.rpartition(".")[0]
        self.modules = frozenset(modules)
        self.found: list[Import] = []
        self.depth = 0
        self.type_checking = False

    def _add(self, target: str, node: ast.AST) -> None:
        statement = ast.unparse(node).splitlines()[0]
        self.found.append(
            Import(target, node.lineno, statement, self.depth > 0, self.type_checking)
        )

    def _visit_function(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_function

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        before, self.type_checking = self.type_checking, True
        for child in node.body:
            self.visit(child)
        self.type_checking = before
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == "__future__":
            return
        if node.level:
            parts = self.package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1])
            base = f"{base}.{node.module}" if node.module else base
        else:
            base = node.module or ""
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            self._add(submodule if submodule in self.modules else base, node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in ("import_module", "__import__") and node.args:
            target = _literal_prefix(node.args[0])
            if target and not target.startswith("."):
                self._add(target, node)
        self.generic_visit(node)


def imports_of(
    module: str, source: str, *, is_package: bool = False, modules: Iterable[str] = ()
) -> list[Import]:
    """Every import in ``source``, the code of ``module``; ``modules`` are the package's."""
    collector = _ImportCollector(module, is_package, modules)
    collector.visit(ast.parse(source))
    return collector.found


# ------------------------------------------------------------------------------ the rules
def core_problems(module: str, imports: Sequence[Import]) -> list[str]:
    """Rule (a): a core module imports no TensorFlow, Keras or matplotlib, anywhere."""
    problems = []
    for imp in imports:
        if imp.library in KERAS_LIBRARIES | PLOT_LIBRARIES:
            if module == LAZY_GATEWAY and imp.library in KERAS_LIBRARIES and imp.in_function:
                continue  # the gateway's purpose; it is imported by the Keras layer only
            problems.append(
                f"{imp.where(module)} -- {LAYER_NAMES[CORE]} never imports {imp.library}, not "
                "even inside a function: compute with NumPy, and let the Keras layer or the "
                "figures call this module"
            )
        elif imp.target == LAZY_GATEWAY and module != LAZY_GATEWAY:
            problems.append(
                f"{imp.where(module)} -- {LAYER_NAMES[CORE]} never imports Keras, not even "
                f"through {LAZY_GATEWAY}: that belongs in the Keras layer"
            )
    return problems


def keras_layer_problems(module: str, imports: Sequence[Import]) -> list[str]:
    """Rule (b): a Keras-layer module never imports matplotlib or the figures."""
    problems = []
    for imp in imports:
        if imp.library in PLOT_LIBRARIES or layer_of(imp.target) == FIGURES:
            what = imp.library if imp.library in PLOT_LIBRARIES else imp.target
            problems.append(
                f"{imp.where(module)} -- {LAYER_NAMES[KERAS]} never imports {what}: it "
                "computes, and cnn_course.viz (which may import it) draws"
            )
    return problems


def lazy_policy_problems(module: str, imports: Sequence[Import]) -> list[str]:
    """Rule (e): Keras at the top, or -- in :data:`QUICK_TO_IMPORT` only -- inside functions."""
    problems = []
    quick = module in QUICK_TO_IMPORT
    for imp in imports:
        heavy = imp.library in KERAS_LIBRARIES or imp.target == LAZY_GATEWAY
        slow_module = (
            imp.library == "cnn_course"
            and layer_of(imp.target) == KERAS
            and not any(_within(imp.target, q) for q in QUICK_TO_IMPORT)
        )
        if (
            quick
            and not imp.in_function
            and not imp.type_checking
            and (imp.library in KERAS_LIBRARIES or slow_module)
        ):
            problems.append(
                f"{imp.where(module)} -- {module} must stay quick to import "
                f"({QUICK_TO_IMPORT[module]}): import it inside the function that needs it"
                + (f", through {LAZY_GATEWAY}" if imp.library in KERAS_LIBRARIES else "")
            )
        elif not quick and heavy and imp.in_function:
            problems.append(
                f"{imp.where(module)} -- the Keras layer imports Keras and TensorFlow at the "
                f"top; only the modules of QUICK_TO_IMPORT import them inside functions"
            )
        elif not quick and imp.target == LAZY_GATEWAY:
            problems.append(
                f"{imp.where(module)} -- {LAZY_GATEWAY} is for the modules of "
                "QUICK_TO_IMPORT; import keras at the top"
            )
    return problems


def upward_problems(module: str, imports: Sequence[Import]) -> list[str]:
    """Rule (c): every ``cnn_course`` import goes to the module's own layer or below."""
    rank = layer_of(module)
    problems = []
    for imp in imports:
        if rank is None or imp.library != "cnn_course":
            continue
        target_rank = layer_of(imp.target)
        if target_rank is not None and target_rank > rank:
            problems.append(
                f"{imp.where(module)} -- {module} is in {LAYER_NAMES[rank]}, {imp.target} in "
                f"{LAYER_NAMES[target_rank]}: imports go down the layers, never up"
            )
    return problems


def placement_problem(module: str) -> str | None:
    """Rule (d): every module is in a layer."""
    if layer_of(module) is not None:
        return None
    return (
        f"{module} is in no layer: add it to LAYERS in tests/test_layering.py -- "
        f"{LAYER_NAMES[CORE]} if it needs only NumPy, {LAYER_NAMES[KERAS]} if it needs "
        f"Keras or TensorFlow, {LAYER_NAMES[FIGURES]} if it draws"
    )


# ------------------------------------------------------- what a fresh interpreter loads
_PROBE = r"""
import importlib, json, sys
heavy = set(sys.argv[1].split(","))
for name in sys.argv[2:]:
    try:
        importlib.import_module(name)
        error = None
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    loaded = sorted({m.partition(".")[0] for m in sys.modules} & heavy)
    print("PROBE " + json.dumps({"module": name, "loaded": loaded, "error": error}), flush=True)
    if loaded:
        break
"""


def heavy_imports(
    modules: Sequence[str], heavy: Iterable[str], path: Sequence[Path] = ()
) -> dict[str, dict]:
    """Import ``modules`` in turn in a fresh interpreter; which of ``heavy`` each one loads.

    One interpreter serves them all while nothing heavy is loaded; after a module loads
    one, a new interpreter carries on with the next, so each result is that module's own.
    Returns ``{module: {"loaded": [...], "error": str | None}}``.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, path), env.get("PYTHONPATH", "")])
    results: dict[str, dict] = {}
    remaining = list(modules)
    while remaining:
        run = subprocess.run(
            [sys.executable, "-c", _PROBE, ",".join(sorted(heavy)), *remaining],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
            env=env,
        )
        lines = [json.loads(s[6:]) for s in run.stdout.splitlines() if s.startswith("PROBE ")]
        if not lines:
            raise RuntimeError(f"the import probe failed:\n{run.stderr[-3000:]}")
        results.update({r["module"]: r for r in lines})
        remaining = remaining[len(lines) :]
    return results


# --------------------------------------------------------------- the package, checked
MODULES = package_modules()
SOURCES = {name: path.read_text(encoding="utf-8") for name, path in MODULES.items()}
CORE_MODULES = sorted(m for m in MODULES if layer_of(m) == CORE)
KERAS_MODULES = sorted(m for m in MODULES if layer_of(m) == KERAS)


def _imports(module: str) -> list[Import]:
    path = MODULES[module]
    return imports_of(
        module, SOURCES[module], is_package=path.name == "__init__.py", modules=MODULES
    )


def _report(problems: list[str]) -> str:
    return "\n".join(problems)


def test_every_entry_of_layers_names_a_module_that_exists():
    gone = sorted(set(LAYERS) - set(MODULES))
    assert not gone, f"LAYERS in tests/test_layering.py names modules that are gone: {gone}"


def _documented_modules() -> list[str]:
    """The public modules of LAYERS: what the README's table and the package docstring list."""
    return sorted(
        name
        for name in LAYERS
        if name != "cnn_course" and not name.rsplit(".", 1)[-1].startswith("_")
    )


def test_the_readme_table_and_the_package_docstring_list_every_module_in_its_layer():
    import cnn_course

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## The helper module") : readme.index("## Tests")]
    rows = {}
    layer = None
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not line.startswith("|") or set(cells[0]) <= {"-"} and cells[0]:
            continue
        layer = cells[0] or layer
        for module in re.findall(r"`(cnn_course\.[a-z_.]+)`", cells[1]):
            rows[module] = layer
    heads = {CORE: "NumPy core", KERAS: "Keras", FIGURES: "Figures"}
    for module in _documented_modules():
        assert module in rows, f"{module} is missing from the README's module table"
        assert rows[module].startswith(heads[LAYERS[module]]), (module, rows[module])
        assert f":mod:`~{module}`" in cnn_course.__doc__, (
            f"{module} is missing from cnn_course's docstring"
        )


def import_graph(modules: dict[str, Path] | None = None) -> dict[str, set[str]]:
    """Which of a package's modules each module imports (in functions too; not for typing).

    ``modules`` is :func:`package_modules`'s answer (the course's package by default); a
    submodule's ``from . import X`` and ``from pkg.sub import X`` both lead to ``pkg.sub``.
    """
    modules = MODULES if modules is None else modules
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        found = imports_of(
            module, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py",
            modules=modules,
        )  # fmt: skip
        graph[module] = set()
        for imp in found:
            if imp.type_checking:
                continue
            target = imp.target
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in modules and target != module:
                graph[module].add(target)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk of ``graph`` meets, as ``[a, b, …, a]``.

    >>> import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()})
    [['a', 'b', 'c', 'a']]
    >>> import_cycles({"a": {"b"}, "b": set()})
    []
    """
    found: list[list[str]] = []
    state: dict[str, int] = {}
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)
    return found


def test_no_import_cycle_between_the_packages_modules():
    """Not even through an import inside a function (the registry loop the exercises had)."""
    assert import_cycles(import_graph()) == []


@pytest.mark.parametrize(
    "otter_source",
    [
        "class Grader:\n    def __init__(self):\n        from pkg.ex import EXERCISES\n",
        "class Grader:\n    def __init__(self):\n        from . import EXERCISES\n",
        "from pkg.ex._registry import EXERCISES\n",  # a loop of three
    ],
)
def test_an_import_cycle_inside_a_subpackage_is_caught(tmp_path, otter_source):
    """The loop the exercises once had: the subpackage's ``__init__`` imports ``_otter``,
    whose ``Grader`` imports the registry back from the ``__init__`` (or through a third)."""
    ex = tmp_path / "pkg" / "ex"
    ex.mkdir(parents=True)
    files = {
        "pkg/__init__.py": "",
        "pkg/ops.py": "",
        "pkg/ex/__init__.py": "from ._otter import Grader\nEXERCISES = {}\n",
        "pkg/ex/_otter.py": otter_source,
        "pkg/ex/_registry.py": "from pkg.ex import EXERCISES\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (cycle,) = import_cycles(import_graph(package_modules(tmp_path / "pkg")))
    assert cycle[0] == cycle[-1] == "pkg.ex" and "pkg.ex._otter" in cycle
    # once the registry has a module of its own that both read, the loop is gone
    (ex / "__init__.py").write_text(
        "from ._otter import Grader\nfrom ._registry import EXERCISES\n"
    )
    (ex / "_registry.py").write_text("EXERCISES = {}\n")
    fixed = otter_source.replace("from pkg.ex import", "from pkg.ex._registry import")
    (ex / "_otter.py").write_text(fixed.replace("from . import", "from ._registry import"))
    assert import_cycles(import_graph(package_modules(tmp_path / "pkg"))) == []


def test_the_package_has_its_three_layers():
    assert "cnn_course" in MODULES
    layers = {layer_of(m) for m in MODULES}
    assert {CORE, KERAS, FIGURES} <= layers, f"layers found: {layers}"


def test_no_module_file_is_left_behind_a_package_of_the_same_name():
    left = [str(path.relative_to(ROOT)) for path in shadowed_files()]
    assert not left, (
        f"{', '.join(left)}: a package of the same name hides each of these files from "
        "Python (nothing imports them); delete them once their code has moved"
    )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_is_in_a_layer(module):
    assert placement_problem(module) is None, placement_problem(module)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_tensorflow_keras_or_matplotlib(module):
    problems = core_problems(module, _imports(module))
    assert not problems, _report(problems)


@pytest.mark.parametrize("module", KERAS_MODULES)
def test_keras_layer_module_imports_no_figures(module):
    problems = keras_layer_problems(module, _imports(module))
    assert not problems, _report(problems)


@pytest.mark.parametrize("module", KERAS_MODULES)
def test_keras_layer_module_follows_the_one_lazy_import_policy(module):
    problems = lazy_policy_problems(module, _imports(module))
    assert not problems, _report(problems)


def test_the_package_names_every_public_module_and_imports_it_on_first_use():
    import cnn_course

    top = {m.split(".")[1] for m in MODULES if m.count(".") >= 1}
    assert sorted(cnn_course.__all__) == sorted(n for n in top if not n.startswith("_"))
    assert cnn_course.shapes.conv_output_size(28, 3) == 26  # attribute access imports it
    with pytest.raises(AttributeError, match="has no attribute 'modles'"):
        cnn_course.modles  # noqa: B018


def test_every_quick_module_is_in_the_keras_layer():
    assert all(layer_of(m) == KERAS and m in MODULES for m in QUICK_TO_IMPORT), QUICK_TO_IMPORT


def test_quick_modules_import_without_tensorflow_or_keras():
    loaded = heavy_imports(sorted(QUICK_TO_IMPORT), KERAS_LIBRARIES)
    for module, result in loaded.items():
        assert result["error"] is None, f"`import {module}` failed: {result['error']}"
        assert result["loaded"] == [], f"`import {module}` loads {', '.join(result['loaded'])}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_layers_never_up(module):
    problems = upward_problems(module, _imports(module))
    assert not problems, _report(problems)


@pytest.fixture(scope="module")
def loaded_by_core():
    """What importing each core module loads, in one interpreter (more if one fails)."""
    return heavy_imports(CORE_MODULES, KERAS_LIBRARIES | PLOT_LIBRARIES)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_without_tensorflow_keras_or_matplotlib(module, loaded_by_core):
    result = loaded_by_core[module]
    assert result["error"] is None, f"`import {module}` failed: {result['error']}"
    assert result["loaded"] == [], f"`import {module}` loads {', '.join(result['loaded'])}"


def test_import_cnn_course_is_tensorflow_free(loaded_by_core):
    result = loaded_by_core["cnn_course"]
    assert result["error"] is None, result["error"]
    assert not set(result["loaded"]) & KERAS_LIBRARIES, f"`import cnn_course` loads {result}"


# ------------------------------------------------------ the checks can fail (self-tests)
ALL = frozenset(MODULES) | {
    "cnn_course._lazy",
    "cnn_course.data",
    "cnn_course.viz",
    "cnn_course.viz.images",
}


def _check(module: str, source: str, rule, *, is_package: bool = False) -> list[str]:
    return rule(module, imports_of(module, source, is_package=is_package, modules=ALL))


def test_a_core_module_importing_matplotlib_in_a_function_is_named_with_its_line():
    source = "import numpy as np\n\ndef draw(x):\n    import matplotlib.pyplot as plt\n"
    (problem,) = _check("cnn_course.ops", source, core_problems)
    assert problem.startswith(
        "cnn_course.ops line 4 (in a function): `import matplotlib.pyplot as plt`"
    )
    assert "never imports matplotlib" in problem


@pytest.mark.parametrize(
    "source",
    [
        "from keras import layers\n",
        "import tensorflow as tf\n",
        "def f():\n    from matplotlib import pyplot\n",
        "import importlib\nkeras = importlib.import_module('keras')\n",
        "import importlib\n\ndef f(x):\n    return importlib.import_module(f'keras.{x}')\n",
        "from cnn_course import _lazy\n",
        "from . import _lazy\n",
        "if TYPE_CHECKING:\n    import keras\n",  # not even for a type hint
    ],
)
def test_the_core_rule_catches_every_way_in(source):
    assert _check("cnn_course.ops", source, core_problems), source


def test_the_core_rule_allows_only_the_lazy_gateway():
    lazy = "def keras():\n    import keras as _keras\n\n    return _keras\n"
    assert _check(LAZY_GATEWAY, lazy, core_problems) == []
    assert _check(LAZY_GATEWAY, "import keras\n", core_problems)  # not at the top
    assert _check(LAZY_GATEWAY, "def f():\n    import matplotlib\n", core_problems)
    hint = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import keras\n"
    assert _check("cnn_course.shapes", hint, core_problems)
    assert _check("cnn_course.shapes.stacks", "def f():\n    import keras\n", core_problems)


def test_a_keras_module_importing_the_figures_is_caught_absolute_or_relative():
    for source in (
        "from cnn_course import viz\n",
        "from cnn_course.viz import show_images\n",
        "def f():\n    from ..viz import images\n",
        "import matplotlib\n",
    ):
        (problem,) = _check("cnn_course.explain.gradcam", source, keras_layer_problems)
        assert problem.startswith("cnn_course.explain.gradcam line "), problem
        assert "never imports" in problem
    assert _check("cnn_course.explain.gradcam", "from .. import ops\n", keras_layer_problems) == []


def test_the_lazy_import_policy_can_fail_both_ways():
    rule = lazy_policy_problems
    inside = "def f():\n    import keras\n"
    gateway = "from cnn_course import _lazy\n\ndef f():\n    return _lazy.keras()\n"
    assert _check("cnn_course.models", "import keras\n", rule) == []
    assert _check("cnn_course.models", inside, rule)  # hidden in a function
    assert _check("cnn_course.models", gateway, rule)  # through the gateway
    assert _check("cnn_course.data", gateway, rule) == []
    assert _check("cnn_course.data", "import keras\n", rule)  # at the top of a quick module
    assert _check("cnn_course.cli", "from cnn_course import models\n", rule)  # by the back door
    assert _check("cnn_course.cli", "def f():\n    from cnn_course import models\n", rule) == []


def test_upward_imports_are_caught_and_relative_imports_resolved():
    (problem,) = _check("cnn_course.ops", "from . import data\n", upward_problems)
    assert "cnn_course.ops is in the NumPy core, cnn_course.data in the Keras layer" in problem
    (problem,) = _check("cnn_course.explain.gradcam", "from ..viz import images\n", upward_problems)
    assert "cnn_course.viz.images in the figures" in problem
    # a package's own `from . import x` resolves inside that package
    source = "from . import images\n"
    assert _check("cnn_course.viz", source, upward_problems, is_package=True) == []
    (imp,) = imports_of("cnn_course.viz", source, is_package=True, modules=ALL)
    assert imp.target == "cnn_course.viz.images"
    # figures may import anything below them
    assert (
        _check("cnn_course.viz.images", "from cnn_course import data, ops\n", upward_problems) == []
    )


def test_a_module_nobody_placed_fails_and_says_where_to_add_it():
    assert layer_of("cnn_course.brand_new") is None
    assert "add it to LAYERS in tests/test_layering.py" in placement_problem("cnn_course.brand_new")
    assert layer_of("cnn_course.viz.brand_new") == FIGURES  # a package covers its submodules
    assert layer_of("cnn_course.shapes.sizes") == CORE


def test_a_module_file_beside_a_package_of_its_name_is_found(tmp_path):
    package = tmp_path / "pkg"
    (package / "viz").mkdir(parents=True)
    for name in ("__init__.py", "viz.py", "viz/__init__.py", "viz/images.py", "ops.py"):
        (package / name).write_text("")
    assert sorted(package_modules(package)) == ["pkg", "pkg.ops", "pkg.viz", "pkg.viz.images"]
    assert package_modules(package)["pkg.viz"] == package / "viz" / "__init__.py"
    assert shadowed_files(package) == [package / "viz.py"]


def test_the_runtime_probe_names_each_module_that_loads_a_heavy_library(tmp_path):
    (tmp_path / "heavy_thing.py").write_text("")
    (tmp_path / "uses_heavy.py").write_text("import heavy_thing\n")
    (tmp_path / "also_heavy.py").write_text("import heavy_thing\n")
    (tmp_path / "clean.py").write_text("import json\n")
    (tmp_path / "broken.py").write_text("raise ImportError('half-moved')\n")
    modules = ["clean", "uses_heavy", "also_heavy", "broken", "clean"]
    results = heavy_imports(modules, {"heavy_thing"}, path=[tmp_path])
    assert results["clean"]["loaded"] == []
    assert results["uses_heavy"]["loaded"] == ["heavy_thing"]
    assert results["also_heavy"]["loaded"] == ["heavy_thing"]  # in an interpreter of its own
    assert results["broken"]["error"] == "ImportError: half-moved"
