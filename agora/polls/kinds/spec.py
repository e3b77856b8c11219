"""The kinds of poll question and the settings a question of any kind can carry.

Plain data only: what each kind does with these settings lives in its own module of
``agora.polls.kinds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class QuestionKind(StrEnum):
    """What a participant is asked to do with a question (one module of this package each)."""

    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    ranking = "ranking"
    open_text = "open_text"
    word_cloud = "word_cloud"
    rating = "rating"
    points = "points"


#: Longest text entry allowed unless the kind or the question says otherwise.
TEXT_MAX_LENGTH = 280


@dataclass(frozen=True)
class Marker:
    """How a pasted list names a kind: ``[ranking top 2]`` (docs/polls-editor.md).

    ``words`` are the English words that name the kind (its translated name works too);
    ``number`` is the setting a number in the marker sets (``top_k`` for ``top 2``).
    """

    words: tuple[str, ...]
    number: str | None = None


@dataclass(frozen=True)
class Option:
    """One choice offered by a question; ``id`` is stable, ``label`` is what people read."""

    id: str
    label: str


@dataclass(frozen=True)
class QuestionSpec:
    """Everything needed to validate and tally the answers to one question."""

    kind: QuestionKind
    options: tuple[Option, ...] = ()
    #: Multiple choice: most options one participant may pick (None = up to all).
    max_choices: int | None = None
    #: Ranking: how many options each participant ranks (None = all of them).
    top_k: int | None = None
    #: Ranking: participants may rank fewer options than asked, at least one.
    partial: bool = False
    #: Open text and word cloud: most characters per entry.
    max_length: int = TEXT_MAX_LENGTH
    #: Open text and word cloud: most entries per participant.
    max_entries: int = 1
    #: Rating: the scale runs from 1 to ``scale_max``.
    scale_max: int = 5
    min_label: str = ""
    max_label: str = ""
    #: Points: what each participant distributes, exactly.
    budget: int = 100
    #: ISO 639-1 code of the answers' language, used for word cloud stop words.
    language: str = "en"

    def option_ids(self) -> tuple[str, ...]:
        """Return the option ids in question order."""
        return tuple(option.id for option in self.options)

    def label_of(self, option_id: str) -> str:
        """Return the label of an option, or its id when the option is unknown."""
        for option in self.options:
            if option.id == option_id:
                return option.label
        return option_id
