"""The gallery's downloads, as a reader gets them: served, unpacked, and run.

Every example page links the example as a script (``.py``), a notebook (``.ipynb``) and a zip of
both; the gallery's index links two zips, of all scripts and of all notebooks. Each download
must answer 200 on the local server and unpack: zips intact, scripts compile, notebooks are
valid nbformat. Then every downloaded script runs to completion (``MPLBACKEND=Agg``) and every
downloaded notebook executes top to bottom with nbclient, in a fresh virtual environment that
holds what the README says the examples need and gradlab, installed as the landing page tells
readers to: the wheel the site offers (``_downloads/gradlab-<version>-py3-none-any.whl``, the
package index's ``gradlab`` being another project), downloaded from the site and installed with
``pip install --no-index --no-deps``. Two run at a time; the times go to
``browser-artifacts/downloads.txt``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest
from sitecheck import EDITIONS, ROOT, site_pages

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"
]
WHEEL = f"gradlab-{VERSION}-py3-none-any.whl"
# The pages whose install instructions link the wheel (docs/_ext/gradlab_wheel.py builds it),
# in each edition (the site's root holds one folder per edition: en/, ko/).
WHEEL_PAGES = [
    f"{edition}/{page}"
    for edition in EDITIONS
    for page in ("index.html", "course/00_orientation.html")
]
# README: "The gallery examples ... need gradlab, NumPy and Matplotlib, plus ipykernel to run
# the notebooks".
EXAMPLE_NEEDS = ["numpy", "matplotlib", "ipykernel"]
# Not in the fresh environment: the examples must run without them.
NOT_THERE = {
    "torch", "scikit-learn", "scipy", "sphinx", "sphinx-gallery", "myst-nb", "nbclient",
    "pytest", "hypothesis",
}  # fmt: skip
KERNEL = "gradlab-downloads"
RUN_TIMEOUT = 300  # seconds per script or notebook
WORKERS = 2

NOTEBOOK_RUNNER = f"""
import sys
import nbformat
from nbclient import NotebookClient

path, kernel = sys.argv[1], sys.argv[2]
notebook = nbformat.read(path, as_version=4)
client = NotebookClient(notebook, kernel_name=kernel, timeout={RUN_TIMEOUT})
client.execute(cwd=".")
for cell in notebook.cells:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            sys.stdout.write(output.get("text", ""))
"""


class _DownloadLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "download" in (values.get("class") or "").split():
            self.hrefs.append(values.get("href") or "")


def download_links(site: Path, edition: str = "en") -> list[str]:
    """Site-relative paths of every download linked from a gallery page of ``edition``.

    Both editions offer the same files (test_both_editions_offer_the_same_downloads); the
    English edition's are the ones run.
    """
    found = set()
    for page in site_pages(site):
        if not page.startswith(f"{edition}/auto_examples/"):
            continue
        parser = _DownloadLinks()
        parser.feed((site / page).read_text(encoding="utf-8"))
        for href in parser.hrefs:
            found.add(urlsplit(urljoin(f"http://site/{page}", href)).path.lstrip("/"))
    return sorted(found)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def wheel_links(site: Path) -> dict[str, list[str]]:
    """Site-relative paths of the ``.whl`` files each of WHEEL_PAGES links."""
    found = {}
    for page in WHEEL_PAGES:
        parser = _Links()
        parser.feed((site / page).read_text(encoding="utf-8"))
        found[page] = sorted(
            {
                urlsplit(urljoin(f"http://site/{page}", href)).path.lstrip("/")
                for href in parser.hrefs
                if href.endswith(".whl")
            }
        )
    return found


@pytest.fixture(scope="module")
def site_wheel(site: Path, server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel the landing page and the orientation link, fetched from the local server."""
    links = wheel_links(site)
    assert all(links.values()), f"pages that link no wheel: {links}"
    paths = {path for found in links.values() for path in found}
    expected = {f"{edition}/_downloads/{WHEEL}" for edition in EDITIONS}
    assert paths == expected, f"the pages link {sorted(paths)}"
    copies = set()
    for path in sorted(expected):  # each edition's copy: the same wheel
        with urllib.request.urlopen(server + path, timeout=30) as response:
            status, data = response.status, response.read()
        assert status == 200
        copies.add(data)
    assert len(copies) == 1, "the editions offer different wheels"
    target = tmp_path_factory.mktemp("wheel") / WHEEL
    target.write_bytes(data)
    return target


def test_the_site_offers_gradlabs_own_wheel(site_wheel: Path) -> None:
    """A valid wheel of this version: intact, its RECORD true, every module of src/gradlab."""
    with zipfile.ZipFile(site_wheel) as wheel:
        assert wheel.testzip() is None
        dist_info = f"gradlab-{VERSION}.dist-info"
        metadata = wheel.read(f"{dist_info}/METADATA").decode("utf-8")
        assert "\nName: gradlab\n" in metadata
        assert f"\nVersion: {VERSION}\n" in metadata
        assert "\nRequires-Dist: numpy" in metadata
        tags = wheel.read(f"{dist_info}/WHEEL").decode("utf-8").splitlines()
        assert "Root-Is-Purelib: true" in tags
        assert "Tag: py3-none-any" in tags
        record = wheel.read(f"{dist_info}/RECORD").decode("utf-8").splitlines()
        listed = {}
        for line in record:
            name, digest, size = line.rsplit(",", 2)
            listed[name] = (digest, size)
        assert set(listed) == set(wheel.namelist())
        for name, (digest, size) in listed.items():
            if name == f"{dist_info}/RECORD":
                assert (digest, size) == ("", "")
                continue
            data = wheel.read(name)
            sha = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert (digest, size) == (f"sha256={sha.decode()}", str(len(data))), name
    modules = {f"gradlab/{p.name}" for p in (ROOT / "src" / "gradlab").glob("*.py")}
    assert modules <= set(listed), f"missing: {sorted(modules - set(listed))}"


def examples() -> list[str]:
    """The names of the gallery's example scripts (``plot_sigmoid_chain``), from the sources."""
    return sorted(p.stem for p in (ROOT / "examples").rglob("*.py"))


@pytest.fixture(scope="module")
def downloads(site: Path, server: str, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every download, fetched from the local server as a browser would."""
    folder = tmp_path_factory.mktemp("downloads")
    fetched, problems = [], []
    for path in download_links(site):
        try:
            with urllib.request.urlopen(server + path, timeout=30) as response:
                status, data = response.status, response.read()
        except OSError as error:
            problems.append(f"{path}: {error}")
            continue
        if status != 200 or not data:
            problems.append(f"{path}: HTTP {status}, {len(data)} bytes")
            continue
        target = folder / Path(path).name
        assert not target.exists(), f"two downloads named {target.name}"
        target.write_bytes(data)
        fetched.append(target)
    assert not problems, "downloads that fail:\n  " + "\n  ".join(problems)
    return fetched


def test_both_editions_offer_the_same_downloads(site: Path) -> None:
    """The Korean edition links the same downloads as the English one, byte for byte."""
    first, *others = EDITIONS
    wanted = {path.removeprefix(f"{first}/") for path in download_links(site, first)}
    for edition in others:
        links = download_links(site, edition)
        assert {path.removeprefix(f"{edition}/") for path in links} == wanted, edition
        for path in wanted:
            ours, theirs = site / first / path, site / edition / path
            assert ours.read_bytes() == theirs.read_bytes(), f"{edition}/{path} differs"


def test_every_example_can_be_downloaded(downloads: list[Path]) -> None:
    names = {path.name for path in downloads}
    expected = {"auto_examples_python.zip", "auto_examples_jupyter.zip"}
    expected |= {f"{name}{ext}" for name in examples() for ext in (".py", ".ipynb", ".zip")}
    assert len(examples()) >= 20
    assert not expected - names, f"not linked from the gallery: {sorted(expected - names)}"


def check_file(name: str, data: bytes) -> None:
    """A script compiles; a notebook is valid nbformat 4."""
    if name.endswith(".py"):
        compile(data, name, "exec", dont_inherit=True)
    elif name.endswith(".ipynb"):
        nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=4))


def test_downloads_unpack(downloads: list[Path]) -> None:
    problems = []
    for path in downloads:
        try:
            if path.suffix != ".zip":
                check_file(path.name, path.read_bytes())
                continue
            with zipfile.ZipFile(path) as archive:
                if (bad := archive.testzip()) is not None:
                    problems.append(f"{path.name}: {bad} is corrupt")
                members = [m for m in archive.namelist() if not m.endswith("/")]
                for member in members:
                    check_file(member, archive.read(member))
            stems = {Path(m).stem for m in members}
            suffixes = {Path(m).suffix for m in members}
            if path.name == "auto_examples_python.zip":
                want_stems, want_suffixes = set(examples()), {".py"}
            elif path.name == "auto_examples_jupyter.zip":
                want_stems, want_suffixes = set(examples()), {".ipynb"}
            else:
                want_stems, want_suffixes = {path.stem}, {".py", ".ipynb"}
            if stems != want_stems or suffixes != want_suffixes:
                problems.append(f"{path.name} holds {sorted(members)}")
        except (SyntaxError, ValueError, zipfile.BadZipFile, nbformat.ValidationError) as error:
            problems.append(f"{path.name}: {type(error).__name__}: {error}")
    assert not problems, "\n  ".join(["downloads that do not unpack:", *problems])


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything pointing Python at other packages."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "JUPYTER_PATH", "MPLBACKEND"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, "PYTHONNOUSERSITE": "1", "OMP_NUM_THREADS": "1", **extra}


def run(command: Sequence[str | Path], **kwargs: object) -> str:
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, **kwargs
    )  # type: ignore[call-overload]
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return str(result.stdout)


def new_examples_env(work: Path) -> Path:
    """A new virtual environment, ``work/env``, with what the examples need (not gradlab yet).

    The ``examples_env`` fixture (conftest.py) makes it in a thread while the site's walk runs.
    """
    run([sys.executable, "-m", "venv", work / "env"], env=clean_env(), timeout=600)
    python = work / "env" / "bin" / "python"
    run([python, "-m", "pip", "install", "-q", *EXAMPLE_NEEDS], env=clean_env(), timeout=900)
    return work / "env"


@pytest.fixture(scope="module")
def fresh_env(site_wheel: Path, examples_env: Future[Path]) -> Path:
    """A new virtual environment with the examples' needs and the site's wheel; its root.

    The wheel is installed offline, ``--no-index --no-deps``: the file itself, nothing from
    the package index, after NumPy (its one dependency) came with the examples' needs.
    """
    root = examples_env.result()
    env = clean_env()
    python = root / "bin" / "python"
    run([python, "-m", "pip", "install", "-q", "--no-index", "--no-deps", site_wheel],
        env=env, timeout=300)  # fmt: skip
    run([python, "-m", "pip", "check"], env=env, timeout=120)  # numpy>=1.26 is satisfied
    run([python, "-m", "ipykernel", "install", "--prefix", root, "--name", KERNEL],
        env=env, timeout=120)  # fmt: skip
    listed = json.loads(run([python, "-m", "pip", "list", "--format=json"], env=env, timeout=120))
    names = {p["name"].lower() for p in listed}
    assert "gradlab" in names
    assert not names & NOT_THERE, f"the fresh environment has {sorted(names & NOT_THERE)}"
    return root


@dataclass
class Run:
    kind: str
    name: str
    seconds: float
    code: int | None
    output: str


def run_download(kind: str, path: Path, env_root: Path) -> Run:
    """Run one downloaded script (its own python) or notebook (nbclient, the fresh kernel)."""
    if kind == "script":
        command = [str(env_root / "bin" / "python"), path.name]
        env = clean_env(MPLBACKEND="Agg")
    else:
        command = [sys.executable, "-c", NOTEBOOK_RUNNER, path.name, KERNEL]
        env = clean_env(JUPYTER_PATH=str(env_root / "share" / "jupyter"))
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, cwd=path.parent, env=env, capture_output=True, text=True,
            timeout=RUN_TIMEOUT + 60, check=False,
        )  # fmt: skip
        code, output = result.returncode, result.stdout + result.stderr
    except subprocess.TimeoutExpired as error:
        code, output = None, f"timed out after {error.timeout} s"
    return Run(kind, path.name, time.monotonic() - started, code, output)


def test_the_sites_wheel_imports_in_the_fresh_environment(fresh_env: Path) -> None:
    code = "import gradlab, sys; print(gradlab.__version__, gradlab.__file__, sys.prefix)"
    python = fresh_env / "bin" / "python"
    output = run([python, "-c", code], cwd=fresh_env, env=clean_env(), timeout=120)
    version, module, prefix = output.split()
    assert version == VERSION
    assert Path(prefix).resolve() == fresh_env.resolve()
    assert Path(module).resolve().is_relative_to(fresh_env.resolve())  # not the checkout's


def test_the_kernel_is_the_fresh_environment(fresh_env: Path, tmp_path: Path) -> None:
    cell = nbformat.v4.new_code_cell("import sys, gradlab\nprint(sys.prefix, gradlab.__file__)")
    notebook = nbformat.v4.new_notebook(cells=[cell])
    nbformat.write(notebook, tmp_path / "which.ipynb")
    result = run_download("notebook", tmp_path / "which.ipynb", fresh_env)
    assert result.code == 0, result.output
    prefix, gradlab_file = result.output.split()[:2]
    assert Path(prefix).resolve() == fresh_env.resolve()
    assert Path(gradlab_file).resolve().is_relative_to(fresh_env.resolve())


def test_every_download_runs(
    downloads: list[Path], fresh_env: Path, tmp_path: Path, artifacts: Path
) -> None:
    jobs = []
    for path in downloads:
        if path.suffix in (".py", ".ipynb"):
            folder = tmp_path / path.name  # one folder each: what an example writes stays apart
            folder.mkdir()
            (folder / path.name).write_bytes(path.read_bytes())
            jobs.append(("script" if path.suffix == ".py" else "notebook", folder / path.name))
    assert len(jobs) == 2 * len(examples())
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        runs = list(pool.map(lambda job: run_download(*job, fresh_env), jobs))
    wall = time.monotonic() - started
    report = [f"{r.seconds:7.1f} s  {r.kind:8}  {r.name}  exit {r.code}" for r in runs]
    report.append(f"{wall:7.1f} s  wall clock, {WORKERS} at a time, {len(runs)} runs")
    (artifacts / "downloads.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    failed = [r for r in runs if r.code != 0]
    assert not failed, "\n\n".join(
        f"{r.kind} {r.name} (exit {r.code}, {r.seconds:.0f} s):\n{r.output[-3000:]}"
        for r in failed
    )
