"""Validation of a person's details, shared by the form, the API, imports and walk-ins.

Each check says what is wrong and in which field, and every bad field is reported at once
so a form can show each message next to its field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agora.core.errors import InvalidInput
from agora.core.i18n import _, current_language
from agora.registrations.countries import country_code, fold
from agora.registrations.models import OrganisationType
from agora.text.clean import BIDI_CONTROLS

MAX_NAME = 200
MAX_EMAIL = 254
MAX_ORGANISATION = 300
MAX_PLACE = 200

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: Words people use for an organisation type in other tools' exports, by the type they mean.
ORGANISATION_TYPE_ALIASES: dict[str, OrganisationType] = {
    "municipality": OrganisationType.city,
    "town": OrganisationType.city,
    "local authority": OrganisationType.city,
    "local government": OrganisationType.city,
    "regional authority": OrganisationType.region,
    "province": OrganisationType.region,
    "county": OrganisationType.region,
    "association": OrganisationType.network,
    "non profit": OrganisationType.ngo,
    "nonprofit": OrganisationType.ngo,
    "non governmental organisation": OrganisationType.ngo,
    "non governmental organization": OrganisationType.ngo,
    "civil society": OrganisationType.ngo,
    "business": OrganisationType.company,
    "private sector": OrganisationType.company,
    "enterprise": OrganisationType.company,
    "academia": OrganisationType.university,
    "research": OrganisationType.university,
    "higher education": OrganisationType.university,
    # the same words in exports made in Agora's other languages (folded: no case, no accents)
    **dict.fromkeys(
        (
            "stadt",
            "gemeinde",
            "kommune",
            "stadtverwaltung",
            "ville",
            "commune",
            "municipalite",
            "collectivite locale",
            "ciudad",
            "municipio",
            "ayuntamiento",
            "citta",
            "comune",
            "cidade",
            "municipio",
            "camara municipal",
            "autarquia",
            "grad",
            "opcina",
            "oras",
            "municipiu",
            "comuna",
            "primarie",
        ),
        OrganisationType.city,
    ),
    **dict.fromkeys(
        (
            "land",
            "bundesland",
            "landkreis",
            "kreis",
            "provinz",
            "collectivite regionale",
            "departement",
            "provincia",
            "comunidad autonoma",
            "diputacion",
            "regione",
            "regiao",
            "regija",
            "zupanija",
            "regiune",
            "judet",
            "consiliu judetean",
        ),
        OrganisationType.region,
    ),
    **dict.fromkeys(
        (
            "netzwerk",
            "verband",
            "verein",
            "reseau",
            "red",
            "asociacion",
            "rete",
            "associazione",
            "rede",
            "associacao",
            "mreza",
            "udruga",
            "savez",
            "retea",
            "asociatie",
        ),
        OrganisationType.network,
    ),
    **dict.fromkeys(
        ("ngo", "nro", "ong", "ngo nro", "nichtregierungsorganisation", "udruga civilnog drustva"),
        OrganisationType.ngo,
    ),
    **dict.fromkeys(
        (
            "unternehmen",
            "firma",
            "wirtschaft",
            "entreprise",
            "societe",
            "empresa",
            "azienda",
            "impresa",
            "poduzece",
            "tvrtka",
            "companie",
            "firma privata",
        ),
        OrganisationType.company,
    ),
    **dict.fromkeys(
        (
            "universitat",
            "hochschule",
            "forschung",
            "wissenschaft",
            "universite",
            "recherche",
            "universidad",
            "investigacion",
            "universita",
            "ricerca",
            "universidade",
            "investigacao",
            "sveuciliste",
            "istrazivanje",
            "universitate",
            "cercetare",
        ),
        OrganisationType.university,
    ),
    **dict.fromkeys(
        (
            "sonstige",
            "andere",
            "autre",
            "otro",
            "otra",
            "altro",
            "outro",
            "ostalo",
            "altul",
            "alta",
        ),
        OrganisationType.other,
    ),
}


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field of a registration."""

    field: str
    message: str


class InvalidDetails(InvalidInput):
    """A registration with one or more bad fields; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = list(problems)

    def to_dict(self) -> dict[str, Any]:
        """Return the API error body, with every field's problem under ``errors``."""
        return {
            **super().to_dict(),
            "errors": [{"field": p.field, "message": p.message} for p in self.problems],
        }


@dataclass(frozen=True)
class Details:
    """Validated details of a person: what the form, the API, an import or the door gave."""

    name: str
    email: str | None
    organisation: str = ""
    organisation_type: OrganisationType = OrganisationType.other
    country: str = ""
    place: str = ""


def _text(problems: list[FieldProblem], field: str, value: str, limit: int, too_long: str) -> str:
    # pasted text often carries tabs and double spaces; bidi overrides reverse a name's look
    value = " ".join(BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", value)).split())
    if len(value) > limit:
        problems.append(FieldProblem(field, too_long.format(n=limit)))
    elif _CONTROL.search(value):
        problems.append(FieldProblem(field, _("This field contains a control character.")))
    return value


def organisation_type_of(value: str) -> OrganisationType | None:
    """Return the organisation type ``value`` names (a type or a known alias), or None."""
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(value)).split())
    if not key:
        return OrganisationType.other
    if key in OrganisationType.__members__:
        return OrganisationType(key)
    return ORGANISATION_TYPE_ALIASES.get(key)


def clean_details(
    *,
    name: str,
    email: str = "",
    organisation: str = "",
    organisation_type: str = "",
    country: str = "",
    place: str = "",
    email_required: bool = True,
) -> Details:
    """Return validated details, or raise InvalidDetails naming every bad field."""
    problems: list[FieldProblem] = []
    name = _text(problems, "name", name, MAX_NAME, _("The name is longer than {n} characters."))
    if not name:
        problems.append(FieldProblem("name", _("Please give the name.")))
    email = email.strip().lower()
    if not email:
        if email_required:
            problems.append(FieldProblem("email", _("Please give the e-mail address.")))
    elif len(email) > MAX_EMAIL or not _EMAIL.match(email):
        problems.append(
            FieldProblem("email", _("'{email}' is not an e-mail address.").format(email=email))
        )
    organisation = _text(
        problems,
        "organisation",
        organisation,
        MAX_ORGANISATION,
        _("The organisation is longer than {n} characters."),
    )
    kind = organisation_type_of(organisation_type)
    if kind is None:
        problems.append(
            FieldProblem(
                "organisation_type",
                _("'{value}' is not an organisation type; use one of: {all}.").format(
                    value=organisation_type.strip(), all=", ".join(OrganisationType)
                ),
            )
        )
    code = ""
    if country.strip():
        found = country_code(country, current_language())
        if found is None:
            problems.append(
                FieldProblem(
                    "country",
                    _(
                        "'{value}' is not a country; give its two-letter ISO code "
                        "(such as DE, FR or HR) or its English name."
                    ).format(value=country.strip()),
                )
            )
        else:
            code = found
    place = _text(
        problems, "place", place, MAX_PLACE, _("The region or city is longer than {n} characters.")
    )
    if problems:
        raise InvalidDetails(problems)
    return Details(
        name=name,
        email=email or None,
        organisation=organisation,
        organisation_type=kind or OrganisationType.other,
        country=code,
        place=place,
    )
