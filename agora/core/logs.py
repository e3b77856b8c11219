"""Secrets never reach the logs: the access log shows links with their secrets redacted.

Moderator and screen links carry their key in the query (``?key=…``); registration,
check-in, password, invitation and shared-report links carry a token in the path. Uvicorn's
access log wrote them whole, so anyone reading the logs could moderate every event.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

REDACTED = "[redacted]"
_QUERY_SECRET = re.compile(r"([?&](?:key|token|secret)=)[^&#\s]*", re.IGNORECASE)
_PATH_SECRET = re.compile(
    r"(/(?:r|password/link|invitations|registration|checkin)/)[^/?#\s]+", re.IGNORECASE
)


def redact(text: str) -> str:
    """Return ``text`` (a URL or a log line) with every link secret replaced."""
    return _PATH_SECRET.sub(rf"\g<1>{REDACTED}", _QUERY_SECRET.sub(rf"\g<1>{REDACTED}", text))


class RedactSecrets(logging.Filter):
    """A logging filter that redacts link secrets in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def log_config() -> dict[str, Any]:
    """Return uvicorn's logging configuration with the filter on its access and error logs.

    Given to uvicorn as ``log_config``, it applies in every worker process that
    ``agora serve --workers N`` starts, not only in the first.
    """
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": f"{__name__}.RedactSecrets"}}
    for name in ("uvicorn.access", "uvicorn.error"):
        config["loggers"].setdefault(name, {})["filters"] = ["redact"]
    return config
