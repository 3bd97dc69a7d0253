"""Hostile peers (issue 10): a token endpoint or A2A server that echoes credentials, sends access tokens an
Authorization header cannot carry or numbers in loose forms; identifiers that would be dot-segments; and the
CLI's usage errors, which never repeat a value given on the command line."""

from __future__ import annotations

import email.utils
import os
import subprocess
import sys
import time

import pytest

import m2mauth
from m2mauth import senhasegura
from conftest import HAVE_SERVERS, SERVERS_DIR, control, script

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")


def client_for(fault, clients, client_id, http):
    c = clients[client_id]
    kwargs = {"client_secret": c["client_secret"]} if "client_secret" in c else {
        "private_key": m2mauth.Key.from_file(SERVERS_DIR / c["private_key"])}
    return m2mauth.OAuth2Client(fault.info["token_endpoint"], client_id, auth_method=c["token_endpoint_auth_method"],
                                http=http, **kwargs)


def failure(fault, clients, steps, client_id="svc-basic"):
    script(fault, steps)
    # A new transport per call: a reset keep-alive connection would make libcurl re-send silently.
    with client_for(fault, clients, client_id, m2mauth.Http(timeout=10)) as client:
        with pytest.raises(m2mauth.Error) as exc:
            client.fetch()
    return exc.value


def visible(e: m2mauth.Error) -> str:
    """Every text of an exception a caller, a log or a traceback can show."""
    return "\n".join([str(e), repr(e), " ".join(map(str, e.args)), getattr(e, "error", ""),
                      getattr(e, "error_description", ""), getattr(e, "error_uri", "")])


def sent_credential(fault, clients, client_id) -> str:
    c = clients[client_id]
    if "client_secret" in c and c["token_endpoint_auth_method"] in ("client_secret_basic", "client_secret_post"):
        return c["client_secret"]
    return control(fault, "stats")["last_token_request"]["form"]["client_assertion"]


@pytest.mark.parametrize("client_id", ["svc-basic", "svc-post", "svc-jwt", "svc-rs256"])
def test_echoed_secret_or_assertion_is_redacted(fault, clients, client_id):
    echo = "$ASSERTION" if client_id in ("svc-jwt", "svc-rs256") else "$CLIENT_SECRET"
    e = failure(fault, clients, [{"status": 401, "error": f"invalid_client {echo}",
                                  "error_description": f"bad {echo} (Authorization: $AUTHORIZATION, form $FORM)",
                                  "error_uri": f"https://as.example/e?{echo}"}], client_id)
    assert isinstance(e, m2mauth.OAuthError) and e.http_status == 401
    secret = sent_credential(fault, clients, client_id)
    text = visible(e)
    assert secret not in text and secret[len(secret) // 2:] not in text
    assert "<redacted>" in e.error_description and "invalid_client" in str(e)


def test_echoed_secret_in_html_or_text_body(fault, clients):
    secret = clients["svc-basic"]["client_secret"]
    for step in ({"html": True, "status": 502, "html_text": "upstream refused $CLIENT_SECRET"},
                 {"status": 400, "body": "bad client_secret=$CLIENT_SECRET", "content_type": "text/plain"},
                 {"status": 200, "body": "<html>$CLIENT_SECRET</html>", "content_type": "text/html; $CLIENT_SECRET"}):
        e = failure(fault, clients, [step])
        assert secret not in visible(e), step


def test_server_text_escaped_and_bounded(fault, clients):
    e = failure(fault, clients, [{"status": 400, "error": "invalid_request\x1b[31m",
                                  "error_description": "line1\nline2\u202e" + "x" * 5000}])
    assert e.error == "invalid_request\\x1B[31m"
    assert e.error_description.startswith("line1\\nline2\\u202E") and e.error_description.endswith("...")
    assert len(e.error_description.encode()) <= 200
    assert all(ord(c) >= 0x20 for c in visible(e).replace("\n", ""))


def test_cli_stderr_never_shows_an_echoed_secret(fault, clients):
    secret = clients["svc-basic"]["client_secret"]
    script(fault, [{"status": 401, "error": "invalid_client",
                    "error_description": "the secret $CLIENT_SECRET is wrong ($AUTHORIZATION)"}])
    env = {k: v for k, v in os.environ.items() if not k.startswith("M2MAUTH_")}
    env["BASIC_SECRET"] = secret
    proc = subprocess.run([sys.executable, "-m", "m2mauth", "token", "--token-url", fault.info["token_endpoint"],
                           "--client-id", "svc-basic", "--client-secret-env", "BASIC_SECRET"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 4, proc.stderr
    assert "invalid_client" in proc.stderr
    assert secret not in proc.stderr and secret not in proc.stdout


def test_events_never_carry_an_echoed_secret(fault, clients, http):
    secret = clients["svc-basic"]["client_secret"]
    events = []
    with m2mauth.OAuth2Client(fault.info["token_endpoint"], "svc-basic", client_secret=secret, http=http,
                              on_event=events.append) as client:
        script(fault, [{"status": 401, "error": "invalid_client $CLIENT_SECRET",
                        "error_description": "bad $CLIENT_SECRET / $AUTHORIZATION"}])
        with pytest.raises(m2mauth.OAuthError) as exc:
            client.token()
        deadline = time.monotonic() + 5  # events come from the manager's thread
        while not any(e.kind == "failed" for e in events) and time.monotonic() < deadline:
            time.sleep(0.01)
    assert any(e.kind == "failed" for e in events)
    for text in [visible(exc.value)] + [repr(e) + str(vars(e) if hasattr(e, "__dict__") else "") for e in events] + \
            [" ".join(str(getattr(e, name)) for name in e.__slots__) for e in events]:
        assert secret not in text and secret[len(secret) // 2:] not in text


@pytest.mark.parametrize("token", ["zqx realm=evil", "zqx\x01y", "zqx\r\nX-Injected: 1", "zöqx", "zqx\x7f", "zqx=y",
                                   "===", "zqx,other"])
def test_access_token_outside_b64token_is_a_protocol_error(fault, clients, token):
    e = failure(fault, clients, [{"access_token": token}])
    assert isinstance(e, m2mauth.ProtocolError)
    assert "access_token" in str(e) and "zqx" not in visible(e) and "realm" not in visible(e)


def test_b64token_alphabet_and_token_types(fault, clients, http):
    script(fault, [{"access_token": "AZaz09-._~+/=="}, {"token_type": "DPOP"}])
    with client_for(fault, clients, "svc-basic", http) as client:
        assert client.fetch().access_token == "AZaz09-._~+/=="
        assert client.fetch().token_type == "DPOP"
    assert isinstance(failure(fault, clients, [{"token_type": "MAC"}]), m2mauth.UnsupportedError)
    assert isinstance(failure(fault, clients, [{"token_type": "Bearer realm=x"}]), m2mauth.ProtocolError)


@pytest.mark.parametrize("value,seconds", [("3600", 3600), ("0042", 42), (1e3, 1000), (59.9, 59), (0.4, 0), (0, 0),
                                           ("99999999999999999999", 315360000)])
def test_expires_in_accepted_forms(fault, clients, http, value, seconds):
    script(fault, [{"expires_in": value}])
    with client_for(fault, clients, "svc-basic", http) as client:
        before = time.time()
        t = client.fetch()
    assert seconds - 0.01 <= t.expires_at - before <= seconds + 5


@pytest.mark.parametrize("value", ["0x10", "+5", " 60", "3.5", "1e3", "-1", "", "١٢", -1, -0.5, True, [60]])
def test_expires_in_loose_forms_are_protocol_errors(fault, clients, value):
    e = failure(fault, clients, [{"expires_in": value}])
    assert isinstance(e, m2mauth.ProtocolError) and "expires_in" in str(e)


@pytest.mark.parametrize("value,seconds", [("7", 7.0), ("99999999999999999999", 3600.0), ("0x10", 0.0), ("+5", 0.0),
                                           ("5.0", 0.0), ("-1", 0.0), ("Sun, 31 Feb 2100 08:49:37 GMT", 0.0)])
def test_retry_after_strict(fault, clients, value, seconds):
    e = failure(fault, clients, [{"status": 503, "retry_after": value}])
    assert e.retry_after == pytest.approx(seconds)


def test_retry_after_http_date(fault, clients):
    e = failure(fault, clients, [{"status": 503, "retry_after": email.utils.formatdate(time.time() + 120, usegmt=True)}])
    assert 100 < e.retry_after <= 121


def test_discovery_refuses_an_issuer_with_a_dot_segment(http):
    for issuer in ("http://127.0.0.1:9/realms/../admin", "http://127.0.0.1:9/a/.."):
        with pytest.raises(m2mauth.InvalidArgumentError):
            with m2mauth.OAuth2Client(issuer=issuer, client_id="svc", client_secret="s3cret-value", http=http) as c:
                c.fetch()


# ---- senhasegura A2A ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def a2a(server_clients):
    return server_clients["a2a"]


def query_client(server, a2a, http):
    c = a2a["oauth1"][0]
    return senhasegura.A2AClient(server.url, auth="query", consumer_key=c["consumer_key"], token=c["token"], http=http)


def test_a2a_identifier_is_one_path_segment(a2a_server, a2a, http):
    control(a2a_server, "reset")
    with query_client(a2a_server, a2a, http) as vault:
        for ident in ("", ".", ".."):
            for get in (vault.info, vault.credential, vault.ssh_key):
                with pytest.raises(m2mauth.InvalidArgumentError, match="path segment"):
                    get(ident)
        with pytest.raises(m2mauth.InvalidArgumentError):
            vault.call("GET", "pam/info/..")
        assert control(a2a_server, "stats")["requests"].get("query", 0) == 0
        with pytest.raises(m2mauth.VendorError) as exc:
            vault.info("a/..")  # one (unknown) id, not a way up
        assert exc.value.vendor_code == 1023
        assert "GET /iso/pam/info/a%2F.." in control(a2a_server, "stats")["by_path"]


@pytest.mark.parametrize("auth", ["oauth2", "oauth1", "query"])
def test_a2a_echoed_credentials_are_redacted(a2a_server, a2a, http, auth):
    control(a2a_server, "reset")
    o1, o2 = a2a["oauth1"][0], a2a["oauth2"][0]
    if auth == "oauth2":
        vault = senhasegura.A2AClient(a2a_server.url, client_id=o2["client_id"], client_secret=o2["client_secret"],
                                      http=http)
        secrets = [o2["client_secret"]]
    else:
        vault = senhasegura.A2AClient(a2a_server.url, auth=auth, http=http, **{
            k: o1[k] for k in ("consumer_key", "consumer_secret", "token", "token_secret")})
        secrets = [o1["consumer_secret"], o1["token"], o1["token_secret"]]
    with vault:
        with pytest.raises(m2mauth.VendorError) as exc:
            vault.call("GET", "test/echo")
    e = exc.value
    assert e.vendor_code == 9999 and "<redacted>" in str(e)
    for s in secrets:
        assert s not in visible(e)


# ---- the CLI's usage errors -----------------------------------------------------------------------------

SECRET = "S3cr3tVal"


@pytest.mark.parametrize("args", [
    ["token", f"--client-secret={SECRET}1"],             # ambiguous option with a value
    ["token", f"--password={SECRET}1"],                  # unrecognized option with a value
    ["token", "--client-secret", f"{SECRET}2"],          # unrecognized option, then its value
    ["keygen", "--out", "k.pem", "--type", f"{SECRET}3"],  # invalid choice
    ["keygen", "--out", "k.pem", "--bits", f"{SECRET}4"],  # invalid int value
    ["keygen", "--out", "k.pem", f"--force={SECRET}5"],  # ignored explicit argument
    ["jwk", f"--passphrase={SECRET}6", "k.pem"],         # ambiguous option
    [f"{SECRET}7"],                                      # invalid command
    ["a2a", "call", f"{SECRET}8", "pam/device/1"],       # invalid choice of a positional
    ["token", f"{SECRET}9"],                             # unrecognized positional
    ["request", "GET"],                                  # a missing argument (no value to hide)
])
def test_cli_usage_errors_never_repeat_a_value(args):
    proc = subprocess.run([sys.executable, "-m", "m2mauth", *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "usage: m2mauth" in proc.stderr and "error:" in proc.stderr
    assert SECRET not in proc.stderr and SECRET not in proc.stdout, proc.stderr


def test_cli_usage_errors_still_name_the_option():
    proc = subprocess.run([sys.executable, "-m", "m2mauth", "token", f"--password={SECRET}", SECRET],
                          capture_output=True, text=True, timeout=60)
    assert "unrecognized arguments: --password (2 values not shown)" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "m2mauth", "token", f"--client-secret={SECRET}"], capture_output=True,
                          text=True, timeout=60)
    assert "ambiguous option: --client-secret could match --client-secret-file, --client-secret-env" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "m2mauth", "keygen", "--out", "k", "--type", SECRET],
                          capture_output=True, text=True, timeout=60)
    assert "argument --type: invalid choice (choose from" in proc.stderr and "RSA" in proc.stderr
