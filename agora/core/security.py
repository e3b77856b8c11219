"""Passwords, API tokens and the signed tokens that identify participants and moderators."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Return an argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_api_token() -> str:
    """Return a fresh API token to show once to its owner."""
    return "agora_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Return the SHA-256 digest under which an API token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_key() -> str:
    """Return a random key for a moderator or screen link."""
    return secrets.token_urlsafe(18)


def new_link_token() -> str:
    """Return the secret of a one-time link (password, invitation); store only its digest."""
    return secrets.token_urlsafe(32)


def fingerprint(secret: str) -> str:
    """Return a short digest of ``secret`` that a signed cookie can carry to pin it.

    A cookie that holds the fingerprint of the key (or password hash) it was issued for
    stops working when that key is replaced, without the cookie revealing the key.
    """
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


#: How long a browser stays a moderator after opening the moderator link (seconds).
MODERATOR_MAX_AGE = 60 * 60 * 24 * 7
#: How long a first visit's join ticket waits for the browser to come back (seconds).
JOIN_TICKET_AGE = 10 * 60


class Signer:
    """Signs and checks the opaque tokens Agora hands to browsers and API clients."""

    def __init__(self, secret: str) -> None:
        self._participant = URLSafeSerializer(secret, salt="agora.participant")
        self._moderator = URLSafeTimedSerializer(secret, salt="agora.moderator")
        self._notice = URLSafeSerializer(secret, salt="agora.notice")
        self._join = URLSafeTimedSerializer(secret, salt="agora.join")

    def notice(self, place: str, message: str, error: bool) -> str:
        """Return a cookie value carrying a message to the next page (``web.notices``)."""
        return str(self._notice.dumps([place, message, error]))

    def read_notice(self, token: str) -> tuple[str, str, bool] | None:
        """Return (place, message, is error) from a notice cookie, or None if forged."""
        try:
            value = self._notice.loads(token)
        except BadSignature:
            return None
        if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
            return value[0], str(value[1]), bool(value[2])
        return None

    def join_ticket(self, event_id: int) -> str:
        """Return the short-lived cookie value a first visit to an event's page gets.

        The participant is created only when the browser sends it back: a page load that
        keeps no cookie (a link preview, a script) creates nobody.
        """
        return str(self._join.dumps(event_id))

    def read_join_ticket(self, token: str) -> int | None:
        """Return the event id of a join ticket at most ``JOIN_TICKET_AGE`` old, else None."""
        try:
            value = self._join.loads(token, max_age=JOIN_TICKET_AGE)
        except BadSignature:
            return None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def participant_token(self, event_id: int, participant_id: int) -> str:
        """Return the token that identifies a participant of an event."""
        return str(self._participant.dumps([event_id, participant_id]))

    def read_participant_token(self, token: str) -> tuple[int, int] | None:
        """Return (event id, participant id) from a valid token, or None."""
        try:
            value = self._participant.loads(token)
        except BadSignature:
            return None
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        ):
            return value[0], value[1]
        return None

    def moderator_token(self, grants: Mapping[int, str]) -> str:
        """Return the cookie value that lets a browser moderate events.

        ``grants`` maps each event id to the fingerprint of the moderator key the browser
        was given: once the key is replaced, the grant no longer matches.
        """
        return str(self._moderator.dumps(sorted([e, k] for e, k in grants.items())))

    def read_moderator_token(self, token: str) -> dict[int, str]:
        """Return the grants of a moderator cookie (event id → key fingerprint), empty if invalid.

        Cookies of the earlier form (event ids alone) grant nothing: their holders open the
        moderator link once more.
        """
        try:  # expired (a week old) or forged: grants nothing
            value = self._moderator.loads(token, max_age=MODERATOR_MAX_AGE)
        except BadSignature:
            return {}
        if not isinstance(value, list):
            return {}
        return {
            pair[0]: pair[1]
            for pair in value
            if isinstance(pair, list)
            and len(pair) == 2
            and isinstance(pair[0], int)
            and not isinstance(pair[0], bool)
            and isinstance(pair[1], str)
        }
