"""A workload touching every native function, success and failure paths, for the leak checks
(test_leaks.py runs it in-process and under valgrind). Usage: python leak_workload.py [rounds]"""

from __future__ import annotations

import sys

import m2mauth
from m2mauth import jws, jwt

FAR = 4102444800


def make_keys() -> dict:
    return {
        "RS256": m2mauth.Key.generate("RSA", bits=2048),
        "ES256": m2mauth.Key.generate("EC", curve="P-256"),
        "EdDSA": m2mauth.Key.generate("OKP"),
        "HS256": m2mauth.Key.generate("oct", bits=256),
    }


def one_round(keys: dict) -> None:
    for alg, key in keys.items():
        pub = key if key.kty == "oct" else key.public_key()
        token = jwt.encode({"sub": "x", "exp": FAR, "aud": "a"}, key, algorithm=alg, headers={"x": 1})
        jwt.decode(token, pub, algorithms=[alg], audience="a", issuer=None, leeway=5)
        jwt.decode_complete(token, pub, algorithms=[alg], audience="a")
        with jwt.Verifier(pub, [alg], audience="a", require=["sub"], clock=lambda: 1000.0) as v:
            v.verify(token)
        jwt.decode_unverified(token)
        s = jws.sign(b"payload", key, alg)
        jws.verify(s, pub, algorithms=[alg])
        jws.decode_unverified(s)
        for bad in (lambda: jws.verify(s[:-4] + "AAAA", pub, algorithms=[alg]),
                    lambda: jwt.decode(token, pub, algorithms=[alg]),
                    lambda: jwt.decode("x.y.z", pub, algorithms=[alg]),
                    lambda: jws.verify(s, pub, algorithms=["PS512"])):
            try:
                bad()
            except m2mauth.Error:
                pass
        if key.kty != "oct":
            pem = key.private_pem(password="leak-test")
            m2mauth.Key.from_pem(pem, password="leak-test").close()
            m2mauth.Key.from_der(key.public_der())
            m2mauth.Key.from_jwk(key.private_jwk())
            key.with_kid().public_jwk(alg=alg, use="sig")
            try:
                m2mauth.Key.from_pem(pem, password="wrong-pass")
            except m2mauth.PassphraseError:
                pass
            ks = m2mauth.KeySet.from_keys([key.with_kid("k")])
            ks.get("k")
        key.thumbprint()
    cert = m2mauth.Certificate.self_signed(keys["ES256"], "leak", days=1)
    cert.fingerprint("sha1", "base64url")
    m2mauth.Certificate.from_der(cert.der).public_key()
    jws.sign(b"c", keys["ES256"], "ES256", certificate=cert, certificate_headers=["x5c", "x5t"])
    try:
        m2mauth.Key.from_pem("garbage")
    except m2mauth.KeyFormatError:
        pass
    network_free_round(keys, cert)


def network_free_round(keys: dict, cert) -> None:
    """The new classes without a server: OAuth 1.0, configuration, transports, A2A helpers."""
    from m2mauth import config, senhasegura
    from m2mauth.oauth1 import Client
    rsa_pem = keys["RS256"].private_pem()
    for method in ("HMAC-SHA1", "HMAC-SHA256", "RSA-SHA256", "PLAINTEXT"):
        for placement in ("AUTH_HEADER", "QUERY", "BODY"):
            c = Client("ck", client_secret="cs", resource_owner_key="t", resource_owner_secret="ts",
                       signature_method=method, signature_type=placement, realm="r",
                       rsa_key=rsa_pem if method.startswith("RSA") else None)
            c.sign("https://a.example/p?q=1", "POST", {"a": "b"}, {"Content-Type": "application/x-www-form-urlencoded"})
            if placement == "AUTH_HEADER":
                c.sign("https://a.example/p", "POST", '{"j":1}', {"Content-Type": "application/json"})
                c.sign("https://a.example/p", realm="other")
                c.base_string("https://a.example/p", nonce="n", timestamp=1)
    try:
        Client("ck", signature_method="RSA-SHA1", rsa_key=keys["ES256"])
    except m2mauth.Error:
        pass
    cfg = config.from_json({"http": {"timeout_ms": 1000}, "oauth2": {"token_url": "https://a.example/t",
                                                                      "client_id": "x", "client_secret": "s"},
                            "senhasegura": {"base_url": "https://v.example", "client_id": "a", "client_secret": "b"}})
    cfg.describe()
    cfg.get("oauth2.client_id")
    http = cfg.http()
    try:
        http.send("GET", "http://api.example.com/")
    except m2mauth.InsecureTransportError:
        pass
    client = cfg.oauth2_client(http)
    client.close()
    vault = cfg.a2a_client(http)
    vault.close()
    try:
        config.from_json({"oauth2": {"nope": 1}})
    except m2mauth.ConfigError:
        pass
    try:
        m2mauth.Http(ca_file="/nonexistent", timeout=1)
    except m2mauth.ConfigError:
        pass
    m2mauth.Http(timeout=1).override("https://x.example/", verify=False)
    senhasegura.cert_fingerprints(cert)
    try:
        senhasegura.decrypt(keys["RS256"], "bm90IGNpcGhlcnRleHQ=")
    except m2mauth.Error:
        pass
    senhasegura.A2AClient("https://v.example", auth="oauth1", consumer_key="k", consumer_secret="s", token="t",
                          token_secret="ts", http=http, decryption_key=keys["RS256"]).close()
    # DPoP: ES256 proofs (the key's worker thread and its precomputed nonces), EdDSA, refused keys.
    dpop = m2mauth.DPoP(keys["ES256"])
    for _ in range(3):
        dpop.proof("GET", "https://rs.example/x?y", "tok")
    m2mauth.DPoP(keys["EdDSA"]).proof("POST", "https://rs.example/", nonce="n")
    for bad in (lambda: m2mauth.DPoP(keys["HS256"]), lambda: dpop.proof("GET", "ftp://x/")):
        try:
            bad()
        except m2mauth.Error:
            pass
    m2mauth.OAuth2Client("https://a.example/t", "c", client_secret="s", dpop=dpop, http=http).close()
    del dpop


def main(rounds: int) -> None:
    keys = make_keys()
    for _ in range(rounds):
        one_round(keys)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
