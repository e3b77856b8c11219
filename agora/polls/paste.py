"""Questions pasted as plain text: the format of docs/polls-editor.md, read by a pure function.

A question is a line, optionally ending with a kind marker in brackets; its options follow
on lines starting with ``-`` (or ``*``, ``•``, ``–``); a blank line ends it::

    Which world area should we work with next? [ranking top 2]
    - Asia
    - Africa
    - Latin America

    What did you learn today?

Without a marker, a question with options is the first kind that takes options (single
choice) and one without is the first kind that takes none (open text). A marker names the
kind with one of its ``MARKER.words`` (English) or its name in the reader's language, then
optionally a number for the setting the kind's marker names (``top 2``, ``rating 7``,
``points 10``) and ``partial`` for a kind with partial answers. Every problem is reported
with its line number; the caller creates nothing when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from agora.core.errors import InvalidInput
from agora.core.i18n import _
from agora.polls.kinds import KINDS, QuestionKind

#: The longest text accepted in the paste box.
MAX_TEXT = 20_000
#: Longest question and option, as the API allows.
MAX_PROMPT = 500
MAX_LABEL = 200
MAX_OPTIONS = 50
MAX_NUMBER = 1_000_000

_OPTION = re.compile(r"^\s*[-*•–](?:\s+|$)(.*)$")
_MARKER = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]\s*$")
#: Words a marker may hold to read naturally ("ranking top 2", "multiple up to 3").
_FILLERS = frozenset({"top", "max", "up", "to"})
PARTIAL = "partial"


@dataclass(frozen=True)
class PastedQuestion:
    """One question read from the paste box, with the lines it came from."""

    line: int
    kind: QuestionKind
    prompt: str
    options: tuple[str, ...] = ()
    option_lines: tuple[int, ...] = ()
    settings: Mapping[str, int | bool] = field(default_factory=dict)

    def line_of(self, path: str | None) -> int:
        """Return the line an error's field path points at (an option's, else the question's)."""
        match = re.match(r"^options\[(\d+)\]", path or "")
        if match and int(match.group(1)) < len(self.option_lines):
            return self.option_lines[int(match.group(1))]
        return self.line


class PasteError(InvalidInput):
    """A pasted list that cannot become questions: every problem, with its line number."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = sorted(problems, key=lambda p: p[0])
        super().__init__(
            " ".join(line_message(line, message) for line, message in self.problems),
            field="text",
        )


def line_message(line: int, message: str) -> str:
    """Return a problem as people read it: "Line 3: …" (no line for the text as a whole)."""
    return _("Line {line}: {message}").format(line=line, message=message) if line else message


@dataclass
class _Block:
    line: int
    head: str
    options: list[str] = field(default_factory=list)
    option_lines: list[int] = field(default_factory=list)


def parse_questions(text: str) -> list[PastedQuestion]:
    """Return the questions a pasted text describes, or raise ``PasteError`` with every problem."""
    questions, problems = read_questions(text)
    if problems:
        raise PasteError(problems)
    return questions


def read_questions(text: str) -> tuple[list[PastedQuestion], list[tuple[int, str]]]:
    """Return the questions read from a pasted text, and the problems of the lines that fail."""
    if len(text) > MAX_TEXT:
        return [], [
            (0, _("The text is too long: at most {most} characters.").format(most=MAX_TEXT))
        ]
    problems: list[tuple[int, str]] = []
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        option = _OPTION.match(line)
        if option:
            if current is None:
                problems.append(
                    (
                        number,
                        _(
                            "This option has no question above it: remove the blank line "
                            "before it, or write its question on the line above."
                        ),
                    )
                )
            else:
                current.options.append(option.group(1).strip())
                current.option_lines.append(number)
            continue
        if current is not None:
            problems.append(
                (
                    number,
                    _("Leave a blank line between two questions, and start each option with “- ”."),
                )
            )
            continue
        current = _Block(number, line)
        blocks.append(current)
    questions = []
    for block in blocks:
        try:
            questions.append(_question(block))
        except PasteError as exc:
            problems.extend(exc.problems)
    if not blocks and not problems:
        problems.append((0, _("Paste at least one question.")))
    return questions, sorted(problems, key=lambda p: p[0])


def _question(block: _Block) -> PastedQuestion:
    head, marker = block.head, None
    found = _MARKER.match(head)
    if found:
        head, marker = found.group(1).strip(), found.group(2)
    problems: list[tuple[int, str]] = []
    if not head:
        problems.append((block.line, _("Write the question before its kind.")))
    elif len(head) > MAX_PROMPT:
        problems.append(
            (
                block.line,
                _("The question is {length} characters long; the limit is {most}.").format(
                    length=len(head), most=MAX_PROMPT
                ),
            )
        )
    kind, settings = _marker(marker, has_options=bool(block.options), line=block.line)
    takes_options = "options" in KINDS[kind].SETTINGS
    if takes_options and not block.options:
        problems.append(
            (
                block.line,
                _(
                    "This question needs options: write each on its own line below it, "
                    "starting with “- ”."
                ),
            )
        )
    if not takes_options and block.options:
        problems.append(
            (
                block.option_lines[0],
                _("A question of the kind “{kind}” takes no options.").format(
                    kind=_(KINDS[kind].NAME)
                ),
            )
        )
    if len(block.options) > MAX_OPTIONS:
        problems.append(
            (
                block.option_lines[MAX_OPTIONS],
                _("A question offers at most {most} options.").format(most=MAX_OPTIONS),
            )
        )
    for line, label in zip(block.option_lines, block.options, strict=True):
        if not label:
            problems.append((line, _("This option is empty.")))
        elif len(label) > MAX_LABEL:
            problems.append(
                (
                    line,
                    _("The option is {length} characters long; the limit is {most}.").format(
                        length=len(label), most=MAX_LABEL
                    ),
                )
            )
    if problems:
        raise PasteError(problems)
    return PastedQuestion(
        block.line, kind, head, tuple(block.options), tuple(block.option_lines), settings
    )


def _marker(
    marker: str | None, *, has_options: bool, line: int
) -> tuple[QuestionKind, dict[str, int | bool]]:
    """Return the kind and settings a marker names (the default kind without one)."""
    if marker is None:
        return default_kind(has_options=has_options), {}
    words = marker.casefold().replace(",", " ").split()
    kind = None
    for size in range(len(words), 0, -1):  # the longest name first: "word cloud" before "words"
        kind = kind_named(" ".join(words[:size]))
        if kind is not None:
            words = words[size:]
            break
    if kind is None:
        names = ", ".join(module.MARKER.words[0] for module in KINDS.values())
        raise PasteError(
            [
                (
                    line,
                    _("“[{marker}]” does not name a kind of question; use one of: {names}.").format(
                        marker=marker.strip(), names=names
                    ),
                )
            ]
        )
    module = KINDS[kind]
    settings: dict[str, int | bool] = {}
    for word in words:
        if word in _FILLERS:
            continue
        if word == PARTIAL and PARTIAL in module.SETTINGS:
            settings[PARTIAL] = True
        elif word.isdigit() and module.MARKER.number is not None:
            value = int(word)
            if not 1 <= value <= MAX_NUMBER:
                raise PasteError(
                    [(line, _("{number} is not a usable number.").format(number=word))]
                )
            settings[module.MARKER.number] = value
        else:
            raise PasteError(
                [
                    (
                        line,
                        _("A question of the kind “{kind}” does not take “{word}”.").format(
                            kind=_(module.NAME), word=word
                        ),
                    )
                ]
            )
    return kind, settings


def kind_named(name: str) -> QuestionKind | None:
    """Return the kind a marker's words name: an English marker word, its value or its name."""
    folded = name.casefold()
    for kind, module in KINDS.items():
        names = {*module.MARKER.words, kind.value, kind.value.replace("_", " ")}
        if folded in names or folded == _(module.NAME).casefold():
            return kind
    return None


def default_kind(*, has_options: bool) -> QuestionKind:
    """Return the kind of a question without a marker: the first kind that fits its options."""
    return next(k for k, m in KINDS.items() if ("options" in m.SETTINGS) == has_options)
