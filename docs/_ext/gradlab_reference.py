"""What the API reference documents, and where.

Each object gets one page, in the public module that defines it. A name a module re-exports
(``gradlab.Dense`` is ``gradlab.layers.Dense``) is not documented twice: the module templates
link it to that page (``conf.py`` passes :func:`reexports` to them), and, as a Sphinx
extension, this module registers the re-exported names as aliases in the Python domain, so that
``{py:class}`gradlab.Dense``` in a page and ``gradlab.Dense`` in a gallery example's code link to
the one page. ``tests/test_docs_reference.py`` checks that ``reference/index.rst`` lists every
module of :func:`public_modules`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def register_aliases(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: let each re-exported name resolve to its home's entry (as an alias)."""
    objects = env.domains["py"].objects
    for alias, home in app.config.api_reexports.items():
        entry = objects.get(home)
        if entry is not None and alias != home and alias not in objects:
            objects[alias] = entry._replace(aliased=True)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("api_reexports", {}, "env", types=frozenset({dict}))
    app.connect("env-updated", register_aliases)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
