"""Every URL of the knowledge base: each part's router, included here."""

from __future__ import annotations

from fastapi import APIRouter

from agora.knowledge import pages_routes, records_routes, search_routes

router = APIRouter()
router.include_router(records_routes.router)
router.include_router(search_routes.router)
router.include_router(pages_routes.router)
