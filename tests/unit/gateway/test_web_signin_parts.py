"""The web app's sign-in parts that need no browser: the PKCE pair, the redirect after
sign-in kept inside the app, CSRF tokens compared (the session store is tested in
tests/integration/gateway)."""

import base64
import hashlib

from services.gateway.web.provider import pkce_pair
from services.gateway.web.sessions import WebSession, csrf_ok
from services.gateway.web.signin import _safe_next


def test_the_pkce_challenge_is_the_s256_of_the_verifier():
    verifier, challenge = pkce_pair()
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert challenge == expected.decode() and 43 <= len(verifier) <= 128
    assert pkce_pair()[0] != verifier


def test_after_sign_in_the_browser_goes_only_to_a_page_of_the_app():
    assert _safe_next("/web/cases/1") == "/web/cases/1"
    for elsewhere in (
        "https://evil.example/",
        "//evil.example/web/",
        "/web/\\\\evil",
        "/docs",
        None,
    ):
        assert _safe_next(elsewhere) == "/web/"


def session() -> WebSession:
    return WebSession("therapist.north", ("therapist",), ("north",), "a", None, None, 0.0)


def test_a_csrf_token_is_accepted_only_when_it_is_the_session_s_own():
    mine, other = session(), session()
    assert csrf_ok(mine, mine.csrf)
    assert not csrf_ok(mine, other.csrf) and not csrf_ok(mine, "") and not csrf_ok(mine, None)
