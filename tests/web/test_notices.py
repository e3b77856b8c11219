"""Notices: what a form post leaves for the next page, signed, shown once at its place."""

from __future__ import annotations

from agora.core.errors import Conflict
from agora.core.security import Signer
from agora.web.notices import NOTICE_COOKIE, Notice, redirect_with_error, redirect_with_notice
from tests.conftest import SECRET


class FakeState:
    signer = Signer(SECRET)


def cookie_of(response: object) -> str:
    header = str(dict(response.headers)["set-cookie"])  # type: ignore[attr-defined]
    name, _sep, rest = header.partition("=")
    assert name == NOTICE_COOKIE
    return rest.split(";")[0].strip('"')


def test_a_notice_survives_the_redirect_signed_and_whole() -> None:
    state = FakeState()
    response = redirect_with_notice(state, "/e/ABC#qa", Notice("qa", "Thank you <b>", False))  # type: ignore[arg-type]
    assert response.status_code == 303
    assert response.headers["location"] == "/e/ABC#qa"
    assert state.signer.read_notice(cookie_of(response)) == ("qa", "Thank you <b>", False)


def test_an_error_notice_carries_the_domain_message() -> None:
    state = FakeState()
    response = redirect_with_error(state, "/e/ABC", "question-4", Conflict("Poll closed."))  # type: ignore[arg-type]
    assert state.signer.read_notice(cookie_of(response)) == ("question-4", "Poll closed.", True)


def test_a_forged_or_foreign_cookie_is_no_notice() -> None:
    signer = Signer(SECRET)
    assert signer.read_notice("forged.value") is None
    assert (
        signer.read_notice(
            Signer("another-secret-that-is-long-enough-1234").notice("qa", "x", True)
        )
        is None
    )
    # a token of another kind signed with the same secret is refused too
    assert signer.read_notice(signer.participant_token(1, 2)) is None


def test_a_notice_shows_only_at_its_place() -> None:
    notice = Notice("question-4", "Too long.", error=True)
    assert notice.at("question-4")
    assert not notice.at("question-40")
    assert not notice.at("qa")


def test_no_notice_without_a_message() -> None:
    response = redirect_with_notice(FakeState(), "/somewhere")  # type: ignore[arg-type]
    assert "set-cookie" not in response.headers
