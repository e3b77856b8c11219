"""Fixtures of the knowledge base's tests."""

from tests.knowledge.records_fixtures import kb_actor, kb_approved, kb_cooperation  # noqa: F401
