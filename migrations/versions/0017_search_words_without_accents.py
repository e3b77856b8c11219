"""PostgreSQL's word index of the knowledge base without accents, as queries are looked up.

A query's words are looked up folded (lower case, accents removed: ``agora.knowledge.search.
fold``), and SQLite's FTS5 index removes accents too (``remove_diacritics 2``). PostgreSQL's
``to_tsvector('simple', …)`` kept them, so there "Mobilität", "Čakovec" or "Brașov" found
nothing, whether typed with their accents or without. The generated column now folds the
text first with ``translate`` (immutable, as a generated column needs): every letter of the
Latin, Greek and Cyrillic blocks that Python's folding turns into one other letter, and
``ß`` into ``ss``. PostgreSQL recomputes the column for every document.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Latin-1 Supplement to Latin Extended-B, Greek and Coptic, Cyrillic, Latin Extended
#: Additional (Vietnamese and others).
BLOCKS = ((0x00C0, 0x024F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x1E00, 0x1EFF))


def _fold(letter: str) -> str:
    """Fold as ``agora.knowledge.search.fold`` does (copied: a migration stays as it ran)."""
    decomposed = unicodedata.normalize("NFKD", letter.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def folding() -> tuple[str, str]:
    """Return the letters that fold into one other letter, and what each becomes."""
    source, target = [], []
    for start, end in BLOCKS:
        for code in range(start, end + 1):
            letter = chr(code)
            folded = _fold(letter)
            # (a quote would end the SQL literal the letters are written into)
            if len(folded) == 1 and folded != letter and folded != "'":
                source.append(letter)
                target.append(folded)
    return "".join(source), "".join(target)


def _words(expression: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS ix_knowledge_search_documents_words",
        "ALTER TABLE knowledge_search_documents DROP COLUMN IF EXISTS words",
        "ALTER TABLE knowledge_search_documents ADD COLUMN words tsvector GENERATED ALWAYS AS "
        f"({expression}) STORED",
        "CREATE INDEX ix_knowledge_search_documents_words ON knowledge_search_documents "
        "USING gin (words)",
    ]


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name != "postgresql":
        return
    source, target = folding()
    folded = f"translate(replace(title || ' ' || text, 'ß', 'ss'), '{source}', '{target}')"
    for statement in _words(f"to_tsvector('simple'::regconfig, {folded})"):
        op.execute(statement)


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _words("to_tsvector('simple'::regconfig, title || ' ' || text)"):
        op.execute(statement)
