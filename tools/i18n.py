"""The Chinese edition: its Sphinx configuration, its gettext catalogues, and the gate that keeps them current.

    .venv/bin/python -m tools.i18n update   # after an English change: refresh locale/zh_CN/**.po, then translate
    .venv/bin/python -m tools.i18n check    # the gate (tests/i18n): 0 untranslated, 0 fuzzy, none stale
    .venv/bin/python -m tools.i18n stats    # entries per catalogue

One set of notebooks, executed once. The English prose is extracted with Sphinx's ``gettext``
builder into message templates (``_build/gettext/**.pot``, one per page); the translations live in
``locale/zh_CN/LC_MESSAGES/<page>.po``; ``make book`` renders the Chinese edition from the same
notebooks and the same execution cache, with ``language = zh_CN``, into ``_build/html/zh/``.

``update`` merges fresh templates into the catalogues (Babel's merge: a new or changed English
string arrives untranslated or, when close to an old one, *fuzzy* with the old translation as a
draft; strings no longer in the English are dropped). ``check`` fails on an empty or fuzzy
translation, on a page without a catalogue, and on a catalogue whose strings differ from the
current English: every failure message names ``UPDATE``, the one command that refreshes them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from tools.toc import book_files

REPO = Path(__file__).resolve().parent.parent
LANGUAGE = "zh_CN"
#: Where each edition lives under _build/html: English at the root, Chinese in this folder.
PREFIX = "zh"
TITLE = "注意力机制：讲解与运行"
UPDATE = ".venv/bin/python -m tools.i18n update"
HEADER = f"""# The Chinese edition of one page of the book: its English prose (msgid) and the translation (msgstr).
# Refresh after an English change with `{UPDATE}`; tools/i18n.py says how."""
#: Fixed header fields: a catalogue changes only when its strings do, not with every extraction.
_EPOCH = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)


#: What a translation must keep from its English: roles with their targets, maths, code spans.
_ROLE = re.compile(r"\{([\w:-]+)\}`(?:[^`<]*<)?([^`>]*)>?`")
_MATH = re.compile(r"\$\$?[^$]+\$\$?")
_CODE = re.compile(r"(?<![`}])(`+)([^`]+)\1(?!`)")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def markup(text: str) -> list[str]:
    """The markup of one entry, sorted: ``{cite}`key```, ``{doc}`target``` (the text of a role with
    ``text <target>`` may be translated; its target may not), ``$maths$``, ```code``` spans and link targets."""
    found = [f"{{{m.group(1)}}}`{m.group(2).strip()}`" for m in _ROLE.finditer(text)]
    rest = _ROLE.sub(" ", text)
    found += [m.group(0) for m in _MATH.finditer(rest)]
    found += [m.group(0) for m in _CODE.finditer(_MATH.sub(" ", rest))]
    found += [f"]({m.group(1)})" for m in _LINK.finditer(rest)]
    return sorted(found)


def templates_dir(root: Path) -> Path:
    """Where ``make book`` extracts the templates (the gate uses them while :func:`fresh_templates` says
    so, and otherwise re-extracts there: only changes are read)."""
    return root / "_build" / "i18n"


def locale_dir(root: Path) -> Path:
    return root / "locale"


def catalogue_dir(root: Path) -> Path:
    return locale_dir(root) / LANGUAGE / "LC_MESSAGES"


def edition_config(root: Path, *, language: str | None = None, gettext: bool = False) -> dict:
    """``_config.yml`` for a build run from a config file outside ``root``: relative paths made
    absolute, plus the Chinese edition's settings (``language``) or the template extraction's (``gettext``)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config.setdefault("sphinx", {})
    sphinx["local_extensions"] = {name: str(root / path) for name, path in sphinx.get("local_extensions", {}).items()}
    config["bibtex_bibfiles"] = [str(root / name) for name in config.get("bibtex_bibfiles", [])]
    settings = sphinx.setdefault("config", {})
    settings["templates_path"] = [str(root / path) for path in settings.get("templates_path", [])]
    settings.update(gettext_compact=False, gettext_uuid=False, gettext_location=False)
    execute = config.setdefault("execute", {})
    if gettext:  # the text only: the committed outputs are enough, nothing runs
        execute["execute_notebooks"] = "off"
    if language:
        config["title"] = TITLE
        settings.update(language=language, locale_dirs=[str(locale_dir(root))], course_edition=PREFIX,
                        course_translation="")
        execute["cache"] = str(root / "_build" / ".jupyter_cache")  # the English build's runs, shared
    return config


def write_config(root: Path, config: dict, name: str) -> Path:
    path = root / "_build" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def extract_command(root: Path, out: Path) -> list[str]:
    """Sphinx's gettext builder over the book, templates into ``out/_build/gettext`` (incremental:
    a second run reads only the pages that changed)."""
    config = write_config(root, edition_config(root, gettext=True), ".config_gettext.yml")
    jb = Path(sys.executable).with_name("jupyter-book")
    return [str(jb), "build", str(root), "--config", str(config), "--path-output", str(out),
            "--builder", "custom", "--custom-builder", "gettext", "-n", "-W", "--keep-going"]


def sources_fingerprint(root: Path) -> str:
    """The contents of everything the extraction reads: the book's config, toc, bibliography and
    pages, the Sphinx extensions and templates in tools/, and the pinned versions (constraints.txt)."""
    digest = hashlib.sha256()
    files = [root / name for name in ("_config.yml", "_toc.yml", "references.bib")]
    files += book_files(root)
    files += sorted((REPO / "tools").glob("*.py")) + sorted((REPO / "tools" / "templates").glob("*"))
    files += [REPO / "constraints.txt"]
    for path in files:
        digest.update(f"{path}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"absent")
    return digest.hexdigest()


def templates_stamp(out: Path) -> Path:
    """Where :func:`stamp_templates` records what the templates in ``out`` were extracted from."""
    return out / ".sources.sha256"


def _pot_digest(pot_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(pot_dir.rglob("*.pot")):
        digest.update(f"{path.relative_to(pot_dir)}\0".encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def stamp_templates(out: Path, sources: str) -> None:
    """Record that the templates in ``out`` were extracted, successfully, from sources whose
    :func:`sources_fingerprint` is ``sources`` (taken before the extraction started: a source
    edited during it leaves them stale), and what the templates hold now."""
    templates_stamp(out).write_text(f"{sources} {_pot_digest(out / '_build' / 'gettext')}\n")


def fresh_templates(root: Path, out: Path) -> Path | None:
    """The templates in ``out`` if the last extraction there succeeded on sources identical, byte for
    byte, to today's and they are unchanged since; else None (extract again). ``make book`` extracts
    into :func:`templates_dir` and stamps them."""
    stamp, pot_dir = templates_stamp(out), out / "_build" / "gettext"
    if not stamp.is_file() or not pot_dir.is_dir():
        return None
    fresh = stamp.read_text().split() == [sources_fingerprint(root), _pot_digest(pot_dir)]
    return pot_dir if fresh else None


def extract(root: Path, out: Path, *, quiet: bool = True) -> Path:
    """Extract the English strings of the book; returns the folder of ``.pot`` templates."""
    fingerprint = sources_fingerprint(root)
    templates_stamp(out).unlink(missing_ok=True)
    done = subprocess.run(extract_command(root, out) + (["-q"] if quiet else []), cwd=root,
                          capture_output=quiet, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"gettext extraction failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    stamp_templates(out, fingerprint)
    return out / "_build" / "gettext"


def templates(pot_dir: Path) -> dict[str, Path]:
    """Page name (``book/03_algorithm``) -> its template, for the pages of the book (not the theme's)."""
    return {p.relative_to(pot_dir).with_suffix("").as_posix(): p for p in sorted(pot_dir.rglob("*.pot"))
            if not p.relative_to(pot_dir).parts[0].startswith(("_", "."))}


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=LANGUAGE if path.suffix == ".po" else None)


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)


def update(root: Path, pot_dir: Path) -> dict[str, int]:
    """Merge the templates into the catalogues; drop the catalogues of pages that are gone.
    Returns, per page, the entries that now need a translator (new, or fuzzy)."""
    pots, needs = templates(pot_dir), {}
    for page, pot in pots.items():
        template, path = _read(pot), catalogue_dir(root) / f"{page}.po"
        catalog = _read(path) if path.exists() else Catalog(locale=LANGUAGE, project=TITLE, header_comment=HEADER)
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        catalog.obsolete.clear()
        catalog.fuzzy = False  # the header: a translated catalogue is not draft as a whole
        catalog.creation_date = catalog.revision_date = _EPOCH
        catalog.last_translator = catalog.language_team = "attn-course contributors"
        catalog.msgid_bugs_address, catalog.copyright_holder, catalog.version = "", "attn-course contributors", ""
        for message in catalog:
            message.flags.difference_update({"python-format", "python-brace-format"})  # not format strings
        _write(catalog, path)
        needs[page] = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy))
    for path in sorted(catalogue_dir(root).rglob("*.po")):
        if path.relative_to(catalogue_dir(root)).with_suffix("").as_posix() not in pots:
            path.unlink()
    return needs


def check(root: Path, pot_dir: Path) -> list[str]:
    """Every problem with the catalogues, one line each; empty when the Chinese edition is complete."""
    problems, pots = [], templates(pot_dir)
    if not pots:
        return [f"no templates in {pot_dir}"]
    for page, pot in pots.items():
        path = catalogue_dir(root) / f"{page}.po"
        if not path.exists():
            problems.append(f"{page}: no catalogue ({path.relative_to(root)})")
            continue
        english = [m.id for m in _read(pot) if m.id]
        catalog = _read(path)
        have = {m.id: m for m in catalog if m.id}
        missing = [i for i in english if i not in have]
        extra = [i for i in have if i not in set(english)]
        problems += [f"{page}: stale, the English has a string the catalogue lacks: {_short(i)}" for i in missing]
        problems += [f"{page}: stale, the catalogue has a string the English lost: {_short(i)}" for i in extra]
        for message in have.values():
            if message.fuzzy:
                problems.append(f"{page}: fuzzy: {_short(message.id)}")
            elif not message.string:
                problems.append(f"{page}: untranslated: {_short(message.id)}")
            elif markup(message.id) != markup(message.string):
                lost = sorted(set(markup(message.id)) ^ set(markup(message.string)))
                changed = ", ".join(lost)[:120]
                problems.append(f"{page}: markup changed in translation ({changed}): {_short(message.id)}")
    for path in sorted(catalogue_dir(root).rglob("*.po")):
        page = path.relative_to(catalogue_dir(root)).with_suffix("").as_posix()
        if page not in pots:
            problems.append(f"{page}: a catalogue for a page the book no longer has")
    return problems


def _short(text: str | tuple, width: int = 90) -> str:
    text = " ".join(str(text).split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def stats(root: Path) -> dict[str, int]:
    return {path.relative_to(catalogue_dir(root)).with_suffix("").as_posix(): sum(1 for m in _read(path) if m.id)
            for path in sorted(catalogue_dir(root).rglob("*.po"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["update", "check", "stats"])
    parser.add_argument("--root", type=Path, default=REPO)
    parser.add_argument("--templates", type=Path, help="use these .pot files instead of extracting afresh")
    parser.add_argument("--page", action="append", default=[], help="check only pages starting with this (repeatable)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.command == "stats":
        counts = stats(root)
        for page, count in counts.items():
            print(f"{count:5d}  {page}")
        print(f"{sum(counts.values()):5d}  strings in {len(counts)} catalogues")
        return 0
    pot_dir = args.templates or fresh_templates(root, templates_dir(root)) or extract(root, templates_dir(root))
    if args.command == "update":
        needs = update(root, pot_dir)
        for page, count in needs.items():
            if count:
                print(f"{count:5d} to translate  {catalogue_dir(root).relative_to(root) / page}.po")
        print(f"catalogues updated; {sum(needs.values())} entries need a translation (empty or fuzzy)")
        return 0
    problems = check(root, pot_dir)
    if args.page:
        problems = [line for line in problems if line.startswith(tuple(args.page))]
    for line in problems:
        print(line)
    if problems:
        print(f"\n{len(problems)} problem(s) in the Chinese catalogues. Refresh them with `{UPDATE}`, "
              "then translate every empty or fuzzy entry (and remove its fuzzy flag).")
        return 1
    print(f"Chinese catalogues complete: {sum(stats(root).values())} strings, none fuzzy or stale")
    return 0


if __name__ == "__main__":
    sys.exit(main())
