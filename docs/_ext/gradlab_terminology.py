"""The site's terminology (``docs/terminology.toml``): the glossary page and the spelling check.

As a Sphinx extension, it replaces the line ``% terminology-glossary`` of a page with a
``{glossary}`` generated from the data file, each entry linkable by its English headword, its
English aliases and its Korean term, in both editions. The English edition lists each entry
under its English headword with both definitions; the Korean edition (``language = "ko"``)
under its Korean term, with the English name next to it, and the Korean definition. The
generated entries are left out of translation (Sphinx's ``translatable`` flag): the data file
holds both languages, so the catalogue (``locale/ko/LC_MESSAGES/glossary.po``) only has the
page's own prose. :func:`rejected_variants` is the check ``tests/test_docs_terminology.py`` runs
over the site's pages, examples and translations. Nothing here imports Sphinx at module level,
so the test runs without it. Why this exists: Sphinx's ``glossary`` directive takes its entries
from the page itself, and no extension builds one from a data file that also lists the
spellings to refuse; one file keeps the glossary and the spelling check from disagreeing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

MARKER = re.compile(r"^% terminology-glossary\b.*$", re.MULTILINE)
"""The line of a page that the generated glossary replaces."""

GENERATED_CLASS = "gl-terminology"
"""The class of the container around the generated glossary (not translated)."""


@dataclass(frozen=True)
class Term:
    """One concept: its English headword, its fixed Korean term and the spellings to avoid."""

    en: str
    definition: str
    definition_ko: str
    ko: str = ""
    aliases: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()

    @property
    def headwords(self) -> list[str]:
        """Every name the glossary defines (and ``{term}`` links to) for this concept."""
        names = [self.en, *self.aliases]
        return [*names, self.ko] if self.ko and self.ko not in names else names

    def headwords_in(self, language: str) -> list[str]:
        """:attr:`headwords` in the order an edition lists them: its own language's first."""
        if is_korean(language) and self.ko:
            return [self.ko, *(name for name in self.headwords if name != self.ko)]
        return self.headwords


def load(path: str | Path) -> list[Term]:
    """Read the ``[[term]]`` tables of a terminology TOML file."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return [
        Term(
            en=t["en"],
            ko=t.get("ko", ""),
            aliases=tuple(t.get("aliases", ())),
            variants=tuple(t.get("variants", ())),
            definition=t["definition"].strip(),
            definition_ko=t["definition_ko"].strip(),
        )
        for t in data["term"]
    ]


def is_korean(language: str | None) -> bool:
    """Whether ``language`` (``ko``, ``ko_KR``) is Korean."""
    return (language or "").lower().replace("-", "_").split("_")[0] == "ko"


def glossary_markdown(terms: list[Term], language: str = "en") -> str:
    """A MyST ``{glossary}`` directive with one entry per term, sorted by headword.

    English (any ``language`` but Korean): each entry under its English headword, then its
    English aliases and its Korean term; the English definition, then the Korean one. Korean:
    the Korean term first (the English headword for a term the site writes in English, such as
    ReLU), then the English names; the Korean definition.
    """
    korean = is_korean(language)
    lines = ["````{glossary}", ":sorted:", ""]
    for term in terms:
        lines += term.headwords_in(language)
        body = [term.definition_ko] if korean else [term.definition, "", term.definition_ko]
        if term.variants:
            others = ", ".join(term.variants)
            fixed = term.ko or term.en
            body += [
                "",
                f"*다른 표기:* {others}. 이 사이트의 표기는 **{fixed}**입니다."
                if korean
                else f"*Other spellings you will meet (다른 표기):* {others}. "
                f"This site writes **{fixed}**.",
            ]
        lines += [f"   {line}" if line else "" for line in "\n".join(body).splitlines()]
        lines.append("")
    lines.append("````")
    return "\n".join(lines)


def generated_glossary(terms: list[Term], language: str = "en") -> str:
    """:func:`glossary_markdown` in a container of class :data:`GENERATED_CLASS`."""
    return f"`````{{container}} {GENERATED_CLASS}\n{glossary_markdown(terms, language)}\n`````"


def rejected_variants(text: str, terms: list[Term]) -> list[tuple[int, str, str]]:
    """Find rejected spellings in ``text``.

    A variant is accepted only inside a longer fixed term that contains it, e.g. 경사 inside
    경사하강법.

    Returns
    -------
    list of (line number, variant found, fixed term to write instead)
    """
    fixed_spans = [
        (m.start(), m.end(), term.ko)
        for term in terms
        if term.ko
        for m in re.finditer(re.escape(term.ko), text)
    ]
    found = []
    for term in terms:
        for variant in term.variants:
            for m in re.finditer(re.escape(variant), text):
                inside_fixed = any(
                    start <= m.start() and m.end() <= end and len(ko) > len(variant)
                    for start, end, ko in fixed_spans
                )
                if not inside_fixed:
                    line = text.count("\n", 0, m.start()) + 1
                    found.append((line, variant, term.ko or term.en))
    return sorted(found)


def insert_glossary(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: replace the marker line with the generated glossary."""
    if not MARKER.search(source[0]):
        return
    path = Path(app.confdir, app.config.terminology_file)
    app.env.note_dependency(path)
    glossary = generated_glossary(load(path), app.config.language or "en")
    source[0] = MARKER.sub(lambda _: glossary, source[0], count=1)


def _untranslatable_transform() -> type:
    from docutils import nodes
    from sphinx.transforms import SphinxTransform

    class KeepGeneratedGlossary(SphinxTransform):
        """Before translation (Sphinx's ``Locale``, 20): the generated entries are not text to
        translate, so neither the gettext builder nor the Korean edition's catalogue sees
        them; each edition generates its own from the data file."""

        default_priority = 15

        def apply(self, **kwargs: Any) -> None:
            for container in self.document.findall(nodes.container):
                if GENERATED_CLASS not in container["classes"]:
                    continue
                for node in container.findall(nodes.Element):
                    node["translatable"] = False

    return KeepGeneratedGlossary


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("terminology_file", "terminology.toml", "env", types=frozenset({str}))
    app.connect("source-read", insert_glossary)
    app.add_transform(_untranslatable_transform())
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
