"""Maintainer sessions: ``nox`` runs the default ones (what CI runs); ``nox -s NAME`` one.

Each session builds its own virtual environment with pip (nox's default ``virtualenv``
backend), so ``torch==2.13.0`` resolves to the CPU wheel that lies on this machine's disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")

nox.options.default_venv_backend = "virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "tests", "doctests", "oracle", "docs"]

# One BLAS thread per process: the machine has two cores and sphinx-gallery/pytest fork.
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def install(session: nox.Session, *groups: str, editable: bool = False) -> None:
    """Install gradlab plus the named dependency groups of pyproject.toml."""
    requirements = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    if requirements:
        session.install(*requirements)
    session.install("-e", ".") if editable else session.install(".")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit and property tests (pytest + hypothesis), without PyTorch."""
    install(session, "test", "examples")
    session.run("pytest", "--ignore=tests/oracle", *session.posargs, env=THREADS)


@nox.session
def doctests(session: nox.Session) -> None:
    """Every docstring example in src/gradlab runs and its output is checked."""
    install(session, "test", "examples")
    flags = ["-o", "doctest_optionflags=NORMALIZE_WHITESPACE ELLIPSIS", "-p", "no:cacheprovider"]
    session.run(
        "pytest", "--doctest-modules", *flags, "src/gradlab", *session.posargs, env=THREADS
    )
    # ">>>" examples in the site's pages (chapter code cells are executed by the docs build)
    session.run(
        "pytest",
        "--doctest-glob=*.md",
        *flags,
        "docs",
        "--ignore=docs/_build",
        "--ignore=docs/auto_examples",
        *session.posargs,
        env=THREADS,
    )


@nox.session
def oracle(session: nox.Session) -> None:
    """Comparisons against PyTorch 2.13 in float64 (torch is a test oracle only)."""
    install(session, "oracle", "test")
    session.run("pytest", "tests/oracle", *session.posargs, env=THREADS)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy --strict on the package."""
    install(session, "lint", "test")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """One training step: gradlab vs a hand-written NumPy loop vs PyTorch eager (CPU)."""
    install(session, "bench")
    session.run("python", "benchmarks/bench_step.py", *session.posargs, env=THREADS)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html; warnings are errors, failing cells fail it.

    Then tests/test_docs_*.py check the result: the built pages load nothing from other hosts,
    and the execution caches re-run pages and examples when src/gradlab changes (those tests
    need Sphinx, so the `tests` session skips them).
    """
    install(session, "docs", "test", editable=True)
    env = {**THREADS, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if "SOURCE_DATE_EPOCH" in os.environ:
        env["SOURCE_DATE_EPOCH"] = os.environ["SOURCE_DATE_EPOCH"]
    build = ["sphinx-build", "-W", "--keep-going", "-b", "html", "-d", "docs/_build/doctrees"]
    build += ["docs", "docs/_build/html"]
    session.run(*build, *session.posargs, env=env)
    docs_tests = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("tests/test_docs_*.py"))
    session.run("pytest", *docs_tests, env=env)
