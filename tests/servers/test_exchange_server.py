"""Proves the strict RFC 8693 server (exchange_server.py) before the library is tested against it: it accepts a
well-formed exchange with each client authentication method and refuses each malformed one as RFC 8693 says."""

from __future__ import annotations

import pytest
import requests

import harness

GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"


@pytest.fixture(scope="module")
def xs():
    with harness.start("exchange", public_client=["pub-x"]) as server:
        yield server



def basic(server_clients):
    return ("svc-basic", server_clients["oauth2"]["clients"]["svc-basic"]["client_secret"])


def test_accepts_a_full_exchange(xs, server_clients):
    r = requests.post(xs.url + "/token", auth=basic(server_clients), timeout=10, data={
        "grant_type": GRANT, "subject_token": "s", "subject_token_type": ACCESS, "actor_token": "a",
        "actor_token_type": ACCESS, "requested_token_type": ACCESS, "audience": ["x", "y"],
        "resource": "https://r.example/", "scope": "api.read"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["issued_token_type"] == ACCESS and body["token_type"] == "Bearer" and body["scope"] == "api.read"


@pytest.mark.parametrize("data, error", [
    ({"subject_token_type": ACCESS}, "invalid_request"),
    ({"subject_token": "s"}, "invalid_request"),
    ({"subject_token": "s", "subject_token_type": "access_token"}, "invalid_request"),
    ({"subject_token": "s", "subject_token_type": ACCESS, "actor_token": "a"}, "invalid_request"),
    ({"subject_token": "s", "subject_token_type": ACCESS, "actor_token_type": ACCESS}, "invalid_request"),
    ({"subject_token": ["s", "t"], "subject_token_type": ACCESS}, "invalid_request"),
    ({"subject_token": "s", "subject_token_type": ACCESS, "resource": "relative"}, "invalid_target"),
    ({"subject_token": "s", "subject_token_type": ACCESS, "audience": "fault:invalid-target"}, "invalid_target"),
    ({"subject_token": "s", "subject_token_type": ACCESS, "grant_type": "client_credentials"}, "unsupported_grant_type"),
])
def test_refuses_malformed_exchanges(xs, server_clients, data, error):
    r = requests.post(xs.url + "/token", auth=basic(server_clients), timeout=10, data={"grant_type": GRANT, **data})
    assert r.status_code == 400 and r.json()["error"] == error


def test_client_authentication_is_required(xs, server_clients):
    data = {"grant_type": GRANT, "subject_token": "s", "subject_token_type": ACCESS}
    assert requests.post(xs.url + "/token", data=data, auth=("svc-basic", "wrong"), timeout=10).status_code == 401
    assert requests.post(xs.url + "/token", data={**data, "client_id": "svc-basic"}, timeout=10).status_code == 401
    assert requests.post(xs.url + "/token", data={**data, "client_id": "pub-x"}, timeout=10).status_code == 200
