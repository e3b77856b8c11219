"""State changes of organiser accounts: create, sign in, issue API tokens."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.accounts.models import ApiToken, Organiser
from agora.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from agora.core.i18n import _
from agora.core.security import hash_password, new_api_token, token_digest, verify_password

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def normalize_email(email: str) -> str:
    """Return ``email`` trimmed and lower-cased, or raise if it is not an address."""
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(
            _("'{email}' is not an e-mail address.").format(email=email), field="email"
        )
    return email


def create_organiser(session: Session, *, email: str, password: str, name: str = "") -> Organiser:
    """Create an organiser account with an argon2-hashed password."""
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            _("The password must have at least {n} characters.").format(n=MIN_PASSWORD),
            field="password",
        )
    if session.scalar(select(Organiser.id).where(Organiser.email == email)) is not None:
        raise Conflict(_("An account with this e-mail address exists already."), field="email")
    organiser = Organiser(email=email, name=name.strip(), password_hash=hash_password(password))
    session.add(organiser)
    session.flush()
    return organiser


def authenticate(session: Session, *, email: str, password: str) -> Organiser:
    """Return the organiser whose e-mail and password match, or raise NotAuthenticated."""
    organiser = session.scalar(select(Organiser).where(Organiser.email == email.strip().lower()))
    if organiser is None or not verify_password(organiser.password_hash, password):
        raise NotAuthenticated(_("The e-mail address or the password is wrong."))
    return organiser


def create_api_token(session: Session, *, email: str, label: str = "") -> str:
    """Issue a new API token for the organiser with ``email`` and return it (shown once)."""
    organiser = session.scalar(select(Organiser).where(Organiser.email == normalize_email(email)))
    if organiser is None:
        raise NotFound(_("No organiser has the e-mail address {email}.").format(email=email))
    token = new_api_token()
    session.add(ApiToken(organiser_id=organiser.id, digest=token_digest(token), label=label))
    session.flush()
    return token


def organiser_for_token(session: Session, token: str) -> Organiser | None:
    """Return the organiser an API token belongs to, or None."""
    return session.scalar(
        select(Organiser).join(ApiToken).where(ApiToken.digest == token_digest(token))
    )
