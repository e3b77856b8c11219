"""Who may read and who may change the knowledge base.

Both refuse with :class:`SignInNeeded`: the API answers 401, a page visit is sent to the
sign-in page and back (``agora.app``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from agora.accounts.deps import current_organiser
from agora.accounts.models import Organiser
from agora.core.errors import SignInNeeded
from agora.core.i18n import _
from agora.web.deps import StateDep, WorkDep


def knowledge_reader(request: Request, state: StateDep, work: WorkDep) -> Organiser | None:
    """Return the signed-in organiser, or None when the knowledge base is public.

    Reading needs an organiser unless ``AGORA_KNOWLEDGE_PUBLIC`` is on.
    """
    organiser = work.sync(lambda session: current_organiser(request, session))
    if organiser is None and not state.settings.knowledge_public:
        raise SignInNeeded(_("Sign in as an organiser to read the knowledge base."))
    return organiser


def knowledge_editor(request: Request, work: WorkDep) -> Organiser:
    """Return the signed-in organiser: changing the knowledge base always needs one."""
    organiser = work.sync(lambda session: current_organiser(request, session))
    if organiser is None:
        raise SignInNeeded(_("Sign in as an organiser to change the knowledge base."))
    return organiser


#: The caller of a read: an organiser, or None on a public knowledge base.
KnowledgeReaderDep = Annotated[Organiser | None, Depends(knowledge_reader)]
#: The caller of a change: always an organiser.
KnowledgeEditorDep = Annotated[Organiser, Depends(knowledge_editor)]
