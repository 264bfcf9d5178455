"""Maintainer sessions: ``nox`` runs the default ones (what CI runs); ``nox -s NAME`` one.

Each session builds its own virtual environment with uv where nox finds it (``pip install
"nox[uv]"``, as the README says; a clean site environment in 14 s instead of pip's 30 s), else
with pip (nox's ``virtualenv`` backend). ``oracle`` and ``bench``, the only sessions that
install PyTorch, always use pip: pip takes ``torch==2.13.0`` from the CPU wheel on this
machine's disk and keeps to its configured cap, where uv would download a multi-GB CUDA build.
The site has one environment: ``docs`` creates it and builds the site, and ``docs-tests``,
``browser`` and ``repro`` require ``docs`` (nox runs it first) and use that environment and
that build instead of making their own. The site has two editions, English and Korean
(docs/_build/html/en, docs/_build/html/ko); ``translations`` refreshes the Korean catalogues
(docs/locale/README.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")

sys.path.insert(0, str(ROOT / "tests" / "browser"))
from sitecheck import (  # noqa: E402
    CLEAN_BUILD,
    EDITIONS,
    SITE_OPTIONS,
    build_editions,
    catalogues,
    copy_sources,
    edition_build,
    gettext_build,
    message_templates,
    source_files,
    sources_digest,
    write_root_page,
)

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = [
    "lint", "tests", "doctests", "oracle", "docs", "docs-tests", "browser", "repro",
]  # fmt: skip

# One BLAS thread per process: the machine has two cores, and the site build runs two
# examples or pages at a time.
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# pytest-xdist: one test process per core, at most four (the site's tests start Sphinx builds
# and kernels of their own). Measured on two cores: tests 71 -> 55 s, docs-tests 112 -> 54 s.
# Work stealing: a process that runs out of tests takes some of the other's instead of idling
# while a few long ones finish (tests 56 -> 40 s; docs-tests unchanged, its long tests are few).
# ``nox -s tests -- -n 0`` runs them in one process.
PARALLEL = ["-n", "auto", "--maxprocesses", "4", "--dist", "worksteal"]

# What a site build writes outside docs/_build; a clean build starts without any of it.
GENERATED = ("docs/_build", "docs/auto_examples", "docs/reference/generated")


def source_date_epoch() -> str:
    """``SOURCE_DATE_EPOCH`` for the site: the caller's, else the last commit's time, else fixed.

    Sphinx takes the copyright year from it, and sphinx-gallery leaves out run times when it is
    set: two builds of one commit are then byte-identical (``nox -s repro`` checks that).
    """
    if value := os.environ.get("SOURCE_DATE_EPOCH"):
        return value
    try:
        last_commit = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT, capture_output=True, text=True, timeout=30, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        last_commit = ""
    return last_commit if last_commit.isdigit() else "1767225600"  # 2026-01-01 00:00 UTC


def site_env() -> dict[str, str]:
    """The environment variables of every site build and site test."""
    return {
        **THREADS,
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "SOURCE_DATE_EPOCH": source_date_epoch(),
    }


def install(session: nox.Session, *groups: str, editable: bool = False) -> None:
    """Install gradlab plus the named dependency groups of pyproject.toml.

    The build backend (pyproject's ``build-system.requires``) goes into the environment too,
    and gradlab is built without isolation: pip then does not make and fill a throwaway build
    environment each time a reused environment is brought up to date.

    A reused environment whose requirements, pyproject.toml and (for a non-editable install)
    ``src`` are what it was last brought up to date with is left alone: a stamp in it records
    them, and pip's two runs that would find everything satisfied (3 s) are skipped.
    """
    requirements = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    requirements += PYPROJECT["build-system"]["requires"]
    gradlab = ["-e", "."] if editable else ["."]
    source = (
        []
        if editable
        else sorted(
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / "src").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )
    )
    wanted = json.dumps(
        {"requirements": requirements, "gradlab": gradlab,
         "files": sources_digest(ROOT, ["pyproject.toml", *source])},
        indent=1,
    )  # fmt: skip
    stamp = Path(session.virtualenv.location) / ".gradlab-installed.json"
    # nox -R / --no-install: nox itself skips pip in a reused environment; the stamp stays
    no_install = getattr(session._runner.global_config, "no_install", False)
    if not no_install:
        if stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted:
            session.log(f"{stamp.parent.name}: up to date with pyproject.toml and src")
            return
        stamp.unlink(missing_ok=True)  # a failed install leaves no stamp
    # pip compiles what it installs; uv only when asked. Without the bytecode, every kernel and
    # build process compiles its imports again (PYTHONDONTWRITEBYTECODE keeps nothing).
    compile_ = ["--compile-bytecode"] if session.venv_backend == "uv" else []
    session.install(*compile_, *requirements)
    session.install(*compile_, "--no-build-isolation", *gradlab)
    if not no_install:
        stamp.write_text(wanted, encoding="utf-8")


def site_python(session: nox.Session) -> str:
    """The Python of the site's environment, which the ``docs`` session creates."""
    python = session.cache_dir.parent.resolve() / "docs" / "bin" / "python"  # <envdir>/docs
    if not python.is_file():
        session.error(f"no site environment at {python.parents[1]}: run `nox -s docs` first")
    return str(python)


@nox.session
def tests(session: nox.Session) -> None:
    """Unit and property tests (pytest + hypothesis), without PyTorch."""
    install(session, "test", "examples", "crosscheck")
    session.run("pytest", *PARALLEL, "--ignore=tests/oracle", *session.posargs, env=THREADS)


@nox.session
def doctests(session: nox.Session) -> None:
    """Every docstring example in src/gradlab runs and its output is checked."""
    install(session, "test", "examples")
    flags = ["-o", "doctest_optionflags=NORMALIZE_WHITESPACE ELLIPSIS", "-p", "no:cacheprovider"]
    # gradlab.torch's examples need PyTorch: the oracle session runs them
    session.run(
        "pytest",
        "--doctest-modules",
        *flags,
        "src/gradlab",
        "--ignore=src/gradlab/torch.py",
        *session.posargs,
        env=THREADS,
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


@nox.session(venv_backend="virtualenv")  # pip: PyTorch's CPU wheel from disk
def oracle(session: nox.Session) -> None:
    """Comparisons against PyTorch 2.13 in float64, and the course's PyTorch listings.

    torch is a test oracle only, and this session and ``bench`` are the only ones that install
    it: the site shows its PyTorch comparisons as listings, which tests/oracle/test_listings.py
    runs here and checks against the output the pages show.
    """
    install(session, "oracle", "test")
    flags = ["-o", "doctest_optionflags=NORMALIZE_WHITESPACE ELLIPSIS"]
    session.run(
        "pytest", "tests/oracle", "--doctest-modules", *flags, "src/gradlab/torch.py",
        *session.posargs, env=THREADS,
    )  # fmt: skip


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy --strict on the package."""
    install(session, "lint", "test")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(venv_backend="virtualenv")  # pip: PyTorch's CPU wheel from disk
def bench(session: nox.Session) -> None:
    """One training step: gradlab vs a hand-written NumPy loop vs PyTorch eager (CPU)."""
    install(session, "bench")
    session.run("python", "benchmarks/bench_step.py", *session.posargs, env=THREADS)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site, both editions, into docs/_build/html; warnings and failing cells fail it.

    The English edition goes to docs/_build/html/en, the Korean one (``-D language=ko``, its
    text from docs/locale/ko) to docs/_build/html/ko, and docs/_build/html/index.html leads to
    both. The pages' code runs once, for the English edition: the Korean one finds the runs in
    MyST-NB's execution cache and sphinx-gallery's up-to-date examples, and is built while the
    English one writes its pages (``sitecheck.build_editions``). Creates the site's
    environment (the ``docs`` and ``test`` groups, no PyTorch), which ``docs-tests``,
    ``browser`` and ``repro`` use too. Incremental: only what changed is built again, and pages
    and examples run again when src/gradlab changes. A build from clean that succeeds is
    recorded in docs/_build/clean-build.json with a digest of the sources, so that ``repro``
    can compare it with one new clean build instead of building twice.
    """
    install(session, "docs", "test", editable=True)
    if getattr(session._runner.global_config, "install_only", False):
        session.log("--install-only: the site is not built")  # as nox skips session.run
        return
    env = site_env()
    clean = not any((ROOT / path).exists() for path in GENERATED)
    marker = ROOT / CLEAN_BUILD
    marker.unlink(missing_ok=True)
    digest = sources_digest(ROOT, source_files(ROOT)) if clean else ""
    site = ROOT / "docs" / "_build" / "html"
    for stale in sorted(site.iterdir()) if site.is_dir() else []:
        if stale.name not in (*EDITIONS, "index.html"):  # left by a build of one edition only
            session.log(
                f"removing {stale.relative_to(ROOT)}: the site holds one folder per edition"
            )
            if stale.is_dir():
                shutil.rmtree(stale)
            else:
                stale.unlink()
    # No posargs: nox passes a session's posargs to the sessions it requires too (``nox -s
    # browser -- -k search`` runs this session first), and they are pytest's, not Sphinx's.
    python = Path(session.bin) / "python"
    first = next(iter(EDITIONS))
    for language in EDITIONS:
        start = "" if language == first else f" (once {first} writes its pages)"
        command = edition_build(language, "docs", "docs/_build/html", "docs/_build/doctrees")
        session.log(f"sphinx-build {' '.join(command)}{start}")
    path = os.pathsep.join([session.bin, os.environ.get("PATH", "")])
    code = build_editions(
        [str(python), "-m", "sphinx"], "docs", "docs/_build/html", "docs/_build/doctrees",
        env={**os.environ, **env, "PATH": path, "VIRTUAL_ENV": session.virtualenv.location},
        cwd=ROOT,
    )  # fmt: skip
    if code:
        session.error(f"the site build failed (exit status {code})")
    write_root_page(site)
    if clean:
        record = {"sources": digest, "options": SITE_OPTIONS, "editions": list(EDITIONS), **env}
        marker.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@nox.session(name="docs-tests", venv_backend="none", requires=["docs"])
def docs_tests(session: nox.Session) -> None:
    """The site's own tests (tests/test_docs_*.py), in the site's environment.

    The built site loads nothing from other hosts and links re-exported names; the execution
    caches follow src/gradlab (small real builds); the reference lists every module; the
    listings, terminology (the Korean translations too) and bibliography; the editions' language
    switcher, glossaries and Korean search (small real builds); the Korean catalogues hold
    the sources' current text, all of it translated (tests/test_docs_translations.py). The
    ``tests`` session skips the ones that need Sphinx.
    """
    docs_tests = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("tests/test_docs_*.py"))
    session.run(
        site_python(session), "-m", "pytest", *PARALLEL, *docs_tests, *session.posargs,
        env=site_env(),
    )  # fmt: skip


@nox.session(requires=["docs"])
def browser(session: nox.Session) -> None:
    """The site as readers meet it, in headless Chromium (``apt-get install chromium``).

    Uses the site ``docs`` built (in docs/_build/html, both editions); runs Sphinx's linkcheck
    on each edition, in the site's environment, with every external URL ignored (listed, never
    fetched); then tests/browser, in this session's own small environment (Playwright,
    nbclient): every page of both editions served on 127.0.0.1 and walked by Chromium through
    Playwright, several at a time, the site from file://, search in English and Korean, the
    language switcher, the downloads run in one fresh environment, internal links and anchors.
    Screenshots and reports go to browser-artifacts/.
    """
    chromium = Path(os.environ.get("GRADLAB_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.is_file():
        message = (
            f"no Chromium at {chromium}: install it from the OS packages "
            "(`apt-get install chromium fonts-nanum` on Debian/Ubuntu) or set GRADLAB_CHROMIUM"
        )
        if os.environ.get("CI"):  # CI installs Chromium itself (.ci/run): missing is a failure
            session.error(message)
        session.skip(message)  # a plain machine with only Python and pip: said, not hidden
    session.env["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"  # the OS's Chromium, never Playwright's
    install(session, "browser", "test")
    env = site_env()
    linkcheck = [site_python(session), "-m", "sphinx", "-W", "--keep-going", "-b", "linkcheck"]
    linkcheck += ["-D", "linkcheck_ignore=^https?://"]
    # external links are listed in output.json, not fetched
    for language in EDITIONS:
        edition = ["-D", f"language={language}", "-d", f"docs/_build/doctrees/{language}"]
        session.run(
            *linkcheck, *edition, "docs", f"docs/_build/linkcheck/{language}",
            env=env, external=True,
        )  # fmt: skip
    session.run(
        "pytest",
        "tests/browser",
        "--ignore=tests/browser/test_reproducible.py",
        *session.posargs,
        env={**env, "GRADLAB_SITE_TESTS": "1"},
    )


@nox.session(venv_backend="none", requires=["docs"])
def repro(session: nox.Session) -> None:
    """Two clean builds of the site from the same sources are byte-identical.

    When ``docs`` built from clean (a fresh clone), its site is the first of the two and one
    new clean build is compared with it; otherwise two new clean builds are made, side by side.
    """
    env = {**site_env(), "GRADLAB_SITE_TESTS": "1"}
    test = "tests/browser/test_reproducible.py"
    session.run(site_python(session), "-m", "pytest", test, "-s", *session.posargs, env=env)


@nox.session
def translations(session: nox.Session) -> None:
    """Refresh the Korean catalogues (docs/locale/ko) from the sources; not run by default.

    Sphinx's gettext builder extracts the text of every page from a copy of the sources (pages
    not executed, examples not run) into message templates, and sphinx-intl merges them into
    the ``.po`` files: new text arrives untranslated, changed text is marked fuzzy with the old
    translation as a suggestion, removed text is kept as obsolete (``#~``). A catalogue whose
    page is gone is deleted. The API reference pages stay English and have no catalogues.
    ``docs-tests`` fails until every entry of every catalogue is translated and not fuzzy
    (tests/test_docs_translations.py). The workflow: docs/locale/README.md.
    """
    install(session, "translations")
    work = Path(session.create_tmp()) / "translations"
    shutil.rmtree(work, ignore_errors=True)
    tree = work / "tree"
    copy_sources(ROOT, source_files(ROOT), tree)
    env = {**site_env(), "PYTHONPATH": str(tree / "src")}  # the date: the last commit's
    session.run("python", "-m", "sphinx", *gettext_build(tree, work), env=env)
    templates = message_templates(work / "pot")
    pot = work / "translated"  # the templates of the pages with catalogues (not the API's)
    for name, path in templates.items():
        (pot / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, (pot / name).with_suffix(".pot"))
    locale = ROOT / "docs" / "locale"
    for language in EDITIONS:
        if language == "en":
            continue  # the sources' own language
        session.run("sphinx-intl", "update", "-p", str(pot), "-l", language, "-d", str(locale))
        for name, path in catalogues(locale, language).items():
            if name not in templates:
                session.log(f"{path.relative_to(ROOT)}: its page is gone; deleted")
                path.unlink()
