"""The objects one running Agora shares between requests."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.templating import Jinja2Templates

from agora.core.db import Database
from agora.core.groupcommit import GroupCommitter
from agora.core.security import Signer
from agora.core.settings import Settings
from agora.live.hub import Hub
from agora.polls.results import ResultsStore
from agora.polls.services import Recorded, Submission


@dataclass
class AppState:
    """Settings, database, group committer, tallies, live hub and templates of one app."""

    settings: Settings
    db: Database
    signer: Signer
    committer: GroupCommitter[Submission, Recorded]
    results: ResultsStore
    hub: Hub
    templates: Jinja2Templates
