"""Korean search for the Korean edition: a search language whose stemmer strips particles.

Why this exists: Sphinx ships no Korean search language (``sphinx.search.languages`` has none
for ``ko``), so the Korean edition would fall back to English, which splits words at spaces and
punctuation and stems nothing Korean. Korean attaches its particles (조사) to the word they
follow: the index holds 기울기는, 기울기를, 기울기의 as three words, none of them 기울기, and
Sphinx's partial matching only helps queries of three or more letters (미분 never finds 미분의).
No package on the index fills the gap with a stemmer that runs in Python (the index) *and* in
the browser (the query), so this extension registers one with ``app.add_search_language``:

* :func:`strip_particles` removes the longest particle (:data:`PARTICLES`) a word ends with,
  over and over while at least one syllable is left: 기울기에서는 -> 기울기, 미분의 -> 미분. A noun
  that itself ends like a particle (결과, 깊이) loses that syllable too, bare or inflected, so
  its forms still share one stem (결과는 -> 결과 -> 결; 결과 -> 결);
* :class:`SearchKorean` indexes each word by :func:`korean_stem`: the particles stripped, and a
  word without Hangul (the English names, ``sigmoid``, ``ReLU의`` once stripped) stemmed like
  Sphinx's English search does, so English queries work on the Korean pages as on the English
  ones;
* the browser runs the same steps: :data:`SearchKorean.js_stemmer_code` is Sphinx's own English
  stemmer (the Snowball JavaScript it ships) plus :data:`KOREAN_STEMMER_JS`, which reads the
  particle list from the same Python tuple, so the two sides cannot drift apart.

Sphinx's own Korean catalogue leaves one message of its search page empty, the summary "Search
finished, found N pages matching the search query.", so the Korean edition's search ended in
silence (nothing says how many results, or that the search is over: a screen reader announces
nothing). :func:`fill_search_messages` adds the Korean for it to the page's translations
(:data:`SEARCH_MESSAGES_KO`), after Sphinx's ``translations.js``.

``tests/test_docs_search.py`` tests the stemmer (and the JavaScript, with Node.js when it is
installed); ``tests/browser/test_search.py`` searches the built Korean edition.
"""

from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING, Any

import snowballstemmer
from sphinx import package_dir
from sphinx.search import SearchLanguage
from sphinx.search._stopwords.en import ENGLISH_STOPWORDS

if TYPE_CHECKING:
    from sphinx.application import Sphinx

PARTICLES: tuple[str, ...] = tuple(
    sorted(
        {
            # case and topic particles (격조사, 보조사), as the search language is asked for
            "은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로", "와", "과", "도",
            # and their common neighbours
            "만", "에게", "께서", "부터", "까지", "보다", "처럼", "마다", "이나", "이라", "이며",
            "이고", "이다", "라고", "이라고", "라는", "이라는",
            # particles stacked on particles
            "에는", "에도", "에의", "에서는", "에서도", "에서의", "으로는", "으로도", "으로서",
            "으로써", "으로의", "로는", "로도", "로서", "로써", "로의", "와는", "과는", "와의",
            "과의", "에게는", "까지는", "부터는", "만의", "만이", "만을",
        },
        key=lambda p: (-len(p), p),
    )
)  # fmt: skip
"""Particles stripped from the end of a word, longest first."""

HANGUL = re.compile("[\uac00-\ud7a3]")
"""A Hangul syllable."""


def strip_particles(word: str) -> str:
    """``word`` without the particles it ends with, longest first, one syllable at least left.

    Parameters
    ----------
    word : str
        One word of a page or of a query, as the search splitter cuts it (``기울기는``).

    Returns
    -------
    str
        The word with its trailing particles removed, again and again, until none is left or
        removing one would leave nothing: ``기울기에서는`` -> ``기울기``, ``이`` -> ``이``.
    """
    stripped = True
    while stripped:
        stripped = False
        for particle in PARTICLES:
            if len(word) > len(particle) and word.endswith(particle):
                word = word[: -len(particle)]
                stripped = True
                break
    return word


_ENGLISH = snowballstemmer.stemmer("english")


@functools.cache
def korean_stem(word: str) -> str:
    """The stem the Korean search indexes and looks up: particles off, English words stemmed.

    A word left without Hangul (``sigmoid``, or ``ReLU`` from ``ReLU의``) is stemmed as
    Sphinx's English search stems it, lowercased, so that English queries behave as they do
    in the English edition. Remembered: the index asks for the same words tens of thousands
    of times, in the build's main process.
    """
    word = strip_particles(word)
    if HANGUL.search(word):
        return word.lower()
    return str(_ENGLISH.stemWord(word.lower()))


KOREAN_STEMMER_JS = """
/**
 * Korean stemmer (docs/_ext/gradlab_korean_search.py): the particles a word ends with are
 * stripped, longest first, while a syllable is left; a word without Hangul is stemmed by
 * Sphinx's English stemmer. The same steps as korean_stem() in Python.
 */
var Stemmer = function () {
  const particles = %(particles)s;
  const hangul = /[\\uac00-\\ud7a3]/;
  const english = new EnglishStemmer();
  this.stemWord = function (w) {
    let word = w;
    let stripped = true;
    while (stripped) {
      stripped = false;
      for (const particle of particles) {
        if (word.length > particle.length && word.endsWith(particle)) {
          word = word.slice(0, word.length - particle.length);
          stripped = true;
          break;
        }
      }
    }
    return hangul.test(word) ? word.toLowerCase() : english.stemWord(word.toLowerCase());
  };
};
"""


def stemmer_javascript() -> str:
    """The JavaScript ``Stemmer`` of the Korean search, with Sphinx's English stemmer it uses."""
    minified = package_dir / "search" / "minified-js"
    english = [
        (minified / name).read_text(encoding="utf-8")
        for name in ("base-stemmer.js", "english-stemmer.js")
    ]
    korean = KOREAN_STEMMER_JS % {"particles": json.dumps(PARTICLES, ensure_ascii=False)}
    return "\n".join([*english, korean])


SEARCH_MESSAGES_KO = {
    "Search finished, found one page matching the search query.": [
        "검색을 마쳤습니다. 검색어와 일치하는 페이지 ${resultCount}개를 찾았습니다."
    ],
}
"""Messages of Sphinx's search page that its Korean catalogue (Sphinx 9) leaves empty. The key
is the message's singular form; the list holds its one Korean plural form."""


def fill_search_messages(app: Sphinx) -> None:
    """``builder-inited``: in a Korean HTML build, the Korean of :data:`SEARCH_MESSAGES_KO`."""
    if not (app.config.language or "").lower().startswith("ko"):
        return
    if getattr(app.builder, "format", "") != "html":
        return
    catalog = {"messages": SEARCH_MESSAGES_KO, "plural_expr": "0", "locale": "ko"}
    script = (
        'if (typeof Documentation === "object") '
        f"Documentation.addTranslations({json.dumps(catalog, ensure_ascii=False)});"
    )
    app.add_js_file(None, body=script, priority=600)  # after translations.js (500)


class SearchKorean(SearchLanguage):
    """Korean: words split as Sphinx splits them, particles stripped, English words stemmed."""

    lang = "ko"
    language_name = "Korean"
    stopwords = ENGLISH_STOPWORDS  # the English words of the Korean pages (names, code)

    @property
    def js_stemmer_code(self) -> str:  # type: ignore[override]
        return stemmer_javascript()

    def stem(self, word: str) -> str:
        return korean_stem(word)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(SearchKorean)
    app.connect("builder-inited", fill_search_messages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
