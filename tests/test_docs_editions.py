"""The site's two editions (docs/_ext/gradlab_editions.py and its neighbours), on a small site.

A throwaway project configured like docs/conf.py (pydata-sphinx-theme, the site's templates, a
glossary generated from a terminology file, a Korean catalogue for one page) is built by real
Sphinx twice, English and Korean, side by side as ``nox -s docs`` builds the site, with the root
page. Checked: the language switcher links each page to the same page of the other edition
(or, for a page only one edition has, to the other edition's landing page); the Korean
edition's ``<html lang="ko">`` with its English marked ``lang="en"``, and the English
edition's Hangul marked ``lang="ko"``; the glossary of each edition and ``{term}`` links to
either of its names; the gettext builder leaves the generated glossary out of the catalogue.
The built site itself is walked by tests/browser (test_links.py, test_search.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("myst_parser", reason="needs the docs dependencies (run by `nox -s docs`)")
pytest.importorskip("pydata_sphinx_theme", reason="needs the docs dependencies")
bs4 = pytest.importorskip("bs4", reason="needs the docs dependencies")

DOCS = Path(__file__).parents[1] / "docs"
EXT = DOCS / "_ext"
sys.path.insert(0, str(EXT))

from gradlab_editions import EDITIONS, WRITING_SIGNAL, root_page, write_root_page  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent / "browser"))
from sitecheck import build_editions  # noqa: E402

CONF = f"""
import sys
sys.path.insert(0, {str(EXT)!r})
extensions = ["myst_parser", "gradlab_editions", "gradlab_terminology", "gradlab_a11y"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["dollarmath"]
html_theme = "pydata_sphinx_theme"
templates_path = [{str(DOCS / "_templates")!r}]
html_theme_options = {{"navbar_end": ["language-switcher"]}}
language = "en"
editions = {{"en": "English", "ko": "한국어"}}
edition_exclude_patterns = {{"ko": ["only_en.md"]}}
locale_dirs = ["locale/"]
gettext_compact = False
"""

TERMINOLOGY = """
[[term]]
en = "gradient"
ko = "기울기"
variants = ["경사"]
definition = "The vector of partial derivatives."
definition_ko = "편미분을 모은 벡터."

[[term]]
en = "ReLU"
definition = "The rectifier, $\\\\max(0, x)$."
definition_ko = "정류 함수 $\\\\max(0, x)$."
"""

PAGES = {
    "index.md": "# Home\n\n```{toctree}\npage\nglossary\n```\n",
    "page.md": "# Page\n\nThe {term}`gradient` and the {term}`기울기` point uphill.\n\n"
    "기울기는 gradient의 한국어 이름이다.\n\nThis paragraph is not translated.\n\n"
    "{ref}`page-section`\n\n(page-section)=\n## The section\n\nIts text.\n",
    "glossary.md": "# Glossary\n\nThe terms.\n\n% terminology-glossary\n",
    "only_en.md": "---\norphan: true\n---\n\n# Only in English\n\nThe English edition only.\n",
    "terminology.toml": TERMINOLOGY,
    "locale/ko/LC_MESSAGES/page.po": (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Page"\nmsgstr "페이지"\n\n'
        'msgid "The {term}`gradient` and the {term}`기울기` point uphill."\n'
        'msgstr "{term}`gradient`와 {term}`기울기`는 오르막을 가리킨다."\n\n'
        'msgid "The section"\nmsgstr "그 절"\n\nmsgid "Its text."\nmsgstr "그 절의 글."\n'
    ),
}


ENV = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def sphinx(*args: str, **env: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", *args],
        capture_output=True, text=True, timeout=300, check=False, env={**ENV, **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small site, both editions and the root page, as ``nox -s docs`` lays it out."""
    project = tmp_path_factory.mktemp("editions")
    docs = project / "docs"
    (docs / "conf.py").parent.mkdir()
    (docs / "conf.py").write_text(CONF, encoding="utf-8")
    for name, text in PAGES.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    site = project / "html"
    log = project / "build.log"
    with log.open("wb") as output:
        code = build_editions(
            [sys.executable, "-m", "sphinx"], docs, site, project / "doctrees",
            env=ENV, cwd=project, log=output, timeout=300,
        )  # fmt: skip
    assert code == 0, log.read_text(encoding="utf-8")
    write_root_page(site)
    return site


def test_a_build_signals_when_it_starts_writing_pages(site: Path, tmp_path: Path) -> None:
    """The file ``GRADLAB_WRITING_SIGNAL`` names appears before any page is written (or, none
    to write, as the build finishes): ``build_editions`` starts the next edition on it."""
    docs, out = site.parent / "docs", tmp_path / "html"
    signal = tmp_path / "writing"
    build = ["-b", "html", "-d", str(tmp_path / "doctrees"), str(docs), str(out)]
    sphinx(*build, **{WRITING_SIGNAL: str(signal)})
    assert signal.is_file()
    pages = [page for page in out.rglob("*.html") if "_static" not in page.parts]
    assert len(pages) >= len(PAGES)
    assert all(page.stat().st_mtime_ns >= signal.stat().st_mtime_ns for page in pages)
    signal.unlink()
    sources = [out / Path(name).with_suffix(".html") for name in PAGES if name.endswith(".md")]
    written = {page: page.stat().st_mtime_ns for page in sources}
    sphinx(*build, **{WRITING_SIGNAL: str(signal)})  # nothing changed: no page to write
    assert signal.is_file()
    assert written == {page: page.stat().st_mtime_ns for page in sources}
    assert all(mtime < signal.stat().st_mtime_ns for mtime in written.values())


def soup(path: Path) -> bs4.BeautifulSoup:
    return bs4.BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def switch_links(page: Path) -> list[dict[str, str]]:
    """The language switcher's links of a page: href, hreflang, lang and text."""
    return [
        {
            "href": str(a["href"]),
            "hreflang": str(a["hreflang"]),
            "lang": str(a["lang"]),
            "text": a.get_text(strip=True),
        }
        for a in soup(page).select("a.gl-language-switch")
    ]


def resolve(page: Path, href: str) -> Path:
    return (page.parent / urlsplit(href).path).resolve()


@pytest.mark.parametrize("name", ["index", "page", "glossary", "genindex", "search"])
def test_each_page_links_the_same_page_in_the_other_edition(site: Path, name: str) -> None:
    for here, other in (("en", "ko"), ("ko", "en")):
        page = site / here / f"{name}.html"
        links = switch_links(page)
        assert links, f"{here}/{name}.html has no language switcher"
        for link in links:  # the header's switcher, and the sidebar's copy on small screens
            assert link == {
                "href": f"../{other}/{name}.html",
                "hreflang": other,
                "lang": other,
                "text": EDITIONS[other],
            }
            assert resolve(page, link["href"]) == (site / other / f"{name}.html").resolve()
        alternate = soup(page).find("link", rel="alternate", hreflang=other)
        assert alternate is not None
        assert alternate["href"] == f"../{other}/{name}.html"


def test_a_page_without_a_counterpart_links_the_other_landing_page(site: Path) -> None:
    assert (site / "en" / "only_en.html").is_file()
    assert not (site / "ko" / "only_en.html").exists()
    links = switch_links(site / "en" / "only_en.html")
    assert {link["href"] for link in links} == {"../ko/index.html"}


def test_the_root_page_leads_to_both_editions(site: Path) -> None:
    page = soup(site / "index.html")
    assert page.html is not None
    assert page.html["lang"] == "en"
    links = {a["href"]: a for a in page.select("main a")}
    assert set(links) == {"en/index.html", "ko/index.html"}
    for code, name in EDITIONS.items():
        link = links[f"{code}/index.html"]
        assert link.get_text(strip=True) == name
        assert link["hreflang"] == code
        assert link.find_parent(lang=True)["lang"] == code  # the name is read in its language
        assert (site / code / "index.html").is_file()
    assert page.title is not None
    assert page.title.get_text() == "gradlab"
    assert root_page("gradlab", EDITIONS) == (site / "index.html").read_text(encoding="utf-8")


def test_each_edition_says_its_language(site: Path) -> None:
    en, ko = soup(site / "en" / "page.html"), soup(site / "ko" / "page.html")
    assert en.html is not None
    assert ko.html is not None
    assert en.html["lang"] == "en"
    assert ko.html["lang"] == "ko"
    # English edition: Hangul marked Korean, English left as the page's language
    assert [s.get_text() for s in en.select("article span[lang=ko]")][:2] == ["기울기", "기울기는"]
    assert not en.select("article [lang=en]")
    # Korean edition: the translated title and text are Korean, the untranslated English
    # paragraph is marked English, and Korean needs no mark
    assert ko.h1 is not None
    assert ko.h1.get_text(strip=True).startswith("페이지")
    english = [p.get_text(strip=True) for p in ko.select("article p[lang=en]")]
    assert english == ["This paragraph is not translated."]
    # a reference without a title of its own reads as its label until it is resolved: it takes
    # its target's Korean title, so its paragraph is not English
    link = ko.select_one('article a[href="#page-section"]')
    assert link is not None
    assert link.get_text(strip=True) == "그 절"
    assert link.find_parent(lang=True).name == "html"
    assert not ko.select("article span[lang=ko]")
    assert "오르막을 가리킨다" in ko.get_text()


def glossary_entries(path: Path) -> list[tuple[list[str], str]]:
    """Each entry of a glossary page: its headwords, in order, and its definition's text."""
    page = soup(path)
    dl = page.select_one("dl.glossary")
    assert dl is not None
    entries: list[tuple[list[str], str]] = []
    names: list[str] = []
    for child in dl.find_all(["dt", "dd"], recursive=False):
        if child.name == "dt":
            names.append(child.get_text(strip=True).rstrip("#").strip())
        else:
            entries.append((names, " ".join(child.get_text().split())))
            names = []
    return entries


def test_each_edition_has_its_glossary(site: Path) -> None:
    en = glossary_entries(site / "en" / "glossary.html")
    ko = glossary_entries(site / "ko" / "glossary.html")
    assert [names for names, _ in en] == [["gradient", "기울기"], ["ReLU"]]
    assert [names for names, _ in ko] == [["ReLU"], ["기울기", "gradient"]]
    en_gradient, ko_gradient = en[0][1], ko[1][1]
    assert "The vector of partial derivatives." in en_gradient
    assert "편미분을 모은 벡터." in en_gradient
    assert "This site writes" in en_gradient
    assert "편미분을 모은 벡터." in ko_gradient
    assert "The vector" not in ko_gradient
    assert "다른 표기: 경사. 이 사이트의 표기는 기울기입니다." in ko_gradient
    assert "max(0, x)" in ko[0][1]


@pytest.mark.parametrize("language", list(EDITIONS))
def test_both_names_of_a_term_link_to_its_entry(site: Path, language: str) -> None:
    page = site / language / "page.html"
    links = soup(page).select("article a.reference")
    targets = {a.get_text(strip=True): str(a["href"]) for a in links}
    assert {"gradient", "기울기"} <= set(targets)
    glossary = soup(site / language / "glossary.html")
    for name in ("gradient", "기울기"):
        path, _, anchor = targets[name].partition("#")
        assert path == "glossary.html"
        term = glossary.find(id=anchor)
        assert term is not None
        assert term.name == "dt"
        assert term.find_parent("dl") is not None
    # both names of the one concept land in the same entry
    dl_ids = {
        anchor: glossary.find(id=anchor).find_next_sibling("dd")  # type: ignore[union-attr]
        for anchor in (targets[name].partition("#")[2] for name in ("gradient", "기울기"))
    }
    assert len({id(dd) for dd in dl_ids.values()}) == 1


def test_the_catalogue_leaves_out_the_generated_glossary(site: Path, tmp_path: Path) -> None:
    docs = site.parent / "docs"
    sphinx("-b", "gettext", "-d", str(tmp_path / "doctrees"), str(docs), str(tmp_path / "pot"))
    pot = (tmp_path / "pot" / "glossary.pot").read_text(encoding="utf-8")
    assert 'msgid "The terms."' in pot
    assert 'msgid "Glossary"' in pot
    for generated in ("gradient", "기울기", "The vector", "편미분", "다른 표기", "ReLU"):
        assert generated not in pot, generated
