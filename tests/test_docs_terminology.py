"""One Korean term per concept, as docs/terminology.toml fixes it, and a glossary that agrees.

The site's pages, gallery examples, gallery READMEs and docstrings write each fixed
term and none of the variants (기울기, not 경사; 활성화 함수, not 활성함수; ...). A
quotation keeps the lecture's own spelling: text between double quotes and Markdown
block quotes are not checked. The Korean edition's translations (the msgstr of every
``docs/locale/**/*.po``) are checked too: a translation may keep a variant only where its
msgid has it (a quotation kept as the source quotes it), as often as the msgid has it.
The glossary page is generated from the same file, in each edition's language, so its own
variant lists are not in any page; its definitions state facts that are computed here
(float limits, the cost as a sum, the two forms of momentum).
"""

from __future__ import annotations

import ast
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

from gradlab_terminology import MARKER, Term, glossary_markdown, load, rejected_variants  # noqa: E402

TERMS = load(DOCS / "terminology.toml")
GENERATED = ("_build", "auto_examples", "generated")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
BY_EN = {term.en: term for term in TERMS}

# A quotation: between straight or curly double quotes, within one paragraph (no blank line
# inside), or a Markdown block quote, a line starting with ">".
QUOTATION = re.compile(
    r'"[^"\n]*(?:\n(?![ \t]*\n)[^"\n]*)*"'
    r"|“[^”\n]*(?:\n(?![ \t]*\n)[^”\n]*)*”"
    r"|^[ \t]*>.*$",
    re.MULTILINE,
)


def unquoted(text: str) -> str:
    """``text`` with every quotation blanked out, line breaks kept (so line numbers stay).

    Python's triple quotes open docstrings, not quotations: they are removed first.
    """
    text = text.replace('"""', "   ")
    return QUOTATION.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


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
    found = rejected_variants(unquoted(path.read_text(encoding="utf-8")), TERMS)
    assert not found, "\n".join(
        f"{path.relative_to(ROOT)}:{line}: {variant!r} -> write {fixed!r}"
        for line, variant, fixed in found
    )


def po_messages(text: str) -> list[tuple[int, str, str]]:
    """The translated messages of a ``.po`` file: (line of the msgid, msgid, msgstr).

    The header, untranslated messages and obsolete ones (``#~``) are left out. A small reader
    of the format (quoted strings, with C escapes, continued on the next lines) so that this
    test needs no Sphinx or Babel.
    """
    messages: list[tuple[int, str, str]] = []
    current: dict[str, list[str]] = {}
    key, start = "", 0

    def flush() -> None:
        msgid, msgstr = "".join(current.get("msgid", [])), "".join(current.get("msgstr", []))
        if msgid and msgstr:
            messages.append((start, msgid, msgstr))
        current.clear()

    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word in ("msgid", "msgstr", "msgctxt", "msgid_plural"):
            if word in ("msgid", "msgctxt") and "msgstr" in current:
                flush()
            if word == "msgid":
                start = number
            key, line = word, rest
        current.setdefault(key, []).append(ast.literal_eval(line))
    flush()
    return messages


def kept_variants(msgid: str, msgstr: str) -> list[tuple[int, str, str]]:
    """The variants of a translation that its msgid does not have (or has fewer times).

    A variant may stay where the source keeps it, in a quotation (the source's own check has
    only quotations left with variants), as often as the msgid has it.
    """
    allowed = Counter(variant for _, variant, _ in rejected_variants(msgid, TERMS))
    found = []
    for line, variant, fixed in rejected_variants(msgstr, TERMS):
        if allowed[variant]:
            allowed[variant] -= 1
        else:
            found.append((line, variant, fixed))
    return found


def catalogue_files() -> list[Path]:
    return sorted((DOCS / "locale").rglob("*.po"))


@pytest.mark.parametrize(
    "path", catalogue_files(), ids=lambda p: p.relative_to(DOCS / "locale").as_posix()
)
def test_translation_uses_the_fixed_terms(path: Path) -> None:
    problems = []
    for line, msgid, msgstr in po_messages(path.read_text(encoding="utf-8")):
        for _, variant, fixed in kept_variants(msgid, msgstr):
            problems.append(
                f"{path.relative_to(ROOT)}:{line}: {variant!r} -> write {fixed!r}, in: "
                + msgstr[:80].replace("\n", " ")
            )
    assert not problems, "\n".join(problems)


def test_every_catalogue_is_checked() -> None:
    names = {p.relative_to(DOCS / "locale").as_posix() for p in catalogue_files()}
    assert {"ko/LC_MESSAGES/index.po", "ko/LC_MESSAGES/glossary.po"} <= names
    assert "ko/LC_MESSAGES/course/08_vanishing_gradients.po" in names


def test_po_messages_reads_the_format() -> None:
    text = (
        '# comment\nmsgid ""\nmsgstr ""\n"Language: ko\\n"\n\n'
        '#, python-brace-format\nmsgid ""\n"The {term}`gradient` is "\n"a \\"vector\\"."\n'
        'msgstr ""\n"{term}`기울기`는 "\n"벡터다."\n\n'
        'msgid "Untranslated"\nmsgstr ""\n\n'
        '#~ msgid "Obsolete"\n#~ msgstr "폐기"\n'
    )
    assert po_messages(text) == [
        (7, 'The {term}`gradient` is a "vector".', "{term}`기울기`는 벡터다.")
    ]


def test_a_translation_keeps_a_variant_only_where_its_source_has_it() -> None:
    source = 'The lecture calls it "경사 소실" (the vanishing gradient).'
    assert kept_variants(source, '강의는 이것을 "경사 소실"이라고 부른다(기울기 소실).') == []
    assert kept_variants(source, "강의는 이것을 경사 소실이라고 부른다.") == []  # as a block quote
    assert kept_variants(source, '"경사 소실", 곧 경사 소실') == [
        (1, "경사", "기울기"),
        (1, "경사 소실", "기울기 소실"),
    ]
    assert kept_variants("The gradient.", "경사.") == [(1, "경사", "기울기")]
    assert kept_variants("The gradient descent.", "경사하강법.") == []


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
    # the Korean edition: the Korean term first, the Korean definition only
    assert glossary_markdown([term], "ko").splitlines()[3:8] == [
        "기울기",
        "gradient",
        "   벡터.",
        "",
        "   *다른 표기:* 경사. 이 사이트의 표기는 **기울기**입니다.",
    ]
    relu = Term(en="ReLU", definition="The rectifier.", definition_ko="정류 함수.")
    assert glossary_markdown([relu], "ko").splitlines()[3:5] == ["ReLU", "   정류 함수."]


def test_quotations_keep_the_lectures_spelling() -> None:
    text = (
        '강의는 "활성함수의 미분값이"라고 쓴다.\n'
        "> 다음과 같이 길쭉한 비용 함수를 얻습니다.\n"
        "“경사 소실”, 그리고\n"
        '"세 줄에\n걸친 활성함수의\n인용" 끝\n'
        "따옴표 밖의 활성함수\n"
        '\n"문단이 바뀌면\n\n활성함수" 인용이 아니다\n'
        'r"""\nDocstring: 활성함수\n"""\n'
    )
    assert rejected_variants(text, TERMS) != []
    assert rejected_variants(unquoted(text), TERMS) == [
        (7, "활성함수", "활성화 함수"),
        (11, "활성함수", "활성화 함수"),
        (13, "활성함수", "활성화 함수"),
    ]
    assert unquoted(text).count("\n") == text.count("\n")


def test_activation_function_follows_the_lectures() -> None:
    # The lectures write 활성화 함수 (10) or 활성화함수 (4) in three of them, 활성함수 (5) in two.
    term = BY_EN["activation function"]
    assert term.ko == "활성화 함수"
    assert {"활성함수", "활성화함수"} <= set(term.variants)
    text = "활성화 함수와 활성화함수와 활성함수"
    assert [variant for _, variant, _ in rejected_variants(text, TERMS)] == [
        "활성함수",
        "활성화함수",
    ]


def test_the_css_never_breaks_a_korean_word() -> None:
    css = (DOCS / "_static" / "css" / "gradlab.css").read_text(encoding="utf-8")
    body = re.search(r"^body\s*\{([^}]*)\}", css, re.MULTILINE)
    assert body is not None
    assert re.search(r"word-break:\s*keep-all\s*;", body.group(1))


def _times_ten(x: float) -> str:
    """``x`` as the glossary writes it, ``m \\times 10^{e}`` with one decimal."""
    mantissa, exponent = f"{x:.1e}".split("e")  # 10.0**-324 itself would underflow
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def test_underflow_names_the_subnormal_numbers_with_their_limits() -> None:
    term = BY_EN["underflow"]
    for dtype in (np.float64, np.float32):
        info = np.finfo(dtype)
        smallest = np.nextafter(dtype(0), dtype(1))
        assert smallest == info.smallest_subnormal > 0
        assert smallest < info.tiny  # subnormals reach below the smallest normal number
        assert smallest / dtype(2) == 0  # half of the smallest subnormal rounds to 0
        assert smallest * dtype(0.75) == smallest  # three quarters round up to it
        for value in (float(info.tiny), float(smallest)):
            assert _times_ten(value) in term.definition, (dtype, value)
            assert _times_ten(value) in term.definition_ko, (dtype, value)
    assert _times_ten(float(np.finfo(np.float64).smallest_subnormal)) == r"4.9 \times 10^{-324}"
    assert "subnormal" in term.definition
    assert "비정규 수" in term.definition_ko


def test_overflow_gives_the_largest_float64() -> None:
    largest = _times_ten(float(np.finfo(np.float64).max))
    assert largest == r"1.8 \times 10^{308}"
    assert largest in BY_EN["overflow"].definition
    assert largest in BY_EN["overflow"].definition_ko


def test_orthogonal_initialization_preserves_norms_only_with_gain_one() -> None:
    from gradlab.init import calculate_gain, orthogonal

    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 16))
    depth = 20
    for gain in (1.0, 1.1, 0.9):
        h = x
        for _ in range(depth):
            h = h @ orthogonal(16, 16, rng=rng, gain=gain)
        ratio = np.linalg.norm(h, axis=1) / np.linalg.norm(x, axis=1)
        np.testing.assert_allclose(ratio, gain**depth, rtol=1e-12)
    assert 1.1**depth > 6
    assert 0.9**depth < 0.13
    assert calculate_gain("relu") == math.sqrt(2)
    definition = BY_EN["orthogonal initialization"].definition
    assert "Only with gain 1" in definition
    assert "$g^L$" in definition
    assert r"$\sqrt 2$ for ReLU" in definition


def test_the_cost_is_the_sum_the_course_uses() -> None:
    from gradlab.losses import mse, squared_error

    prediction = np.array([[0.5], [2.0], [-1.0], [3.0]])
    target = np.array([[1.0], [1.0], [1.0], [1.0]])
    per_example = 0.5 * (target - prediction) ** 2
    assert squared_error(prediction, target) == pytest.approx(per_example.sum())
    assert mse(prediction, target) == pytest.approx(np.mean((prediction - target) ** 2))
    term = BY_EN["cost function"]
    for definition in (term.definition, term.definition_ko):
        assert r"E = \sum_i E_i" in definition
        assert r"E_i = \tfrac12 (y_i - \hat y_i)^2" in definition
        assert "squared_error" in definition
        assert "mse" in definition
    assert "sum" in BY_EN["loss function"].definition


def test_momentum_shows_the_forms_of_the_optimizers_chapter() -> None:
    from gradlab import Parameter, optim

    eta, mu, steps = 0.02, 0.9, 30
    curvature = np.array([1.0, 20.0])  # an elongated bowl, gradient curvature * w
    start = np.array([-4.0, 1.0])

    w, v = start.copy(), np.zeros(2)  # the lectures' form
    lecture = [w.copy()]
    for _ in range(steps):
        v = mu * v + eta * curvature * w
        w = w - v
        lecture.append(w.copy())

    w, v = start.copy(), np.zeros(2)  # the sign-flipped form of some texts
    flipped = [w.copy()]
    for _ in range(steps):
        v = mu * v - eta * curvature * w
        w = w + v
        flipped.append(w.copy())

    p = Parameter(start.copy())  # PyTorch's and gradlab's form
    sgd = optim.SGD([p], lr=eta, momentum=mu)
    buffered = [p.value.copy()]
    for _ in range(steps):
        p.grad[...] = curvature * p.value
        sgd.step()
        buffered.append(p.value.copy())

    np.testing.assert_allclose(lecture, buffered, rtol=0, atol=1e-12)
    np.testing.assert_allclose(flipped, buffered, rtol=0, atol=1e-12)

    chapter = re.sub(r"\s", "", (DOCS / "course" / "09_optimizers.md").read_text("utf-8"))
    momentum = BY_EN["momentum"]
    for form in (
        r"v_t = \gamma v_{t-1} + \eta",  # the lectures'
        r"w_t = w_{t-1} - v_t",
        r"b_t = \mu b_{t-1} +",  # PyTorch's and gradlab's
        r"w_t = w_{t-1} - \eta\, b_t",
    ):
        assert form in momentum.definition, form
        assert form.replace("\\,", "").replace(" ", "") in chapter.replace("\\,", ""), form
    nesterov = BY_EN["Nesterov momentum"].definition
    assert r"\nabla L(w_{t-1} - \gamma v_{t-1})" in nesterov
    assert r"(w_{t-1}-\gammav_{t-1})" in chapter


def test_the_lectures_0_30026_first_differs_in_the_fourth_decimal_place() -> None:
    from gradlab.activations import sigmoid

    # Lee's worked example: inputs (1, 1), target 1, weights w1 = (0.3, 0.4; 0.2, 0.1) and
    # w2 = (0.1, 0.2), no biases, E = (y - y_hat)^2 / 2, learning rate 0.01.
    x, target, eta = np.array([1.0, 1.0]), 1.0, 0.01
    w1, w2 = np.array([[0.3, 0.4], [0.2, 0.1]]), np.array([0.1, 0.2])
    h = sigmoid(x @ w1)
    y_hat = float(sigmoid(h @ w2))
    delta_out = (y_hat - target) * y_hat * (1 - y_hat)
    grad_w1_11 = x[0] * float(sigmoid.derivative(x @ w1[:, 0])) * w2[0] * delta_out
    assert round(grad_w1_11, 5) == -0.00264  # the lecture's gradient, right to its digits
    exact = 0.3 - eta * grad_w1_11

    def first_differing_decimal(a: float, b: float) -> int:
        da, db = f"{a:.12f}".split(".")[1], f"{b:.12f}".split(".")[1]
        return next(i for i, (p, q) in enumerate(zip(da, db, strict=True), 1) if p != q)

    assert first_differing_decimal(0.30026, exact) == 4
    assert first_differing_decimal(0.30026, 0.3 - eta * -0.00264) == 4  # the lecture's inputs
