"""What a question kind module provides, and a question's tally as the API shows it.

Every module of this package that describes a kind (``single_choice``, ``ranking``…)
satisfies :class:`Kind`; mypy checks each of them where the registry lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from agora.core.errors import InvalidInput
from agora.core.i18n import _
from agora.polls.kinds.spec import Marker, QuestionKind, QuestionSpec
from agora.polls.kinds.table import ResultTable
from agora.polls.ranking import RANKING_METHODS
from agora.polls.tally import Tally


class FormFields(Protocol):
    """The fields of an HTML form post (Starlette's ``FormData`` is one)."""

    def get(self, key: str, /) -> Any:
        """Return the first value of ``key`` (None when there is none)."""

    def getlist(self, key: str) -> list[Any]:
        """Return every value of ``key``."""

    def multi_items(self) -> list[tuple[str, Any]]:
        """Return every (name, value) pair in the order sent."""


class Kind(Protocol):
    """One kind of question, described in one module: settings, answers, tally, result table.

    Module-level names are the protocol's attributes; module functions its methods.
    """

    @property
    def KIND(self) -> QuestionKind:
        """The kind this module describes."""

    @property
    def NAME(self) -> str:
        """The kind as people call it (a message id, translated where shown)."""

    @property
    def DEFAULTS(self) -> Mapping[str, Any]:
        """Settings whose default differs for this kind (a word cloud entry: 40 characters)."""

    @property
    def METHODS(self) -> Mapping[str, str]:
        """Ways of counting the result by name, with their labels; the first is the default."""

    @property
    def THEMED(self) -> bool:
        """Whether the report groups the answers into themes and names their languages."""

    @property
    def SETTINGS(self) -> tuple[str, ...]:
        """The settings a question of this kind takes (``QuestionSpec`` fields), in the
        order the poll editor shows them; ``ranking_method`` names the ways of counting."""

    @property
    def MARKER(self) -> Marker:
        """How a pasted list of questions names this kind (``[ranking top 2]``)."""

    def check(self, spec: QuestionSpec) -> None:
        """Raise ``InvalidInput`` naming the field when the settings cannot work."""

    def validate(self, spec: QuestionSpec, raw: object) -> dict[str, Any]:
        """Return a participant's raw answer normalized, or raise ``InvalidAnswer``."""

    def from_form(self, form: FormFields) -> object:
        """Return the raw answer a phone's plain HTML form sent (validated afterwards)."""

    def texts(self, answer: Mapping[str, Any]) -> list[str]:
        """Return the free text a normalized answer holds (none for most kinds)."""

    def tally(self, spec: QuestionSpec) -> Tally:
        """Return an empty pure counter of the answers to ``spec``."""

    def table(self, result: Mapping[str, Any]) -> ResultTable:
        """Return the neutral table every renderer draws from a result."""


class QuestionTally:
    """A question's running tally: the kind's pure counter, read as the API shows results."""

    def __init__(self, spec: QuestionSpec, kind: Kind) -> None:
        self.spec = spec
        self.kind = kind
        self._counter = kind.tally(spec)

    @property
    def voters(self) -> int:
        """Return the number of participants whose answer is counted."""
        return self._counter.voters

    @property
    def methods(self) -> Mapping[str, str]:
        """Return the ways this result can be counted (empty when there is only one)."""
        return self.kind.METHODS

    def add(self, answer: Mapping[str, Any]) -> None:
        """Count one participant's normalized answer."""
        self._counter.add(answer)

    def remove(self, answer: Mapping[str, Any]) -> None:
        """Uncount an answer added before; raises ``ValueError`` and changes nothing otherwise."""
        self._counter.remove(answer)

    def result(self, method: str | None = None) -> dict[str, Any]:
        """Return the JSON-serializable result; only ranking questions take a ``method``."""
        methods = self.kind.METHODS
        if not methods:
            if method is not None:
                raise InvalidInput(
                    _("Only ranking questions can be counted with a ranking method."),
                    field="method",
                )
            return {"kind": self.spec.kind.value, **self._counter.result(None)}
        name = next(iter(methods)) if method is None else method
        if name not in methods:
            raise InvalidInput(
                _("'{method}' is not a ranking method; choose one of: {methods}.").format(
                    method=name, methods=", ".join(methods)
                ),
                field="method",
            )
        return {"kind": self.spec.kind.value, **self._counter.result(name)}


def with_method_label(result: dict[str, Any]) -> dict[str, Any]:
    """Return ``result`` with its ranking method's name in the reader's language, if it has one.

    Tallies give the method's id only: a result computed once (in the live hub, say) is
    read by people in several languages, so the name is added where it is shown.
    """
    method = result.get("method")
    if not isinstance(method, str) or method not in RANKING_METHODS:
        return result
    return {**result, "method_label": _(RANKING_METHODS[method][0])}
