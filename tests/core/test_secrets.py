"""Link secrets never reach the logs, and a moderator cookie does not last for ever."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest

from agora.core.logs import REDACTED, RedactSecrets, log_config, redact


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("GET /e/ABC234/moderate?key=Euuxcp14p2WFt674UN_PlvyP HTTP/1.1", "Euuxcp14p2WFt674UN"),
        ("GET /e/ABC234/screen?lang=fr&key=QMKvai9B4iiH HTTP/1.1", "QMKvai9B4iiH"),
        ("GET /r/2hTqk3-abcdefgh HTTP/1.1", "2hTqk3-abcdefgh"),
        ("POST /password/link/SeCrEt123 HTTP/1.1", "SeCrEt123"),
        ("GET /invitations/inv-tok-9 HTTP/1.1", "inv-tok-9"),
        ("GET /e/ABC234/registration/reg-tok?x=1 HTTP/1.1", "reg-tok"),
        ("POST /e/ABC234/checkin/chk-tok HTTP/1.1", "chk-tok"),
    ],
)
def test_secrets_in_links_are_redacted(line: str, secret: str) -> None:
    assert secret not in redact(line)
    assert REDACTED in redact(line)


def test_other_paths_are_kept() -> None:
    line = "GET /e/ABC234/moderate/polls?lang=fr HTTP/1.1"
    assert redact(line) == line


def test_the_access_log_writes_no_moderator_key() -> None:
    logging.config.dictConfig(log_config())  # what uvicorn does in each worker process
    logger = logging.getLogger("uvicorn.access")
    assert any(isinstance(f, RedactSecrets) for f in logger.filters)
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    logger.addHandler(handler)
    try:
        logger.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "GET",
            "/e/ABC234/moderate?key=TopSecretKey",
            "1.1",
            303,
        )
    finally:
        logger.removeHandler(handler)
    assert "TopSecretKey" not in written.getvalue()
    assert "/e/ABC234/moderate?key=[redacted]" in written.getvalue()


def test_a_moderator_cookie_grants_nothing_after_a_week(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from itsdangerous.timed import TimestampSigner

    from agora.core.security import MODERATOR_MAX_AGE, Signer

    signer = Signer("x" * 40)
    fresh = signer.moderator_token({7: "abc"})
    assert signer.read_moderator_token(fresh) == {7: "abc"}
    old = int(time.time()) - MODERATOR_MAX_AGE - 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: old)
    stale = signer.moderator_token({7: "abc"})
    monkeypatch.undo()
    assert signer.read_moderator_token(stale) == {}
