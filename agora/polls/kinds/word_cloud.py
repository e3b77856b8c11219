"""Word cloud: each participant gives up to three short words; the result counts them.

Entries are counted case-folded, without accents and without the stop words of the
question's language (``agora.polls.tally.fold_entry``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agora.core.errors import InvalidAnswer, InvalidInput
from agora.core.i18n import _
from agora.polls.kinds import fields
from agora.polls.kinds.base import FormFields
from agora.polls.kinds.spec import Marker, QuestionKind, QuestionSpec
from agora.polls.kinds.table import (
    COUNT,
    N_,
    Chart,
    Column,
    Format,
    Phrase,
    ResultTable,
    Row,
    answers,
)
from agora.polls.tally import Tally, WordCloudTally

KIND = QuestionKind.word_cloud
NAME = N_("Word cloud")
#: A word cloud wants a word or two per entry.
DEFAULTS: Mapping[str, Any] = {"max_length": 40}
METHODS: Mapping[str, str] = {}
THEMED = False
#: The settings the poll editor offers for this kind, in its order.
SETTINGS: tuple[str, ...] = ("max_entries", "max_length", "language")
#: How a pasted list names this kind.
MARKER = Marker(("word cloud", "words", "cloud"), "max_entries")

MAX_ENTRIES = 3
WORD = N_("Word")
TITLE = N_("Most frequent words")
AXIS = N_("Mentions")


def check(spec: QuestionSpec) -> None:
    """Check the longest entry and that one to three entries are allowed."""
    fields.check_max_length(spec)
    if not 1 <= spec.max_entries <= MAX_ENTRIES:
        raise InvalidInput(
            _("A word cloud takes between 1 and {high} words per participant.").format(
                high=MAX_ENTRIES
            ),
            field="max_entries",
        )


def validate(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    """Return ``{"words": [...]}``, normalized, no word twice (whatever its case)."""
    words = fields.texts(spec, fields.list_field(raw, "words"), "words")
    seen: set[str] = set()
    for index, word in enumerate(words):
        folded = word.casefold()
        if folded in seen:
            raise InvalidAnswer(
                _("'{word}' is already in your answer.").format(word=fields.quote(word)),
                field=f"words[{index}]",
            )
        seen.add(folded)
    return {"words": words}


def from_form(form: FormFields) -> object:
    """Read the word boxes that are not blank."""
    return {"words": fields.filled(form.getlist("words"))}


def texts(answer: Mapping[str, Any]) -> list[str]:
    """Return the words as typed."""
    return [str(word) for word in answer.get("words", [])]


def tally(spec: QuestionSpec) -> Tally:
    """Count each folded word, without the stop words of the question's language."""
    return WordCloudTally(spec.language)


def table(result: Mapping[str, Any]) -> ResultTable:
    """Return the words, most frequent first, with how many entries gave each."""
    voters = int(result["voters"])
    return ResultTable(
        kind=str(result["kind"]),
        name=Phrase(NAME),
        voters=voters,
        summary=(answers(voters),),
        chart=Chart.cloud,
        title=Phrase(TITLE),
        axis=Phrase(AXIS),
        columns=(
            Column("word", Phrase(WORD), Format.text),
            Column("count", Phrase(COUNT), Format.integer),
        ),
        rows=tuple(Row(str(w["word"]), (w["word"], w["count"])) for w in result["words"]),
        label="word",
        value="count",
        figure=("count",),
    )
