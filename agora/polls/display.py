"""Small pure helpers the poll templates use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def ranking_order(
    options: Sequence[Mapping[str, str]], answer: Mapping[str, Any] | None
) -> list[Mapping[str, str]]:
    """Return the options in the participant's ranked order, unranked ones after, as given."""
    ranked = list(answer.get("ranking", [])) if answer else []
    by_id = {o["id"]: o for o in options}
    first = [by_id[i] for i in ranked if i in by_id]
    return first + [o for o in options if o["id"] not in ranked]
