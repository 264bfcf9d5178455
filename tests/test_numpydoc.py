"""Every public docstring passes the numpydoc checks that the docs build runs, without Sphinx.

``docs/conf.py`` sets ``numpydoc_validation_checks`` and ``numpydoc_validation_exclude``; this
file reads the two settings from there and validates what the API reference documents: each
name in a public module's ``__all__`` on the page of the module that defines it (the
re-exports of ``docs/_ext/gradlab_reference.py``), and each class's own public methods,
properties and commented attributes, plus ``__call__``. As in Sphinx, a module-level object
that is neither a class nor a function (``INITIALIZERS``, the activation functions) is
documented by its ``#:`` comment if it has one, else by its ``__doc__``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from numpydoc.docscrape_sphinx import get_doc_object
from numpydoc.validate import get_validation_checks, validate

DOCS = Path(__file__).parents[1] / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

from gradlab_reference import public_modules, reexports  # noqa: E402


def conf_setting(name: str) -> Any:
    """The literal value assigned to ``name`` in docs/conf.py (read, not executed)."""
    tree = ast.parse((DOCS / "conf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise LookupError(f"docs/conf.py does not set {name}")


CHECKS = get_validation_checks(conf_setting("numpydoc_validation_checks"))
EXCLUDE = re.compile("|".join(conf_setting("numpydoc_validation_exclude")) or r"(?!)")


def attribute_comments(owner: Any) -> dict[str, str]:
    """Sphinx's attribute documentation: ``#:`` lines above or after an assignment in ``owner``
    (a module or a class), or a string literal right below it."""
    try:
        source = textwrap.dedent(inspect.getsource(owner))
    except (OSError, TypeError):
        return {}
    lines = source.splitlines()
    tree = ast.parse(source)
    body = tree.body if inspect.ismodule(owner) else tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, following in zip(body, [*body[1:], None], strict=True):
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        else:
            continue
        above, row = [], node.lineno - 2
        while row >= 0 and lines[row].strip().startswith("#:"):
            above.insert(0, lines[row].strip()[2:].strip())
            row -= 1
        inline = re.search(r"#:\s*(.*)$", lines[node.lineno - 1])
        below = (
            following.value.value
            if isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
            else ""
        )
        text = "\n".join(above) or (inline.group(1) if inline else "") or inspect.cleandoc(below)
        docs.update(dict.fromkeys(names, text) if text else {})
    return docs


def documented() -> tuple[dict[str, Any], dict[str, str]]:
    """``{name: what to validate}`` for every documented object, and the modules not importable.

    The value is the name itself for functions, classes, methods and properties (numpydoc
    loads them), and ``(object, docstring)`` for data documented as Sphinx documents it.
    """
    homes = reexports("gradlab")
    found: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for modname in public_modules("gradlab"):
        try:
            module = importlib.import_module(modname)
        except ImportError as exc:  # gradlab.torch without PyTorch
            missing[modname] = str(exc)
            continue
        comments = attribute_comments(module)
        for name in getattr(module, "__all__", ()):
            full, obj = f"{modname}.{name}", getattr(module, name)
            if name.startswith("_") or full in homes or inspect.ismodule(obj):
                continue
            if inspect.isfunction(obj):
                found[full] = full
            elif inspect.isclass(obj):
                found[full] = full
                found.update(members(obj, full))
            else:
                found[full] = (obj, comments.get(name) or inspect.cleandoc(obj.__doc__ or ""))
    return {k: v for k, v in found.items() if not EXCLUDE.search(k)}, missing


def members(cls: type, full: str) -> dict[str, Any]:
    """A class's own public methods, properties and descriptors, ``__call__``, and commented
    class attributes (what autosummary's class template documents with ``:members:``)."""
    comments = attribute_comments(cls)
    found: dict[str, Any] = {}
    for name, value in vars(cls).items():
        if name.startswith("_") and name != "__call__":
            continue
        routine = isinstance(value, staticmethod | classmethod) or inspect.isfunction(value)
        # __slots__ entries without a doc are instance attributes, documented (if at all) in the
        # class's Attributes section; Sphinx gives them no entry of their own
        slot = inspect.ismemberdescriptor(value) and not value.__doc__
        if (
            routine
            or isinstance(value, property)
            or (inspect.isdatadescriptor(value) and not slot)
        ):
            found[f"{full}.{name}"] = f"{full}.{name}"
        elif name in comments:
            found[f"{full}.{name}"] = (value, comments[name])
    return found


DOCUMENTED, NOT_IMPORTABLE = documented()


def test_objects_found() -> None:
    # the walk itself: a broken walk would make every other test here pass vacuously
    for name in ["gradlab.init.xavier_uniform", "gradlab.layers.Dense", "gradlab.optim.SGD.step"]:
        assert name in DOCUMENTED
    assert "gradlab.Dense" not in DOCUMENTED  # documented once, as gradlab.layers.Dense
    assert not [name for name in DOCUMENTED if re.search(r"\._[^_]", name)]
    assert {"GL08", "PR01", "PR02", "RT01", "RT03", "SS01"} <= CHECKS


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_docstring(name: str) -> None:
    target = DOCUMENTED[name]
    if isinstance(target, str):
        report = validate(target)
    else:  # data: the docstring Sphinx finds, parsed as Sphinx parses it
        obj, text = target
        report = validate(get_doc_object(obj, what="data", doc=text))
    errors = [f"{code}: {message}" for code, message in report["errors"] if code in CHECKS]
    assert not errors, f"{name}:\n  " + "\n  ".join(errors)


@pytest.mark.parametrize("modname", sorted(NOT_IMPORTABLE))
def test_module_not_importable_here(modname: str) -> None:
    pytest.skip(f"{modname} not validated: {NOT_IMPORTABLE[modname]}")
