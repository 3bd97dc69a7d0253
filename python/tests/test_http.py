"""m2mauth.Http against the fault server: requests and responses, headers, TLS and mTLS with the test
PKI, per-prefix overrides, the refusal of plain http:// to other hosts, size limits and timeouts."""

from __future__ import annotations

import threading
import time

import pytest

import m2mauth
from m2mauth.http import Headers
from conftest import HAVE_SERVERS, script

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")


def test_send_and_response(fault, http):
    r = http.send("POST", fault.info["echo_url"] + "/a/b?x=1&y=%20", {"X-One": "1", "Content-Type": "text/plain"},
                  "héllo")
    assert r.status == 200 and r.ok
    echo = r.json()
    assert echo["method"] == "POST" and echo["path"] == "/echo/a/b" and echo["raw_query"] == "x=1&y=%20"
    assert echo["body"] == "héllo" and echo["headers"]["X-One"] == "1"
    assert r.headers["content-type"] == r.headers["Content-Type"] == "application/json"
    assert "CONTENT-LENGTH" in r.headers and r.text == r.body.decode()
    r = http.send("GET", fault.info["api_url"] + "/x")  # no token
    assert r.status == 401 and not r.ok and r.headers.get_all("www-authenticate")


def test_overrides_before_the_first_request_only(fault):
    """README "Threads": the first request freezes an Http; override() then raises StateError naming the
    handle and the call, and the Http keeps working with its settings."""
    http = m2mauth.Http().override(fault.info["echo_url"], user_agent="early")
    assert http.send("GET", fault.info["echo_url"] + "/ua").json()["headers"]["User-Agent"] == "early"
    with pytest.raises(m2mauth.StateError) as exc:
        http.override(fault.info["echo_url"], user_agent="late")
    assert str(exc.value) == "HTTP transport: add_override after first use" and exc.value.code == -7
    assert http.send("GET", fault.info["echo_url"] + "/ua").json()["headers"]["User-Agent"] == "early"


def test_headers_multidict():
    h = Headers([("Set-Cookie", "a=1"), ("set-cookie", "b=2"), ("X", "y")])
    assert h["SET-COOKIE"] == "a=1" and h.get_all("Set-Cookie") == ["a=1", "b=2"]
    assert len(h) == 2 and list(h) == ["Set-Cookie", "X"] and "x" in h and h.get("nope") is None
    assert h.items()[1] == ("set-cookie", "b=2") and h == {"x": "y", "set-cookie": "a=1"}


def test_plain_http_only_to_loopback(http):
    with pytest.raises(m2mauth.InsecureTransportError):
        http.send("GET", "http://api.example.com/")
    with pytest.raises(m2mauth.InvalidInputError):
        http.send("GET", "not a url")


def test_size_limit_and_timeout(fault, clients):
    import base64
    basic = base64.b64encode(b"svc-basic:" + clients["svc-basic"]["client_secret"].encode()).decode()
    form = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic " + basic}
    small = m2mauth.Http(max_response_bytes=1000)
    script(fault, [{"huge_bytes": 5000}])
    with pytest.raises(m2mauth.TooLargeError):
        small.send("POST", fault.info["token_endpoint"], form, "grant_type=client_credentials")
    script(fault, [{"hang": True, "max_s": 5}])
    quick = m2mauth.Http(timeout=0.4)
    t0 = time.monotonic()
    with pytest.raises(TimeoutError) as exc:
        quick.send("POST", fault.info["token_endpoint"], form, "grant_type=client_credentials")
    assert time.monotonic() - t0 < 3 and exc.value.transient


def test_connection_refused_is_transient():
    with pytest.raises(m2mauth.NetworkError) as exc:
        m2mauth.Http(connect_timeout=2).send("GET", "http://127.0.0.1:1/")
    assert exc.value.transient


def test_mtls(fault_tls_server, test_pki):
    certs = test_pki["certs"]
    url = fault_tls_server.url + "/echo/tls"
    http = m2mauth.Http(ca_file=test_pki["ca_bundle"], client_cert=certs["client_rsa"]["cert"],
                        client_key=certs["client_rsa"]["key"])
    r = http.send("GET", url)
    assert r.status == 200 and r.json()["tls_client_cert_sha256"].replace(":", "").lower() == \
        certs["client_rsa"]["sha256"]
    p12 = test_pki["client_p12"]
    r = m2mauth.Http(ca_file=test_pki["ca_bundle"], client_cert=p12["path"], client_cert_type="P12",
                     client_key_password=p12["password"]).send("GET", url)
    assert r.status == 200
    with pytest.raises(m2mauth.TLSError):
        m2mauth.Http().send("GET", url)  # the test CA is not trusted
    with pytest.raises((m2mauth.TLSError, m2mauth.NetworkError)):
        m2mauth.Http(ca_file=test_pki["ca_bundle"]).send("GET", url)  # no client certificate
    assert m2mauth.Http(verify=False, client_cert=certs["client_ec"]["cert"],
                        client_key=certs["client_ec"]["key"]).send("GET", url).status == 200
    over = m2mauth.Http().override(fault_tls_server.url, ca_file=test_pki["ca_bundle"],
                                   client_cert=certs["client_ec"]["cert"], client_key=certs["client_ec"]["key"])
    assert over.send("GET", url).status == 200


def test_send_releases_the_gil(fault, http):
    script(fault, [{"delay_ms": 800}])
    counter, done = [0], threading.Event()

    def spin():
        while not done.is_set():
            counter[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        before = counter[0]
        http.send("POST", fault.info["token_endpoint"], body="grant_type=client_credentials")
        assert counter[0] - before > 1000
    finally:
        done.set()
        t.join(5)


def test_argument_checks():
    with pytest.raises(ValueError):  # InvalidArgumentError from the library
        m2mauth.Http(timeout=-1)
    with m2mauth.Http(timeout=0, max_response_bytes=0):  # 0: no limit, as in C
        pass
    with pytest.raises(ValueError):
        m2mauth.Http(client_cert_type="DER")
    with pytest.raises(TypeError):
        m2mauth.Http(verify="no")
    with m2mauth.Http() as h:
        assert repr(h) == "<m2mauth.Http>"
    assert h.closed and repr(h) == "<m2mauth.Http closed>"
    with pytest.raises(ValueError):
        h.send("GET", "http://127.0.0.1:1/")
