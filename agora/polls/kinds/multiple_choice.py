"""Multiple choice: each participant picks up to ``max_choices`` options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agora.core.errors import InvalidAnswer
from agora.core.i18n import _
from agora.polls.kinds import fields
from agora.polls.kinds.base import FormFields
from agora.polls.kinds.single_choice import choice_table
from agora.polls.kinds.spec import Marker, QuestionKind, QuestionSpec
from agora.polls.kinds.table import N_, ResultTable
from agora.polls.tally import ChoiceTally, Tally

KIND = QuestionKind.multiple_choice
NAME = N_("Multiple choice")
DEFAULTS: Mapping[str, Any] = {}
METHODS: Mapping[str, str] = {}
THEMED = False
#: The settings the poll editor offers for this kind, in its order.
SETTINGS: tuple[str, ...] = ("options", "max_choices")
#: How a pasted list names this kind.
MARKER = Marker(("multiple", "multiple choice"), "max_choices")


def check(spec: QuestionSpec) -> None:
    """Check the options and that the number of choices allowed fits them."""
    fields.check_options(spec)
    fields.check_up_to_options(
        spec.max_choices,
        len(spec.options),
        _("The number of choices allowed must be between 1 and {count}."),
        "max_choices",
    )


def validate(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    """Return ``{"options": [ids]}``: at least one, at most ``max_choices``, in question order."""
    values = fields.list_field(raw, "options")
    most = len(spec.options) if spec.max_choices is None else spec.max_choices
    if not values:
        raise InvalidAnswer(_("Choose at least one option."), field="options")
    if len(values) > most:
        raise InvalidAnswer(
            _("Too many options: the limit is {most}, you chose {count}.").format(
                most=most, count=len(values)
            ),
            field="options",
        )
    chosen = fields.distinct_options(spec, values, "options", _("'{label}' is chosen twice."))
    # Stored in question order so that equal choices are equal answers.
    return {"options": [option_id for option_id in spec.option_ids() if option_id in chosen]}


def from_form(form: FormFields) -> object:
    """Read the ticked boxes."""
    return {"options": form.getlist("options")}


def texts(answer: Mapping[str, Any]) -> list[str]:
    """Return no text: the answer is options."""
    return []


def tally(spec: QuestionSpec) -> Tally:
    """Count the choosers of each option."""
    return ChoiceTally(spec.options, "options")


def table(result: Mapping[str, Any]) -> ResultTable:
    """Return one row per option: count, and share of the voters (shares may pass 100 %)."""
    return choice_table(result, NAME)
