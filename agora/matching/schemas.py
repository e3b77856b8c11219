"""Pydantic shapes of the matching API.

The shapes check types only: topics, world areas, kinds, languages and dimension values
are checked by ``agora.matching.services``, whose errors name the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agora.matching.benefit import Analysis
from agora.matching.explain import Match
from agora.matching.profiles import DIMENSIONS, MatchProfile
from agora.matching.services import MatchResult


class ProfileIn(BaseModel):
    """An actor's profile as the actor assesses itself; empty fields are derived or unknown."""

    model_config = ConfigDict(extra="forbid")

    offers: list[str] = Field(default_factory=list, description="Topic slugs it can share.")
    seeks: list[str] = Field(default_factory=list, description="Topic slugs it wants to learn.")
    priorities: str = Field("", description="In its own words; at most 2,000 characters.")
    partner_kinds: list[str] = Field(default_factory=list, description="Kinds of actor wanted.")
    world_areas: list[str] = Field(default_factory=list, description="World areas of interest.")
    languages: list[str] = Field(default_factory=list, description="Working languages (en, de…).")
    dimensions: dict[str, float | str | None] = Field(
        default_factory=dict,
        description=(
            "Self-assessed positions: technology, governance, economic from 0 to 1; legal one "
            "of civil, common, mixed, muslim; culture a World Bank region code (ECA, EAS…)."
        ),
    )
    illustrative: bool = Field(False, description="Values entered for a demonstration.")


class DimensionOut(BaseModel):
    """A dimension's value and where it came from."""

    value: float | str | None
    source: str = Field(description="self, derived or unknown")
    basis: str = ""


class ProfileOut(BaseModel):
    """An actor's complete profile: own values, derived values (labelled) and unknown ones."""

    actor_id: int
    name: str
    country: str
    world_area: str
    offers: list[str]
    offers_source: str
    seeks: list[str]
    priorities: str
    partner_kinds: list[str]
    world_areas: list[str]
    languages: list[str]
    languages_source: str
    dimensions: dict[str, DimensionOut]
    illustrative: bool

    @classmethod
    def of(cls, p: MatchProfile) -> ProfileOut:
        """Return the API shape of a profile."""
        return cls(
            actor_id=p.actor.id,
            name=p.actor.name,
            country=p.actor.country,
            world_area=p.actor.world_area,
            offers=list(p.offers),
            offers_source=p.offers_source,
            seeks=list(p.seeks),
            priorities=p.priorities,
            partner_kinds=list(p.partner_kinds),
            world_areas=list(p.world_areas),
            languages=list(p.languages),
            languages_source=p.languages_source,
            dimensions={
                d: DimensionOut(value=v.value, source=v.source, basis=v.basis)
                for d in DIMENSIONS
                if (v := p.dimensions.get(d)) is not None
            },
            illustrative=p.illustrative,
        )


class ComponentOut(BaseModel):
    """One component of a candidate's score."""

    name: str
    label: str
    score: float = Field(description="From 0 to 1.")
    weight: float = Field(description="Its share of the total (the weights sum to 1).")
    contribution: float = Field(description="score × weight")
    explanation: str


class MatchOut(BaseModel):
    """A ranked candidate."""

    rank: int
    actor_id: int
    name: str
    kind: str
    country: str
    world_area: str
    total: float
    components: list[ComponentOut]

    @classmethod
    def of(cls, m: Match) -> MatchOut:
        """Return the API shape of a ranked candidate."""
        return cls(
            rank=m.rank,
            actor_id=m.actor_id,
            name=m.name,
            kind=m.kind,
            country=m.country,
            world_area=m.world_area,
            total=m.total,
            components=[ComponentOut(**c.__dict__) for c in m.components],
        )


class GoalOut(BaseModel):
    """The goal a ranking was made for (open parts filled from the profile)."""

    topics: list[str]
    world_areas: list[str]
    kinds: list[str]


class MatchesOut(BaseModel):
    """Ranked candidates for an actor and a goal."""

    actor: ProfileOut
    goal: GoalOut
    weights: dict[str, float]
    considered: int = Field(description="How many candidates passed the goal's filters.")
    matches: list[MatchOut]

    @classmethod
    def of(cls, result: MatchResult) -> MatchesOut:
        """Return the API shape of a ranking."""
        return cls(
            actor=ProfileOut.of(result.seeker),
            goal=GoalOut(
                topics=list(result.goal.topics),
                world_areas=list(result.goal.world_areas),
                kinds=list(result.goal.kinds),
            ),
            weights=result.weights,
            considered=result.considered,
            matches=[MatchOut.of(m) for m in result.matches],
        )


class SectionIn(BaseModel):
    """A section's new text."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="Plain text; lines starting with '- ' make a list.")


class BenefitOut(BaseModel):
    """A potential-benefit analysis: the candidate, the sections (as edited) and the draft."""

    actor_id: int
    candidate: MatchOut
    goal: GoalOut
    sections: dict[str, str]
    generated: dict[str, str]
    edited: bool
    evidence: list[dict[str, Any]]

    @classmethod
    def of(cls, a: Analysis) -> BenefitOut:
        """Return the API shape of an analysis."""
        return cls(
            actor_id=a.seeker.actor.id,
            candidate=MatchOut.of(a.candidate),
            goal=GoalOut(
                topics=list(a.goal.topics),
                world_areas=list(a.goal.world_areas),
                kinds=list(a.goal.kinds),
            ),
            sections=a.texts,
            generated=a.generated.texts,
            edited=a.edited,
            evidence=[e.__dict__ for e in a.generated.evidence],
        )
