"""The kinds of poll question and the settings each one takes, checked before a poll opens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from agora.core.errors import InvalidInput
from agora.core.i18n import _


class QuestionKind(StrEnum):
    """What a participant is asked to do with a question."""

    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    ranking = "ranking"
    open_text = "open_text"
    word_cloud = "word_cloud"
    rating = "rating"
    points = "points"


#: Kinds whose answers refer to the question's options.
OPTION_KINDS = frozenset(
    {
        QuestionKind.single_choice,
        QuestionKind.multiple_choice,
        QuestionKind.ranking,
        QuestionKind.points,
    }
)

#: Kinds whose answers are free text typed by the participant.
TEXT_KINDS = frozenset({QuestionKind.open_text, QuestionKind.word_cloud})

#: Longest entry allowed by default, per kind: a word cloud wants a word or two.
DEFAULT_MAX_LENGTH = {QuestionKind.word_cloud: 40}
TEXT_MAX_LENGTH = 280

MAX_WORD_CLOUD_ENTRIES = 3
RATING_SCALE = range(2, 11)


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


def make_spec(
    kind: QuestionKind,
    *,
    options: Sequence[Option] = (),
    max_choices: int | None = None,
    top_k: int | None = None,
    partial: bool = False,
    max_length: int | None = None,
    max_entries: int = 1,
    scale_max: int = 5,
    min_label: str = "",
    max_label: str = "",
    budget: int = 100,
    language: str = "en",
) -> QuestionSpec:
    """Build a checked spec, applying the kind's defaults (a word cloud entry is 40 characters)."""
    spec = QuestionSpec(
        kind=kind,
        options=tuple(options),
        max_choices=max_choices,
        top_k=top_k,
        partial=partial,
        max_length=DEFAULT_MAX_LENGTH.get(kind, TEXT_MAX_LENGTH)
        if max_length is None
        else max_length,
        max_entries=max_entries,
        scale_max=scale_max,
        min_label=min_label,
        max_label=max_label,
        budget=budget,
        language=language,
    )
    check_spec(spec)
    return spec


def check_spec(spec: QuestionSpec) -> None:
    """Raise ``InvalidInput`` naming the field when a question's settings cannot work."""
    kind = spec.kind
    if kind in OPTION_KINDS:
        _check_options(spec)
    count = len(spec.options)
    if kind is QuestionKind.multiple_choice:
        _check_up_to_options(
            spec.max_choices,
            count,
            _("The number of choices allowed must be between 1 and {count}."),
            "max_choices",
        )
    if kind is QuestionKind.ranking:
        _check_up_to_options(
            spec.top_k,
            count,
            _("The number of options to rank must be between 1 and {count}."),
            "top_k",
        )
    if kind is QuestionKind.rating and spec.scale_max not in RATING_SCALE:
        raise InvalidInput(
            _("A rating scale must end between {low} and {high}.").format(
                low=RATING_SCALE.start, high=RATING_SCALE.stop - 1
            ),
            field="scale_max",
        )
    if kind in TEXT_KINDS:
        _check_text_settings(spec)
    if kind is QuestionKind.points and spec.budget < 1:
        raise InvalidInput(_("The points budget must be at least 1."), field="budget")
    if not (len(spec.language) == 2 and spec.language.isascii() and spec.language.islower()):
        raise InvalidInput(
            _("The language must be a two-letter ISO 639-1 code such as 'en'."),
            field="language",
        )


def _check_options(spec: QuestionSpec) -> None:
    """Check that a question offering options has some, each with a distinct id and a label."""
    if not spec.options:
        raise InvalidInput(_("This question needs at least one option."), field="options")
    seen: set[str] = set()
    for index, option in enumerate(spec.options):
        if not option.id:
            raise InvalidInput(_("Every option needs an id."), field=f"options[{index}].id")
        if option.id in seen:
            raise InvalidInput(
                _("Two options have the id '{id}'.").format(id=option.id),
                field=f"options[{index}].id",
            )
        if not option.label.strip():
            raise InvalidInput(_("Every option needs a label."), field=f"options[{index}].label")
        seen.add(option.id)


def _check_up_to_options(value: int | None, count: int, message: str, field: str) -> None:
    """Check that an optional limit lies between 1 and the number of options."""
    if value is not None and not 1 <= value <= count:
        raise InvalidInput(message.format(count=count), field=field)


def _check_text_settings(spec: QuestionSpec) -> None:
    """Check the entry length and entry count of an open-text or word-cloud question."""
    if spec.max_length < 1:
        raise InvalidInput(
            _("The longest answer allowed must be at least 1 character."), field="max_length"
        )
    if spec.kind is QuestionKind.word_cloud:
        if not 1 <= spec.max_entries <= MAX_WORD_CLOUD_ENTRIES:
            raise InvalidInput(
                _("A word cloud takes between 1 and {high} words per participant.").format(
                    high=MAX_WORD_CLOUD_ENTRIES
                ),
                field="max_entries",
            )
    elif spec.max_entries < 1:
        raise InvalidInput(
            _("Participants must be allowed at least one answer."), field="max_entries"
        )
