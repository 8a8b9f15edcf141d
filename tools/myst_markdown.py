"""The chapters' MyST markup as plain Markdown, for a reader without a MyST renderer (Colab).

Used by ``tools/colab_edition.py``. The book (Sphinx) and JupyterLab with ``jupyterlab-myst`` render MyST;
Colab renders CommonMark with HTML and math, and would show ``:::{solution}``, ``{cite}`...``` and
``(label)=`` as they are typed, with every solution in plain view. :func:`to_markdown` rewrites one
markdown cell so that Colab shows what the book shows:

- ``:::{exercise}`` becomes a quoted block titled as in the book (``Exercise 4.1``);
- ``:::{solution}`` becomes ``<details><summary>Solution to Exercise 4.1</summary>…</details>``: folded
  until the reader opens it (Markdown inside ``<details>`` needs the blank lines around it);
- ``:::{admonition}``, ``:::{note}`` and the other admonitions become quoted blocks with their title;
- ``{cite}``/``{cite:p}`` become ``[Author et al., 2017]`` and ``{cite:t}`` ``Author et al. [2017]``, as the
  book's author-year style prints them;
- ``{doc}``, ``{ref}`` and ``{numref}`` become links to the online book with the text the book shows
  (plain text when the target is in the same chapter: a link would leave the notebook);
- ``{glue:text}`` becomes the glued value, formatted as myst-nb formats it;
- ``(label)=`` lines are removed. A mermaid diagram stays a code block, with a link to the book's drawing.

Fenced code blocks are copied untouched. Markup this module does not know raises :class:`ValueError`, so a
new kind of markup in a chapter fails the ``--check`` instead of reaching Colab as raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from myst_nb.core.variables import format_plain_text

DIRECTIVE = re.compile(r"^(:{3,})\{([\w:-]+)\}[ \t]*(.*)$")
OPTION = re.compile(r"^:([\w-]+):[ \t]*(.*)$")
LABEL = re.compile(r"^\(([\w:.-]+)\)=[ \t]*$")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]+)`")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)  # "text <target>"
ADMONITIONS = ("note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error", "seealso")


@dataclass(frozen=True)
class Target:
    """Where a label points: its page, and the text a reference without its own text shows."""

    docname: str  # e.g. "book/04_formula"
    text: str  # the section heading, "Exercise 4.1" or "Fig. 4.3"


@dataclass(frozen=True)
class Citation:
    """A bibliography entry as the book's author-year style cites it."""

    authors: str  # "Vaswani et al.", "Hochreiter and Schmidhuber", "van den Oord et al."
    year: str
    sort: str = ""  # the first author's last name, lower case: the order of the keys of one citation


@dataclass(frozen=True)
class Book:
    """What a chapter may refer to: the online book, its pages' titles, labels and citations."""

    url: str  # the online book, ending in "/"
    titles: dict[str, str] = field(default_factory=dict)  # docname -> title
    targets: dict[str, Target] = field(default_factory=dict)  # label -> target
    citations: dict[str, Citation] = field(default_factory=dict)  # bibtex key -> citation

    def link(self, docname: str, anchor: str = "") -> str:
        return f"{self.url}{docname}.html" + (f"#{anchor}" if anchor else "")


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))


def _escape(text: str) -> str:
    """Brackets as text, so that ``[Author, 2017](`` can never turn into a link."""
    return text.replace("[", r"\[").replace("]", r"\]")


def _citation(role: str, keys: str, book: Book) -> str:
    try:
        cited = sorted((book.citations[key.strip()] for key in keys.split(",")), key=lambda c: (c.sort, c.year))
    except KeyError as exc:
        raise ValueError(f"{{{role}}}: no entry {exc} in references.bib") from None
    if role == "cite:t":
        return ", ".join(f"{c.authors} {_escape(f'[{c.year}]')}" for c in cited)
    return _escape("[" + ", ".join(f"{c.authors}, {c.year}" for c in cited) + "]")


def _resolve_doc(target: str, docname: str) -> str:
    """A ``{doc}`` target relative to the page ``docname`` (or to the book's root with a leading ``/``)."""
    parts = [] if target.startswith("/") else docname.split("/")[:-1]
    for part in target.strip("/").split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _reference(role: str, content: str, book: Book, docname: str) -> str:
    explicit = EXPLICIT.match(content)
    text, name = (explicit.group(1), explicit.group(2)) if explicit else (None, content.strip())
    if role == "doc":
        target = Target(_resolve_doc(name, docname), "")
        if target.docname not in book.titles:
            raise ValueError(f"{{doc}}`{content}`: no page {target.docname!r} in the book")
        text, anchor = text or book.titles[target.docname], ""
    else:
        if name not in book.targets:
            raise ValueError(f"{{{role}}}`{content}`: no label {name!r} in the book")
        target, anchor = book.targets[name], name
        text = text or target.text
    text = " ".join(text.split())
    return text if target.docname == docname else f"[{text}]({book.link(target.docname, anchor)})"


def _role(match: re.Match, book: Book, docname: str, glue: dict[str, str]) -> str:
    role, content = match.group(1), match.group(2)
    if role in ("cite", "cite:p", "cite:t"):
        return _citation(role, content, book)
    if role in ("doc", "ref", "numref"):
        return _reference(role, content, book, docname)
    if role == "glue:text":
        key, _, spec = content.rpartition(":") if ":" in content else (content, "", "s")
        if key not in glue:
            raise ValueError(f"{{glue:text}}`{content}`: nothing glued as {key!r} in {docname}")
        return format_plain_text(glue[key], spec)
    raise ValueError(f"{docname}: no plain Markdown for the role {{{role}}} (tools/myst_markdown.py)")


def _directive(name: str, argument: str, options: dict[str, str], body: str, book: Book, docname: str) -> str:
    if name == "exercise":
        title = book.targets[options["label"]].text if "label" in options else "Exercise"
        return _quote(f"**{title}**\n\n{body}")
    if name == "solution":
        exercise = book.targets.get(argument.strip())
        if exercise is None:
            raise ValueError(f"{docname}: a solution to {argument!r}, which is no exercise label")
        return f"<details>\n<summary>Solution to {exercise.text}</summary>\n\n{body}\n\n</details>"
    if name == "admonition" or name in ADMONITIONS:
        title = argument.strip() if name == "admonition" else name.capitalize()
        return _quote(f"**{title}**\n\n{body}")
    raise ValueError(f"{docname}: no plain Markdown for the directive {{{name}}} (tools/myst_markdown.py)")


def to_markdown(source: str, book: Book, docname: str, glue: dict[str, str] | None = None) -> str:
    """The markdown cell ``source`` of the page ``docname`` without MyST markup (see the module docstring)."""
    glue = glue or {}
    lines, out, text = source.split("\n"), [], []

    def flush() -> None:
        if text:
            out.append(ROLE.sub(lambda m: _role(m, book, docname, glue), "\n".join(text)))
            text.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if fence := FENCE.match(line):
            flush()
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip().startswith(fence.group(1))
                        and not lines[j].strip().strip(fence.group(1)[0])), len(lines) - 1)
            out.append("\n".join(lines[i:end + 1]))
            if fence.group(2).strip() == "mermaid":
                out.append(f"\n*The book draws this diagram: [see it there]({book.link(docname)}).*")
            i = end + 1
        elif directive := DIRECTIVE.match(line):
            flush()
            colons, name, argument = directive.groups()
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == colons), None)
            if end is None:
                raise ValueError(f"{docname}: the directive {{{name}}} is not closed with {colons}")
            options, start = {}, i + 1
            while start < end and (option := OPTION.match(lines[start])):
                options[option.group(1)] = option.group(2).strip()
                start += 1
            body = to_markdown("\n".join(lines[start:end]).strip("\n"), book, docname, glue)
            out.append(_directive(name, argument, options, body, book, docname))
            i = end + 1
        elif LABEL.match(line):
            i += 1
        else:
            text.append(line)
            i += 1
    flush()
    return "\n".join(out).strip("\n")
