"""The neutral result table: what every renderer of a question's result draws.

Each kind turns its result into a :class:`ResultTable`: a title, column headers, rows of
cells (numbers, shares, labels), the shape of chart to draw and notes such as a ranking's
method. The HTML partial, the live script (which receives the table as JSON in the stream),
the report's web page and PDF, the DOCX and the data exports all draw this table; they may
tell apart the few chart shapes and cell formats below, never the kinds.

Words in a table are gettext message ids, translated where the table is shown: a stream
message reaches phones in several languages at once. Every message id a table can hold is
marked with :func:`N_` or :func:`N_plural` at import time, so that a page can send their
translations to its script (:func:`words`).
"""

from __future__ import annotations

import dataclasses
import gettext as _gettext
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from agora.core import i18n

Scalar = str | int | float | bool | None

#: Every message id a table may hold, with its plural message id ("" when it has none).
_WORDS: dict[str, str] = {}


def N_(message: str) -> str:
    """Mark ``message`` for extraction and for the live pages' catalogue; it is not translated."""
    _WORDS.setdefault(message, "")
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message whose words depend on a count (e.g. "1 ballot", "3 ballots")."""
    _WORDS[singular] = plural
    return singular, plural


def registered(message: str) -> bool:
    """Tell whether ``message`` was marked, so that live pages can translate it."""
    return message in _WORDS


class Format(StrEnum):
    """How a cell is printed (each renderer prints the formats in its own way)."""

    #: As typed: option labels, words, answers, scale values.
    text = "text"
    #: A whole number.
    integer = "integer"
    #: A score: two decimals on the phone and the screen.
    score = "score"
    #: A mean: one decimal on the phone and the screen.
    mean = "mean"
    #: A fraction shown as a percentage.
    share = "share"


class Chart(StrEnum):
    """The shape of chart a table is drawn as."""

    #: One horizontal bar per row.
    bars = "bars"
    #: One vertical bar per row, along a scale (the phone and the screen draw them as bars).
    columns = "columns"
    #: Words sized by their count, with their frequency table (the report draws bars).
    cloud = "cloud"
    #: No chart: each row is a card of text.
    cards = "cards"


@dataclass(frozen=True)
class Phrase:
    """Words to translate where shown, with ``{name}`` or ``%(name)s`` placeholders filled."""

    text: str
    values: dict[str, Scalar | Phrase | Count] = field(default_factory=dict)
    #: False for text that is not a message id (an option label, a number).
    translate: bool = True


@dataclass(frozen=True)
class Count:
    """A number of things whose words depend on it ("1 ballot", "3 ballots")."""

    number: int
    singular: str
    plural: str


@dataclass(frozen=True)
class Figure:
    """A named figure of the summary line ("mean 2.50")."""

    label: str
    value: Scalar
    format: Format


Text = Phrase | Count | Figure


def literal(text: object) -> Phrase:
    """Return text that is shown as it is, never translated."""
    return Phrase(str(text), translate=False)


@dataclass(frozen=True)
class Column:
    """A column of the table: its key, header, the format of its cells."""

    key: str
    header: Phrase
    format: Format
    #: A word printed before the value where the figure beside a bar shows it ("mean").
    prefix: str = ""


@dataclass(frozen=True)
class Row:
    """One row: a stable key (option id, scale value, word) and one cell per column."""

    key: str
    cells: tuple[Scalar, ...]


@dataclass(frozen=True)
class Note:
    """A figure about the whole result that the data exports list (method, budget…)."""

    label: str
    value: Scalar | Phrase


@dataclass(frozen=True)
class ResultTable:
    """A question's result as every renderer draws it."""

    #: The question kind, for the page's data attributes only: renderers never test it.
    kind: str
    #: The kind as people call it ("Ranking").
    name: Phrase
    voters: int
    #: The line above the result on the phone and the screen ("Borda count · 3 ballots").
    summary: tuple[Text, ...]
    chart: Chart
    #: The chart's title in the report.
    title: Phrase
    #: What the length of a bar measures.
    axis: Phrase
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    #: Key of the column that names each row (a bar's label).
    label: str
    #: Key of the column the chart draws (None when there is no chart).
    value: str | None
    #: Keys of the columns printed beside a bar: the first plainly, the others after it.
    figure: tuple[str, ...]
    #: The rows are in rank order: an ordered list, each bar with its rank.
    ranked: bool = False
    #: How the result was counted (a ranking method), named in the report's methodology.
    method: Phrase | None = None
    notes: tuple[Note, ...] = ()
    #: What the score means, in one sentence (a ranking method), where the result is shown.
    explanation: Phrase | None = None

    def index(self, key: str) -> int:
        """Return the position of the column ``key``."""
        for position, column in enumerate(self.columns):
            if column.key == key:
                return position
        raise KeyError(key)

    def column(self, key: str) -> Column:
        """Return the column ``key``."""
        return self.columns[self.index(key)]

    def cells(self, key: str) -> list[Scalar]:
        """Return every row's cell of the column ``key``."""
        position = self.index(key)
        return [row.cells[position] for row in self.rows]

    def to_json(self) -> dict[str, Any]:
        """Return the table as JSON-ready data, as the live stream sends it."""
        return dataclasses.asdict(self)


# -- showing words -----------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


def say(
    text: Text | Mapping[str, Any] | Scalar,
    translations: _gettext.NullTranslations | None = None,
    number: Callable[[Scalar, Format], str] | None = None,
) -> str:
    """Return ``text`` (or its JSON form) in words: translated, placeholders filled.

    ``translations`` defaults to the current language's; the data exports pass
    ``NullTranslations()`` to keep English. ``number`` prints a figure's value (by
    default as the phone and the screen do).
    """
    gettext = translations.gettext if translations is not None else i18n.gettext
    ngettext = translations.ngettext if translations is not None else i18n.ngettext
    show = number or screen_number
    if isinstance(text, Mapping):
        text = from_json(text)
    if isinstance(text, Count):
        words = ngettext(text.singular, text.plural, text.number)
        return _fill(words, {"num": text.number, "count": text.number})
    if isinstance(text, Figure):
        return f"{gettext(text.label)} {show(text.value, text.format)}"
    if isinstance(text, Phrase):
        words = gettext(text.text) if text.translate else text.text
        if not text.values:
            return words
        return _fill(
            words, {name: say(value, translations, number) for name, value in text.values.items()}
        )
    return "" if text is None else str(text)


def _fill(words: str, values: Mapping[str, object]) -> str:
    """Return ``words`` with each known placeholder replaced by its value."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return str(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER.sub(value, words)


def from_json(data: Mapping[str, Any]) -> Text:
    """Return the text a JSON form describes (as :meth:`ResultTable.to_json` writes it)."""
    if "number" in data:
        return Count(int(data["number"]), str(data["singular"]), str(data["plural"]))
    if "format" in data:
        return Figure(str(data["label"]), data["value"], Format(data["format"]))
    values: dict[str, Scalar | Phrase | Count] = {}
    for name, value in dict(data.get("values") or {}).items():
        if isinstance(value, Mapping):
            inner = from_json(value)
            values[str(name)] = inner if isinstance(inner, Phrase | Count) else literal(say(inner))
        else:
            values[str(name)] = value
    return Phrase(str(data["text"]), values, bool(data.get("translate", True)))


def screen_number(value: Scalar, fmt: Format) -> str:
    """Print a cell as the phone and the screen show it ("67 %", "3.83")."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if fmt is Format.share:
        return f"{value * 100:.0f} %"
    if fmt is Format.score:
        return f"{value:.2f}"
    if fmt is Format.mean:
        return f"{value:.1f}"
    return str(value)


def number(value: float | None) -> str:
    """Return ``value`` briefly: whole numbers without decimals, others with at most two."""
    if value is None:
        return "–"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def words() -> dict[str, str | dict[str, str]]:
    """Return every message id a table may hold, translated into the current language.

    A message that depends on a count gives its words by plural category (one, few,
    many, other: :func:`agora.core.i18n.plural_forms`), which the live script picks with
    ``Intl.PluralRules``.
    """
    out: dict[str, str | dict[str, str]] = {}
    for singular, plural in _WORDS.items():
        if plural:
            out[singular] = i18n.plural_forms(singular, plural)
        else:
            out[singular] = i18n.gettext(singular)
    return out


# -- words several kinds' tables use -------------------------------------------------------

ANSWERS = N_plural("%(num)s answer", "%(num)s answers")
OPTION = N_("Option")
COUNT = N_("Count")
SHARE = N_("Share")
MEAN = N_("Mean")


def answers(voters: int) -> Count:
    """Return "3 answers", the summary of most results."""
    return Count(voters, *ANSWERS)
