"""m2mauth.KeySource: a rotated key file signs the next client assertion, named by its new kid (the fault
server records each token request; a scripted answer gives a token whatever the key)."""

from __future__ import annotations

import json
import os

import jwt as pyjwt
import pytest
import requests

import m2mauth
from conftest import HAVE_SERVERS, script

network = pytest.mark.skipif(not HAVE_SERVERS, reason="loopback servers unavailable")

TOKEN = {"body": json.dumps({"access_token": "rotated", "token_type": "Bearer", "expires_in": 3600}),
         "content_type": "application/json"}


def install(path, key: m2mauth.Key, password=None) -> None:
    """Replaces the key file atomically, as a rotation job would."""
    tmp = str(path) + ".new"
    with open(tmp, "w") as f:
        f.write(key.private_pem(password))
    os.replace(tmp, path)


def last_assertion(server) -> str:
    stats = requests.get(server.url + "/_control/stats", timeout=10).json()
    return stats["last_token_request"]["form"]["client_assertion"]


@network
def test_a_rotated_key_file_signs_the_next_assertion_with_its_new_kid(fault, tmp_path):
    path = tmp_path / "key.pem"
    a, b = m2mauth.Key.generate("EC"), m2mauth.Key.generate("OKP")
    install(path, a, "pw-Zq1")
    source = m2mauth.KeySource(path, "pw-Zq1")
    assert source.current().kid == a.thumbprint()
    assert "pw-Zq1" not in repr(source) and str(path) in repr(source)
    with m2mauth.OAuth2Client(fault.info["token_endpoint"], "svc-jwt", private_key=source) as client:
        script(fault, [TOKEN, TOKEN, TOKEN])
        client.fetch()
        assert pyjwt.get_unverified_header(last_assertion(fault))["kid"] == a.thumbprint()
        install(path, b, "pw-Zq1")
        client.fetch()
        assert pyjwt.get_unverified_header(last_assertion(fault))["kid"] == a.thumbprint()  # not reloaded yet
        source.reload()
        client.fetch()
        assertion = last_assertion(fault)
        assert pyjwt.get_unverified_header(assertion) == {"alg": "EdDSA", "kid": b.thumbprint(), "typ": "JWT"}
        pyjwt.decode(assertion, b.public_key().public_pem(), algorithms=["EdDSA"],
                     options={"verify_aud": False})


def test_reload_failures_keep_the_key_and_bad_sources_are_typed(tmp_path):
    path = tmp_path / "key.pem"
    a = m2mauth.Key.generate("EC")
    install(path, a)
    source = m2mauth.KeySource(path, reload_interval=0.001)
    path.write_text("not a key")
    with pytest.raises(m2mauth.errors.Error):
        source.reload()
    assert source.current().kid == a.thumbprint()  # the interval's reload failed too: the key stays
    with pytest.raises(FileNotFoundError):
        m2mauth.KeySource(tmp_path / "missing.pem")
    pub = tmp_path / "pub.pem"
    pub.write_text(a.public_key().public_pem())
    with pytest.raises(m2mauth.errors.NoPrivateKeyError):
        m2mauth.KeySource(pub)
    with pytest.raises(TypeError):
        import pickle
        pickle.dumps(source)
