"""OAuth 1.0 interop: m2mauth's C API against oauthlib, an independent implementation.

A C program over the C API (oauth1_tool, built with the tests) signs a few hundred varied requests:
every signature method, every placement, awkward URLs and bodies. oauthlib then

- verifies each one as a server would (``SignatureOnlyEndpoint`` with a validator that knows the test
  credentials and refuses replayed nonces), and refuses tampered copies;
- signs the same request as a client (``oauthlib.oauth1.Client``, and requests-oauthlib on top of it)
  with the same nonce and timestamp: the base strings and signatures must be equal;
- recomputes every known-answer vector of tests/vectors/oauth1 from its inputs.

Run by CTest as ``oauth1.oauthlib`` with M2MAUTH_OAUTH1_TOOL set; by hand:
``M2MAUTH_OAUTH1_TOOL=build/tests/oauth1/m2mauth_oauth1_tool pytest tests/oauth1/test_oauthlib.py``.
"""

import os
import random
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import pytest

oauthlib = pytest.importorskip("oauthlib")
from oauthlib.oauth1 import Client, RequestValidator, SignatureOnlyEndpoint  # noqa: E402
from oauthlib.oauth1.rfc5849 import signature as S  # noqa: E402

HERE = Path(__file__).resolve().parent
VECTORS = Path(os.environ.get("M2MAUTH_OAUTH1_VECTORS", HERE.parent / "vectors" / "oauth1" / "oauth1_vectors.txt"))
FORM = "application/x-www-form-urlencoded"
METHODS = ["HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "RSA-SHA256", "PLAINTEXT"]
PLACEMENTS = ["header", "query", "body"]
SIGNATURE_TYPES = {"header": "AUTH_HEADER", "query": "QUERY", "body": "BODY"}


# ---- the C program ---------------------------------------------------------------------------------

def tool_path():
    path = os.environ.get("M2MAUTH_OAUTH1_TOOL")
    if not path or not Path(path).is_file():
        pytest.fail("M2MAUTH_OAUTH1_TOOL must name the built oauth1_tool (CTest sets it)")
    return path


def run_tool(cases):
    """Signs every case with the C API; returns one dict per case (keys of the tool's output line)."""
    lines = []
    for c in cases:
        fields = []
        for key in ("method", "url", "ctype", "body", "ckey", "csecret", "token", "tsecret", "sm", "place",
                    "version", "realm", "callback", "verifier", "rsakey", "nonce", "ts", "bodyhash"):
            if c.get(key) is not None:
                fields.append(f"{key}={str(c[key]).encode().hex()}")
        for name, value in c.get("extra", []):
            fields.append(f"xname={name.encode().hex()}")
            fields.append(f"xvalue={value.encode().hex()}")
        lines.append(" ".join(fields))
    proc = subprocess.run([tool_path()], input="\n".join(lines) + "\n", capture_output=True, text=True,
                          timeout=300, check=True)
    out = []
    for line in proc.stdout.splitlines():
        status, *rest = line.split(" ")
        item = {"status": status}
        for kv in rest:
            k, v = kv.split("=", 1)
            item[k] = bytes.fromhex(v).decode() if status == "ok" else v
        out.append(item)
    assert len(out) == len(cases)
    return out


# ---- credentials and oauthlib's server side ----------------------------------------------------------

@pytest.fixture(scope="module")
def rsa_key(tmp_path_factory):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    path = tmp_path_factory.mktemp("oauth1") / "rsa.pem"
    path.write_text(private_pem)
    return {"path": str(path), "private": private_pem, "public": public_pem}


CONSUMERS = {  # consumer key -> consumer secret
    "dpf43f3p2l4k3l03": "kd94hf93k423kf44",
    "senhasegura-app": "c0nsumer&secret=with%special+chars é",
    "key with space": "",
    "k~e.y-_": "s",
}
TOKENS = {  # token -> token secret
    "nnch734d00sl2jdk": "pfkkdhi9sl3r4s00",
    "a2a-token": "t0ken/secret?&=",
    "tok en": "",
}


class Validator(RequestValidator):
    """The test credentials; timestamps within 10 minutes; each nonce accepted once."""

    def __init__(self, public_pem):
        super().__init__()
        self.public_pem = public_pem
        self.seen = set()

    enforce_ssl = False

    def check_client_key(self, client_key):
        return True

    def check_nonce(self, nonce):
        return True

    def check_access_token(self, request_token):
        return True

    @property
    def dummy_client(self):
        return "dummy-client"

    @property
    def dummy_access_token(self):
        return "dummy-token"

    def validate_client_key(self, client_key, request):
        return client_key in CONSUMERS

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request, request_token=None,
                                     access_token=None):
        key = (client_key, timestamp, nonce, request.resource_owner_key)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def get_client_secret(self, client_key, request):
        return CONSUMERS.get(client_key, "dummy")

    def get_access_token_secret(self, client_key, token, request):
        return TOKENS.get(token, "dummy")

    def get_rsa_key(self, client_key, request):
        return self.public_pem


def server_accepts(endpoint, method, signed):
    headers = {}
    if signed["auth"]:
        headers["Authorization"] = signed["auth"]
    if signed["ctype"]:
        headers["Content-Type"] = signed["ctype"]
    ok, _ = endpoint.validate_request(signed["url"], http_method=method, body=signed["body"] or None,
                                      headers=headers)
    return ok


# ---- varied requests ----------------------------------------------------------------------------------

NAMES = ["a", "b", "a b", "x+y", "100%", "ção", "€uro", "", "=", "&", "~-._", "/?:@", "file", "size", "q", "A"]
VALUES = NAMES + ["vacation.jpg", "1", "10", "2", "Olá Mundo!", "a=b&c", "\u65e5\u672c", "*'()!$,;"]


def encode_pair(rng, name, value):
    style = rng.choice(["quote", "plus", "raw-safe"])
    if style == "quote":
        return quote(name, safe="") + "=" + quote(value, safe="")
    if style == "plus":
        return quote_plus(name) + "=" + quote_plus(value)
    # oauthlib accepts these characters raw in a query
    return quote(name, safe="/:@!$'()*,~") + "=" + quote(value, safe="/:@!$'()*,~")


def random_params(rng, n):
    pairs = []
    for _ in range(n):
        name = rng.choice(NAMES)
        if pairs and rng.random() < 0.2:
            name = rng.choice(pairs)[0]  # repeated name
        pairs.append((name, rng.choice(VALUES)))
    parts = [encode_pair(rng, n, v) for n, v in pairs]
    if rng.random() < 0.1:
        parts.append(quote(rng.choice(NAMES), safe=""))  # a name without "="
    return "&".join(p for p in parts if p != "=") if parts else ""


def random_url(rng):
    scheme = rng.choice(["http", "https", "HTTP", "Https"])
    host = rng.choice(["photos.example.net", "API.Example.COM", "127.0.0.1", "[::1]", "vault-01.corp.example"])
    port = rng.choice(["", "", ":80", ":443", ":8080", ":8443"])
    path = rng.choice(["/", "/iso/pam/credential/5", "/a%20b/c", "", "/caf%C3%A9/x", "/api/v1/items;v=2",
                       "/iso/sctm/secret"])
    query = random_params(rng, rng.randint(0, 5))
    url = f"{scheme}://{host}{port}{path}"
    if query or rng.random() < 0.1:
        url += "?" + query
    if rng.random() < 0.05:
        url += "#fragment"
    return url


def random_case(rng, rsa_path, index):
    sm = rng.choices(METHODS, weights=[4, 2, 1, 1, 1])[0]
    place = rng.choice(PLACEMENTS)
    method = rng.choice(["POST", "PUT", "PATCH", "DELETE"]) if place == "body" else rng.choice(
        ["GET", "GET", "POST", "PUT", "DELETE", "PATCH"])
    case = {"index": index, "method": method, "url": random_url(rng), "sm": sm, "place": place,
            "ckey": rng.choice(list(CONSUMERS))}
    case["csecret"] = CONSUMERS[case["ckey"]]
    if rng.random() < 0.75:
        case["token"] = rng.choice(list(TOKENS))
        case["tsecret"] = TOKENS[case["token"]]
    kind = rng.choice(["none", "form", "form", "form-charset", "json"]) if method != "GET" else "none"
    if place == "body" and kind == "json":
        kind = "form"
    if kind.startswith("form"):
        case["ctype"] = FORM if kind == "form" else FORM + "; charset=UTF-8"
        case["body"] = random_params(rng, rng.randint(0, 4))
    elif kind == "json":
        case["ctype"] = "application/json"
        case["body"] = '{"identifier": "robot test", "password": "p@ss+word"}'
    case["version"] = rng.choice(["1", "1", "0"])
    if rng.random() < 0.3:
        case["realm"] = rng.choice(["Photos", "http://photos.example.net/", "senhasegura A2A"])
    if rng.random() < 0.15:
        case["callback"] = rng.choice(["oob", "https://client.example/ready?x=1&y=2"])
    if rng.random() < 0.15:
        case["verifier"] = rng.choice(["hfdp7dh39dks9884", "v 1/2"])
    if rng.random() < 0.1:
        case["extra"] = [("oauth_session_handle", "h-" + str(index))]
    if sm.startswith("RSA"):
        case["rsakey"] = rsa_path
    return case


def cases(rsa_path, count, seed):
    rng = random.Random(seed)
    return [random_case(rng, rsa_path, i) for i in range(count)]


def describe(case, signed=None):
    shown = {k: v for k, v in case.items() if k not in ("rsakey",)}
    return f"case {shown}\nsigned {signed}"


# ---- oauthlib as a server --------------------------------------------------------------------------

def oauthlib_decodes_twice(case):
    """oauthlib (4.0.1) percent-decodes oauth_* values from the query or the body a second time
    (signature.collect_parameters unescapes them after urldecode), so a PLAINTEXT signature whose secrets
    need encoding arrives altered and is refused, even when oauthlib's own Client signed the request
    (test_oauthlib_refuses_its_own_plaintext_query_signatures). Every other value here has no "%" once
    decoded."""
    key = S.sign_plaintext(case.get("csecret", ""), case.get("tsecret", ""))
    return case["sm"] == "PLAINTEXT" and case["place"] != "header" and "%" in key


def test_oauthlib_server_verifies_every_request_the_c_api_signs(rsa_key):
    endpoint = SignatureOnlyEndpoint(Validator(rsa_key["public"]))
    batch = cases(rsa_key["path"], 400, seed=5849)
    signed = run_tool(batch)
    seen = {(m, p) for m in METHODS for p in PLACEMENTS}
    covered = set()
    for case, out in zip(batch, signed):
        assert out["status"] == "ok", describe(case, out)
        if oauthlib_decodes_twice(case):
            # Checked as RFC 5849 section 3.4.4 says instead: the parameter, decoded once, is the key.
            sent = urlsplit(out["url"]).query if case["place"] == "query" else out["body"]
            got = [v for k, v in parse_qsl(sent, keep_blank_values=True) if k == "oauth_signature"]
            assert got == [S.sign_plaintext(case["csecret"], case.get("tsecret", ""))], describe(case, out)
        else:
            assert server_accepts(endpoint, case["method"], out), describe(case, out)
        covered.add((case["sm"], case["place"]))
    assert covered == seen  # every method in every placement


def test_oauthlib_refuses_its_own_plaintext_query_signatures():
    """The oauthlib defect that test above works around; if this starts failing, oauthlib was fixed and
    oauthlib_decodes_twice can go."""
    case = {"sm": "PLAINTEXT", "place": "query", "csecret": "kd94hf93k423kf44", "tsecret": "t0ken/secret?&="}
    assert oauthlib_decodes_twice(case)
    client = Client("dpf43f3p2l4k3l03", client_secret=case["csecret"], resource_owner_key="a2a-token",
                    resource_owner_secret=case["tsecret"], signature_method="PLAINTEXT", signature_type="QUERY")
    uri, headers, _ = client.sign("https://photos.example.net/x", "GET")
    ok, _ = SignatureOnlyEndpoint(Validator(None)).validate_request(uri, "GET", None, headers)
    assert not ok


def test_oauthlib_server_refuses_tampered_requests_and_replays(rsa_key):
    # A fresh validator per check: oauthlib records the nonce before it checks the signature.
    def fresh():
        return SignatureOnlyEndpoint(Validator(rsa_key["public"]))

    batch = [c for c in cases(rsa_key["path"], 120, seed=1) if c["sm"] != "PLAINTEXT"]
    signed = run_tool(batch)
    for case, out in zip(batch, signed):
        assert out["status"] == "ok", describe(case, out)
        base, _, frag = out["url"].partition("#")
        sep = "&" if "?" in base else "?"
        tampered = dict(out, url=base + sep + "extra=1" + ("#" + frag if frag else ""))
        assert not server_accepts(fresh(), case["method"], tampered), describe(case, tampered)
        other_method = "PATCH" if case["method"] != "PATCH" else "PUT"
        assert not server_accepts(fresh(), other_method, out), describe(case, out)
        endpoint = fresh()
        assert server_accepts(endpoint, case["method"], out), describe(case, out)
        assert not server_accepts(endpoint, case["method"], out), "a replayed nonce must be refused"


# ---- oauthlib as a client --------------------------------------------------------------------------

def client_for(case, rsa_private):
    return Client(
        case["ckey"],
        client_secret=case["csecret"],
        resource_owner_key=case.get("token"),
        resource_owner_secret=case.get("tsecret"),
        callback_uri=case.get("callback"),
        signature_method=case["sm"],
        signature_type=SIGNATURE_TYPES[case["place"]],
        rsa_key=rsa_private if case["sm"].startswith("RSA") else None,
        verifier=case.get("verifier"),
        realm=case.get("realm"),
        nonce=case["nonce"],
        timestamp=case["ts"],
    )


def oauthlib_base_string(method, uri, headers, body):
    """oauthlib's own base string for the request its Client signed (RFC 5849 section 3.4.1)."""
    form = headers.get("Content-Type", "").startswith(FORM)
    params = S.collect_parameters(uri_query=urlsplit(uri).query, body=body if form else None, headers=headers,
                                  exclude_oauth_signature=True, with_realm=False)
    return S.signature_base_string(method, S.base_string_uri(uri), S.normalize_parameters(params))


def sent_signature(place, uri, headers, body):
    """oauth_signature as sent, decoded once (not with collect_parameters: see oauthlib_decodes_twice)."""
    if place == "header":
        return dict(S.collect_parameters(headers=headers, exclude_oauth_signature=False))["oauth_signature"]
    sent = urlsplit(uri).query if place == "query" else body
    (sig,) = [v for k, v in parse_qsl(sent, keep_blank_values=True) if k == "oauth_signature"]
    return sig


def comparable(case):
    """Requests oauthlib's Client can sign: it always sends oauth_version, wants the exact form type for
    a form body and cannot put parameters in a body that has none; a body with another type is signed
    with an oauth_body_hash, which the tool's signer computes itself (m2mauth_oauth1_set_body_hash)."""
    case = dict(case, version="1")
    if case.get("ctype", "").startswith(FORM + ";"):
        case["ctype"] = FORM
    if case["place"] == "body":
        case["ctype"] = FORM
    if case.get("ctype") == FORM:
        case["body"] = case.get("body") or ""
    case.pop("extra", None)
    case["bodyhash"] = "1"  # on for every case: only the non-form bodies get one, as oauthlib does
    return case


def test_signatures_and_base_strings_equal_oauthlib_client(rsa_key):
    rng = random.Random(1191242096)
    batch = []
    for case in cases(rsa_key["path"], 300, seed=2010):
        case = comparable(case)
        case["nonce"] = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(6, 30)))
        case["ts"] = str(rng.randint(10**8, 2 * 10**9))
        batch.append(case)
    signed = run_tool(batch)
    for case, out in zip(batch, signed):
        assert out["status"] == "ok", describe(case, out)
        headers = {"Content-Type": case["ctype"]} if case.get("ctype") else {}
        uri, h, body = client_for(case, rsa_key["private"]).sign(case["url"], case["method"], case.get("body"),
                                                                 headers)
        theirs = oauthlib_base_string(case["method"], uri, h, body)
        assert out["base"] == theirs, describe(case, out)
        their_sig = sent_signature(case["place"], uri, h, body)
        assert out["sig"] == their_sig, describe(case, out)


def test_body_hash_equals_oauthlibs():
    """m2mauth_oauth1_set_body_hash: oauth_body_hash for a JSON body, as oauthlib's Client computes
    and signs it; none for a form body or with the option off."""
    base = {"method": "POST", "url": "https://api.example.com/things", "ckey": "senhasegura-app",
            "csecret": CONSUMERS["senhasegura-app"], "token": "a2a-token", "tsecret": TOKENS["a2a-token"],
            "sm": "HMAC-SHA1", "place": "header", "version": "1", "nonce": "bodyhashnonce", "ts": "1700000000"}
    json_case = dict(base, ctype="application/json", body='{"a": "b c", "n": 1}', bodyhash="1")
    form_case = dict(base, ctype=FORM, body="a=1&b=2", bodyhash="1")
    off_case = dict(json_case, bodyhash="0")
    ours = run_tool([json_case, form_case, off_case])
    for case, out in zip((json_case, form_case), ours):
        assert out["status"] == "ok", describe(case, out)
        uri, h, body = client_for(case, None).sign(case["url"], case["method"], case["body"],
                                                    {"Content-Type": case["ctype"]})
        assert out["base"] == oauthlib_base_string(case["method"], uri, h, body)
        assert out["sig"] == sent_signature("header", uri, h, body)
    assert "oauth_body_hash" in ours[0]["base"] and "oauth_body_hash" in ours[0]["auth"]
    assert "oauth_body_hash" not in ours[1]["base"]
    assert ours[2]["status"] == "ok" and "oauth_body_hash" not in ours[2]["base"]


def test_requests_oauthlib_signs_the_same(rsa_key):
    requests = pytest.importorskip("requests")
    from requests_oauthlib import OAuth1

    case = {"method": "POST", "url": "https://vault.example.com/iso/pam/credential?limit=10&q=a+b",
            "ctype": FORM, "body": "identifier=robot%20test&hostname=db-01", "ckey": "senhasegura-app",
            "csecret": CONSUMERS["senhasegura-app"], "token": "a2a-token", "tsecret": TOKENS["a2a-token"],
            "sm": "HMAC-SHA1", "place": "header", "version": "1", "nonce": "4572616e48616d6d65724c61686176",
            "ts": "1700000000"}
    out = run_tool([case])[0]
    auth = OAuth1(case["ckey"], client_secret=case["csecret"], resource_owner_key=case["token"],
                  resource_owner_secret=case["tsecret"], nonce=case["nonce"], timestamp=case["ts"])
    prepared = requests.Request(case["method"], case["url"], data=case["body"],
                                headers={"Content-Type": FORM}, auth=auth).prepare()
    headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()}
    theirs = dict(S.collect_parameters(headers=headers, exclude_oauth_signature=False))
    ours = dict(S.collect_parameters(headers={"Authorization": out["auth"]}, exclude_oauth_signature=False))
    assert ours == theirs


# ---- the known-answer vectors, recomputed by oauthlib --------------------------------------------------

def load_vectors():
    result, current = [], None
    for line in VECTORS.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = {"name": line[1:-1]}
            result.append(current)
        elif " = " in line:
            k, v = line.split(" = ", 1)
            current[k] = v
        elif line.endswith(" ="):
            current[line[:-2]] = ""
    return result


def test_vectors_agree_with_oauthlib_and_the_c_api():
    vectors = load_vectors()
    assert len(vectors) >= 8
    checked = 0
    for v in vectors:
        if "base_string_uri" in v:
            assert S.base_string_uri(v["url"]) == v["base_string_uri"], v["name"]
        if "method" not in v:
            continue
        params = S.collect_parameters(uri_query=urlsplit(v["url"]).query,
                                      body=v.get("body") if v.get("content_type") == FORM else None)
        params += [("oauth_consumer_key", v["consumer_key"]), ("oauth_signature_method", v["signature_method"]),
                   ("oauth_nonce", v["nonce"]), ("oauth_timestamp", v["timestamp"])]
        for key, name in (("token", "oauth_token"), ("callback", "oauth_callback"), ("verifier", "oauth_verifier")):
            if key in v:
                params.append((name, v[key]))
        if v["version"] == "yes":
            params.append(("oauth_version", "1.0"))
        normalized = S.normalize_parameters(params)
        base = S.signature_base_string(v["method"], S.base_string_uri(v["url"]), normalized)
        if "normalized_parameters" in v:
            assert normalized == v["normalized_parameters"], v["name"]
        if "base_string" in v:
            assert base == v["base_string"], v["name"]
        if "signature" in v:
            if v["signature_method"] == "PLAINTEXT":
                theirs = S.sign_plaintext(v.get("consumer_secret", ""), v.get("token_secret", ""))
            else:
                secrets = SimpleNamespace(client_secret=v.get("consumer_secret", ""),
                                          resource_owner_secret=v.get("token_secret", ""))
                theirs = S.sign_hmac_sha1_with_client(base, secrets)
            assert theirs == v["signature"], v["name"]
        out = run_tool([{"method": v["method"], "url": v["url"], "ctype": v.get("content_type"), "body": v.get("body"),
                         "ckey": v["consumer_key"], "csecret": v.get("consumer_secret"), "token": v.get("token"),
                         "tsecret": v.get("token_secret"), "sm": v["signature_method"], "place": "header",
                         "version": "1" if v["version"] == "yes" else "0", "realm": v.get("realm"),
                         "callback": v.get("callback"), "verifier": v.get("verifier"), "nonce": v["nonce"],
                         "ts": v["timestamp"]}])[0]
        assert out["status"] == "ok", v["name"]
        assert out["base"] == base, v["name"]
        if "signature" in v:
            assert out["sig"] == v["signature"], v["name"]
        checked += 1
    assert checked >= 6


def test_signed_now_timestamps_are_current(rsa_key):
    out = run_tool([{"method": "GET", "url": "http://h/", "ckey": "k", "sm": "HMAC-SHA1", "place": "header"}])[0]
    params = dict(S.collect_parameters(headers={"Authorization": out["auth"]}))
    assert abs(int(params["oauth_timestamp"]) - time.time()) < 60
    assert len(params["oauth_nonce"]) == 26
