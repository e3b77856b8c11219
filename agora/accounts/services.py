"""State changes of organiser accounts: create, sign in, password links, API tokens."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from agora.accounts.models import ApiToken, LinkPurpose, Organiser, PasswordLink, SignIn
from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from agora.core.i18n import _
from agora.core.security import (
    hash_password,
    new_api_token,
    new_link_token,
    token_digest,
    verify_password,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_NAME = 200
#: How long a link to choose a password works: a day for a new account, an hour to reset.
LINK_LIFETIME = {
    LinkPurpose.signup: dt.timedelta(hours=24),
    LinkPurpose.reset: dt.timedelta(hours=1),
}
#: At most this many links per account in LINK_WINDOW, so a form cannot flood an inbox.
LINKS_PER_WINDOW = 3
LINK_WINDOW = dt.timedelta(minutes=15)


def normalize_email(email: str) -> str:
    """Return ``email`` trimmed and lower-cased, or raise if it is not an address."""
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(
            _("'{email}' is not an e-mail address.").format(email=email), field="email"
        )
    return email


def check_password(password: str, confirmation: str | None = None) -> None:
    """Raise InvalidInput unless ``password`` is long enough (and typed twice alike)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            _("The password must have at least {n} characters.").format(n=MIN_PASSWORD),
            field="password",
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(
            _("The password must have at most {n} characters.").format(n=MAX_PASSWORD),
            field="password",
        )
    if confirmation is not None and confirmation != password:
        raise InvalidInput(
            _("The two passwords are not the same; type the new password twice."),
            field="confirmation",
        )


def check_name(name: str) -> str:
    """Return ``name`` trimmed, or raise InvalidInput if it is too long."""
    name = name.strip()
    if len(name) > MAX_NAME:
        raise InvalidInput(
            _("The name is longer than {n} characters.").format(n=MAX_NAME), field="name"
        )
    return name


def create_organiser(session: Session, *, email: str, password: str, name: str = "") -> Organiser:
    """Create an organiser account with an argon2-hashed password.

    An account started at sign-up whose owner has not chosen a password yet is completed.
    """
    email = normalize_email(email)
    check_password(password)
    name = check_name(name)
    organiser = session.scalar(select(Organiser).where(Organiser.email == email))
    if organiser is not None and organiser.password_hash:
        raise Conflict(_("An account with this e-mail address exists already."), field="email")
    if organiser is None:
        organiser = Organiser(email=email, name=name, password_hash="")
        session.add(organiser)
    organiser.name = name or organiser.name
    organiser.password_hash = hash_password(password)
    end_every_sign_in(session, organiser.id)
    session.flush()
    return organiser


def authenticate(session: Session, *, email: str, password: str) -> Organiser:
    """Return the organiser whose e-mail and password match, or raise NotAuthenticated."""
    organiser = session.scalar(select(Organiser).where(Organiser.email == email.strip().lower()))
    # an unknown address, or an account without a password yet, costs one argon2 check
    # like a known one: the answer's timing must not tell which addresses have accounts
    stored = organiser.password_hash if organiser is not None else ""
    matches = verify_password(stored or _unusable_hash(), password)
    if organiser is None or not stored or not matches:
        raise NotAuthenticated(_("The e-mail address or the password is wrong."))
    return organiser


@lru_cache(maxsize=1)
def _unusable_hash() -> str:
    """Return an argon2 hash of a random secret nobody knows, checked when no account is."""
    return hash_password(new_link_token())


# -- sign-ins ------------------------------------------------------------------------------

#: How long a sign-in lasts on one browser.
SIGN_IN_HOURS = 12


def open_sign_in(session: Session, organiser: Organiser) -> str:
    """Start a sign-in for ``organiser`` and return its secret (the cookie's value).

    Only the secret's SHA-256 digest is stored: a copy of the database signs nobody in.
    """
    secret = new_link_token()
    now = utcnow()
    session.add(
        SignIn(
            organiser_id=organiser.id,
            digest=token_digest(secret),
            created_at=now,
            expires_at=now + dt.timedelta(hours=SIGN_IN_HOURS),
        )
    )
    session.flush()
    return secret


def organiser_signed_in(session: Session, secret: str) -> Organiser | None:
    """Return the organiser of a sign-in that has not ended nor expired, or None."""
    sign_in = session.scalar(select(SignIn).where(SignIn.digest == token_digest(secret[:200])))
    if sign_in is None or sign_in.ended_at is not None or sign_in.expires_at <= utcnow():
        return None
    organiser = session.get(Organiser, sign_in.organiser_id)
    return organiser if organiser is not None and organiser.password_hash else None


def end_sign_in(session: Session, secret: str) -> None:
    """End the sign-in whose secret this is (signing out); an unknown secret changes nothing."""
    session.execute(
        update(SignIn)
        .where(SignIn.digest == token_digest(secret[:200]), SignIn.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_every_sign_in(session: Session, organiser_id: int) -> None:
    """End all of an organiser's sign-ins: their password changed, every browser must ask again."""
    session.execute(
        update(SignIn)
        .where(SignIn.organiser_id == organiser_id, SignIn.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


# -- links to choose a password ------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    """A password link just made: its secret exists only here, to be sent once."""

    email: str
    name: str
    token: str
    purpose: LinkPurpose
    expires_at: dt.datetime
    #: The person asked for a new account (the address may have one already).
    for_signup: bool = False


def request_signup(session: Session, *, email: str, name: str = "") -> IssuedLink | None:
    """Start an account for ``email`` and return the link to choose its password.

    The account works once its owner has followed the link, which proves the address is
    theirs. An address with an account already gets a link to choose a new password
    instead, so the page says the same whether an account exists or not. None when
    the address had enough links lately (the page still says the same).
    """
    email = normalize_email(email)
    name = check_name(name)
    organiser = session.scalar(select(Organiser).where(Organiser.email == email))
    if organiser is None:
        organiser = Organiser(email=email, name=name, password_hash="")
        session.add(organiser)
        session.flush()
    elif not organiser.password_hash and name:
        organiser.name = name  # not yet confirmed: the latest sign-up names it
    purpose = LinkPurpose.reset if organiser.password_hash else LinkPurpose.signup
    return _issue_link(session, organiser, purpose, for_signup=True)


def request_password_reset(session: Session, *, email: str) -> IssuedLink | None:
    """Return a link to choose a new password for ``email``'s account, or None if there is none.

    The caller shows the same page either way: whether an address has an account is
    never revealed.
    """
    email = normalize_email(email)
    organiser = session.scalar(select(Organiser).where(Organiser.email == email))
    if organiser is None:
        return None
    purpose = LinkPurpose.reset if organiser.password_hash else LinkPurpose.signup
    return _issue_link(session, organiser, purpose)


def _issue_link(
    session: Session, organiser: Organiser, purpose: LinkPurpose, *, for_signup: bool = False
) -> IssuedLink | None:
    now = utcnow()
    recent = session.scalar(
        select(func.count())
        .select_from(PasswordLink)
        .where(
            PasswordLink.organiser_id == organiser.id,
            PasswordLink.created_at > now - LINK_WINDOW,
        )
    )
    if (recent or 0) >= LINKS_PER_WINDOW:
        return None
    token = new_link_token()
    expires_at = now + LINK_LIFETIME[purpose]
    session.add(
        PasswordLink(
            organiser_id=organiser.id,
            digest=token_digest(token),
            purpose=purpose,
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return IssuedLink(organiser.email, organiser.name, token, purpose, expires_at, for_signup)


def password_link(session: Session, token: str) -> PasswordLink:
    """Return the password link of ``token`` while it can be used, or say why it cannot."""
    link = session.scalar(select(PasswordLink).where(PasswordLink.digest == token_digest(token)))
    if link is None:
        raise NotFound(
            _("This link is not valid. Check that you opened the whole link, or ask for a new one.")
        )
    if link.used_at is not None:
        raise Conflict(_("This link was used already: each link works once. Ask for a new one."))
    if link.expires_at <= utcnow():
        raise Conflict(_("This link has expired. Ask for a new one."))
    return link


def set_password_by_link(
    session: Session, *, token: str, password: str, confirmation: str
) -> Organiser:
    """Give the link's account a new password; the link, and every other one, is used up.

    Nothing changes when the link cannot be used or the password is refused.
    """
    link = password_link(session, token)
    check_password(password, confirmation)
    now = utcnow()
    taken = session.execute(
        update(PasswordLink)
        .where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    if getattr(taken, "rowcount", 0) != 1:  # another request used it a moment ago
        raise Conflict(_("This link was used already: each link works once. Ask for a new one."))
    session.execute(
        update(PasswordLink)
        .where(PasswordLink.organiser_id == link.organiser_id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    organiser = session.get(Organiser, link.organiser_id)
    if organiser is None:  # pragma: no cover - the link is deleted with its account
        raise NotFound(_("This link is not valid. Ask for a new one."))
    organiser.password_hash = hash_password(password)
    end_every_sign_in(session, organiser.id)
    session.flush()
    return organiser


# -- API tokens ----------------------------------------------------------------------------


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
