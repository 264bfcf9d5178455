"""What the API reference documents, and where.

Each object is documented once, on the page of the public module that defines it. A name a
module re-exports (``gradlab.Dense`` is ``gradlab.layers.Dense``) is not documented twice: the
module template links it to that entry (``conf.py`` passes :func:`reexports` to it), and, as a
Sphinx extension, this module resolves a cross-reference to a re-exported name
(``{py:class}`gradlab.Dense``` in a page or a docstring) to the entry of its home, through
Sphinx's public ``missing-reference`` event. Why this exists: autosummary has no notion of a
name documented elsewhere, and autodoc's ``:canonical:`` aliases go the other way (from the
defining module to a name documented where it is re-exported), so neither makes
``gradlab.Dense`` find ``gradlab.layers.Dense``; and autosummary never deletes a page it
generated (:func:`remove_stale_pages`). Gallery code needs none of this: sphinx-gallery's
``prefer_full_module`` (set in ``conf.py``) names each object used in code by its defining
module; a name written in an example's text keeps its spelling, so the template's
``minigallery`` lists the re-exported names too. ``tests/test_docs_reference.py`` checks that
``reference/index.rst`` lists every module of :func:`public_modules` and that the built pages
link the re-exported names.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def _is_public(dotted: str) -> bool:
    return not any(part.startswith("_") for part in dotted.split("."))


def public_modules(package: str) -> list[str]:
    """The package and its submodules whose names do not start with an underscore."""
    root = importlib.import_module(package)
    subs = pkgutil.iter_modules(root.__path__, f"{package}.")
    return [package, *sorted(m.name for m in subs if _is_public(m.name))]


def reexports(package: str) -> dict[str, str]:
    """Map each exported name documented on another page to that page's object.

    That is every exported submodule, and every class or function defined in another public
    module of ``package``.

    Returns
    -------
    dict
        e.g. ``{"gradlab.Dense": "gradlab.layers.Dense", "gradlab.init": "gradlab.init"}``.
        Names defined where they are exported, objects without a home (instances) and names
        from private modules are not in it: they are documented where they are exported.
    """
    homes = {}
    for modname in public_modules(package):
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.ismodule(obj):
                home = obj.__name__
            elif inspect.isclass(obj) or inspect.isfunction(obj):
                home = f"{obj.__module__}.{obj.__qualname__}"
            else:
                continue
            elsewhere = inspect.ismodule(obj) or home != f"{modname}.{name}"
            if home.startswith(f"{package}.") and _is_public(home) and elsewhere:
                homes[f"{modname}.{name}"] = home
    return homes


def home_of(target: str, homes: dict[str, str]) -> str | None:
    """The documented name of ``target``, or None when no re-exported name starts it.

    ``gradlab.Sequential.forward`` -> ``gradlab.layers.Sequential.forward``.
    """
    name = target
    while name:
        home = homes.get(name)
        if home is not None and home != name:
            return home + target[len(name) :]
        name = name.rpartition(".")[0]
    return None


def resolve_reexport(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    """``missing-reference``: link a re-exported name to its home's entry."""
    if node.get("refdomain") != "py":
        return None
    home = home_of(node["reftarget"], app.config.api_reexports)
    if home is None:
        return None
    return env.domains["py"].resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], home, node, contnode
    )


def remove_stale_pages(app: Sphinx) -> None:
    """``builder-inited``: delete the generated pages of what is no longer a public module.

    autosummary writes ``reference/generated/<name>.rst`` and never deletes one, and Sphinx
    never deletes a page it built: the page of a removed module (or of an object, from when
    each had a page) would stay, in no toctree, failing the ``-W`` build, and in the site.
    """
    keep = set(public_modules("gradlab"))
    pages = list((Path(app.srcdir) / "reference" / "generated").glob("*.rst"))
    if suffix := getattr(app.builder, "out_suffix", None):  # builders that write pages
        pages += (Path(app.outdir) / "reference" / "generated").glob(f"*{suffix}")
    for page in pages:
        if page.is_file() and page.stem not in keep:
            page.unlink()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("api_reexports", {}, "env", types=frozenset({dict}))
    app.connect("builder-inited", remove_stale_pages)
    app.connect("missing-reference", resolve_reexport)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
