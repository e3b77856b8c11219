"""What may change in a poll once people may have answered it: the editor's rules, in one place.

Before anyone can answer, a question may change in any way its kind's ``check`` accepts.
Once a question has answers, or while its poll is open (someone may be answering this very
second, against the question as it was), a change must keep every answer valid — those
given and those on their way. docs/polls-editor.md states the rules for people; here they
are, in the order they are checked:

1. Always allowed: the wording (the question, option labels, the labels of a scale's
   ends), the order of the options, the ranking method, the answers' language.
2. Never allowed: another kind, another rating scale, another points budget.
3. Removing an option: only if no answer names it, and not while the poll is open.
4. Adding an option: yes, unless answers must rank every option (they would be incomplete).
5. Limits (choices allowed, options to rank, entries and their length, partial ranking):
   widening is fine; narrowing only if every given answer still fits, and not while the
   poll is open.
6. A last check validates every given answer against the new settings with the kind's own
   ``validate``, so a case the rules above miss still cannot leave an invalid answer behind.

And for a poll's questions: none is added or removed while the poll is open, a question
with answers is never removed (its answers would go with it), and a poll keeps at least
one question and at most ``MAX_QUESTIONS``. Questions are reordered in drafts only
(``services.move_question``).

Pure: plain specs and answers in, a ``Conflict`` or ``InvalidInput`` out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from agora.core.errors import Conflict, InvalidAnswer, InvalidInput
from agora.core.i18n import _, ngettext
from agora.polls.kinds import QuestionSpec, kind_of

#: Most questions in one poll, and options in one question (as the API allows).
MAX_QUESTIONS = 30
MAX_OPTIONS = 50

Answer = Mapping[str, Any]


def check_question_edit(
    old: QuestionSpec, new: QuestionSpec, given: Sequence[Answer], *, poll_open: bool
) -> None:
    """Refuse a change to a question that would leave a given or coming answer invalid.

    Args:
        old: the question as stored.
        new: the question as the moderator wants it (already accepted by its kind's check).
        given: every stored answer to the question.
        poll_open: whether the poll is open, so that answers may be on their way.
    """
    if not given and not poll_open:
        return
    _fixed_settings(old, new)
    _removed_options(old, new, given, poll_open=poll_open)
    _added_options(old, new)
    _ranking_length(old, new, given, poll_open=poll_open)
    _limits(old, new, given, poll_open=poll_open)
    _still_valid(new, given)


def check_question_added(*, poll_open: bool, count: int, adding: int = 1) -> None:
    """Refuse to add questions to an open poll, or beyond ``MAX_QUESTIONS``."""
    if poll_open:
        raise Conflict(_("Close the poll before adding questions: people are answering it now."))
    if count + adding > MAX_QUESTIONS:
        raise InvalidInput(
            _("A poll holds at most {most} questions; this one would have {count}.").format(
                most=MAX_QUESTIONS, count=count + adding
            )
        )


def check_question_removed(*, poll_open: bool, answers: int, count: int) -> None:
    """Refuse to remove a question that has answers, of an open poll, or the last one."""
    if answers:
        raise Conflict(
            ngettext(
                "{count} answer was given to this question: removing it would delete it. "
                "Duplicate the poll to prepare it without this question.",
                "{count} answers were given to this question: removing it would delete them. "
                "Duplicate the poll to prepare it without this question.",
                answers,
            ).format(count=answers)
        )
    if poll_open:
        raise Conflict(_("Close the poll before removing a question: people are answering it now."))
    if count <= 1:
        raise Conflict(_("A poll needs at least one question: add another one first."))


# -- the rules, in order -------------------------------------------------------------------


def _fixed_settings(old: QuestionSpec, new: QuestionSpec) -> None:
    if new.kind is not old.kind:
        raise Conflict(
            _(
                "The kind of a question cannot change once people have answered it or while "
                "its poll is open. Duplicate the poll to ask the question another way."
            ),
            field="kind",
        )
    settings = kind_of(old.kind).SETTINGS
    if "scale_max" in settings and new.scale_max != old.scale_max:
        raise Conflict(
            _(
                "The scale cannot change once people have answered or while the poll is "
                "open: their ratings were given from 1 to {high}. You can still reword the "
                "labels of its ends."
            ).format(high=old.scale_max),
            field="scale_max",
        )
    if "budget" in settings and new.budget != old.budget:
        raise Conflict(
            _(
                "The points budget cannot change once people have answered or while the poll "
                "is open: their points add up to {budget}."
            ).format(budget=old.budget),
            field="budget",
        )


def _removed_options(
    old: QuestionSpec, new: QuestionSpec, given: Sequence[Answer], *, poll_open: bool
) -> None:
    kept = set(new.option_ids())
    for option in old.options:
        if option.id in kept:
            continue
        users = sum(1 for answer in given if option.id in options_named(answer))
        if users:
            raise Conflict(
                ngettext(
                    "“{label}” is part of {count} answer, so it cannot be removed. "
                    "You can still correct its wording.",
                    "“{label}” is part of {count} answers, so it cannot be removed. "
                    "You can still correct its wording.",
                    users,
                ).format(label=option.label, count=users),
                field="options",
            )
        if poll_open:
            raise Conflict(
                _(
                    "Close the poll before removing “{label}”: while it is open, someone "
                    "may be choosing it."
                ).format(label=option.label),
                field="options",
            )


def _added_options(old: QuestionSpec, new: QuestionSpec) -> None:
    known = set(old.option_ids())
    if any(o.id not in known for o in new.options) and _ranks_every_option(old):
        raise Conflict(
            _(
                "Answers to this question rank every option, so a new option would leave "
                "them incomplete. Duplicate the poll to ask again with the new option."
            ),
            field="options",
        )


def _ranking_length(
    old: QuestionSpec, new: QuestionSpec, given: Sequence[Answer], *, poll_open: bool
) -> None:
    """How many options an answer ranks: exactly k, or 1 to k when the ranking is partial."""
    if "top_k" not in kind_of(old.kind).SETTINGS:
        return
    before, after = _ranked_lengths(old), _ranked_lengths(new)
    if before <= after:
        return
    field = "partial" if old.partial and not new.partial else "top_k"
    if poll_open:
        raise Conflict(_close_first(), field=field)
    for answer in given:
        ranked = len(options_named(answer))
        if ranked not in after:
            raise Conflict(
                _(
                    "Some answers rank {ranked} options, which these settings would no longer "
                    "allow. Keep settings that allow {ranked}, or duplicate the poll."
                ).format(ranked=ranked),
                field=field,
            )


def _limits(
    old: QuestionSpec, new: QuestionSpec, given: Sequence[Answer], *, poll_open: bool
) -> None:
    settings = kind_of(old.kind).SETTINGS
    if "max_choices" in settings:
        _limit(
            old.max_choices or len(old.options),
            new.max_choices or len(new.options),
            (len(options_named(answer)) for answer in given),
            _("Someone chose {most} options, so the limit cannot be lower than {most}."),
            "max_choices",
            poll_open=poll_open,
        )
    texts = kind_of(old.kind).texts
    if "max_entries" in settings:
        _limit(
            old.max_entries,
            new.max_entries,
            (len(texts(answer)) for answer in given),
            _("Someone gave {most} answers, so the limit cannot be lower than {most}."),
            "max_entries",
            poll_open=poll_open,
        )
    if "max_length" in settings:
        _limit(
            old.max_length,
            new.max_length,
            (len(text) for answer in given for text in texts(answer)),
            _("An answer is {most} characters long, so the limit cannot be lower than {most}."),
            "max_length",
            poll_open=poll_open,
        )


def _limit(
    old: int, new: int, sizes: Iterable[int], message: str, field: str, *, poll_open: bool
) -> None:
    if new >= old:
        return
    if poll_open:
        raise Conflict(_close_first(), field=field)
    most = max(sizes, default=0)
    if most > new:
        raise Conflict(message.format(most=most), field=field)


def _still_valid(new: QuestionSpec, given: Sequence[Answer]) -> None:
    validate = kind_of(new.kind).validate
    broken: list[str] = []
    for answer in given:
        try:
            validate(new, dict(answer))
        except InvalidAnswer as exc:
            broken.append(exc.message)
    if broken:
        raise Conflict(
            ngettext(
                "This change would make {count} answer invalid ({reason}).",
                "This change would make {count} answers invalid (for example: {reason}).",
                len(broken),
            ).format(count=len(broken), reason=broken[0])
        )


# -- helpers -------------------------------------------------------------------------------


def _close_first() -> str:
    return _(
        "Close the poll before lowering this limit: while it is open, someone may be "
        "answering within the current one."
    )


def _ranks_every_option(spec: QuestionSpec) -> bool:
    return "top_k" in kind_of(spec.kind).SETTINGS and spec.top_k is None and not spec.partial


def _ranked_lengths(spec: QuestionSpec) -> set[int]:
    most = spec.top_k or len(spec.options)
    return set(range(1, most + 1)) if spec.partial else {most}


def options_named(answer: Answer) -> set[str]:
    """Return the option ids an answer names, whatever its kind's shape.

    An answer has one field: an option id (``{"option": "o2"}``), a list of them
    (``options``, ``ranking``) or a mapping from them (``points``); answers of kinds
    without options name none that matter.
    """
    found: set[str] = set()
    for value in answer.values():
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, Mapping):
            found.update(str(key) for key in value)
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, str))
    return found
