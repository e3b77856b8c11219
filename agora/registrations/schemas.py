"""Pydantic shapes of the registrations API.

Text fields are bounded here only against abuse; the services check each field and say
what is wrong in words (too long, not an e-mail address, unknown organisation type…).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agora.registrations.models import OrganisationType, Registration, RegistrationStatus


class RegistrationIn(BaseModel):
    """A registration from the public form or an API client."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=1000)
    email: str = Field(max_length=1000)
    organisation: str = Field("", max_length=1000)
    organisation_type: str = Field(
        "", max_length=100, description="city, region, network, ngo, company, university, other"
    )
    country: str = Field("", max_length=100, description="ISO 3166-1 alpha-2 code, such as DE")
    place: str = Field("", max_length=1000, description="Region or city")


class WalkInIn(RegistrationIn):
    """Someone registered at the door; only the name is required."""

    email: str = Field("", max_length=1000)


class RegistrationAction(enum.StrEnum):
    """What a moderator can do to one registration."""

    check_in = "check-in"
    undo_check_in = "undo-check-in"
    cancel = "cancel"
    restore = "restore"


class RegistrationOut(BaseModel):
    """A registration as the event's moderators see it."""

    id: int
    name: str
    email: str | None
    organisation: str
    organisation_type: OrganisationType
    country: str
    place: str
    status: RegistrationStatus
    walk_in: bool
    source: str
    checked_in_at: dt.datetime | None
    created_at: dt.datetime

    @classmethod
    def of(cls, registration: Registration) -> RegistrationOut:
        """Return the API view of a registration."""
        return cls.model_validate(registration, from_attributes=True)


class RegistrationSentOut(BaseModel):
    """What registering answers, alike for a new address and one registered already."""

    email: str
    message: str


class AttendanceOut(BaseModel):
    """Attendance figures; see docs/registrations.md for how each one is counted."""

    registered: int
    waitlisted: int
    cancelled: int
    checked_in: int
    walk_ins: int
    present: int
    no_shows: int
    seats: int | None
    free_seats: int | None
    occupancy: float | None


class RegistrationListOut(BaseModel):
    """An event's registrations (or those matching a search) with its attendance figures."""

    attendance: AttendanceOut
    registrations: list[RegistrationOut]


class ActionOut(BaseModel):
    """The registration after an action, and the sentence that says what happened."""

    registration: RegistrationOut
    message: str
    changed: bool
    promoted: list[RegistrationOut] = Field(default_factory=list)


class ImportOut(BaseModel):
    """What an import stored."""

    imported: int
    registered: int
    waitlisted: int
    delimiter: str
    ignored_columns: list[str]


class RowProblemOut(BaseModel):
    """One problem of a refused import: the line it starts on, the column, what is wrong."""

    line: int
    column: str
    message: str


class ImportRejectedOut(BaseModel):
    """The body of a refused import (422): nothing was imported."""

    error: str
    message: str
    field: str | None = None
    bad_rows: int = 0
    total_problems: int = 0
    problems: list[RowProblemOut] = Field(default_factory=list)


class RegistrationOpenOut(BaseModel):
    """Whether the public registration form takes registrations."""

    registration_open: bool


#: The multipart body of the import, for the OpenAPI document (the route reads it itself).
IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A CSV file, UTF-8, at most 2 MB and 10,000 rows.",
                        }
                    },
                }
            }
        },
    }
}
