"""Pydantic shapes of the knowledge base: the API's bodies and the import/export records.

Every value is checked here, so that the API, the forms and the import files refuse the
same things with the same messages. A problem is named by its path in the document
(``cooperations[3].actors[1].country``): ``problems`` turns Pydantic's errors into such
paths, and the import adds the line of the file.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from agora.core.errors import InvalidInput
from agora.core.i18n import _
from agora.knowledge.models import ActivityKind, ActorKind, CooperationSource, OutcomeKind

WORLD_AREAS = (
    "europe",
    "asia",
    "oceania",
    "latin_america",
    "north_america",
    "africa",
    "middle_east",
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]{0,11}$")
_SLUG = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
_LANGUAGE = re.compile(r"^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*|und)$")

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


def _url(value: str) -> str:
    value = value.strip()
    if value and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError(_("Give a web address starting with http:// or https://."))
    return value


def _country(value: str) -> str:
    value = value.strip().upper()
    if value and not _COUNTRY.match(value):
        raise ValueError(_("Give a two-letter ISO 3166-1 country code, like HR, or nothing."))
    return value


class ActorFields(BaseModel):
    """What describes an actor: its kind, names and place."""

    model_config = ConfigDict(extra="forbid")

    kind: ActorKind = ActorKind.other
    name: Name
    names: list[Annotated[Text, StringConstraints(max_length=300)]] = Field(
        default_factory=list, max_length=20, description="Other names (languages, short names)."
    )
    country: str = Field("", description="ISO 3166-1 alpha-2 code, like HR.")
    subdivision: str = Field("", description="ISO 3166-2 code, like HR-02.")
    place_code: Annotated[Text, StringConstraints(max_length=40)] = Field(
        "", description="The gazetteer's code of its place (HR-02, geonames:3176219)."
    )
    geonames_id: int | None = Field(None, ge=1, le=2_147_483_647)
    nuts: Annotated[Text, StringConstraints(max_length=10)] = ""
    wikidata: str = Field("", description="Its Wikidata item, like Q1055.")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    population: int | None = Field(None, ge=0, le=10_000_000_000)
    timezone: Annotated[Text, StringConstraints(max_length=64)] = ""
    world_area: str = Field("", description=f"Empty or one of: {', '.join(WORLD_AREAS)}.")
    website: str = Field("", max_length=500)
    description: Annotated[Text, StringConstraints(max_length=5000)] = ""

    @field_validator("country")
    @classmethod
    def _check_country(cls, value: str) -> str:
        return _country(value)

    @field_validator("website")
    @classmethod
    def _check_website(cls, value: str) -> str:
        return _url(value)

    @field_validator("subdivision")
    @classmethod
    def _check_subdivision(cls, value: str) -> str:
        value = value.strip().upper()
        if value and not _SUBDIVISION.match(value):
            raise ValueError(_("Give an ISO 3166-2 code, like HR-02, or nothing."))
        return value

    @field_validator("wikidata")
    @classmethod
    def _check_wikidata(cls, value: str) -> str:
        value = value.strip().rsplit("/", 1)[-1].upper()
        if value and not _WIKIDATA.match(value):
            raise ValueError(_("Give a Wikidata item, like Q1055, or nothing."))
        return value

    @field_validator("world_area")
    @classmethod
    def _check_world_area(cls, value: str) -> str:
        value = value.strip()
        if value and value not in WORLD_AREAS:
            raise ValueError(
                _("Give one of these world areas: {areas}.").format(areas=", ".join(WORLD_AREAS))
            )
        return value


class ActorIn(ActorFields):
    """An actor to create or replace through the API."""

    provenance: Annotated[Text, StringConstraints(max_length=200)] = ""


class MembershipIn(BaseModel):
    """An actor's membership of a network."""

    model_config = ConfigDict(extra="forbid")

    network_id: int = Field(ge=1, le=2_147_483_647)
    since: dt.date | None = None


class MembershipOut(BaseModel):
    """A membership as the API shows it."""

    network_id: int
    network: str
    since: dt.date | None


class ActorOut(ActorIn):
    """An actor as the API shows it."""

    model_config = ConfigDict(extra="ignore", from_attributes=True)

    id: int
    memberships: list[MembershipOut] = Field(default_factory=list)
    created_at: dt.datetime
    updated_at: dt.datetime


class ActivityIn(BaseModel):
    """Something the partners did together, on a date."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    kind: ActivityKind = ActivityKind.other
    date: dt.date | None = None
    description: Annotated[Text, StringConstraints(max_length=500)] = ""


class OutcomeIn(BaseModel):
    """What the cooperation produced, typed as in takeaways, with its evidence."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    kind: OutcomeKind = OutcomeKind.other
    description: Annotated[Text, StringConstraints(max_length=500)] = ""
    date: dt.date | None = None
    evidence_url: str = Field("", max_length=500)

    @field_validator("evidence_url")
    @classmethod
    def _check_evidence(cls, value: str) -> str:
        return _url(value)


class LessonIn(BaseModel):
    """A lesson; its language is detected when not given."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    text: Annotated[Text, StringConstraints(min_length=1, max_length=5000)]
    language: str = Field("", description="A BCP 47 code (en, es, pt-PT); detected if empty.")

    @field_validator("language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        value = value.strip()
        if value and not _LANGUAGE.match(value):
            raise ValueError(_("Give a language code like en, es or pt-PT, or nothing."))
        return value


class Participation(BaseModel):
    """An actor of a cooperation: ``lead`` for the one that reported it."""

    model_config = ConfigDict(extra="forbid")

    actor_id: int = Field(ge=1, le=2_147_483_647)
    role: Literal["lead", "partner"] = "partner"


class CooperationFields(BaseModel):
    """What describes a cooperation, apart from who takes part."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[Text, StringConstraints(min_length=1, max_length=300)]
    programme: Annotated[Text, StringConstraints(max_length=120)] = ""
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    summary: Annotated[Text, StringConstraints(max_length=10_000)] = ""
    topics: list[str] = Field(default_factory=list, max_length=20, description="Topic slugs.")
    activities: list[ActivityIn] = Field(default_factory=list, max_length=100)
    outcomes: list[OutcomeIn] = Field(default_factory=list, max_length=100)
    lessons: list[LessonIn] = Field(default_factory=list, max_length=50)

    @field_validator("topics")
    @classmethod
    def _check_topics(cls, value: list[str]) -> list[str]:
        for slug in value:
            if not _SLUG.match(slug):
                raise ValueError(
                    _("'{slug}' is not a topic: give topic slugs like mobility.").format(
                        slug=slug[:60]
                    )
                )
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _check_period(self) -> CooperationFields:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValueError(_("The cooperation cannot end before it starts."))
        return self


class CooperationIn(CooperationFields):
    """A cooperation to create or replace through the API."""

    actors: list[Participation] = Field(min_length=1, max_length=50)

    @field_validator("actors")
    @classmethod
    def _check_actors(cls, value: list[Participation]) -> list[Participation]:
        ids = [p.actor_id for p in value]
        if len(set(ids)) != len(ids):
            raise ValueError(_("An actor is listed twice."))
        return value


class ParticipantOut(BaseModel):
    """An actor of a cooperation as the API shows it."""

    actor_id: int
    name: str
    country: str
    role: str


class CooperationOut(CooperationFields):
    """A cooperation as the API shows it, with where it came from."""

    model_config = ConfigDict(extra="ignore")

    id: int
    actors: list[ParticipantOut]
    source: CooperationSource
    event_id: int | None
    takeaway_id: int | None
    speaker_name: str = Field("", description="Shown to organisers only.")
    import_source: str
    created_at: dt.datetime
    updated_at: dt.datetime


class TopicIn(BaseModel):
    """A topic of the taxonomy, as organisers add or edit it."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(
        description="Lower-case letters, digits and _, like urban_water.",
        json_schema_extra={"pattern": _SLUG.pattern},
    )
    name: Annotated[Text, StringConstraints(min_length=1, max_length=120)]
    names: dict[str, Annotated[Text, StringConstraints(max_length=120)]] = Field(
        default_factory=dict, description="The name per language code (de, fr…)."
    )
    description: Annotated[Text, StringConstraints(max_length=2000)] = ""
    sdgs: list[Annotated[int, Field(ge=1, le=17)]] = Field(default_factory=list, max_length=17)
    s3_domains: list[Annotated[Text, StringConstraints(min_length=1, max_length=120)]] = Field(
        default_factory=list, max_length=20
    )
    position: int = Field(0, ge=0, le=10_000)

    @field_validator("slug")
    @classmethod
    def _check_slug(cls, value: str) -> str:
        value = value.strip()
        if not _SLUG.match(value):
            raise ValueError(
                _("A slug has 2 to 60 lower-case letters, digits or _, starting with a letter.")
            )
        return value

    @field_validator("names")
    @classmethod
    def _check_names(cls, value: dict[str, str]) -> dict[str, str]:
        for code in value:
            if not _LANGUAGE.match(code):
                raise ValueError(_("'{code}' is not a language code.").format(code=code[:12]))
        return {code: name for code, name in value.items() if name}

    @field_validator("sdgs")
    @classmethod
    def _sort_sdgs(cls, value: list[int]) -> list[int]:
        return sorted(set(value))


class TopicOut(TopicIn):
    """A topic as the API shows it."""

    model_config = ConfigDict(extra="ignore", from_attributes=True)

    id: int


# -- the import and export documents ---------------------------------------------------------


class RecordMembership(BaseModel):
    """A membership in a file: the network's key in the same file, and since when."""

    model_config = ConfigDict(extra="forbid")

    network: Annotated[Text, StringConstraints(min_length=1, max_length=100)]
    since: dt.date | None = None


class ActorRecord(ActorFields):
    """An actor in an import or export file; ``key`` names it for the file's cooperations."""

    key: Annotated[Text, StringConstraints(min_length=1, max_length=100)]
    provenance: Annotated[Text, StringConstraints(max_length=200)] = ""
    memberships: list[RecordMembership] = Field(default_factory=list, max_length=50)


class RecordParticipation(BaseModel):
    """An actor of a cooperation in a file: a key of the file's actors, or an existing
    actor's exact name."""

    model_config = ConfigDict(extra="forbid")

    actor: Annotated[Text, StringConstraints(min_length=1, max_length=300)]
    role: Literal["lead", "partner"] = "partner"


class RecordProvenance(BaseModel):
    """Where a cooperation in a file came from; kept as is when imported."""

    model_config = ConfigDict(extra="forbid")

    source: CooperationSource = CooperationSource.import_
    event: Annotated[Text, StringConstraints(max_length=40)] = ""
    speaker_name: Annotated[Text, StringConstraints(max_length=200)] = ""
    import_source: Annotated[Text, StringConstraints(max_length=200)] = ""


class CooperationRecord(CooperationFields):
    """A cooperation in an import or export file."""

    actors: list[RecordParticipation] = Field(min_length=1, max_length=50)
    provenance: RecordProvenance = Field(default_factory=RecordProvenance)


class KnowledgeDocument(BaseModel):
    """A whole import or export file (JSON), or its two CSV tables."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["agora-knowledge"] = "agora-knowledge"
    version: Literal[1] = 1
    actors: list[ActorRecord] = Field(default_factory=list)
    cooperations: list[CooperationRecord] = Field(default_factory=list)


def path_of(location: tuple[int | str, ...], prefix: str = "") -> str:
    """Return a Pydantic error location as a path: ``cooperations[3].actors[1].country``."""
    path = prefix
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part not in {"function-after", "function-before"} and not str(part).startswith(
            ("function-", "literal[", "list[", "constrained-")
        ):
            path += f".{part}" if path else str(part)
    return path


def problems(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    """Return each problem of ``error`` as (path, message), the message without its prefix."""
    found = []
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        found.append((path_of(tuple(item["loc"]), prefix), message))
    return found


def first_problem(error: ValidationError) -> tuple[str, str]:
    """Return the first problem of ``error`` as (path, message)."""
    return problems(error)[0]


def dump(model: BaseModel) -> dict[str, Any]:
    """Return a shape as JSON-ready data."""
    return model.model_dump(mode="json")


M = TypeVar("M", bound=BaseModel)


def checked(model: type[M], data: Any, prefix: str = "") -> M:
    """Return ``data`` validated as ``model``, or raise InvalidInput naming the first problem."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        path, message = problems(error, prefix)[0]
        raise InvalidInput(message, field=path or None) from None
