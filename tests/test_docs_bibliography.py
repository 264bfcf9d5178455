"""docs/references.bib parses and holds the course's references with their identifiers.

Among them are the five lectures the course follows, which docs/sources.md names; every key
that a page, an example or a docstring cites is in the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pybtex_database = pytest.importorskip(
    "pybtex.database", reason="needs the docs dependencies (run by `nox -s docs`)"
)

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
BIB = DOCS / "references.bib"

# The five lectures: key -> (author's last name, words of the title, what the entry must say)
LECTURES = {
    "lecture_noh_vanishing": ("노기섭", "Gradient Vanishing (기울기 소실)", "topic 09"),
    "lecture_noh_backprop": ("노기섭", "Back-propagation (역전파 학습)", "topic 08"),
    "lecture_lee_deep_learning": ("Lee", "Deep learning", "Lecture slides"),
    "lecture_kapur_vanishing": ("Kapur", "Vanishing Gradient Problem", "송호연"),
    "lecture_kim_vanishing": ("Kim", "Gradient Vanishing", "Lecture slides"),
}
# {cite:p}`a,b` in MyST, :cite:p:`a,b` in reStructuredText (docstrings, gallery examples)
CITATION = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`|:cite(?::\w+)?:`([^`]+)`")

# key -> (first author's last name, year, {field: value}) for the identifiers the course relies on
EXPECTED = {
    "rumelhart1986learning": ("Rumelhart", "1986", {"journal": "Nature", "volume": "323",
                                                    "pages": "533--536"}),
    "hochreiter1991untersuchungen": ("Hochreiter", "1991", {}),
    "bengio1994learning": ("Bengio", "1994", {"doi": "10.1109/72.279181", "volume": "5",
                                              "number": "2", "pages": "157--166"}),
    "qian1999momentum": ("Qian", "1999", {"volume": "12", "number": "1", "pages": "145--151"}),
    "nesterov1983method": ("Nesterov", "1983", {"volume": "27", "pages": "372--376"}),
    "duchi2011adaptive": ("Duchi", "2011", {"volume": "12", "pages": "2121--2159"}),
    "hinton2012rmsprop": ("Hinton", "2012", {}),
    "zeiler2012adadelta": ("Zeiler", "2012", {"eprint": "1212.5701"}),
    "kingma2015adam": ("Kingma", "2015", {"eprint": "1412.6980"}),
    "dozat2016incorporating": ("Dozat", "2016", {}),
    "loshchilov2019decoupled": ("Loshchilov", "2019", {"eprint": "1711.05101"}),
    "glorot2010understanding": ("Glorot", "2010", {"volume": "9", "pages": "249--256"}),
    "he2015delving": ("He", "2015", {"pages": "1026--1034", "eprint": "1502.01852"}),
    "saxe2014exact": ("Saxe", "2014", {"eprint": "1312.6120"}),
    "pennington2017resurrecting": ("Pennington", "2017", {"pages": "4785--4795",
                                                           "eprint": "1711.04735"}),
    "pascanu2013difficulty": ("Pascanu", "2013", {"volume": "28", "number": "3",
                                                  "pages": "1310--1318", "eprint": "1211.5063"}),
    "nair2010rectified": ("Nair", "2010", {}),
    "maas2013rectifier": ("Maas", "2013", {}),
    "clevert2016fast": ("Clevert", "2016", {"eprint": "1511.07289"}),
    "ioffe2015batch": ("Ioffe", "2015", {"eprint": "1502.03167"}),
    "he2016deep": ("He", "2016", {"eprint": "1512.03385"}),
    "hochreiter1997long": ("Hochreiter", "1997", {"volume": "9", "number": "8",
                                                  "pages": "1735--1780"}),
    "sutskever2013importance": ("Sutskever", "2013", {}),
    "nielsen2015neural": ("Nielsen", "2015", {"publisher": "Determination Press"}),
}  # fmt: skip


def test_bibliography_has_every_reference_with_its_identifiers() -> None:
    entries = pybtex_database.parse_file(str(BIB), bib_format="bibtex").entries
    assert set(EXPECTED) <= set(entries)  # other chapters may add their own
    for key, (author, year, fields) in EXPECTED.items():
        entry = entries[key]
        assert entry.persons["author"][0].last_names == [author], key
        assert entry.fields["year"] == year, key
        assert entry.fields["title"], key
        for name, value in fields.items():
            assert entry.fields[name] == value, (key, name)


def test_every_entry_has_an_author_a_title_and_a_year_or_is_an_undated_lecture() -> None:
    for key, entry in pybtex_database.parse_file(str(BIB), bib_format="bibtex").entries.items():
        assert entry.persons["author"], key
        assert entry.fields["title"], key
        assert "year" in entry.fields or key.startswith("lecture_"), key


def test_the_five_lectures_are_entries_with_their_authors() -> None:
    found = pybtex_database.parse_file(str(BIB), bib_format="bibtex").entries
    for key, (author, title, says) in LECTURES.items():
        entry = found[key]
        assert entry.persons["author"][0].last_names == [author], key
        assert entry.fields["title"].strip("{}") == title, key
        assert says in " ".join(entry.fields.values()), key
    kapur = found["lecture_kapur_vanishing"].fields
    assert kapur["year"] == "2017"  # the translation's date; the essay is of 2016
    assert kapur["url"].startswith("https://ayearofai.com/")
    # Two undated works by one author: their author-year labels must differ.
    years = {
        found[key].fields["year"] for key in ("lecture_noh_vanishing", "lecture_noh_backprop")
    }
    assert years == {"n.d.-a", "n.d.-b"}


def test_the_sources_page_names_each_lecture_and_its_author() -> None:
    page = (DOCS / "sources.md").read_text(encoding="utf-8")
    for key, (_, title, _) in LECTURES.items():
        assert f"`{key}`" in page, key
        assert title in page, key
    for name in ("노기섭", "Sang Yup Lee", "Rohan Kapur", "송호연", "Ki Hyun Kim"):
        assert name in page, name
    root_toctree = (DOCS / "index.md").read_text(encoding="utf-8").split("```{toctree}")[1]
    assert "\nsources\n" in root_toctree
    assert "\nbibliography\n" in root_toctree


def cited_keys(text: str) -> set[str]:
    return {
        key.strip()
        for match in CITATION.finditer(text)
        for key in (match.group(1) or match.group(2)).split(",")
    }


def test_every_cited_key_is_in_the_bibliography() -> None:
    known = set(pybtex_database.parse_file(str(BIB), bib_format="bibtex").entries)
    pages = [
        *DOCS.glob("**/*.md"),
        DOCS / "terminology.toml",  # the glossary's definitions
        *ROOT.glob("examples/**/*.py"),
        *ROOT.glob("examples/**/*.rst"),
        *ROOT.glob("src/gradlab/**/*.py"),
    ]
    generated = ("_build", "auto_examples", "generated")
    missing = {
        f"{path.relative_to(ROOT)}: {key}"
        for path in pages
        if not set(path.relative_to(ROOT).parts) & set(generated)
        for key in cited_keys(path.read_text(encoding="utf-8")) - known
    }
    assert not missing, sorted(missing)
    assert cited_keys("{cite:p}`a, b` and :cite:t:`c`") == {"a", "b", "c"}
