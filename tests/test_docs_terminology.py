"""One Korean term per concept, as docs/terminology.toml fixes it.

The site's pages, gallery examples, gallery READMEs and docstrings write each fixed
term and none of the variants (경사 for 기울기, 활성화 함수 for 활성함수, ...).
The glossary page is generated from the same file, so its own variant lists are
not in any page.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

from gradlab_terminology import MARKER, Term, glossary_markdown, load, rejected_variants  # noqa: E402

TERMS = load(DOCS / "terminology.toml")
GENERATED = ("_build", "auto_examples", "generated")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def site_text_files() -> list[Path]:
    docs = [
        path
        for pattern in ("**/*.md", "**/*.rst")
        for path in DOCS.glob(pattern)
        if not set(path.relative_to(DOCS).parts) & set(GENERATED)
    ]
    examples = [*ROOT.glob("examples/**/*.py"), *ROOT.glob("examples/**/*.rst")]
    docstrings = list(ROOT.glob("src/gradlab/**/*.py"))  # the API reference shows them
    return sorted(docs + examples + docstrings)


@pytest.mark.parametrize("path", site_text_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_uses_the_fixed_terms(path: Path) -> None:
    found = rejected_variants(path.read_text(encoding="utf-8"), TERMS)
    assert not found, "\n".join(
        f"{path.relative_to(ROOT)}:{line}: {variant!r} -> write {fixed!r}"
        for line, variant, fixed in found
    )


def test_glossary_definitions_use_the_fixed_terms() -> None:
    for term in TERMS:
        text = f"{term.definition}\n{term.definition_ko}"
        assert not rejected_variants(text, TERMS), term.en


def test_every_page_and_example_is_checked() -> None:
    checked = {p.relative_to(ROOT).as_posix() for p in site_text_files()}
    assert {"docs/index.md", "docs/glossary.md", "examples/README.rst"} <= checked
    assert any(re.fullmatch(r"examples/\w+/plot_\w+\.py", path) for path in checked)
    assert "src/gradlab/activations.py" in checked


def test_each_concept_has_one_entry_and_linkable_unique_names() -> None:
    # Sphinx matches glossary terms case-insensitively; a duplicate is a build warning.
    names = [name.lower() for term in TERMS for name in term.headwords]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    fixed = {term.ko for term in TERMS if term.ko}
    for term in TERMS:
        assert term.definition, term.en
        assert HANGUL.search(term.definition_ko), term.en
        for variant in term.variants:
            assert variant not in fixed, f"{variant!r} is both a variant and a fixed term"
            assert variant != term.ko


def test_gradient_terms_follow_the_lectures_choice() -> None:
    by_en = {term.en: term for term in TERMS}
    assert by_en["gradient"].ko == "기울기"
    assert {"경사", "그라디언트", "그래디언트"} <= set(by_en["gradient"].variants)
    assert by_en["gradient descent"].ko == "경사하강법"
    assert by_en["vanishing gradient"].ko == "기울기 소실"
    assert by_en["exploding gradient"].ko == "기울기 폭발"


def test_variants_inside_a_longer_fixed_term_are_accepted() -> None:
    text = "경사하강법은 기울기를 따라 내려간다.\n경사가 급하다.\n오차 역전파와 역전파\n언더플로우"
    assert rejected_variants(text, TERMS) == [
        (2, "경사", "기울기"),
        (3, "오차 역전파", "역전파"),
        (4, "언더플로우", "언더플로"),
    ]


def test_glossary_page_is_generated_from_the_data_file() -> None:
    page = (DOCS / "glossary.md").read_text(encoding="utf-8")
    assert MARKER.search(page)
    glossary = glossary_markdown(TERMS)
    assert glossary.startswith("````{glossary}\n:sorted:\n")
    for term in TERMS:
        for name in term.headwords:
            assert f"\n{name}\n" in glossary
        for variant in term.variants:
            assert variant in glossary


def test_an_entry_lists_its_names_then_its_definitions() -> None:
    term = Term(
        en="gradient",
        ko="기울기",
        variants=("경사",),
        definition="The vector.",
        definition_ko="벡터.",
    )
    assert glossary_markdown([term]).splitlines()[3:10] == [
        "gradient",
        "기울기",
        "   The vector.",
        "",
        "   벡터.",
        "",
        "   *Other spellings you will meet (다른 표기):* 경사. This site writes **기울기**.",
    ]
