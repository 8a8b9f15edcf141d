"""Which ``attn_course`` modules a chapter depends on, found statically.

``tools/build_book.py`` re-executes a chapter when one of *its* modules
changes, instead of every chapter whenever any module changes. A chapter
depends on the modules that define the names it imports
(``from attn_course import attention`` -> ``attention.py``;
``from attn_course.viz import plot_attention`` -> ``viz.py``;
``import attn_course as ac; ac.causal_mask`` -> ``masks.py``), and on every
module those import in turn. Anything it cannot resolve (a name defined in
``__init__.py``, ``import attn_course`` with no attribute use, ``import *``,
``importlib``) makes the chapter depend on the whole package, so a change can
only cause extra runs, never a stale page. A module's data files (the files
beside it that are not Python, e.g. ``lessons/data/*.json``) count as its source.

``outputs_fingerprint`` adds a notebook's code cells and the pinned versions:
``tools/execute_notebooks.py`` records it for every chapter it runs in
``book/executed.json``, and ``tests/book/test_notebooks.py`` checks that each
chapter's record still matches, so the outputs the book shows (the committed
ones: it executes nothing) come from the current code. nbval compares the text
outputs; this also covers the figures, which nbval does not compare.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

PACKAGE = "attn_course"
WHOLE = "*"


def _parse(source: str) -> ast.AST | None:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


class Package:
    """The modules of ``attn_course`` under ``root`` and what imports what."""

    def __init__(self, root: Path) -> None:
        self.dir = root / PACKAGE
        # "attention" -> attention.py; a subpackage "models" -> models/__init__.py.
        self.files: dict[str, Path] = {}
        self.packages: set[str] = set()
        for path in sorted(self.dir.rglob("*.py")):
            parts = path.relative_to(self.dir).with_suffix("").parts
            if len(parts) > 1 and parts[-1] == "__init__":
                parts = parts[:-1]
                self.packages.add(".".join(parts))
            self.files[".".join(parts)] = path
        self.exports: dict[str, str] = {}  # name in __init__ -> defining module
        self._data: dict[Path, list[Path]] = {}  # folder -> its data files (data_files)
        init = _parse((self.dir / "__init__.py").read_text()) if (self.dir / "__init__.py").exists() else None
        for node in ast.walk(init) if init else []:
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                for alias in node.names:
                    self.exports[alias.asname or alias.name] = node.module

    def resolve(self, name: str) -> str:
        """Module for an attribute of the package: a submodule, an export, or the whole package."""
        if name in self.files:
            return name
        return self.exports.get(name, WHOLE)

    def imports_of(self, module: str) -> set[str]:
        tree = _parse(self.files[module].read_text())
        if tree is None:
            return {WHOLE}
        found: set[str] = set()
        # Relative imports are resolved against the module's package (itself, for a subpackage).
        base = module if module in self.packages else (module.rsplit(".", 1)[0] if "." in module else "")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    # each extra dot climbs one package: "from ..masks" in models/vit.py -> masks
                    anchor = base.split(".")[: max(0, len(base.split(".")) - (node.level - 1))] if base else []
                    prefix = ".".join(filter(None, [*anchor, node.module or ""]))
                    if node.module:
                        found.add(prefix)
                    else:
                        found |= {".".join(filter(None, [prefix, a.name])) for a in node.names}
                elif node.module and (node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
                    sub = node.module[len(PACKAGE) + 1:]
                    found |= {sub} if sub else {self.resolve(a.name) for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name[len(PACKAGE) + 1:] or WHOLE for a in node.names if a.name.startswith(PACKAGE)}
        return {m if m in self.files or m == WHOLE else WHOLE for m in found if m != "__init__"} or set()

    def closure(self, modules: set[str]) -> set[str]:
        todo, seen = list(modules), set()
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            if module == WHOLE:
                return {WHOLE}
            todo += self.imports_of(module)
        return seen

    def data_files(self, module: str) -> list[Path]:
        """The files other than Python beside ``module``, in folders that are not packages of their own
        (``lessons/data/*.json`` for ``lessons.bench``, ``data/text/*`` for ``data.corpus``); found once per folder."""
        folder = self.files[module].parent
        if folder not in self._data:
            found, todo = [], [folder]
            while todo:
                for path in todo.pop().iterdir():
                    if path.is_dir():
                        if path.name != "__pycache__" and not (path / "__init__.py").exists():
                            todo.append(path)
                    elif path.suffix not in (".py", ".pyc"):
                        found.append(path)
            self._data[folder] = sorted(found)
        return self._data[folder]

    def fingerprint(self, modules: set[str], extra: bytes = b"") -> str:
        """A hash of ``modules``' source and data files (every module's, for ``{WHOLE}``) and ``extra``."""
        digest = hashlib.sha256(extra)
        names = sorted(self.files) if WHOLE in modules else sorted(modules)
        data: dict[Path, None] = {}
        for name in names:
            digest.update(name.encode() + b"\0" + self.files[name].read_bytes())
            data.update(dict.fromkeys(self.data_files(name)))
        for path in data:
            digest.update(str(path.relative_to(self.dir)).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()


def chapter_modules(code_cells: list[str], package: Package) -> set[str]:
    """The attn_course modules a chapter's code needs (``{"*"}``: the whole package)."""
    direct: set[str] = set()
    aliases: set[str] = set()
    for source in code_cells:
        tree = _parse(source)
        if tree is None:
            return {WHOLE}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == PACKAGE:
                sub = node.module[len(PACKAGE) + 1:]
                if sub:
                    direct.add(sub if sub in package.files else WHOLE)
                else:
                    direct |= {package.resolve(a.name) if a.name != "*" else WHOLE for a in node.names}
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == PACKAGE:
                        aliases.add(alias.asname or PACKAGE)
                    elif alias.name.startswith(PACKAGE + "."):
                        sub = alias.name[len(PACKAGE) + 1:]
                        direct.add(sub if sub in package.files else WHOLE)
                        if alias.asname is None:  # binds the package name itself
                            aliases.add(PACKAGE)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
                return {WHOLE}
        if aliases:
            used = [
                n.attr for n in ast.walk(tree)
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in aliases
            ]
            direct |= {package.resolve(name) for name in used}
            bare = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in aliases]
            attributed = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                          and n.value.id in aliases]
            if len(bare) > len(attributed):  # the package object itself is passed around: be safe
                direct.add(WHOLE)
    return package.closure(direct)


def outputs_fingerprint(notebook: Path, package: Package, pins: bytes) -> str:
    """What a notebook's outputs are made from: its code cells, the ``attn_course`` modules (and their data
    files) that the code needs, and ``pins`` (constraints.txt). Markdown is left out: prose is not executed."""
    import json

    cells = ["".join(c["source"]) for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code"]
    code = hashlib.sha256("\0".join(cells).encode()).hexdigest().encode()
    return package.fingerprint(chapter_modules(cells, package), extra=pins + b"\0" + code)
