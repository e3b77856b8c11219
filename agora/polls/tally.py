"""Incremental tallies: pure counters fed normalized answers, read as JSON-ready results.

A participant who changes their answer is ``remove``-d with the old answer and ``add``-ed
with the new one, so every tally keeps counts that can go both ways. Answers given to a
tally must already be normalized by their kind's ``validate``.

Nothing here knows the question kinds, translations or HTTP: each kind's module in
``agora.polls.kinds`` picks a counter and gives it plain settings; errors are plain
``ValueError``s and a ranking method is named by its id.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from agora.polls.ranking import DEFAULT_METHOD, RANKING_METHODS
from agora.text.words import fold_word, stop_words_for, strip_punctuation


class Labelled(Protocol):
    """An option as a tally needs it: a stable id and the label people read."""

    @property
    def id(self) -> str:
        """The option's stable id."""

    @property
    def label(self) -> str:
        """The option's label."""


class Tally(ABC):
    """Running counts for one question; ``voters`` is how many answers it currently holds."""

    #: Whether ``result`` accepts a ranking method.
    takes_method = False

    def __init__(self) -> None:
        self._voters = 0

    @property
    def voters(self) -> int:
        """Return the number of participants whose answer is counted."""
        return self._voters

    def add(self, answer: Mapping[str, Any]) -> None:
        """Count one participant's normalized answer."""
        self._add(answer)
        self._voters += 1

    def remove(self, answer: Mapping[str, Any]) -> None:
        """Uncount an answer added before; raises ``ValueError`` and changes nothing otherwise."""
        if not self._voters:
            raise ValueError("Cannot remove an answer from an empty tally.")
        self._remove(answer)
        self._voters -= 1

    def result(self, method: str | None = None) -> dict[str, Any]:
        """Return the JSON-serializable result; only a ranking tally takes a ``method``."""
        if method is not None and not self.takes_method:
            raise ValueError("This tally is not counted by a method.")
        return {"voters": self._voters, **self._result(method)}

    @abstractmethod
    def _add(self, answer: Mapping[str, Any]) -> None:
        """Count an answer's content."""

    @abstractmethod
    def _remove(self, answer: Mapping[str, Any]) -> None:
        """Uncount an answer's content, checking first that it was counted."""

    @abstractmethod
    def _result(self, method: str | None) -> dict[str, Any]:
        """Return the fields this counter adds to the result."""


class ChoiceTally(Tally):
    """Choices of options: how many participants chose each option.

    ``field`` names the answer's field holding one option id or a list of them.
    """

    def __init__(self, options: Sequence[Labelled], field: str) -> None:
        super().__init__()
        self._options = tuple(options)
        self._field = field
        self._counts = dict.fromkeys((option.id for option in options), 0)

    def _chosen(self, answer: Mapping[str, Any]) -> list[str]:
        value = answer[self._field]
        chosen: list[str] = [value] if isinstance(value, str) else list(value)
        _check_known(chosen, self._counts)
        return chosen

    def _add(self, answer: Mapping[str, Any]) -> None:
        for option_id in self._chosen(answer):
            self._counts[option_id] += 1

    def _remove(self, answer: Mapping[str, Any]) -> None:
        chosen = self._chosen(answer)
        _check_counted(chosen, self._counts)
        for option_id in chosen:
            self._counts[option_id] -= 1

    def _result(self, method: str | None) -> dict[str, Any]:
        return {
            "options": [
                {
                    "id": option.id,
                    "label": option.label,
                    "count": self._counts[option.id],
                    "share": _ratio(self._counts[option.id], self._voters),
                }
                for option in self._options
            ]
        }


class RatingTally(Tally):
    """Rating on a 1..N scale: the distribution, mean and median of the values."""

    def __init__(self, scale_max: int, min_label: str = "", max_label: str = "") -> None:
        super().__init__()
        self._scale = (scale_max, min_label, max_label)
        self._counts = dict.fromkeys(range(1, scale_max + 1), 0)

    def _value(self, answer: Mapping[str, Any]) -> int:
        value: int = answer["value"]
        _check_known([value], self._counts)
        return value

    def _add(self, answer: Mapping[str, Any]) -> None:
        self._counts[self._value(answer)] += 1

    def _remove(self, answer: Mapping[str, Any]) -> None:
        value = self._value(answer)
        _check_counted([value], self._counts)
        self._counts[value] -= 1

    def _result(self, method: str | None) -> dict[str, Any]:
        total = sum(value * count for value, count in self._counts.items())
        return {
            "distribution": [
                {"value": value, "count": count} for value, count in self._counts.items()
            ],
            "mean": total / self._voters if self._voters else None,
            "median": self._median(),
            "min_label": self._scale[1],
            "max_label": self._scale[2],
            "scale_max": self._scale[0],
        }

    def _median(self) -> float | None:
        """Return the middle value, or the mean of the two middle ones, read off the counts."""
        if not self._voters:
            return None
        middle = [(self._voters - 1) // 2, self._voters // 2]
        found: list[int] = []
        seen = 0
        for value, count in self._counts.items():
            seen += count
            while middle and middle[0] < seen:
                middle.pop(0)
                found.append(value)
        return sum(found) / 2


class PointsTally(Tally):
    """Points distributed from a budget: total, mean per participant and share per option."""

    def __init__(self, options: Sequence[Labelled], budget: int) -> None:
        super().__init__()
        self._options = tuple(options)
        self._budget = budget
        self._totals = dict.fromkeys((option.id for option in options), 0)

    def _points(self, answer: Mapping[str, Any]) -> Mapping[str, int]:
        points: Mapping[str, int] = answer["points"]
        _check_known(points, self._totals)
        return points

    def _add(self, answer: Mapping[str, Any]) -> None:
        for option_id, value in self._points(answer).items():
            self._totals[option_id] += value

    def _remove(self, answer: Mapping[str, Any]) -> None:
        points = self._points(answer)
        if any(self._totals[option_id] < value for option_id, value in points.items()):
            raise ValueError("Cannot remove points that were not counted.")
        for option_id, value in points.items():
            self._totals[option_id] -= value

    def _result(self, method: str | None) -> dict[str, Any]:
        budget = self._budget
        return {
            "budget": budget,
            "options": [
                {
                    "id": option.id,
                    "label": option.label,
                    "total": self._totals[option.id],
                    "mean": _ratio(self._totals[option.id], self._voters),
                    "share": _ratio(self._totals[option.id], self._voters * budget),
                }
                for option in self._options
            ],
        }


class WordCloudTally(Tally):
    """Word cloud: how many entries give each word, once folded and stripped of stop words."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self._stop_words = stop_words_for(language)
        self._counts: Counter[str] = Counter()
        # Per folded word, how often each lower-cased spelling was typed, to show the usual one.
        self._spellings: dict[str, Counter[str]] = {}

    def _folded(self, answer: Mapping[str, Any]) -> list[tuple[str, str]]:
        entries = (fold_entry(word, self._stop_words) for word in answer["words"])
        return [entry for entry in entries if entry is not None]

    def _add(self, answer: Mapping[str, Any]) -> None:
        for key, spelling in self._folded(answer):
            self._counts[key] += 1
            self._spellings.setdefault(key, Counter())[spelling] += 1

    def _remove(self, answer: Mapping[str, Any]) -> None:
        folded = self._folded(answer)
        needed = Counter(folded)
        if any(
            self._spellings.get(key, Counter())[spelling] < count
            for (key, spelling), count in needed.items()
        ):
            raise ValueError("Cannot remove words that were not counted.")
        for key, spelling in folded:
            self._counts[key] -= 1
            self._spellings[key][spelling] -= 1
            if not self._counts[key]:
                del self._counts[key]
                del self._spellings[key]
            elif not self._spellings[key][spelling]:
                del self._spellings[key][spelling]

    def _result(self, method: str | None) -> dict[str, Any]:
        shown = sorted(
            ((self._usual_spelling(key), count) for key, count in self._counts.items()),
            key=lambda item: (-item[1], item[0]),
        )
        return {"words": [{"word": word, "count": count} for word, count in shown]}

    def _usual_spelling(self, key: str) -> str:
        """Return the spelling typed most often for a folded word, alphabetically first on ties."""
        spelling, _count = min(self._spellings[key].items(), key=lambda item: (-item[1], item[0]))
        return spelling


class OpenTextTally(Tally):
    """Open text: every entry, in the order the answers arrived."""

    def __init__(self) -> None:
        super().__init__()
        self._answers: list[tuple[str, ...]] = []

    def _add(self, answer: Mapping[str, Any]) -> None:
        self._answers.append(tuple(answer["texts"]))

    def _remove(self, answer: Mapping[str, Any]) -> None:
        # Answers carry no participant id, so identical answers are interchangeable.
        try:
            self._answers.remove(tuple(answer["texts"]))
        except ValueError:
            raise ValueError("Cannot remove an answer that was not counted.") from None

    def _result(self, method: str | None) -> dict[str, Any]:
        return {"answers": [{"text": text} for texts in self._answers for text in texts]}


class RankingTally(Tally):
    """Ranking: identical ballots counted together, ordered by the method asked for."""

    takes_method = True

    def __init__(self, options: Sequence[Labelled]) -> None:
        super().__init__()
        self._ballots: Counter[tuple[str, ...]] = Counter()
        self._labels = {option.id: option.label for option in options}

    def _ballot(self, answer: Mapping[str, Any]) -> tuple[str, ...]:
        ballot = tuple(answer["ranking"])
        _check_known(ballot, self._labels)
        return ballot

    def _add(self, answer: Mapping[str, Any]) -> None:
        self._ballots[self._ballot(answer)] += 1

    def _remove(self, answer: Mapping[str, Any]) -> None:
        ballot = self._ballot(answer)
        if not self._ballots[ballot]:
            raise ValueError("Cannot remove a ballot that was not counted.")
        self._ballots[ballot] -= 1
        if not self._ballots[ballot]:
            del self._ballots[ballot]

    def _result(self, method: str | None) -> dict[str, Any]:
        """Return the options ordered by ``method`` (default positional) with its workings."""
        name = DEFAULT_METHOD if method is None else method
        if name not in RANKING_METHODS:
            raise ValueError(f"{name!r} is not a ranking method.")
        _label, rank = RANKING_METHODS[name]
        ranked = rank(tuple(self._labels), self._ballots)
        return {
            "method": name,
            "ballots": self._voters,
            "lower_is_better": ranked.lower_is_better,
            "options": [
                {
                    "id": option_id,
                    "label": self._labels[option_id],
                    "score": ranked.scores[option_id],
                    "rank": ranked.ranks[option_id],
                }
                for option_id in ranked.order
            ],
            "details": ranked.details,
        }


def fold_entry(text: str, stop_words: frozenset[str]) -> tuple[str, str] | None:
    """Return a word cloud entry's counting key and lower-cased spelling, or None if none is left.

    The key is case-folded, without accents, without punctuation at the ends of its
    words, with single spaces, and without stop words; the spelling keeps the accents of
    the words that remain so that the cloud shows "coopération", not "cooperation".
    """
    keys: list[str] = []
    spellings: list[str] = []
    for token in text.split():
        key = fold_word(token)
        if key and key not in stop_words:
            keys.append(key)
            spellings.append(strip_punctuation(token.lower()))
    if not keys:
        return None
    return " ".join(keys), " ".join(spellings)


def _check_known(keys: Iterable[Any], counts: Mapping[Any, Any]) -> None:
    """Refuse an answer naming something the question does not have; it was never validated."""
    unknown = [key for key in keys if key not in counts]
    if unknown:
        raise ValueError(f"Answer names {unknown!r}, which this question does not have.")


def _check_counted(keys: Iterable[Any], counts: Mapping[Any, int]) -> None:
    """Refuse to uncount what was never counted, before changing anything."""
    if any(counts[key] < needed for key, needed in Counter(keys).items()):
        raise ValueError("Cannot remove an answer that was not counted.")


def _ratio(part: int, whole: int) -> float:
    """Return ``part / whole``, or 0.0 when there is nothing to divide by."""
    return part / whole if whole else 0.0
