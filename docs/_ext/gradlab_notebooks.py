"""Notebooks a reader can download and run: each course chapter, and the gallery's examples.

Every chapter page (``course/NN_*.md``, a MyST text notebook) links its notebook,
``NN_topic.ipynb``, written next to the page in the HTML output. The notebook holds the chapter's
text and teaching code, without the checks: cells tagged ``remove-cell`` (the glue and assert
calls) are dropped; cells tagged ``remove-input`` (the code that draws a figure) are kept,
collapsed (``jupyter.source_hidden``), with the figure's caption after them. It has no outputs,
fixed cell ids, sorted keys and no timestamps, so two builds write the same bytes. The Markdown
is what plain Jupyter renders, written from the MyST of the page:

* ``{term}`text <target>``` and ``{term}`text``` become the text; ``{ref}`label``` the title of
  the section it names, in italics (``{ref}`text <label>``` the text); ``{doc}`` the same;
  ``{func}`gradlab.fit``` becomes ``gradlab.fit()`` as code, like the page shows it. The site has
  no fixed address to link to (``html_baseurl`` is unset), so these are text, not links.
* ``{glue:text}`key:.3f``` and ``{glue:md}`key``` become the values the page shows. MyST-NB
  stores every glued value of a page in ``<jupyter_execute>/<docname>.glue.json`` (its own cache
  for gluing across pages, ``myst_nb.ext.glue.crossref``); they are read from there and formatted
  with MyST-NB's own ``format_plain_text``. They are the numbers the site computed: text, not
  code.
* ``{cite:p}`` and ``{cite:t}`` become ``[Glorot and Bengio, 2010]`` and ``Hochreiter [1991]``,
  as sphinxcontrib-bibtex writes them with ``bibtex_reference_style = "author_year"``, and a
  "References" cell at the end lists the cited works, formatted by pybtex's plain style (the
  bibliography page's style).
* ``:::{admonition}``, ``{note}`` and ``{warning}`` become block quotes with a bold title;
  ``:::{dropdown}`` (the exercises' answers) a ``<details>`` block, folded like on the page;
  ``{literalinclude}`` (the PyTorch listings, shown, not run) a code block with the file's text;
  ``(label)=`` targets and ``%`` comments are dropped.

The gallery's notebooks, written by sphinx-gallery, carry Sphinx roles as raw text
(``:func:`gradlab.fit```, ``:term:`sigmoid```), and ``:ref:`label``` turned into a code span of
the bare label. They are rewritten in place with the same rules, and so are the notebooks inside
the gallery's zips.

Why an extension: MyST-NB reads a text notebook into an ``nbformat`` notebook
(``myst_nb.core.read.read_myst_markdown_notebook``, used here), and its ``{nb-download}`` role
links the notebook it executed; that one keeps every cell, the checks included (``remove-cell``
hides a cell on the page only), with their outputs, and its Markdown stays MyST, which Jupyter
shows raw. Neither MyST-NB nor jupytext has an option to drop cells by tag or to write MyST
roles and directives as plain Markdown. sphinx-gallery converts reST to Markdown with its own
``rst2md``, which handles headings, math, notes and links but not Sphinx roles; its other
converter, ``pypandoc``, needs pandoc (not installed here) and writes a role as
```x`{.interpreted-text role="func"}``, raw again. It has no hook between writing a notebook and
zipping it, and a parallel build writes notebooks in worker processes.

When, and why then: everything is written at ``env-updated``, when every page has been read, so
that every label's title is known. sphinx-gallery wrote its notebooks and zips earlier
(``builder-inited``; ``gradlab_reproducible`` fixes the zips' dates right after); Sphinx copies
the downloads later (``copy_assets``), so the rewritten files are the ones the site serves. A
gallery file rewritten here gets its modification time back: Sphinx notes the downloads of a
page as its dependencies, and a newer file would make it read the example page again on the
next build. The link on a chapter page is added at ``doctree-resolved``, for HTML only: it
points to a file of the output (not a source), which ``linkcheck`` would look for next to the
source and report broken.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: The chapters: documents whose name matches (``course/07_backpropagation``).
CHAPTERS = r"^course/\d\d_[^/]+$"

PREFACE = (
    "*{chapter} of the gradlab course, as a notebook: its text and teaching code, without "
    "the checks that the site runs when it is built. The numbers in the text are the ones the "
    "site computed. To run it you need gradlab, NumPy and Matplotlib.*"
)
LINK_TEXT = (
    "Download this chapter as a Jupyter notebook: ",
    " (its text and code, to run and change).",
)
LINK_TEXT_KO = (
    "이 장을 주피터 노트북으로 내려받기: ",
    " (본문과 코드를 실행하고 고쳐 볼 수 있다).",
)
"""The link's text in the Korean edition (the notebook itself is the English chapter's)."""

# The roles of Python objects, shown as code, as Sphinx shows them.
_CODE_ROLES = {"func", "meth", "class", "mod", "data", "obj", "attr", "exc", "const", "type"}
_CALLABLE_ROLES = {"func", "meth"}  # Sphinx adds "()" (add_function_parentheses)
_ADMONITIONS = {
    "note": "Note", "warning": "Warning", "tip": "Tip", "important": "Important",
    "hint": "Hint", "caution": "Caution", "attention": "Attention", "danger": "Danger",
    "error": "Error", "seealso": "See also",
}  # fmt: skip
_DROPPED_DIRECTIVES = {"toctree", "bibliography", "contents", "tableofcontents", "glossary"}
_CODE_DIRECTIVES = {"code-block", "code", "sourcecode"}

# A MyST role, or an inline code span (left alone): {name}`content`
_MYST_INLINE = re.compile(
    r"(?P<role>\{(?P<name>[A-Za-z][\w:.+-]*)\}`(?P<content>[^`]+)`)"
    r"|(?P<code>(?P<ticks>`+).+?(?P=ticks))",
    re.DOTALL,
)
# A reST role as sphinx-gallery leaves it (:func:`x`, :cite:p:`x`), a double-backtick literal
# (left alone), or a code span, which may hold the label a :ref: pointed to.
_REST_INLINE = re.compile(
    r"(?P<role>(?<![\w`\\]):(?P<name>[A-Za-z][\w.+-]*(?::[A-Za-z][\w.+-]*)?):`(?P<content>[^`]+)`)"
    r"|(?P<literal>``.+?``)"
    r"|(?P<span>(?<![`:])`(?P<inner>[^`]+)`(?![`_]))",
    re.DOTALL,
)
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<argument>.*)$")
_TARGET = re.compile(r"^\s*\([^()\s]+\)=\s*$")  # (label)=
_COMMENT = re.compile(r"^\s*%")  # % a MyST comment
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_TITLED = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


class ConversionError(ValueError):
    """Something in a page that has no plain Markdown form."""


@dataclass(frozen=True)
class Citation:
    """A bibliography entry as the text cites it (``authors``, ``year``) and lists it."""

    authors: str  # "Glorot and Bengio", "He et al.", "노기섭"
    year: str  # "2010", "n.d.-a"; "n.d." when the entry has no year
    entry: str  # the full reference, in Markdown


@dataclass
class Context:
    """What a page's cross-references and pasted values stand for.

    ``glue`` maps a key to MyST-NB's stored output (``{"data": {mime type: value}}``),
    ``labels`` a label to the title of what it names, ``titles`` a document to its title.
    ``cited`` collects the cited keys in the order of their first citation; ``warn`` is told of
    anything that cannot be resolved (which is then written as its raw name).
    """

    glue: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)
    citations: Mapping[str, Citation] = field(default_factory=dict)
    docname: str = ""
    source_dir: Path | None = None  # where {literalinclude} paths start
    warn: Callable[[str], None] = print
    cited: list[str] = field(default_factory=list)


# -- inline markup ------------------------------------------------------------------------------


def _split_title(content: str) -> tuple[str | None, str]:
    """``"text <target>"`` -> ``("text", "target")``; ``"target"`` -> ``(None, "target")``."""
    match = _TITLED.match(content.strip())
    if match and match["title"]:
        return " ".join(match["title"].split()), match["target"].strip()
    return None, " ".join(content.split())


def _glue(name: str, content: str, ctx: Context) -> str:
    from myst_nb.core.variables import format_plain_text

    # "key" or, as the pages write it so that translated paragraphs keep it, "page.md::key"
    key, fmt = content.strip().rpartition("::")[2], ""
    if name == "glue:text":  # key:format_spec, as MyST-NB splits it
        key, colon, fmt = key.rpartition(":")
        if not colon:
            key, fmt = fmt, "s"
    elif name == "glue:md" and ":" in key:  # key:flavour (commonmark, gfm, myst)
        key = key.rpartition(":")[0]
    output = ctx.glue.get(key)
    data = output.get("data", {}) if output else {}
    if name == "glue:md" or (name in ("glue", "glue:any") and "text/markdown" in data):
        if "text/markdown" in data:
            return str(data["text/markdown"]).strip()
    elif "text/plain" in data:
        return format_plain_text(str(data["text/plain"]), fmt or "")
    ctx.warn(f"no glued value {key!r} in {ctx.docname or 'the page'}")
    return key


def _cite(name: str, content: str, ctx: Context) -> str:
    keys = [key.strip() for key in content.split(",") if key.strip()]
    parts = []
    for key in keys:
        if key not in ctx.cited:
            ctx.cited.append(key)
        citation = ctx.citations.get(key)
        if citation is None:
            ctx.warn(f"no bibliography entry {key!r}")
            citation = Citation(key, "n.d.", key)
        parts.append(citation)
    if name in ("cite:t", "cite:ts", "footcite:t"):
        return ", ".join(f"{c.authors} [{c.year}]" for c in parts)
    return "[" + ", ".join(f"{c.authors}, {c.year}" for c in parts) + "]"


def render_role(name: str, content: str, ctx: Context) -> str:
    """The plain Markdown for the role ``name`` (``"term"``, ``"cite:p"``) with ``content``."""
    role = name.removeprefix("py:").removeprefix("std:")
    if role.startswith("glue"):
        return _glue(role, content, ctx)
    if role.startswith(("cite", "footcite")):
        return _cite(role, content, ctx)
    if role == "math":
        return f"${content}$"
    title, target = _split_title(content)
    if role in _CODE_ROLES:
        if title is not None:
            return f"`{title}`"
        shown = target.lstrip(".")
        if shown.startswith("~"):
            shown = shown[1:].rpartition(".")[2]
        if role in _CALLABLE_ROLES and not shown.endswith(")"):
            shown += "()"
        return f"`{shown}`"
    if title is not None:
        return title
    if role in ("ref", "numref"):
        if target in ctx.labels:
            return f"*{ctx.labels[target]}*"
        ctx.warn(f"no title for the label {target!r}")
        return target
    if role == "doc":
        docname = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(posixpath.dirname(ctx.docname), target))
        )
        if docname in ctx.titles:
            return f"*{ctx.titles[docname]}*"
        ctx.warn(f"no title for the document {target!r}")
        return target
    if role == "download":
        return posixpath.basename(target)
    if role == "abbr":
        return re.sub(r"\s*\(.*\)\s*$", "", target)
    if role in ("sub", "sup", "kbd"):
        return f"<{role}>{target}</{role}>"
    if role == "eq":
        return f"({target})"
    return target  # term, guilabel, samp, file, ...: the text as it reads


def myst_inline(text: str, ctx: Context) -> str:
    """MyST roles in ``text`` rendered as plain Markdown; code spans are left as they are."""

    def sub(match: re.Match[str]) -> str:
        if match["role"] is None:
            return match[0]
        return render_role(match["name"], match["content"], ctx)

    return _MYST_INLINE.sub(sub, text)


def rest_inline(text: str, ctx: Context) -> str:
    """reST roles in sphinx-gallery's Markdown rendered as plain Markdown.

    sphinx-gallery writes ``:ref:`label``` as a code span of the label (```label```), and
    ``:ref:`text <label>``` as ```text <label>```: a code span whose label is known becomes
    what the role would have shown. Other code spans and ````literals```` are left alone.
    """

    def sub(match: re.Match[str]) -> str:
        if match["role"] is not None:
            return render_role(match["name"], match["content"], ctx)
        if match["span"] is not None:
            title, target = _split_title(match["inner"])
            if target in ctx.labels:
                return title if title is not None else f"*{ctx.labels[target]}*"
        return match[0]

    return _REST_INLINE.sub(sub, text)


# -- block markup (MyST directives) -------------------------------------------------------------


def _options(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """A directive's leading ``:key: value`` lines (or ``---`` YAML block), and its body."""
    options: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            import yaml

            loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
            return {str(k): str(v) for k, v in loaded.items()}, lines[end + 1 :]
    i = 0
    while i < len(lines) and (match := _OPTION.match(lines[i])):
        options[match["key"]] = match["value"].strip()
        i += 1
    return options, lines[i:]


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))


def _literalinclude(argument: str, options: Mapping[str, str], ctx: Context) -> str:
    if ctx.source_dir is None:
        raise ConversionError("{literalinclude} needs the page's folder (source_dir)")
    unsupported = set(options) - {"language", "caption", "class", "name"}
    if unsupported:
        raise ConversionError(f"{{literalinclude}} option(s) {sorted(unsupported)} not supported")
    path = ctx.source_dir / argument.strip()
    code = path.read_text(encoding="utf-8").rstrip("\n")
    fence = "```" if "```" not in code else "````"
    block = f"{fence}{options.get('language', '')}\n{code}\n{fence}"
    caption = options.get("caption")
    return f"{myst_inline(caption, ctx)}:\n\n{block}" if caption else block


def _directive(name: str, argument: str, lines: list[str], ctx: Context) -> str:
    options, body = _options(lines)
    if name in _DROPPED_DIRECTIVES:
        return ""
    if name == "literalinclude":
        return _literalinclude(argument, options, ctx)
    if name in _CODE_DIRECTIVES:
        return f"```{argument.strip()}\n" + "\n".join(body) + "\n```"
    if name == "math":
        return "$$\n" + "\n".join(body).strip() + "\n$$"
    title = myst_inline(argument.strip(), ctx)
    if name in _ADMONITIONS:
        # a note's argument is the first line of its text, not a title
        inner = convert_markdown("\n".join([argument, *body]).strip(), ctx)
        return _quote(f"**{_ADMONITIONS[name]}**\n\n{inner}")
    inner = convert_markdown("\n".join(body).strip(), ctx)
    if name == "dropdown":
        return f"<details>\n<summary>{title or 'Details'}</summary>\n\n{inner}\n\n</details>"
    # admonition, topic, sidebar, margin, epigraph, card...: a quote, titled when there is one
    return _quote(f"**{title}**\n\n{inner}" if title else inner)


def convert_markdown(text: str, ctx: Context) -> str:
    """A MyST Markdown cell's text as plain (Jupyter) Markdown.

    Fenced code blocks are left as they are; directives (``:::{name}`` or ````` ```{name} `````)
    are rewritten, nested ones too; ``(label)=`` targets and ``%`` comments are dropped; roles
    in the text are rendered by :func:`myst_inline`.
    """
    lines = text.split("\n")
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            out.append(myst_inline("\n".join(prose), ctx))
            prose.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence is None:
            if not (_TARGET.match(line) or _COMMENT.match(line)):
                prose.append(line)
            i += 1
            continue
        flush()
        mark, indent = fence["fence"], fence["indent"]
        closing = re.compile(rf"^\s*{re.escape(mark[0])}{{{len(mark)},}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), len(lines))
        body = [b[len(indent) :] if b.startswith(indent) else b for b in lines[i + 1 : end]]
        directive = _DIRECTIVE_INFO.match(fence["info"].strip())
        if directive is None:  # a plain code block: as it is
            out.extend(lines[i : end + 1])
        else:
            block = _directive(directive["name"], directive["argument"], body, ctx)
            out.append("\n".join(indent + b if b else b for b in block.split("\n")))
        i = end + 1
    flush()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


# -- notebooks ----------------------------------------------------------------------------------


def chapter_notebook(
    text: str,
    ctx: Context,
    *,
    number: str | None = None,
    myst_extensions: Iterable[str] = ("colon_fence", "dollarmath", "amsmath", "deflist"),
) -> nbformat.NotebookNode:
    """The notebook of a MyST text notebook ``text``, to download: see the module's docstring."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    config = MdParserConfig(enable_extensions=set(myst_extensions))
    source = read_myst_markdown_notebook(text, config=config)
    v4 = nbformat.v4
    cells = []
    chapter = f"Chapter {number}" if number is not None else "A page"
    cells.append(v4.new_markdown_cell(PREFACE.format(chapter=chapter)))
    for cell in source.cells:
        tags = set(cell.metadata.get("tags", []))
        if "remove-cell" in tags:
            continue
        if cell.cell_type == "markdown":
            markdown = convert_markdown(cell.source, ctx)
            if markdown.strip():
                cells.append(v4.new_markdown_cell(markdown))
        elif cell.cell_type == "raw":
            cells.append(v4.new_raw_cell(cell.source))
        else:
            metadata: dict[str, Any] = {}
            hidden = {}
            if tags & {"remove-input", "hide-input"}:
                hidden["source_hidden"] = True
            if "hide-output" in tags:
                hidden["outputs_hidden"] = True
            if hidden:
                metadata["jupyter"] = hidden
            if kept := sorted(tags & {"raises-exception", "skip-execution"}):
                metadata["tags"] = kept
            cells.append(v4.new_code_cell(cell.source, metadata=metadata))
            caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
            if caption:
                cells.append(v4.new_markdown_cell(convert_markdown(str(caption).strip(), ctx)))
    if ctx.cited:
        entries = [ctx.citations[key].entry for key in ctx.cited if key in ctx.citations]
        if entries:
            listing = "\n".join(f"- {entry}" for entry in entries)
            cells.append(v4.new_markdown_cell(f"## References\n\n{listing}"))
    for index, cell in enumerate(cells):
        cell.id = f"cell-{index:03d}"  # nbformat would draw random ids
    kernelspec = dict(source.metadata.get("kernelspec") or {})
    kernelspec = {
        "name": "python3",
        "display_name": "Python 3",
        **kernelspec,
        "language": "python",
    }
    metadata = {"kernelspec": kernelspec, "language_info": {"name": "python"}}
    notebook = v4.new_notebook(cells=cells, metadata=metadata)
    nbformat.validate(notebook)
    return notebook


def notebook_bytes(notebook: nbformat.NotebookNode) -> bytes:
    """``notebook`` as nbformat writes it (sorted keys, indent 1, UTF-8), ending in a newline."""
    return (nbformat.writes(notebook, version=4) + "\n").encode("utf-8")


def rewrite_gallery_notebook(data: bytes, ctx: Context) -> bytes:
    """A notebook written by sphinx-gallery, with the reST roles of its Markdown rendered.

    The JSON is written back the way sphinx-gallery writes it (``json.dump(..., indent=2)``);
    when nothing changes, the bytes are returned as they are.
    """
    notebook = json.loads(data)
    changed = False
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        converted = rest_inline(text, ctx)
        if converted != text:
            cell["source"] = [converted] if isinstance(source, list) else converted
            changed = True
    return json.dumps(notebook, indent=2).encode("utf-8") if changed else data


def rewrite_zip(data: bytes, ctx: Context) -> bytes:
    """The zip ``data`` with its notebooks rewritten; each entry keeps its name, date, mode."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    rewritten = [
        (
            info,
            rewrite_gallery_notebook(content, ctx)
            if info.filename.endswith(".ipynb")
            else content,
        )
        for info, content in entries
    ]
    if all(new is old for (_, old), (_, new) in zip(entries, rewritten, strict=True)):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info, content in rewritten:
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.create_system = info.create_system
            copy.external_attr = info.external_attr
            target.writestr(copy, content)
    return out.getvalue()


# -- the bibliography ---------------------------------------------------------------------------


def read_citations(paths: Iterable[Path]) -> dict[str, Citation]:
    """Every entry of the BibTeX files ``paths``, cited author-year like sphinxcontrib-bibtex."""
    from pybtex.backends.markdown import Backend as Markdown
    from pybtex.backends.plaintext import Backend as PlainText
    from pybtex.database import parse_file
    from pybtex.style.formatting.plain import Style

    # the classes, not find_plugin() and render_as(): those scan every entry point each call
    style, markdown, plain = Style(), Markdown(), PlainText()
    citations = {}
    for path in paths:
        for key, entry in parse_file(str(path)).entries.items():
            persons = entry.persons.get("author") or entry.persons.get("editor") or []
            names = [
                " ".join(part.render(plain) for part in person.rich_last_names)
                for person in persons
            ]
            authors = f"{names[0]} et al." if len(names) > 2 else " and ".join(names) or key
            formatted = style.format_entry("", entry).text.render(markdown)
            # pybtex escapes every punctuation mark; these need no escape inside a line
            formatted = re.sub(r"\\([.()\-!])", r"\1", formatted)
            citations[key] = Citation(
                authors, entry.fields.get("year", "n.d."), " ".join(formatted.split("\n"))
            )
    return citations


# -- Sphinx -------------------------------------------------------------------------------------


def _write_if_changed(path: Path, data: bytes, *, keep_mtime: bool = False) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    stat = path.stat() if keep_mtime and path.is_file() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if stat is not None:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return True


def _context(app: Sphinx, env: BuildEnvironment, docname: str = "") -> Context:
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    cache = getattr(app, "_gradlab_notebooks", None)
    if cache is None:
        std = env.get_domain("std")
        labels = {name: title for name, (_, _, title) in std.labels.items() if title}
        titles = {doc: node.astext() for doc, node in env.titles.items()}
        bibfiles = [Path(app.srcdir, f) for f in getattr(app.config, "bibtex_bibfiles", [])]
        cache = (labels, titles, read_citations(bibfiles))
        app._gradlab_notebooks = cache  # type: ignore[attr-defined]
    labels, titles, citations = cache

    def warn(message: str) -> None:
        logger.warning(f"notebook: {message}", location=docname or None)

    return Context(labels=labels, titles=titles, citations=citations, docname=docname, warn=warn)


def chapters(app: Sphinx, env: BuildEnvironment) -> list[str]:
    pattern = re.compile(app.config.gradlab_notebook_chapters)
    return sorted(doc for doc in env.found_docs if pattern.match(doc))


def write_notebooks(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: write the chapters' notebooks; render the gallery notebooks' roles."""
    if app.builder.format != "html":
        return []
    app._gradlab_notebooks = None  # type: ignore[attr-defined]
    glue_dir = Path(env.mystnb_config.output_folder)  # type: ignore[attr-defined]
    for docname in chapters(app, env):
        ctx = _context(app, env, docname)
        source = env.doc2path(docname)
        ctx.source_dir = source.parent
        glue_file = glue_dir / f"{docname}.glue.json"
        ctx.glue = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.is_file() else {}
        number = re.match(r"\d+", posixpath.basename(docname))  # 00_orientation: no number
        notebook = chapter_notebook(
            source.read_text(encoding="utf-8"),
            ctx,
            number=str(int(number[0])) if number and int(number[0]) else None,
            myst_extensions=app.config.myst_enable_extensions,
        )
        _write_if_changed(Path(app.outdir, f"{docname}.ipynb"), notebook_bytes(notebook))

    gallery_conf = getattr(app.config, "sphinx_gallery_conf", None) or {}
    dirs = gallery_conf.get("gallery_dirs", [])
    ctx = _context(app, env)
    for folder in [dirs] if isinstance(dirs, str) else dirs:
        root = Path(app.srcdir, folder)
        for path in sorted(root.rglob("*.ipynb")):
            data = path.read_bytes()
            _write_if_changed(path, rewrite_gallery_notebook(data, ctx), keep_mtime=True)
        for path in sorted(root.rglob("*.zip")):
            data = path.read_bytes()
            _write_if_changed(path, rewrite_zip(data, ctx), keep_mtime=True)
    return []


def add_download_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: a line under a chapter's title that links its notebook."""
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.util.osutil import relative_uri

    if app.builder.format != "html" or not re.match(app.config.gradlab_notebook_chapters, docname):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    name = f"{posixpath.basename(docname)}.ipynb"
    uri = relative_uri(app.builder.get_target_uri(docname), f"{docname}.ipynb")
    link = addnodes.download_reference("", "", refuri=uri, reftarget=uri)
    link += nodes.literal(name, name, classes=["xref", "download"])
    paragraph = nodes.paragraph("", "", classes=["gradlab-notebook-download"])
    korean = (app.config.language or "").lower().startswith("ko")
    before, after = LINK_TEXT_KO if korean else LINK_TEXT
    paragraph += [nodes.Text(before), link, nodes.Text(after)]
    title = section.next_node(nodes.title)
    section.insert(section.index(title) + 1 if title is not None else 0, paragraph)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("gradlab_notebook_chapters", CHAPTERS, "env", types=[str])
    app.connect("env-updated", write_notebooks)
    app.connect("doctree-resolved", add_download_link)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
