"""Pydantic shapes of the knowledge base's search API (``GET /api/v1/knowledge/search``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SnippetPart(BaseModel):
    """A piece of a result's snippet; ``match`` when it is one of the query's words."""

    text: str
    match: bool = False


class SearchHitOut(BaseModel):
    """One result: a cooperation, an actor or a topic, with why and where it was found."""

    kind: str = Field(description="cooperation, actor or topic.")
    id: int = Field(description="The record's id (the cooperation's, actor's or topic's).")
    title: str
    url: str = Field(description="The page of the record.")
    snippet: list[SnippetPart]
    score: float = Field(description="Reciprocal rank fusion score (higher is better).")
    word_rank: int | None = Field(description="Rank in the word search, if found by it.")
    meaning_rank: int | None = Field(description="Rank in the meaning search, if found by it.")
    language: str = Field(description="Language of most of its lessons, when known.")


class FacetValueOut(BaseModel):
    """A value of a facet, its name in the caller's language, and how many results have it."""

    value: str
    label: str
    count: int


class SearchOut(BaseModel):
    """Results best first, and facet counts over every result (not only this page)."""

    query: str
    mode: str
    total: int = Field(description="How many results the merged ranking holds.")
    hits: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]
    filters: dict[str, str]
    meaning_used: bool = Field(description="Whether meaning search ran for this query.")
    model_available: bool = Field(description="Whether the multilingual model is installed.")
    model_id: str
    pending: int = Field(description="Records not yet read for meaning search.")
    notes: list[str]
