"""Prove the loopback servers with independent clients (requests, oauthlib, PyJWT, cryptography) before any
m2mauth code is tested against them. Every network wait is bounded by a timeout."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12
from oauthlib.oauth1.rfc5849 import signature
from requests_oauthlib import OAuth1

import harness

HERE = Path(__file__).resolve().parent
T = 5  # seconds: the timeout of every request
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
JWT_CLIENTS = ["svc-jwt", "svc-rs256", "svc-es256", "svc-eddsa", "svc-moneyp"]


# ---- helpers --------------------------------------------------------------------------------------------------
def assertion(clients: dict, client_id: str, aud: str, jti: str | None = None, alg: str | None = None) -> str:
    meta = clients["oauth2"]["clients"][client_id]
    key = Path(meta["private_key"]).read_text() if "private_key" in meta else meta["client_secret"]
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": aud, "iat": now, "nbf": now, "exp": now + 120,
              "jti": jti or str(uuid.uuid4())}
    return jwt.encode(claims, key, algorithm=alg or meta["alg"], headers={"typ": "JWT"})


def token_request(clients: dict, server, client_id: str, aud: str | None = None, **form) -> requests.Response:
    """A client_credentials request authenticated the way clients.json says for client_id."""
    meta = clients["oauth2"]["clients"][client_id]
    url = server["token_endpoint"]
    data = {"grant_type": "client_credentials", **form}
    method = meta["token_endpoint_auth_method"]
    if method == "client_secret_basic":
        return requests.post(url, data=data, auth=(client_id, meta["client_secret"]), timeout=T)
    if method == "client_secret_post":
        data.update(client_id=client_id, client_secret=meta["client_secret"])
    else:
        data.update(client_id=client_id, client_assertion_type=ASSERTION_TYPE,
                    client_assertion=assertion(clients, client_id, aud or url))
    return requests.post(url, data=data, timeout=T)


def secret_of(clients: dict, client_id: str) -> str:
    return clients["oauth2"]["clients"][client_id]["client_secret"]


def oauth1_header(method: str, url: str, cred: dict, body: str = "", version: bool = True) -> str:
    """An RFC 5849 HMAC-SHA1 Authorization header, built independently of requests-oauthlib."""
    oauth = {"oauth_consumer_key": cred["consumer_key"], "oauth_token": cred["token"],
             "oauth_nonce": secrets.token_hex(12), "oauth_timestamp": str(int(time.time())),
             "oauth_signature_method": "HMAC-SHA1"}
    if version:
        oauth["oauth_version"] = "1.0"
    oauth["oauth_signature"] = hmac_sha1(method, url, oauth, body, cred["consumer_secret"], cred["token_secret"])
    return "OAuth " + ", ".join(f'{k}="{quote(v, safe="~")}"' for k, v in oauth.items())


def hmac_sha1(method, url, oauth: dict, body: str, consumer_secret: str, token_secret: str) -> str:
    params = parse_qsl(urlsplit(url).query, keep_blank_values=True) + list(oauth.items())
    params += parse_qsl(body, keep_blank_values=True)
    base = signature.signature_base_string(method, signature.base_string_uri(url),
                                           signature.normalize_parameters(params))
    key = f"{quote(consumer_secret, safe='~')}&{quote(token_secret, safe='~')}"
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()


def a2a_query_auth(clients: dict) -> dict:
    cred = clients["a2a"]["oauth1"][0]
    return {"oauth_consumer_key": cred["consumer_key"], "oauth_token": cred["token"]}


def a2a_token(clients: dict, server, index: int = 0) -> str:
    c = clients["a2a"]["oauth2"][index]
    basic = base64.b64encode(f"{quote_plus(c['client_id'])}:{quote_plus(c['client_secret'])}".encode()).decode()
    r = requests.post(server["token_endpoint"], data={"grant_type": "client_credentials"},
                      headers={"Authorization": "Basic " + basic}, timeout=T)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def assert_envelope(doc: dict, status: int, error_code: int = 0):
    env = doc["response"]
    assert env["status"] == status
    assert env["error"] is env["erro"] is (status >= 400)
    assert env["message"] and env["mensagem"]
    assert env["error_code"] == env["cod_erro"] == error_code
    assert "detail" in env


# ---- PKI ------------------------------------------------------------------------------------------------------
def test_pki_fingerprints_and_properties(test_pki):
    certs = test_pki["certs"]
    assert set(certs) >= {"ca", "server", "server_wrong_host", "server_expired", "client_rsa", "client_ec",
                          "client_selfsigned"}
    loaded = {name: x509.load_pem_x509_certificate(Path(c["cert"]).read_bytes()) for name, c in certs.items()}
    for name, cert in loaded.items():
        assert cert.fingerprint(hashes.SHA256()).hex() == certs[name]["sha256"]
        assert cert.fingerprint(hashes.SHA1()).hex() == certs[name]["sha1"]
        assert certs[name]["sha256_colon"].replace(":", "").lower() == certs[name]["sha256"]
    ca = loaded["ca"]
    for name in ("server", "server_wrong_host", "server_expired", "client_rsa", "client_ec"):
        loaded[name].verify_directly_issued_by(ca)
    san = loaded["server"].extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    wrong = loaded["server_wrong_host"].extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert wrong.get_values_for_type(x509.DNSName) == ["wrong.example"]
    assert loaded["server_expired"].not_valid_after_utc.timestamp() < time.time()
    assert loaded["client_selfsigned"].issuer == loaded["client_selfsigned"].subject
    key, cert, _ = pkcs12.load_key_and_certificates(Path(test_pki["client_p12"]["path"]).read_bytes(), b"test")
    assert cert.fingerprint(hashes.SHA256()).hex() == certs["client_rsa"]["sha256"]
    assert key is not None


# ---- oidc-provider --------------------------------------------------------------------------------------------
def introspect(server, clients, token, url_key="introspection_endpoint"):
    r = requests.post(server[url_key], data={"token": token},
                      auth=("introspector", secret_of(clients, "introspector")), timeout=T)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("client_id", ["svc-basic", "svc-post", *JWT_CLIENTS])
def test_oidc_every_client_auth_method(oidc_server, server_clients, client_id):
    r = token_request(server_clients, oidc_server, client_id)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["token_type"] == "Bearer" and doc["expires_in"] == 3600
    assert "." not in doc["access_token"]  # opaque
    info = introspect(oidc_server, server_clients, doc["access_token"])
    assert info["active"] is True and info["client_id"] == client_id


@pytest.mark.parametrize("client_id", ["svc-rs256", "svc-jwt"])
def test_oidc_accepts_issuer_as_audience(oidc_server, server_clients, client_id):
    r = token_request(server_clients, oidc_server, client_id, aud=oidc_server["issuer"])
    assert r.status_code == 200, r.text


def test_oidc_rejects_replayed_assertion_and_bad_credentials(oidc_server, server_clients):
    url = oidc_server["token_endpoint"]
    data = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion(server_clients, "svc-es256", url)}
    assert requests.post(url, data=data, timeout=T).status_code == 200
    again = requests.post(url, data=data, timeout=T)
    assert again.status_code in (400, 401) and again.json()["error"] == "invalid_client"
    bad = requests.post(url, data={"grant_type": "client_credentials"}, auth=("svc-basic", "wrong"), timeout=T)
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    forged = jwt.encode({"iss": "svc-es256", "sub": "svc-es256", "aud": url, "exp": int(time.time()) + 60,
                         "jti": str(uuid.uuid4())}, (HERE / "keys/unregistered-rsa2048.pem").read_text(), "RS256")
    r = requests.post(url, data={**data, "client_assertion": forged}, timeout=T)
    assert r.status_code in (400, 401) and r.json()["error"] == "invalid_client"
    assert introspect(oidc_server, server_clients, "not-a-token")["active"] is False


def test_oidc_moneyp_scopes(oidc_server, server_clients):
    ok = token_request(server_clients, oidc_server, "svc-moneyp", scope="api.read api.write")
    assert ok.status_code == 200 and ok.json()["scope"] == "api.read api.write"
    long = token_request(server_clients, oidc_server, "svc-moneyp", scope=" ".join(["api.read"] * 40))
    assert long.status_code == 400 and long.json()["error"] in ("invalid_scope", "invalid_request")
    unknown = token_request(server_clients, oidc_server, "svc-moneyp", scope="admin")
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_scope"


def test_oidc_token_ttl_option(start_server, server_clients):
    server = start_server("oidc", token_ttl=7)
    assert server["token_ttl"] == 7
    r = token_request(server_clients, server, "svc-basic")
    assert r.status_code == 200 and r.json()["expires_in"] == 7
    disco = requests.get(server["discovery_url"], timeout=T).json()
    assert disco["issuer"] == server["issuer"] == server.url
    assert disco["token_endpoint"] == server["token_endpoint"]


# ---- Authlib --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("client_id", ["svc-basic", "svc-post", *JWT_CLIENTS])
def test_authlib_every_client_auth_method(authlib_server, server_clients, client_id):
    r = token_request(server_clients, authlib_server, client_id)
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    info = introspect(authlib_server, server_clients, token)
    assert info["active"] is True and info["client_id"] == client_id
    listing = requests.get(authlib_server["tokens_url"], timeout=T).json()
    assert listing[token]["client_id"] == client_id


def test_authlib_audience_must_be_token_endpoint(authlib_server, server_clients):
    r = token_request(server_clients, authlib_server, "svc-rs256", aud=authlib_server["issuer"])
    assert r.status_code in (400, 401) and r.json()["error"] == "invalid_client"


def test_authlib_rejects_replayed_jti_and_long_scope(authlib_server, server_clients):
    url = authlib_server["token_endpoint"]
    data = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion(server_clients, "svc-eddsa", url)}
    assert requests.post(url, data=data, timeout=T).status_code == 200
    again = requests.post(url, data=data, timeout=T)
    assert again.status_code in (400, 401) and again.json()["error"] == "invalid_client"
    long = token_request(server_clients, authlib_server, "svc-moneyp", scope=" ".join(["api.read"] * 40))
    assert long.status_code == 400 and long.json()["error"] == "invalid_scope"


# ---- fault server ---------------------------------------------------------------------------------------------
def fault_token(server, clients, **kw) -> requests.Response:
    return requests.post(server["token_endpoint"], data={"grant_type": "client_credentials"},
                         auth=("svc-basic", secret_of(clients, "svc-basic")), timeout=kw.pop("timeout", T), **kw)


def script(server, steps: list, **kw):
    r = requests.post(server.url + "/_control/script", json=steps, timeout=T, **kw)
    assert r.status_code == 200 and r.json()["queued"] == len(steps)


@pytest.mark.parametrize("step, status, check", [
    ({"status": 500}, 500, lambda r: r.headers["Content-Type"].startswith("text/plain")),
    ({"status": 503, "retry_after": 2}, 503, lambda r: r.headers["Retry-After"] == "2"),
    ({"status": 429, "retry_after": 1}, 429, lambda r: r.headers["Retry-After"] == "1"),
    ({"error": "invalid_client", "status": 401}, 401, lambda r: r.json()["error"] == "invalid_client"),
    ({"error": "temporarily_unavailable", "status": 503}, 503,
     lambda r: r.json()["error"] == "temporarily_unavailable"),
    ({"body": "not json", "content_type": "application/json"}, 200,
     lambda r: r.text == "not json" and r.headers["Content-Type"] == "application/json"),
    ({"html": True, "status": 502}, 502, lambda r: r.headers["Content-Type"].startswith("text/html")
     and "<html>" in r.text),
    ({"huge_bytes": 2_000_000}, 200, lambda r: len(r.content) == 2_000_000 and r.json()["access_token"]),
    ({"expires_in": "3600"}, 200, lambda r: r.json()["expires_in"] == "3600"),
    ({"expires_in": None}, 200, lambda r: "expires_in" not in r.json() and r.json()["access_token"]),
    ({"token_type": "bearer"}, 200, lambda r: r.json()["token_type"] == "bearer"),
    ({"status": 302, "location": "http://127.0.0.1:1/"}, 302, lambda r: r.headers["Location"] == "http://127.0.0.1:1/"),
])
def test_fault_steps(fault, server_clients, step, status, check):
    script(fault, [step])
    r = fault_token(fault, server_clients, allow_redirects=False)
    assert r.status_code == status and check(r), (r.status_code, r.headers, r.text[:200])
    after = fault_token(fault, server_clients)  # the script is used up: back to normal success
    assert after.status_code == 200 and after.json()["token_type"] == "Bearer"


def test_fault_delay_reset_and_hang(fault, server_clients):
    script(fault, [{"delay_ms": 300}, {"reset": True}, {"hang": True}, {"hang": True, "max_s": 0.3}])
    t0 = time.monotonic()
    assert fault_token(fault, server_clients).status_code == 200
    assert time.monotonic() - t0 >= 0.3
    with pytest.raises(requests.exceptions.ConnectionError):
        fault_token(fault, server_clients)
    t0 = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        fault_token(fault, server_clients, timeout=0.5)
    assert time.monotonic() - t0 < 3
    with pytest.raises(requests.exceptions.ConnectionError):  # max_s passes: dropped without an answer
        fault_token(fault, server_clients, timeout=3)
    assert fault_token(fault, server_clients).status_code == 200


def test_fault_client_auth_and_stats(fault, server_clients):
    url = fault["token_endpoint"]
    post = requests.post(url, data={"grant_type": "client_credentials", "client_id": "svc-post",
                                    "client_secret": secret_of(server_clients, "svc-post"), "scope": "api.read"},
                         timeout=T)
    assert post.status_code == 200 and post.json()["scope"] == "api.read"
    for client_id in ("svc-rs256", "svc-es256", "svc-eddsa", "svc-jwt"):
        r = requests.post(url, data={"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                     "client_assertion": assertion(server_clients, client_id, url)}, timeout=T)
        assert r.status_code == 200, (client_id, r.text)
    wrong_key = jwt.encode({"iss": "svc-rs256", "sub": "svc-rs256", "aud": url, "exp": int(time.time()) + 60,
                            "jti": "x"}, (HERE / "keys/unregistered-rsa2048.pem").read_text(), algorithm="RS256")
    r = requests.post(url, data={"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                 "client_assertion": wrong_key}, timeout=T)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert requests.post(url, data={"grant_type": "client_credentials"}, auth=("svc-basic", "no"),
                         timeout=T).status_code == 401
    stats = requests.get(fault.url + "/_control/stats", timeout=T).json()
    assert stats["token_requests"] == 7 and stats["tokens_issued"] == 5
    assert stats["by_client"]["svc-rs256"] == 2 and stats["by_client"]["svc-post"] == 1
    assert stats["by_auth_method"]["private_key_jwt"] == 4
    last = stats["last_token_request"]
    assert last["headers"]["Authorization"].startswith("Basic ") and last["form"] == {"grant_type": "client_credentials"}
    assert len(stats["token_request_times"]) == 7


def test_fault_protected_api_and_revoke(fault, server_clients):
    api = fault["api_url"] + "/things/1?x=1&x=2"
    assert requests.get(api, timeout=T).status_code == 401
    token = fault_token(fault, server_clients).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    for method in ("GET", "POST", "PUT", "DELETE"):
        r = requests.request(method, api, headers=auth, data=b"payload" if method != "GET" else None, timeout=T)
        assert r.status_code == 200, r.text
        echo = r.json()
        assert echo["method"] == method and echo["path"] == "/api/things/1" and echo["query"] == {"x": ["1", "2"]}
        assert echo["client_id"] == "svc-basic" and echo["headers"]["Authorization"] == f"Bearer {token}"
        assert echo["body"] == ("payload" if method != "GET" else "")
    assert requests.post(fault.url + "/_control/revoke", timeout=T).json()["revoked"] == 1
    r = requests.get(api, headers=auth, timeout=T)
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]


def test_fault_is_concurrent(fault, server_clients):
    script(fault, [{"delay_ms": 2000}])
    slow = threading.Thread(target=fault_token, args=(fault, server_clients))
    slow.start()
    time.sleep(0.1)
    results = []
    workers = [threading.Thread(target=lambda: results.append(fault_token(fault, server_clients).status_code))
               for _ in range(10)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(T)
    assert results == [200] * 10
    assert slow.is_alive()  # the ten were served while the slow one was still waiting
    slow.join(T)


def test_fault_tls_echo_with_client_cert(fault_tls_server, test_pki):
    c = test_pki["certs"]
    assert fault_tls_server.url.startswith("https://127.0.0.1:")
    for name in ("client_rsa", "client_ec"):
        r = requests.get(fault_tls_server["echo_url"] + "/hello", verify=test_pki["ca_bundle"],
                         cert=(c[name]["cert"], c[name]["key"]), timeout=T)
        assert r.status_code == 200 and r.json()["tls_client_cert_sha256"] == c[name]["sha256"]
    mtls = {"verify": test_pki["ca_bundle"], "cert": (c["client_rsa"]["cert"], c["client_rsa"]["key"])}
    script(fault_tls_server, [{"reset": True}, {"hang": True}], **mtls)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(fault_tls_server["token_endpoint"], data={"grant_type": "client_credentials"}, timeout=T, **mtls)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(fault_tls_server["token_endpoint"], data={"grant_type": "client_credentials"}, timeout=0.5,
                      **mtls)
    localhost = fault_tls_server.url.replace("127.0.0.1", "localhost")
    with pytest.raises(requests.exceptions.ConnectionError):  # no client certificate
        requests.get(localhost + "/echo", verify=test_pki["ca_bundle"], timeout=T)
    with pytest.raises(requests.exceptions.SSLError):  # the server's CA is not trusted
        requests.get(fault_tls_server["echo_url"], cert=(c["client_rsa"]["cert"], c["client_rsa"]["key"]), timeout=T)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_server_with_wrong_host_and_expired_certs(start_server, test_pki):
    c = test_pki["certs"]
    for name in ("server_wrong_host", "server_expired"):
        server = start_server("fault", tls_cert=c[name]["cert"], tls_key=c[name]["key"])
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(server["echo_url"], verify=test_pki["ca_bundle"], timeout=T)
        r = requests.get(server["echo_url"], verify=False, timeout=T)  # noqa: S501  it does serve without checks
        assert r.status_code == 200


# ---- A2A emulator ---------------------------------------------------------------------------------------------
def test_a2a_query_string_auth(a2a_server, server_clients):
    q = a2a_query_auth(server_clients)
    r = requests.get(a2a_server.url + "/iso/pam/credential/5", params=q, timeout=T)
    assert r.status_code == 200
    doc = r.json()
    assert_envelope(doc, 200)
    assert doc["response"]["message"] == "Credential 5"
    assert doc["credential"]["password"] == "secret@2504" and doc["credential"]["hostname"] == "destktop-91.com"
    r = requests.post(a2a_server.url + "/iso/pam/info", params=q, data={"content": "hello", "name": "n"}, timeout=T)
    assert r.status_code == 201
    new_id = r.json()["info"]["id"]
    got = requests.get(f"{a2a_server.url}/iso/pam/info/{new_id}", params=q, timeout=T).json()
    assert got["info"]["content"] == "hello"
    bad = requests.get(a2a_server.url + "/iso/pam/credential/5", params={**q, "oauth_token": "nope"}, timeout=T)
    assert bad.status_code == 401
    assert_envelope(bad.json(), 401, 401)
    body_only = requests.post(a2a_server.url + "/iso/pam/info", data={**q, "content": "x"}, timeout=T)
    assert body_only.status_code == 401  # the two must be in the URL, also for POST


@pytest.mark.parametrize("version", [True, False])
def test_a2a_oauth1_header(a2a_server, server_clients, version):
    cred = server_clients["a2a"]["oauth1"][0]
    url = a2a_server.url + "/iso/pam/credential/dbadmin%40db01.example.test?fields=all"
    header = oauth1_header("GET", url, cred, version=version)
    r = requests.get(url, headers={"Authorization": header}, timeout=T)
    assert r.status_code == 200, r.text
    assert r.json()["credential"]["id"] == "6"
    replay = requests.get(url, headers={"Authorization": header}, timeout=T)
    assert replay.status_code == 401  # same nonce and timestamp
    wrong = oauth1_header("GET", url, {**cred, "token_secret": "wrong"}, version=version)
    assert requests.get(url, headers={"Authorization": wrong}, timeout=T).status_code == 401


def test_a2a_oauth1_with_requests_oauthlib_and_form_body(a2a_server, server_clients):
    cred = server_clients["a2a"]["oauth1"][0]
    auth = OAuth1(cred["consumer_key"], cred["consumer_secret"], cred["token"], cred["token_secret"])
    r = requests.post(a2a_server.url + "/iso/pam/credential", auth=auth, timeout=T,
                      data={"username": "svc new", "password": "p@ss w+rd", "hostname": "h1.example.test"})
    assert r.status_code == 201, r.text
    assert_envelope(r.json(), 201)
    new_id = r.json()["credential"]["id"]
    got = requests.get(f"{a2a_server.url}/iso/pam/credential/svc new@h1.example.test", auth=auth, timeout=T)
    assert got.status_code == 200 and got.json()["credential"]["password"] == "p@ss w+rd"
    assert requests.delete(f"{a2a_server.url}/iso/pam/credential/custody/{new_id}", auth=auth,
                           timeout=T).status_code == 200
    assert requests.delete(f"{a2a_server.url}/iso/pam/credential/{new_id}", auth=auth, timeout=T).status_code == 200
    gone = requests.get(f"{a2a_server.url}/iso/pam/credential/{new_id}", auth=auth, timeout=T)
    assert gone.status_code == 400 and gone.json()["exception"]["code"] == 1010


def test_oauth1_signer_matches_rfc5849_example():
    oauth = {"oauth_consumer_key": "dpf43f3p2l4k3l03", "oauth_token": "nnch734d00sl2jdk",
             "oauth_signature_method": "HMAC-SHA1", "oauth_timestamp": "137131202", "oauth_nonce": "chapoH"}
    sig = hmac_sha1("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", oauth, "",
                    "kd94hf93k423kf44", "pfkkdhi9sl3r4s00")
    assert sig == "MdpQcU8iPSUjWoN/UDMsK2sui9I="


def test_a2a_oauth2_basic_and_body(a2a_server, server_clients):
    special = server_clients["a2a"]["oauth2"][1]
    assert set(":+% ") <= set(special["client_id"] + special["client_secret"])
    token = a2a_token(server_clients, a2a_server, index=1)  # RFC 6749 §2.3.1 form-encoded Basic
    r = requests.get(a2a_server.url + "/iso/pam/key/7", headers={"Authorization": f"Bearer {token}"}, timeout=T)
    assert r.status_code == 200 and r.json()["key"]["private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    naive = requests.post(a2a_server["token_endpoint"], data={"grant_type": "client_credentials"},
                          auth=(special["client_id"], special["client_secret"]), timeout=T)
    assert naive.status_code == 401 and naive.json()["error"] == "invalid_client"  # not form-encoded first
    plain = server_clients["a2a"]["oauth2"][0]
    body = requests.post(a2a_server["token_endpoint"], timeout=T, data={
        "grant_type": "client_credentials", "client_id": special["client_id"],
        "client_secret": special["client_secret"], "tenant": "acme"})
    assert body.status_code == 200
    doc = body.json()
    assert doc["token_type"] == "Bearer" and doc["expires_in"] == 3600 and doc["access_token"].count(".") == 2
    basic = requests.post(a2a_server["token_endpoint"], data={"grant_type": "client_credentials"},
                          auth=(plain["client_id"], plain["client_secret"]), timeout=T)
    assert basic.status_code == 200
    app = requests.get(a2a_server.url + "/iso/dapp/application", timeout=T,
                       headers={"Authorization": f"Bearer {basic.json()['access_token']}"})
    assert app.status_code == 200 and app.json()["application"]["secrets"][0]["data"]
    bad = requests.get(a2a_server.url + "/iso/dapp/application", headers={"Authorization": "Bearer x.y.z"}, timeout=T)
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["WWW-Authenticate"]
    assert_envelope(bad.json(), 401, 401)


def test_a2a_error_codes(a2a_server, server_clients):
    q = a2a_query_auth(server_clients)
    for path, code in [("/iso/pam/device/99", 1011), ("/iso/pam/info/999", 1023), ("/iso/pam/info/1024", 1024),
                       ("/iso/pam/info/1026", 1026), ("/iso/pam/credential/404", 1010)]:
        r = requests.get(a2a_server.url + path, params=q, timeout=T)
        assert r.status_code == 400, path
        doc = r.json()
        assert_envelope(doc, 400, code)
        assert doc["exception"] == {"code": code, "message": f"{code}: {doc['response']['message']}", "detail": None}
    missing = requests.post(a2a_server.url + "/iso/pam/info", params=q, json={"name": "no content"}, timeout=T)
    assert missing.status_code == 400 and missing.json()["exception"]["code"] == 1026
    assert requests.get(a2a_server.url + "/iso/pam/device/1", params=q, timeout=T).json()["device"]["id"] == "1"
    assert requests.get(a2a_server.url + "/iso/pam/credential/5", timeout=T).status_code == 401


def test_a2a_stats_and_ttl(start_server, server_clients):
    server = start_server("a2a", token_ttl=2)
    token = a2a_token(server_clients, server)
    requests.get(server.url + "/iso/pam/credential", headers={"Authorization": f"Bearer {token}"}, timeout=T)
    requests.get(server.url + "/iso/pam/credential", params=a2a_query_auth(server_clients), timeout=T)
    cred = server_clients["a2a"]["oauth1"][0]
    url = server.url + "/iso/pam/credential"
    requests.get(url, headers={"Authorization": oauth1_header("GET", url, cred)}, timeout=T)
    stats = requests.get(server.url + "/_control/stats", timeout=T).json()
    assert stats["requests"] == {"query": 1, "oauth1": 1, "oauth2": 1}
    assert stats["token_requests"] == 1 and stats["token_auth"]["basic"] == 1
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert exp - time.time() <= 2


def test_a2a_encryption(a2a_encrypted_server, server_clients):
    key = serialization.load_pem_private_key(Path(server_clients["a2a"]["encryption_private_key"]).read_bytes(), None)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)

    def decrypt(value: str) -> str:
        raw = base64.b64decode(value)
        size = key.key_size // 8
        return b"".join(key.decrypt(raw[i:i + size], oaep) for i in range(0, len(raw), size)).decode()

    q = a2a_query_auth(server_clients)
    cred = requests.get(a2a_encrypted_server.url + "/iso/pam/credential/6", params=q, timeout=T).json()["credential"]
    assert cred["password"] != "Db!p@ss+6 %20&x=é" and decrypt(cred["password"]) == "Db!p@ss+6 %20&x=é"
    assert decrypt(cred["content"]) == "Db!p@ss+6 %20&x=é" and cred["username"] == "dbadmin"
    ssh = requests.get(a2a_encrypted_server.url + "/iso/pam/key/7", params=q, timeout=T).json()["key"]
    assert decrypt(ssh["private_key"]).startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    info = requests.get(a2a_encrypted_server.url + "/iso/pam/info/10", params=q, timeout=T).json()["info"]
    assert decrypt(info["content"]) == "pk_test_51M2mAuTh+/="


def test_a2a_https_client_certificate(a2a_tls_server, server_clients, test_pki):
    c = test_pki["certs"]
    ca = test_pki["ca_bundle"]
    good = (c["client_rsa"]["cert"], c["client_rsa"]["key"])
    q = a2a_query_auth(server_clients)
    r = requests.get(a2a_tls_server.url + "/iso/pam/credential/5", params=q, cert=good, verify=ca, timeout=T)
    assert r.status_code == 200
    tok = requests.post(a2a_tls_server["token_endpoint"], data={"grant_type": "client_credentials"}, cert=good,
                        verify=ca, auth=(server_clients["a2a"]["oauth2"][0]["client_id"],
                                         server_clients["a2a"]["oauth2"][0]["client_secret"]), timeout=T)
    assert tok.status_code == 200
    unregistered = (c["client_ec"]["cert"], c["client_ec"]["key"])  # issued by the CA, fingerprint not registered
    for call in (lambda: requests.get(a2a_tls_server.url + "/iso/pam/credential/5", params=q, cert=unregistered,
                                      verify=ca, timeout=T),
                 lambda: requests.post(a2a_tls_server["token_endpoint"], data={"grant_type": "client_credentials"},
                                       cert=unregistered, verify=ca, timeout=T)):
        r = call()
        assert r.status_code == 403
        assert_envelope(r.json(), 403, 403)
    for cert in ((c["client_selfsigned"]["cert"], c["client_selfsigned"]["key"]), None):  # refused by TLS
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(a2a_tls_server.url + "/iso/pam/credential/5", params=q, cert=cert, verify=ca, timeout=T)
    stats = requests.get(a2a_tls_server.url + "/_control/stats", cert=good, verify=ca, timeout=T).json()
    assert stats["forbidden"] == 2


# ---- harness --------------------------------------------------------------------------------------------------
def test_harness_cli_up_down(tmp_path):
    state = tmp_path / "state.json"
    cmd = [sys.executable, str(HERE / "harness.py")]
    up = subprocess.run([*cmd, "up", "--state", str(state), "--pki", str(tmp_path / "pki"), "fault",
                         "a2a_tls=a2a", "--opt", "a2a_tls.tls_cert={pki}/server.pem",
                         "--opt", "a2a_tls.tls_key={pki}/server.key", "--opt", "a2a_tls.token_ttl=9"],
                        capture_output=True, text=True, timeout=60)
    assert up.returncode == 0, up.stderr
    doc = json.loads(state.read_text())
    servers = doc["servers"]
    assert servers["a2a_tls"]["url"].startswith("https://") and servers["a2a_tls"]["token_ttl"] == 9
    assert doc["pki"]["certs"]["server"]["sha256"]
    r = requests.get(servers["fault"]["echo_url"], timeout=T)
    assert r.status_code == 200
    pids = [s["pid"] for s in servers.values()]
    down = subprocess.run([*cmd, "down", "--state", str(state)], capture_output=True, text=True, timeout=30)
    assert down.returncode == 0, down.stderr
    assert not state.exists()
    assert not any(harness._pid_alive(pid) and harness._is_ours(pid, ".py") for pid in pids)


def test_harness_reports_startup_failure():
    with pytest.raises(harness.ServerStartError, match="unrecognized arguments"):
        harness.start("fault", no_such_option=1, ready_timeout=10)


# ---- api_server.py (a resource server that introspects at oidc-provider) -------------------------

def test_api_server_introspects_and_enforces_idempotency(oidc_server, start_server, server_clients):
    api = start_server("api", introspect=oidc_server["introspection_endpoint"], require_header="IdempotencyKey")
    token = token_request(server_clients, oidc_server, "svc-basic").json()["access_token"]
    url = api["api_url"] + "/v1/accounts"
    auth = {"Authorization": "Bearer " + token}
    ok = requests.get(url, headers={**auth, "IdempotencyKey": "k-1"}, timeout=T)
    assert ok.status_code == 200, ok.text
    assert ok.json()["client_id"] == "svc-basic" and ok.json()["idempotency_key"] == "k-1"
    assert requests.get(url, headers={**auth, "IdempotencyKey": "k-1"}, timeout=T).status_code == 409
    assert requests.get(url, headers=auth, timeout=T).status_code == 400
    bad = requests.get(url, headers={"Authorization": "Bearer nope", "IdempotencyKey": "k-2"}, timeout=T)
    assert bad.status_code == 401 and "invalid_token" in bad.headers["WWW-Authenticate"]
    assert requests.get(url, timeout=T).status_code == 401


# ---- the soak server ------------------------------------------------------------------------------------------
def test_soak_server_faults_are_bounded_and_api_faults_obeyed(start_server, server_clients):
    server = start_server("soak", token_ttl=30, token_fault_rate=1.0, max_consecutive=2, stall_max_ms=0, seed=7)

    def token() -> int | str:
        try:
            return token_request(server_clients, server, "svc-basic").status_code
        except requests.exceptions.ConnectionError:
            return "reset"

    answers = [token() for _ in range(7)]
    # Every request faulted, but never the first nor more than two failed answers in a row (a stall answers 200).
    assert answers[0] == 200
    run = 0
    for a in answers[1:]:
        run = 0 if a == 200 else run + 1
        assert run <= 2 and a in (200, 500, 502, 503, 429, "reset"), answers
    tok = token_request(server_clients, server, "svc-post").json()["access_token"]  # a new client: first is clean
    api = server["api_url"] + "/x"
    auth = {"Authorization": f"Bearer {tok}", "X-Soak-Id": "t-1"}
    assert requests.get(api, headers=auth, timeout=T).json() == {"id": "t-1", "client_id": "svc-post"}
    for fault, status in (("503", 503), ("429", 429), ("stall:100", 200)):
        r = requests.post(api, headers={**auth, "X-Soak-Fault": fault}, data=b"x", timeout=T)
        assert r.status_code == status and (status != 429 or r.headers["Retry-After"] == "1")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(api, headers={**auth, "X-Soak-Fault": "reset"}, timeout=T)
    assert requests.get(api, headers={"Authorization": "Bearer nope"}, timeout=T).status_code == 401
    stats = requests.get(server.url + "/_control/stats", timeout=T).json()
    basic = stats["clients"]["svc-basic"]
    assert basic["token_requests"] == 7 and basic["max_in_flight"] == 1
    assert basic["tokens_issued"] == answers.count(200)
    assert stats["api"] == {"ok": 1, "503": 1, "429": 1, "stall": 1, "reset": 1, "unknown_token": 1}


def test_soak_server_revokes_only_when_safe(start_server, server_clients):
    server = start_server("soak", token_ttl=30, token_fault_rate=0.0, revoke_every=1)
    tok = token_request(server_clients, server, "svc-basic").json()["access_token"]
    api = server["api_url"] + "/x"
    deadline = time.monotonic() + 5
    while requests.get(api, headers={"Authorization": f"Bearer {tok}"}, timeout=T).status_code == 200:
        assert time.monotonic() < deadline, "no revocation within 5 s"
        time.sleep(0.2)
    stats = requests.get(server.url + "/_control/stats", timeout=T).json()
    assert stats["clients"]["svc-basic"]["revocations"] >= 1 and stats["api"]["revoked_token"] == 1
    assert token_request(server_clients, server, "svc-basic").status_code == 200


def test_dpop_resource_checks_proofs_independently(start_server):
    """dpop_resource.py against proofs made here with PyJWT and cryptography alone (no m2mauth)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from jwt.algorithms import ECAlgorithm

    srv = start_server("dpop", nonce=True)
    url = srv.info["api_url"] + "/x"
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
    ath = base64.urlsafe_b64encode(hashlib.sha256(b"tok").digest()).rstrip(b"=").decode()

    def proof(nonce, iat=None, htm="GET", jti=None):
        claims = {"jti": jti or secrets.token_urlsafe(16), "htm": htm, "htu": url, "iat": iat or int(time.time()),
                  "ath": ath, "nonce": nonce}
        return jwt.encode(claims, key, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": jwk})

    def get(p):
        return requests.get(url + "?q=1", headers={"Authorization": "DPoP tok", "DPoP": p}, timeout=10)

    first = get(proof(None))
    assert first.status_code == 401 and 'error="use_dpop_nonce"' in first.headers["WWW-Authenticate"]
    nonce = first.headers["DPoP-Nonce"]
    p = proof(nonce)
    assert get(p).status_code == 200
    assert get(p).json()["error_description"] == "jti replayed"
    assert get(proof(nonce, iat=int(time.time()) - 300)).status_code == 401
    assert get(proof(nonce, htm="POST")).status_code == 401
    bad = jwt.encode({"jti": secrets.token_urlsafe(16), "htm": "GET", "htu": url, "iat": int(time.time()),
                      "ath": ath, "nonce": nonce}, "k" * 32, algorithm="HS256", headers={"typ": "dpop+jwt", "jwk": jwk})
    assert get(bad).status_code == 401
