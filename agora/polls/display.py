"""Small pure helpers the poll templates use, whatever the question's kind."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from agora.polls.kinds import ResultTable, kind_of, result_table
from agora.polls.kinds.ranking import ranking_order
from agora.polls.kinds.table import Row, say, screen_number, words


def tables_of(results: Mapping[Any, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return the neutral table of each result by question id, as the live scripts read them."""
    return {str(qid): result_table(result).to_json() for qid, result in results.items()}


def summary_of(table: ResultTable) -> str:
    """Return the line above a result: "Borda count · 3 ballots", "4 answers · mean 2.50"."""
    return " · ".join(say(text) for text in table.summary)


def label_of(table: ResultTable, row: Row) -> str:
    """Return the text naming a row (an option, a scale value, a word, an answer)."""
    return str(row.cells[table.index(table.label)])


def figure_of(table: ResultTable, row: Row) -> str:
    """Return what the phone and the screen print beside a row: "2 (67 %)", "60 (mean 2.5)"."""
    if not table.figure:
        return ""
    first, *others = table.figure
    text = screen_number(row.cells[table.index(first)], table.column(first).format)
    more = []
    for key in others:
        column = table.column(key)
        value = screen_number(row.cells[table.index(key)], column.format)
        more.append(f"{say(column.prefix)} {value}" if column.prefix else value)
    return f"{text} ({', '.join(more)})" if more else text


def ranks_of(table: ResultTable) -> list[int | None] | None:
    """Return each row's rank (ties share one: 1, 1, 3), or None when none is known.

    None for a table without ranks, and for a ranking before its first ballot.
    """
    if not table.ranked or not any(c.key == "rank" for c in table.columns):
        return None
    at = table.index("rank")
    ranks = [row.cells[at] for row in table.rows]
    if all(rank is None for rank in ranks):
        return None
    return [int(rank) if isinstance(rank, int | float) else None for rank in ranks]


#: What the poll templates may call, whatever the question's kind.
TEMPLATE_GLOBALS: dict[str, Callable[..., Any]] = {
    "question_kind": kind_of,
    "ranking_order": ranking_order,
    "table_of": result_table,
    "tables_of": tables_of,
    "summary_of": summary_of,
    "label_of": label_of,
    "figure_of": figure_of,
    "ranks_of": ranks_of,
    "say": say,
    "table_words": words,
}
