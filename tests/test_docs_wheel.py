"""The site offers gradlab's own wheel, and every install instruction installs it or a checkout.

``pip install gradlab`` fetches an unrelated project from the package index. The site build
makes the wheel of its own sources (docs/_ext/gradlab_wheel.py); these tests build it as the
site does, twice, and a small site with the ``{wheel}`` role, and read the install commands of
the README and the pages. tests/browser/test_downloads.py fetches the built site's wheel and
installs it offline into a fresh environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "docs" / "_ext"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"
]
WHEEL = f"gradlab-{VERSION}-py3-none-any.whl"
EPOCH = 1767225600  # 2026-01-01 00:00:00 UTC
# What a reader is told to read or run: the README, the site's pages, the gallery's texts.
INSTRUCTIONS = sorted(
    [ROOT / "README.md", ROOT / "examples" / "README.rst"]
    + [p for p in (ROOT / "docs").rglob("*.md") if not {"_build", "auto_examples"} & set(p.parts)]
)


def built_wheel(root: Path, directory: Path) -> Path:
    pytest.importorskip("sphinx", reason="needs the docs dependencies (run by `nox -s docs`)")
    pytest.importorskip("hatchling", reason="needs hatchling, gradlab's build backend")
    sys.path.insert(0, str(EXT))
    from gradlab_wheel import build_wheel

    return build_wheel(root, directory)


def copy_project(target: Path) -> Path:
    """What the wheel is built from, copied: pyproject.toml, README.md, .gitignore, src/."""
    for name in ("pyproject.toml", "README.md", ".gitignore"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_two_builds_write_the_same_bytes_dated_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = built_wheel(ROOT, tmp_path / "first")
    second = built_wheel(copy_project(tmp_path), tmp_path / "second")  # another tree, later
    assert first.name == second.name == WHEEL
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as wheel:
        assert {info.date_time for info in wheel.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        names = wheel.namelist()
        assert f"gradlab-{VERSION}.dist-info/METADATA" in names
        assert "gradlab/__init__.py" in names
        assert "gradlab/data/digits.csv.gz" in names
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86400))  # the epoch is what dates it
    third = built_wheel(ROOT, tmp_path / "third")
    with zipfile.ZipFile(third) as wheel:
        assert {info.date_time for info in wheel.infolist()} == {(2026, 1, 2, 0, 0, 0)}
    assert third.read_bytes() != first.read_bytes()


def small_site(tmp_path: Path, pages: dict[str, str]) -> tuple[subprocess.CompletedProcess, Path]:
    """A site of MyST ``pages`` in a copy of the project, built with -W by gradlab_wheel."""
    pytest.importorskip("myst_parser", reason="needs the docs dependencies (run by `nox -s docs`)")
    project = copy_project(tmp_path)
    docs = project / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXT)!r})\n"
        'extensions = ["myst_parser", "gradlab_wheel"]\nexclude_patterns = ["_build"]\n',
        encoding="utf-8",
    )
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "-d",
         str(tmp_path / "doctrees"), str(docs), str(out)],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)},
    )  # fmt: skip
    return result, out


def test_a_site_build_offers_the_wheel_and_links_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = f"# Home\n\nDownload {{wheel}}`{WHEEL}`.\n\n```{{toctree}}\ncourse/one\n```\n"
    page = f"# One\n\nThe wheel: {{wheel}}`{WHEEL}`.\n"
    result, out = small_site(tmp_path, {"index.md": index, "course/one.md": page})
    assert result.returncode == 0, result.stdout + result.stderr
    served = out / "_downloads" / WHEEL
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert served.read_bytes() == built_wheel(ROOT, tmp_path / "direct").read_bytes()
    link = (
        '<a class="reference download internal" download="" href="{}"><code class="xref '
        f'download docutils literal notranslate"><span class="pre">{WHEEL}</span></code></a>'
    )
    assert link.format(f"_downloads/{WHEEL}") in (out / "index.html").read_text("utf-8")
    assert link.format(f"../_downloads/{WHEEL}") in (out / "course/one.html").read_text("utf-8")
    assert not (tmp_path / "docs" / "_downloads").exists()  # nothing written into the sources
    assert "gradlab-wheel" not in {p.name for p in out.rglob("*")}


def test_two_site_builds_elsewhere_write_the_same_files(tmp_path: Path) -> None:
    """The wheel's build-specific folder changes nothing in the site, .buildinfo included."""
    pages = {"index.md": f"# Home\n\n{{wheel}}`{WHEEL}`\n"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, site_a = small_site(tmp_path / "a", pages)
    second, site_b = small_site(tmp_path / "b", pages)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    files = sorted(p.relative_to(site_a) for p in site_a.rglob("*") if p.is_file())
    assert Path(".buildinfo") in files
    assert Path("_downloads") / WHEEL in files
    assert files == sorted(p.relative_to(site_b) for p in site_b.rglob("*") if p.is_file())
    differ = [f for f in files if (site_a / f).read_bytes() != (site_b / f).read_bytes()]
    assert not differ


def test_a_page_naming_another_wheel_fails_the_build(tmp_path: Path) -> None:
    stale = "gradlab-0.0.1-py3-none-any.whl"
    result, _ = small_site(tmp_path, {"index.md": f"# Home\n\n{{wheel}}`{stale}`\n"})
    assert result.returncode != 0
    assert f"{{wheel}}`{stale}`: this build made {WHEEL}" in result.stderr


# -- the install instructions ------------------------------------------------------------------

# A command: a line of a code block (after an optional "$ " prompt), or an inline code span that
# starts with "python -m pip".
COMMAND = re.compile(
    r"^\s*(?:\$\s+)?(?P<c>(?:python -m )?pip install .*)$|`(?P<i>python -m pip install [^`]*)`",
    re.M,
)
FROM_INDEX = re.compile(r"^['\"]?gradlab(?:\[[^\]]*\])?(?:[<>=!~].*)?['\"]?$", re.I)


def pip_installs(text: str) -> list[list[str]]:
    """The arguments of every ``pip install`` command in ``text``, one list per command."""
    found = []
    for match in COMMAND.finditer(text):
        command = (match["c"] or match["i"]).split("#")[0].split("&&")[0]
        found.append(command.split("pip install", 1)[1].split())
    return found


def test_the_check_finds_installs_from_the_index() -> None:
    text = (
        "```console\n$ pip install gradlab\n$ python -m pip install 'gradlab[plot]'\n"
        f'$ python -m pip install "{WHEEL}[plot]" ipykernel\n```\n'
        "Run `python -m pip install gradlab==0.1.0` or `python -m pip install .`."
    )
    commands = pip_installs(text)
    assert commands == [
        ["gradlab"], ["'gradlab[plot]'"], [f'"{WHEEL}[plot]"', "ipykernel"],
        ["gradlab==0.1.0"], ["."],
    ]  # fmt: skip
    assert [any(FROM_INDEX.match(a) for a in c) for c in commands] == [
        True, True, False, True, False,
    ]  # fmt: skip


@pytest.mark.parametrize("path", INSTRUCTIONS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_instruction_installs_gradlab_from_the_index(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for arguments in pip_installs(text):
        assert not [a for a in arguments if FROM_INDEX.match(a)], f"{path.name}: {arguments}"
        for argument in arguments:  # a wheel named anywhere is this version's
            if ".whl" in argument:
                assert argument.strip("'\"").split("[")[0] == WHEEL, f"{path.name}: {argument}"
    for name in re.findall(r"gradlab-[\w.]+?-py3-none-any\.whl", text):
        assert name == WHEEL, f"{path.name} names {name}, not this version's {WHEEL}"


@pytest.mark.parametrize("page", ["docs/index.md", "docs/course/00_orientation.md"])
def test_the_landing_page_and_the_orientation_link_the_wheel(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    assert f"{{wheel}}`{WHEEL}`" in text
    commands = pip_installs(text)
    assert any(a.strip("'\"").startswith(WHEEL) for c in commands for a in c)


def test_the_readme_installs_the_wheel_or_the_checkout() -> None:
    commands = pip_installs((ROOT / "README.md").read_text(encoding="utf-8"))
    installed = {a.strip("'\"").split("[")[0] for c in commands for a in c}
    assert {".", WHEEL, "nox"} <= installed
