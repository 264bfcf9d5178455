"""The Korean edition's catalogues (docs/locale/ko): up to date with the sources, and complete.

Sphinx's gettext builder extracts the text of every page from a copy of the sources, as
``nox -s translations`` does (pages not executed, examples not run), and each page's catalogue
must hold exactly the messages of its page: a page edited since the catalogues were refreshed
fails here until ``nox -s translations`` merges the change (docs/locale/README.md). The API
reference (``reference/``) has no catalogues and stays English. Every entry of every
catalogue (the course, the landing page, the sources, the glossary, the gallery, and the
bibliography's headings and the site's template strings too) must be translated and not fuzzy:
the Korean edition would otherwise show English, or an old translation of text that has
changed, without saying so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="needs the docs dependencies (run by `nox -s docs`)")
pytest.importorskip("myst_nb", reason="needs the docs dependencies (run by `nox -s docs`)")

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).parent / "browser"))

from sitecheck import (
    EDITIONS,
    ROOT,
    catalogues,
    copy_sources,
    gettext_build,
    message_templates,
    source_files,
)

LOCALE = ROOT / "docs" / "locale"
LANGUAGES = [language for language in EDITIONS if language != "en"]  # en: the sources' own


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


def message_ids(path: Path) -> set[str]:
    """The msgids of a template or catalogue (obsolete ``#~`` entries aside)."""
    return {str(message.id) for message in read(path) if message.id}


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:87] + "..."


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The message templates of the sources, by catalogue name (``course/07_backpropagation``)."""
    work = tmp_path_factory.mktemp("gettext")
    tree = work / "tree"
    copy_sources(ROOT, source_files(ROOT), tree)
    env = {
        **os.environ,
        "PYTHONPATH": str(tree / "src"),
        "OMP_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *gettext_build(tree, work)],
        cwd=tree, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    found = message_templates(work / "pot")
    assert {"index", "glossary", "course/07_backpropagation"} <= set(found), sorted(found)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_a_catalogue_and_every_catalogue_a_page(
    templates: dict[str, Path], language: str
) -> None:
    have = catalogues(LOCALE, language)
    missing = sorted(set(templates) - set(have))
    stale = sorted(set(have) - set(templates))
    assert not missing, f"pages without a {language} catalogue (nox -s translations): {missing}"
    assert not stale, f"{language} catalogues of pages that are gone: {stale}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogues_hold_the_messages_of_the_sources(
    templates: dict[str, Path], language: str
) -> None:
    problems = []
    for name, path in catalogues(LOCALE, language).items():
        if name not in templates:
            continue
        wanted, have = message_ids(templates[name]), message_ids(path)
        if wanted != have:
            new, gone = sorted(wanted - have), sorted(have - wanted)
            lines = [f"{path.relative_to(ROOT)}: {len(new)} new, {len(gone)} gone"]
            lines += [f"    new: {short(text)}" for text in new[:3]]
            lines += [f"    gone: {short(text)}" for text in gone[:3]]
            problems.append("\n".join(lines))
    assert not problems, (
        "catalogues out of date with the sources (run `nox -s translations`, then translate):\n"
        + "\n".join(problems)
    )


def incomplete(path: Path) -> tuple[int, list[str], list[str]]:
    """The number of messages of a catalogue, and the msgids untranslated and fuzzy."""
    messages = [message for message in read(path) if message.id]
    untranslated = [str(m.id) for m in messages if not str(m.string).strip()]
    fuzzy = [str(m.id) for m in messages if m.fuzzy]
    return len(messages), untranslated, fuzzy


def test_the_check_sees_untranslated_and_fuzzy_entries(tmp_path: Path) -> None:
    path = tmp_path / "page.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Done"\nmsgstr "완료"\n\n'
        'msgid "Not yet"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Changed"\nmsgstr "옛 번역"\n\n'
        '#~ msgid "Removed"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    assert incomplete(path) == (3, ["Not yet"], ["Changed"])
    assert message_ids(path) == {"Done", "Not yet", "Changed"}


def translated_catalogues() -> list[tuple[str, Path]]:
    return [
        (language, path)
        for language in LANGUAGES
        for path in catalogues(LOCALE, language).values()
    ]


@pytest.mark.parametrize(
    ("language", "path"),
    translated_catalogues(),
    ids=[path.relative_to(LOCALE).as_posix() for _, path in translated_catalogues()],
)
def test_every_message_is_translated(language: str, path: Path) -> None:
    messages, untranslated, fuzzy = incomplete(path)
    assert messages, f"{path}: no messages"
    report = [f"{len(untranslated)} of {messages} untranslated, {len(fuzzy)} fuzzy"]
    report += [f"  untranslated: {short(text)}" for text in untranslated[:5]]
    report += [f"  fuzzy: {short(text)}" for text in fuzzy[:5]]
    assert not untranslated, f"{path.relative_to(ROOT)}: " + "\n".join(report)
    assert not fuzzy, f"{path.relative_to(ROOT)}: " + "\n".join(report)


def test_the_translated_pages_are_those_the_edition_promises() -> None:
    names = set(catalogues(LOCALE, "ko"))
    assert {"index", "sources", "glossary", "course/index", "auto_examples/index"} <= names
    assert {f"course/{p.stem}" for p in (ROOT / "docs" / "course").glob("[0-9]*.md")} <= names
    examples = ROOT / "examples"
    assert {f"auto_examples/{p.relative_to(examples).with_suffix('')}"
            for p in examples.rglob("plot_*.py")} <= names  # fmt: skip
    assert not any(name.startswith("reference/") for name in names)  # the API stays English
