"""The computation of a gallery example, loaded from its source for the claims tests.

The examples in ``examples/<section>/plot_*.py`` print numbers and state claims in their
prose; ``tests/test_claims_*.py`` assert those claims by calling the examples' own functions,
so that no computation is copied into the tests. :func:`example_functions` runs only the
parts of an example that define things, not the cells that compute, print and plot:

* imports, except Matplotlib's;
* function and class definitions;
* constants: assignments whose targets are all UPPER_CASE names of two or more characters
  (``WIDTH``, ``DEPTH, WIDTH = 20, 64``). A single capital such as ``X`` or ``E`` is the
  mathematical name of a data array, not a constant, and is left out with the other cells.

An example keeps its computation loadable by writing it as functions whose defaults are the
example's settings, and its module-level constants from imports and other constants only.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _is_constant(target: ast.expr) -> bool:
    if isinstance(target, ast.Tuple | ast.List):
        return all(_is_constant(element) for element in target.elts)
    return isinstance(target, ast.Name) and len(target.id) > 1 and target.id.isupper()


def _kept(node: ast.stmt) -> bool:
    """Imports (but not Matplotlib), function and class definitions, UPPER_CASE constants."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        names += [alias.name for alias in node.names]
        return not any(name.startswith("matplotlib") for name in names)
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return True
    return isinstance(node, ast.Assign) and all(_is_constant(t) for t in node.targets)


def example_functions(name: str) -> dict[str, Any]:
    """The namespace of ``examples/<name>.py`` holding only its definitions.

    ``name`` is the example's path below ``examples/`` without ``.py``, e.g.
    ``"vanishing/plot_sigmoid_chain"``. Every call loads the example afresh, so a test may
    replace an entry of the namespace (the example's functions look their helpers up there)
    without affecting other tests.
    """
    path = EXAMPLES / f"{name}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = ast.Module(body=[node for node in tree.body if _kept(node)], type_ignores=[])
    namespace: dict[str, Any] = {"__name__": "gallery_" + name.replace("/", "_")}
    # dont_inherit: compile with the example's own __future__ imports, not this module's
    exec(compile(module, str(path), "exec", dont_inherit=True), namespace)
    return namespace
