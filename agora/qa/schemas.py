"""Pydantic shapes of the Q&A API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from agora.qa.models import QuestionState


class AudienceQuestionIn(BaseModel):
    """A question a participant asks; the text is checked again (3 to 300 characters)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=2000, description="3 to 300 characters once trimmed.")
    author_name: str | None = Field(
        None,
        max_length=200,
        description="The name to show; by default the participant's name from joining.",
    )
    anonymous: bool = Field(
        False, description="Ask without a name (only where the event allows it)."
    )


class AudienceQuestionOut(BaseModel):
    """An audience question as the API shows it; ``author`` is empty when anonymous."""

    id: int
    text: str
    author: str
    votes: int
    highlighted: bool
    state: QuestionState
    created_at: dt.datetime
    answered_at: dt.datetime | None = None
    upvoted: bool | None = Field(
        None, description="Whether the calling participant upvoted it (participants only)."
    )


class VoteOut(BaseModel):
    """A question's upvote count after a participant's upvote or withdrawal."""

    question_id: int
    votes: int
    upvoted: bool = Field(description="Whether the caller's upvote is now counted.")
    changed: bool = Field(description="False when the call repeated what was already so.")


class QaSettingsPatch(BaseModel):
    """The Q&A rules a moderator changes; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    moderated: bool | None = Field(None, description="Questions wait for approval.")
    anonymous: bool | None = Field(None, description="Questions may be asked without a name.")
    profanity_filter: bool | None = Field(
        None, description="Refuse questions with words from the language's list."
    )


class QaSettingsOut(BaseModel):
    """An event's Q&A rules, and the profanity lists its filter uses."""

    moderated: bool
    anonymous: bool
    profanity_filter: bool
    profanity_languages: list[str]
