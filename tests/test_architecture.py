"""The dependency rules of DESIGN.md hold, and `make lint` fails when one is broken."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter over the ``agora`` package found in ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the agora package that a test may break."""
    copy = tmp_path_factory.mktemp("tree")
    shutil.copytree(
        ROOT / "agora", copy / "agora", ignore=shutil.ignore_patterns("__pycache__", "*.po*")
    )
    return copy


def test_the_code_keeps_every_contract(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("polls/services.py", "import agora.pages.routes", "domains import downward only"),
        ("qa/routes.py", "from agora.reports import model", "domains import downward only"),
        ("events/services.py", "import agora.polls.models", "domains import downward only"),
        ("text/themes.py", "import agora.core.errors", "text (plain strings in"),
        ("core/db.py", "import agora.events.models", "core imports no other Agora package"),
        ("live/hub.py", "import agora.polls.live", "live (the hub) imports only core"),
        ("web/deps.py", "import agora.events.models", "web (request pipeline"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tree: Path, module: str, line: str, contract: str
) -> None:
    path = tree / "agora" / module
    original = path.read_text()
    path.write_text(original + f"\n{line}  # noqa\n")
    try:
        result = lint_imports(tree)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(row.startswith(contract) for row in broken), result.stdout
