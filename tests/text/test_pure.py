"""``agora.text`` is pure text analysis: it imports nothing from the rest of Agora."""

from __future__ import annotations

import ast
from pathlib import Path

import agora.text

PACKAGE = Path(agora.text.__file__).parent


def agora_imports(path: Path) -> set[str]:
    """Return the ``agora`` modules that the file at ``path`` imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name for name in names if name == "agora" or name.startswith("agora.")}


def test_text_imports_only_itself() -> None:
    outside = {
        f"{path.name}: {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for name in agora_imports(path)
        if name != "agora.text" and not name.startswith("agora.text.")
    }
    assert outside == set()
