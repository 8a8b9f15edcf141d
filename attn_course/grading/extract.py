"""Read a submission's code without running it: definitions to re-run, magics, shortcuts and tampering.

The runner re-creates the student's functions from *source*, keeping only imports, function
and class definitions and simple constants. Everything else (top-level calls, loops,
monkeypatches like ``torch.allclose = ...``) is left out. That is a rule of the course (keep
your code in functions), not the security boundary: the runner is sandboxed and the grader
only reads what it returns. A cell with IPython magics or shell escapes (``%time``,
``%%bash``, ``!ls``, ``get_ipython()``) is refused: it runs neither in the notebook nor in
the runner, and the report says so.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections import Counter
from dataclasses import dataclass, field

_BUILTIN_NAMES = frozenset(dir(builtins))
# Names whose rebinding in a notebook is tampering with the grader or the checks.
PROTECTED = _BUILTIN_NAMES | {"check_close", "check_true", "torch", "attn_course"}
# Modules whose attributes a notebook must not reassign (torch.allclose = ..., builtins.print = ...).
PROTECTED_MODULES = frozenset({"torch", "np", "numpy", "builtins", "attn_course", "math", "sys", "F", "nn", "checks"})
CHECKS_MODULE = "attn_course.grading.checks"
_CONSTANT_CALLS = frozenset({"float", "int", "tuple", "list", "dict", "set", "frozenset", "range", "bool", "str"})


@dataclass
class Extracted:
    statements: list[tuple[int, str]] = field(default_factory=list)  # (cell index, statement), in order
    defined: dict[str, ast.AST] = field(default_factory=dict)  # last definition of each name
    errors: list[str] = field(default_factory=list)  # e.g. "cell 3: SyntaxError ..."
    tampering: list[str] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # cell index -> why it is not run (magics)

    @property
    def imports(self) -> str:
        return "\n".join(s.strip() for _, s in self.statements if s.lstrip().startswith(("import ", "from ")))


_MAGIC_LINE = re.compile(r"^\s*(%|!|\?)|\?\s*$|^\s*[\w.,\s]+=\s*[!%]")
_IPYTHON_NAMES = frozenset({"get_ipython", "__IPYTHON__", "_ih", "_oh", "In", "Out"})


def find_magics(source: str) -> str | None:
    """Why a cell is refused: its first magic or shell-escape line, or a use of ``get_ipython``; else None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        for line in source.splitlines():
            if _MAGIC_LINE.search(line):
                return f"IPython magic or shell escape `{line.strip()[:60]}`"
        return None
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name in _IPYTHON_NAMES:
            return f"uses {name} (IPython's shell)"
    return None


def _is_constant_expr(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            if not (isinstance(sub.func, ast.Name) and sub.func.id in _CONSTANT_CALLS):
                return False
        elif isinstance(sub, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
            return False
    return True


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def find_tampering(tree: ast.AST, where: str) -> list[str]:
    """Monkeypatching and shadowing that could make a check cell print what it should not."""
    found = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Attribute) and _root_name(sub) in PROTECTED_MODULES:
                    found.append(f"{where}: assigns to {ast.unparse(sub)}")
                elif isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)) and sub.id in PROTECTED:
                    found.append(f"{where}: rebinds the name {sub.id}")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in PROTECTED:
            found.append(f"{where}: redefines {node.name}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"setattr", "delattr"}:
            found.append(f"{where}: calls {node.func.id}() (monkeypatching)")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            if any(n and n.split(".")[0] in {"builtins", "unittest", "ctypes", "gc"} for n in names):
                found.append(f"{where}: imports {', '.join(n for n in names if n)}")
    return found


def _first_line(stmt: ast.stmt) -> int:
    return min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])


def _source(raw_lines: list[str], stmt: ast.stmt, shared: set[int]) -> str:
    """The statement's own lines, after blank lines so that line numbers match the cell's."""
    first, last = _first_line(stmt), stmt.end_lineno or stmt.lineno
    if shared & {first, last}:  # `a = 1; b = f()` on one line: keep this statement only
        return "\n" * (stmt.lineno - 1) + ast.unparse(stmt)
    return "\n" * (first - 1) + "\n".join(raw_lines[first - 1:last])


def extract(cells: list[tuple[int, str]]) -> Extracted:
    """``cells``: (notebook cell index, source) of the submission's own code cells, in order."""
    result = Extracted()
    kept: list[tuple[int, str]] = []
    for index, raw in cells:
        where = f"cell {index + 1}"
        magic = find_magics(raw)
        if magic:
            result.refused[index] = magic
            continue
        try:
            tree = ast.parse(raw)
        except SyntaxError as exc:
            result.errors.append(f"{where}: SyntaxError on line {exc.lineno}: {exc.msg}")
            continue
        result.tampering.extend(find_tampering(tree, where))
        lines = raw.splitlines()
        occupied = Counter(n for st in tree.body for n in range(_first_line(st), (st.end_lineno or st.lineno) + 1))
        shared = {n for n, count in occupied.items() if count > 1}
        for stmt in tree.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.module == CHECKS_MODULE:
                continue  # the check cells' helpers: not for graded functions, and not in the runner
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                kept.append((index, _source(lines, stmt, shared)))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if stmt.name not in PROTECTED:
                    result.defined[stmt.name] = stmt
                    kept.append((index, _source(lines, stmt, shared)))
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names_only = all(isinstance(t, ast.Name) and t.id not in PROTECTED for t in targets)
                if names_only and _is_constant_expr(stmt.value):
                    kept.append((index, _source(lines, stmt, shared)))
    result.statements = kept
    return result


def _mentions(node: ast.AST, name: str) -> str | None:
    """Where ``node`` refers to ``name``: as an attribute, a bare name or an import."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr == name:
            return ast.unparse(sub)
        if isinstance(sub, ast.Name) and sub.id == name and name == "attn_course":
            return name
        if isinstance(sub, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in sub.names] + ([sub.module or ""] if isinstance(sub, ast.ImportFrom) else [])
            if any(name in m.split(".") for m in modules):
                return ast.unparse(sub)
        if isinstance(sub, ast.Call):  # getattr(F, "scaled_dot_product_attention"), importlib tricks
            for arg in sub.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and name in arg.value:
                    return ast.unparse(sub)
    return None


def find_shortcuts(extracted: Extracted, function: str, forbidden: tuple[str, ...], imports: str) -> list[str]:
    """Forbidden names used by ``function`` or by any of the student's definitions it calls.

    ``imports``: the submission's import statements, e.g. ``from torch.nn.functional import
    scaled_dot_product_attention`` makes the bare name a shortcut too.
    """
    aliases: dict[str, str] = {}
    for stmt in ast.parse(imports).body:
        for alias in getattr(stmt, "names", []):
            base = alias.name.split(".")[-1]
            module = getattr(stmt, "module", None) or ""
            for bad in forbidden:
                if bad == base or bad in module.split(".") or bad in alias.name.split("."):
                    aliases[alias.asname or alias.name.split(".")[0]] = bad
    seen, todo, found = set(), [function], []
    while todo:
        name = todo.pop()
        if name in seen or name not in extracted.defined:
            continue
        seen.add(name)
        node = extracted.defined[name]
        for bad in forbidden:
            where = _mentions(node, bad)
            if where:
                found.append(f"{name} uses {where}")
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                if sub.id in aliases:
                    found.append(f"{name} uses {sub.id} (imported {aliases[sub.id]})")
                todo.append(sub.id)
    return sorted(set(found))
