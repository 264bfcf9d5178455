"""docs/references.bib parses and holds the course's references with their identifiers."""

from __future__ import annotations

from pathlib import Path

import pytest

pybtex_database = pytest.importorskip(
    "pybtex.database", reason="needs the docs dependencies (run by `nox -s docs`)"
)

BIB = Path(__file__).parents[1] / "docs" / "references.bib"

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
    assert set(entries) == set(EXPECTED)
    for key, (author, year, fields) in EXPECTED.items():
        entry = entries[key]
        assert entry.persons["author"][0].last_names == [author], key
        assert entry.fields["year"] == year, key
        assert entry.fields["title"], key
        for name, value in fields.items():
            assert entry.fields[name] == value, (key, name)
