"""The moderator's edits of an open-text question's themes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow


class QuestionThemes(Base):
    """Themes a moderator edited: labels and which answers each holds.

    ``themes`` is a list of {label, representative, keys}, where a key names one answer
    entry as ``"<response id>:<entry index>"``, so themes survive new answers arriving.
    """

    __tablename__ = "question_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), unique=True
    )
    method: Mapped[str] = mapped_column(String(200))
    themes: Mapped[list[dict[str, Any]]]
    edited_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
