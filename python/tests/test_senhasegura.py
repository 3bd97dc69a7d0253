"""m2mauth.senhasegura against the A2A emulator (tests/servers/a2a_emulator.py): the three
authentication methods, Basic with the special client, HTTPS with a registered client certificate,
vendor error codes, encrypted responses, and certificate fingerprints."""

from __future__ import annotations

import pytest

import m2mauth
from m2mauth import senhasegura
from conftest import HAVE_SERVERS, SERVERS_DIR, assert_no_secret, control

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")

PASSWORD_5 = "secret@2504"
PASSWORD_6 = "Db!p@ss+6 %20&x=é"


@pytest.fixture(scope="module")
def a2a(server_clients):
    return server_clients["a2a"]


def oauth2_client(server, a2a, http, index=0, **kw):
    c = a2a["oauth2"][index]
    return senhasegura.A2AClient(server.url, client_id=c["client_id"], client_secret=c["client_secret"], http=http,
                                 **kw)


def oauth1_args(a2a):
    c = a2a["oauth1"][0]
    return dict(consumer_key=c["consumer_key"], consumer_secret=c["consumer_secret"], token=c["token"],
                token_secret=c["token_secret"])


def test_oauth2_basic_default(a2a_server, a2a, http):
    control(a2a_server, "reset")
    with oauth2_client(a2a_server, a2a, http) as vault:
        cred = vault.credential("5")
        assert cred["password"] == PASSWORD_5 and cred["username"] == "credential_5"
        assert vault.credential("credential_5@destktop-91.com")["id"] == "5"
        assert vault.credential(6)["password"] == PASSWORD_6
        assert vault.info(10)["content"]
        key = vault.ssh_key(7)
        assert "OPENSSH PRIVATE KEY" in key["private_key"] and key["public_key"].startswith("ssh-ed25519")
        app = vault.applications()
        assert app["secrets"][0]["secret_name"] == "database"
        doc = vault.call("GET", "pam/device/1")
        assert doc["response"]["status"] == 200 and doc["device"]["id"] in ("1", 1)
        created = vault.call("POST", "pam/credential", {"username": "u1", "password": "p w+&", "hostname": "h1"})
        assert created["response"]["status"] == 201 and created["credential"]["id"]
        assert repr(vault) == f"<m2mauth.senhasegura.A2AClient base_url={a2a_server.url!r} auth='oauth2'>"
    stats = control(a2a_server, "stats")
    assert stats["token_requests"] == 1 and stats["token_auth"]["basic"] == 1


def test_oauth2_body_auth_and_tenant(a2a_server, a2a, http):
    control(a2a_server, "reset")
    with oauth2_client(a2a_server, a2a, http, client_auth="body", tenant="tenant-7") as vault:
        assert vault.credential("5")["password"] == PASSWORD_5
    stats = control(a2a_server, "stats")
    assert stats["token_auth"]["body"] == 1 and stats["last_tenant"] == "tenant-7"


def test_basic_with_the_special_client(a2a_server, a2a, http):
    with oauth2_client(a2a_server, a2a, http, index=1) as vault:
        assert vault.credential("6")["password"] == PASSWORD_6


def test_oauth2_401_refetches_once(a2a_server, a2a, http):
    control(a2a_server, "reset")
    with oauth2_client(a2a_server, a2a, http) as vault:
        vault.credential("5")
        control(a2a_server, "revoke")
        assert vault.credential("5")["password"] == PASSWORD_5
    assert control(a2a_server, "stats")["tokens_issued"] == 2


@pytest.mark.parametrize("auth", ["oauth1", "query"])
def test_oauth1_and_query(a2a_server, a2a, http, auth):
    control(a2a_server, "reset")
    with senhasegura.A2AClient(a2a_server.url + "/iso", auth=auth, http=http, **oauth1_args(a2a)) as vault:
        assert vault.credential("dbadmin@db01.example.test")["password"] == PASSWORD_6
        assert vault.call("POST", "pam/info", {"content": "x y+z&é"})["response"]["status"] == 201
    assert control(a2a_server, "stats")["requests"][auth] == 2


VENDOR_ERRORS = [
    (lambda v: v.call("GET", "pam/device/5"), 1011),
    (lambda v: v.info("99"), 1023),
    (lambda v: v.info("1024"), 1024),
    (lambda v: v.info("1026"), 1026),
    (lambda v: v.call("POST", "pam/info", {}), 1026),
    (lambda v: v.credential("999"), 1010),
    (lambda v: v.ssh_key("999"), 1030),
]


@pytest.mark.parametrize("call,code", VENDOR_ERRORS, ids=[str(c) for _, c in VENDOR_ERRORS])
def test_vendor_error_codes(a2a_server, a2a, http, call, code):
    secret = a2a["oauth2"][0]["client_secret"]
    with oauth2_client(a2a_server, a2a, http) as vault:
        with pytest.raises(m2mauth.VendorError) as exc:
            call(vault)
    e = exc.value
    assert e.vendor_code == code and e.http_status == 400 and not e.transient
    assert_no_secret(str(e) + repr(e), secret)


def test_refused_credentials(a2a_server, a2a, http):
    with senhasegura.A2AClient(a2a_server.url, client_id=a2a["oauth2"][0]["client_id"],
                               client_secret="not-the-secret", http=http) as vault:
        with pytest.raises(m2mauth.OAuthError) as exc:
            vault.credential("5")
    assert exc.value.error == "invalid_client" and "not-the-secret" not in str(exc.value)
    args = oauth1_args(a2a)
    args["token_secret"] = "wrong"
    with senhasegura.A2AClient(a2a_server.url, auth="oauth1", http=http, **args) as vault:
        with pytest.raises(m2mauth.UnauthorizedError) as exc:
            vault.credential("5")
    assert exc.value.http_status == 401


def test_encrypted_responses(a2a_encrypted_server, a2a, http):
    key_path = SERVERS_DIR / a2a["encryption_private_key"]
    with oauth2_client(a2a_encrypted_server, a2a, http, decryption_key=key_path) as vault:
        assert vault.credential("6")["password"] == PASSWORD_6
        key = vault.ssh_key(7)  # several OAEP blocks
        assert "OPENSSH PRIVATE KEY" in key["private_key"]
        raw = vault.call("GET", "pam/credential/6", decrypt=False)["credential"]["password"]
        assert raw != PASSWORD_6
        assert senhasegura.decrypt(m2mauth.Key.from_file(key_path), raw) == PASSWORD_6
        assert vault.applications()["secrets"][0]["data"]
    with oauth2_client(a2a_encrypted_server, a2a, http) as vault:  # no key: as the server sent it
        assert vault.credential("6")["password"] != PASSWORD_6


def test_https_with_registered_client_certificate(a2a_tls_server, a2a, test_pki):
    certs = test_pki["certs"]
    good = m2mauth.Http(ca_file=test_pki["ca_bundle"], client_cert=certs["client_rsa"]["cert"],
                        client_key=certs["client_rsa"]["key"])
    with oauth2_client(a2a_tls_server, a2a, good) as vault:
        assert vault.credential("5")["password"] == PASSWORD_5
    # a CA-issued certificate whose fingerprint is not registered: 403 with the envelope
    other = m2mauth.Http(ca_file=test_pki["ca_bundle"], client_cert=certs["client_ec"]["cert"],
                         client_key=certs["client_ec"]["key"])
    with oauth2_client(a2a_tls_server, a2a, other) as vault:
        with pytest.raises(m2mauth.Error) as exc:
            vault.credential("5")
    assert exc.value.http_status == 403
    # no client certificate: the handshake fails
    with oauth2_client(a2a_tls_server, a2a, m2mauth.Http(ca_file=test_pki["ca_bundle"])) as vault:
        with pytest.raises((m2mauth.TLSError, m2mauth.NetworkError)):
            vault.credential("5")
    # the system store does not trust the test CA
    with oauth2_client(a2a_tls_server, a2a, m2mauth.Http()) as vault:
        with pytest.raises(m2mauth.TLSError):
            vault.credential("5")


def test_override_gives_one_vault_its_certificate(a2a_tls_server, a2a, test_pki):
    certs = test_pki["certs"]
    http = m2mauth.Http().override(a2a_tls_server.url, ca_file=test_pki["ca_bundle"],
                                   client_cert=certs["client_rsa"]["cert"], client_key=certs["client_rsa"]["key"])
    with oauth2_client(a2a_tls_server, a2a, http) as vault:
        assert vault.credential("5")["password"] == PASSWORD_5


def test_cert_fingerprints(test_pki):
    c = test_pki["certs"]["client_rsa"]
    want = {k: c[k] for k in ("sha256", "sha256_colon", "sha1", "sha1_colon")}
    assert senhasegura.cert_fingerprints(c["cert"]) == want
    pem = open(c["cert"]).read()
    assert senhasegura.cert_fingerprints(pem) == want
    assert senhasegura.cert_fingerprints(m2mauth.Certificate.from_pem(pem).der) == want


def test_argument_errors(http):
    with pytest.raises(TypeError):
        senhasegura.A2AClient("https://vault.example", client_id="x")
    with pytest.raises(ValueError):
        senhasegura.A2AClient("https://vault.example", auth="saml")
    with pytest.raises(TypeError):
        senhasegura.A2AClient("https://vault.example", auth="oauth1", consumer_key="k", token="t")
