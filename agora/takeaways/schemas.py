"""Pydantic shapes of the takeaways API.

The shapes only check types: lengths, codes, world areas, outcome kinds and dates are
checked by ``agora.takeaways.services``, whose errors name the field
(``partners[1].world_area``) the same way for the API and the forms.
"""

from __future__ import annotations

import datetime as dt
import enum

from pydantic import BaseModel, ConfigDict, Field

from agora.takeaways.models import TakeawayState

WORLD_AREA_IDS = "europe, asia, oceania, latin_america, north_america, africa, middle_east"
OUTCOME_KIND_IDS = (
    "memorandum, delegation_visit, expert_exchange, guideline, policy_adapted, joint_project, "
    "facility_designed, other"
)


class TakeawayAction(enum.StrEnum):
    """What a moderator does to a takeaway."""

    approve = "approve"
    reject = "reject"
    restore = "restore"


class PartnerIn(BaseModel):
    """A partner of the cooperation; give an organisation or a city or region."""

    model_config = ConfigDict(extra="forbid")

    organisation: str = Field("", description="At most 300 characters.")
    place: str = Field("", description="City or region; at most 200 characters.")
    country: str = Field("", description="ISO 3166-1 alpha-2 code, like CN, or empty.")
    world_area: str = Field("", description=f"Empty or one of: {WORLD_AREA_IDS}.")


class OutcomeIn(BaseModel):
    """Something the cooperation produced."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field("", description=f"One of: {OUTCOME_KIND_IDS}.")
    description: str = Field("", description="At most 300 characters; required for 'other'.")
    date: str = Field("", description="ISO date (2023-10-10) or empty.")


class TakeawayDetails(BaseModel):
    """The lesson and what it is about; a speaker's turn takes its who from the request."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field("", description="ISO 3166-1 alpha-2 code of the place's country.")
    partners: list[PartnerIn] = Field(default_factory=list, description="At most 20.")
    topics: list[str] = Field(default_factory=list, description="At most 10, 80 characters each.")
    outcomes: list[OutcomeIn] = Field(default_factory=list, description="At most 20.")
    lesson: str = Field(
        "", description="The lesson in the speaker's words; at most 5000 characters."
    )


class TakeawayIn(TakeawayDetails):
    """A takeaway: who learned it, with which partners, on what, with which outcomes."""

    speaker_name: str = Field("", description="At most 200 characters.")
    organisation: str = Field("", description="At most 300 characters.")
    place: str = Field("", description="The city or region; at most 200 characters.")


class TakeawayPatch(BaseModel):
    """Some fields of a takeaway to change; the others stay as they are."""

    model_config = ConfigDict(extra="forbid")

    speaker_name: str | None = None
    organisation: str | None = None
    place: str | None = None
    country: str | None = None
    partners: list[PartnerIn] | None = None
    topics: list[str] | None = None
    outcomes: list[OutcomeIn] | None = None
    lesson: str | None = None


class TakeawayOut(BaseModel):
    """A takeaway as the API shows it (never with a participant id)."""

    id: int
    event_id: int
    floor_request_id: int | None
    speaker_name: str
    organisation: str
    place: str
    country: str
    partners: list[PartnerIn]
    topics: list[str]
    outcomes: list[OutcomeIn]
    lesson: str
    state: TakeawayState
    created_at: dt.datetime
    updated_at: dt.datetime
    mine: bool = False
    editable: bool = False
