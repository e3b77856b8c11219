"""Every URL of the knowledge base: each part's router, included here."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
