"""RFC 8693 token exchange against a real Keycloak 26 (standard token exchange), from the Python binding.

Optional (CTest label `keycloak`): skipped with the reason when the distribution cannot be fetched through Maven or
no Java runtime is found. M2MAUTH_KEYCLOAK_WORKDIR: where the distribution is unpacked and kept (default: a
folder under the system temp dir).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "servers"))
import keycloak  # noqa: E402

import m2mauth  # noqa: E402
from m2mauth import errors  # noqa: E402

ACCESS = m2mauth.TOKEN_TYPE_ACCESS_TOKEN


@pytest.fixture(scope="module")
def kc():
    workdir = Path(os.environ.get("M2MAUTH_KEYCLOAK_WORKDIR", Path(tempfile.gettempdir()) / "m2mauth-keycloak"))
    t0 = time.monotonic()
    server = keycloak.start(workdir)
    if server is None:
        pytest.skip(f"Keycloak unavailable: {keycloak.unavailable}")
    print(f"\nKeycloak {keycloak.VERSION} ready in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    with server:
        yield server


def requester(kc, **kw) -> m2mauth.OAuth2Client:
    return m2mauth.OAuth2Client(kc.token_endpoint, "requester", client_secret=kc.secrets["requester"], **kw)



def kc_claims(token: str) -> dict:
    import base64
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_exchange_for_an_access_token(kc, auth_method):
    subject = kc.subject_token()
    with requester(kc, auth_method=auth_method) as c:
        t = c.exchange(subject_token=subject, subject_token_type=ACCESS, requested_token_type=ACCESS, cached=False)
    assert t.issued_token_type == ACCESS and t.token_type == "Bearer"
    got = kc_claims(t.access_token)
    assert got["azp"] == "requester" and got["preferred_username"] == keycloak.USER
    assert kc.introspect(t.access_token)["active"] is True
    assert t.expires_at <= kc_claims(subject)["exp"] + 1  # bounded by the subject token's exp


def test_exchange_with_audience_is_cached(kc):
    subject = kc.subject_token()
    with requester(kc) as c:
        a = c.exchange(subject_token=subject, subject_token_type=ACCESS, audience="target")
        b = c.exchange(subject_token=subject, subject_token_type=ACCESS, audience="target")
    assert a.access_token == b.access_token
    aud = kc_claims(a.access_token)["aud"]
    assert aud == "target" or "target" in aud


def test_refusals(kc):
    subject = kc.subject_token()
    with requester(kc) as c:
        with pytest.raises(errors.OAuthError) as ei:
            c.exchange(subject_token=subject, subject_token_type=ACCESS, audience="no-such-client", cached=False)
        assert subject not in str(ei.value) and subject not in (ei.value.error_description or "")
        with pytest.raises(errors.OAuthError):
            c.exchange(subject_token="not-a-token", subject_token_type=ACCESS, cached=False)
