"""Pydantic shapes of the polls API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agora.polls.kinds import QuestionKind
from agora.polls.models import PollState, VotingRule


class OptionIn(BaseModel):
    """An option with an id chosen by the client (ids are generated when only labels are given)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    label: str = Field(min_length=1, max_length=200)


class QuestionIn(BaseModel):
    """A question to create; fields that do not apply to its kind are ignored."""

    model_config = ConfigDict(extra="forbid")

    kind: QuestionKind
    prompt: str = Field(min_length=1, max_length=500)
    options: list[str | OptionIn] = Field(default_factory=list, max_length=50)
    max_choices: int | None = None
    top_k: int | None = None
    partial: bool = False
    max_length: int | None = Field(None, ge=1, le=2000)
    max_entries: int = Field(1, ge=1, le=20)
    scale_max: int = 5
    min_label: str = Field("", max_length=100)
    max_label: str = Field("", max_length=100)
    budget: int = Field(100, ge=1, le=10_000)
    language: str | None = Field(None, min_length=2, max_length=8)
    ranking_method: str = "positional"


class PollIn(BaseModel):
    """A poll to create, with its questions in the order participants see them."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("", max_length=300)
    questions: list[QuestionIn] = Field(min_length=1, max_length=30)
    allow_change: bool = False
    results_visible: bool = False
    voting_rule: VotingRule = Field(
        VotingRule.anyone,
        description="Who may answer: anyone who joined, or one vote per person: 'registered' "
        "(joined from a registration not cancelled), 'checked_in' (checked in at the door) "
        "or 'signed_in' (joined signed in with an organiser account). docs/audit-and-voting.md",
    )


class PollPatch(BaseModel):
    """Settings a moderator changes on an existing poll."""

    model_config = ConfigDict(extra="forbid")

    results_visible: bool | None = None
    allow_change: bool | None = None
    voting_rule: VotingRule | None = None
    screen_position: int | None = Field(None, ge=0)
    position: int | None = Field(None, ge=0)


class QuestionPatch(BaseModel):
    """A question moved (draft polls only) or shown by another ranking method."""

    model_config = ConfigDict(extra="forbid")

    position: int | None = Field(None, ge=0)
    ranking_method: str | None = Field(None, max_length=32)


class QuestionOut(BaseModel):
    """A question as the API shows it."""

    id: int
    position: int
    kind: QuestionKind
    prompt: str
    config: dict[str, Any]


class PollOut(BaseModel):
    """A poll as the API shows it."""

    id: int
    event_id: int
    title: str
    position: int
    state: PollState
    results_visible: bool
    allow_change: bool
    voting_rule: VotingRule
    screen_position: int
    questions: list[QuestionOut]


class ResponseIn(BaseModel):
    """A response: the answer's shape depends on the question's kind (see docs/api.md)."""

    answer: dict[str, Any]


class ResponseOut(BaseModel):
    """What a recorded response returns; a retry with the same Idempotency-Key gets it again."""

    id: str
    question_id: int
    answer: dict[str, Any]
    changed: bool
