"""The Korean edition's search language (docs/_ext/gradlab_korean_search.py).

The stemmer strips Korean particles, longest first, never the last syllable, and stems English
words as Sphinx's English search does; the JavaScript the browser runs gives the same stems
(checked with Node.js when it is installed; ``tests/browser/test_search.py`` checks it in
Chromium on the built site). A small real Sphinx build checks that a Korean edition indexes
stems and ships the stemmer.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="needs the docs dependencies (run by `nox -s docs`)")

EXT = Path(__file__).parents[1] / "docs" / "_ext"
sys.path.insert(0, str(EXT))

from gradlab_korean_search import (  # noqa: E402
    PARTICLES,
    SearchKorean,
    korean_stem,
    stemmer_javascript,
    strip_particles,
)

# word: its stem. Particles of every kind, stacked ones, nouns that end like a particle.
STEMS = {
    "기울기": "기울기",
    "기울기는": "기울기",
    "기울기가": "기울기",
    "기울기를": "기울기",
    "기울기의": "기울기",
    "기울기에서는": "기울기",
    "기울기와": "기울기",
    "기울기도": "기울기",
    "역전파": "역전파",
    "역전파를": "역전파",
    "역전파로": "역전파",
    "역전파에서": "역전파",
    "미분": "미분",
    "미분의": "미분",
    "미분은": "미분",
    "미분을": "미분",
    "미분으로": "미분",
    "미분과": "미분",
    "미분이다": "미분",
    "층마다": "층",
    "학습률이": "학습률",
    "가중치까지는": "가중치",
    # a noun that ends like a particle loses it bare and inflected: one stem for its forms
    "결과": "결",
    "결과는": "결",
    "깊이": "깊",
    "깊이가": "깊",
    # one syllable always stays
    "이": "이",
    "가": "가",
    "은": "은",
    "의의": "의",
    # English words: Sphinx's English stemmer, lowercased
    "gradients": "gradient",
    "Sigmoid": "sigmoid",
    "ReLU의": "relu",
    "training": "train",
}


@pytest.mark.parametrize(("word", "stem"), STEMS.items())
def test_korean_stem(word: str, stem: str) -> None:
    assert korean_stem(word) == stem


def test_inflected_forms_share_the_stem_of_the_bare_word() -> None:
    nouns = ["기울기", "역전파", "미분", "함수", "시그모이드", "결과", "넘파이"]
    particles = [
        *("은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로"),
        *("와", "과", "도", "에서는", "으로는", "까지"),
    ]
    for noun in nouns:
        for particle in particles:
            assert korean_stem(noun + particle) == korean_stem(noun), (noun, particle)


def test_particles_longest_first_and_at_least_one_syllable_left() -> None:
    lengths = [len(p) for p in PARTICLES]
    assert lengths == sorted(lengths, reverse=True)
    assert len(set(PARTICLES)) == len(PARTICLES)
    required = {"은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로"}
    required |= {"와", "과", "도"}
    assert required <= set(PARTICLES)
    for particle in PARTICLES:
        stem = strip_particles(particle)  # a particle alone: never stripped to nothing
        assert stem, particle
        assert particle.startswith(stem), particle
        assert strip_particles("값" + particle) == "값"
    assert [strip_particles(p) for p in ("이", "에서", "까지는")] == ["이", "에서", "까지"]
    assert strip_particles("값으로") == "값"  # 으로 before 로: the longest particle first


def test_the_search_language_uses_the_stemmer() -> None:
    language = SearchKorean({})
    assert language.lang == "ko"
    assert language.stem("기울기는") == "기울기"
    assert language.split("기울기는 역전파를 따라 ReLU의 미분") == [
        "기울기는", "역전파를", "따라", "ReLU의", "미분",
    ]  # fmt: skip
    assert "var Stemmer = function" in language.js_stemmer_code
    assert json.dumps(PARTICLES, ensure_ascii=False) in language.js_stemmer_code


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_javascript_stemmer_gives_the_same_stems(tmp_path: Path) -> None:
    words = [*STEMS, "0에서", "하나", "넘파이를", "경사하강법은", "w의"]
    script = tmp_path / "stem.js"
    script.write_text(
        stemmer_javascript()
        + "\nconst words = JSON.parse(require('fs').readFileSync(0, 'utf-8'));"
        + "\nconst stemmer = new Stemmer();"
        + "\nconsole.log(JSON.stringify(words.map((w) => stemmer.stemWord(w.toLowerCase()))));\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [shutil.which("node") or "node", str(script)],
        input=json.dumps(words), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    # searchtools.js lowercases the query before stemming; Sphinx lowercases each stem
    assert json.loads(result.stdout) == [korean_stem(w).lower() for w in words]


def test_a_korean_edition_indexes_stems(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXT)!r})\n"
        'extensions = ["gradlab_korean_search"]\nexclude_patterns = ["_build"]\n',
        encoding="utf-8",
    )
    (docs / "index.rst").write_text(
        "역전파\n======\n\n기울기는 출력에서 입력으로 흐른다. 미분의 연쇄법칙을 쓴다.\n\n"
        "The sigmoid's gradients vanish.\n",
        encoding="utf-8",
    )
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "-D", "language=ko",
         str(docs), str(out)],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    index = (out / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    terms = set(data["terms"]) | set(data["titleterms"])
    assert {"기울기", "미분", "역전파", "출력", "입력", "sigmoid", "gradient"} <= terms
    assert not {"기울기는", "미분의", "출력에서", "gradients"} & terms
    language_data = (out / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "Korean stemmer" in language_data
    assert "EnglishStemmer" in language_data
    # the search summary Sphinx's Korean catalogue leaves empty, after translations.js
    page = (out / "search.html").read_text(encoding="utf-8")
    assert page.index("translations.js") < page.index("Documentation.addTranslations(")
    assert "검색을 마쳤습니다. 검색어와 일치하는 페이지 ${resultCount}개를 찾았습니다." in page


def test_the_index_stems_english_as_the_browser_does() -> None:
    """snowballstemmer hands Sphinx PyStemmer's English stemmer (C) when it is installed, as
    the docs environment has it; its stems must be those of Snowball's own algorithm, which
    the browser's JavaScript runs too, for every word of the course and the examples."""
    import snowballstemmer
    from snowballstemmer.english_stemmer import EnglishStemmer

    Stemmer = pytest.importorskip("Stemmer", reason="PyStemmer: the docs dependency group")

    indexing = snowballstemmer.stemmer("english")
    assert isinstance(indexing, Stemmer.Stemmer)
    root = Path(__file__).parents[1]
    sources = [
        *root.glob("docs/**/*.md"),
        *root.glob("examples/**/*.py"),
        *root.glob("src/**/*.py"),
    ]
    words = {
        w.lower() for path in sources for w in re.findall(r"[A-Za-z]+", path.read_text("utf-8"))
    }
    assert len(words) > 3000
    snowball = EnglishStemmer()
    assert {w: indexing.stemWord(w) for w in words} == {w: snowball.stemWord(w) for w in words}
