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
    m2mauth.Certificate.load(cert.der).public_key()
    jws.sign(b"c", keys["ES256"], "ES256", certificate=cert, certificate_headers=["x5c", "x5t"])
    try:
        m2mauth.Key.from_pem("garbage")
    except m2mauth.KeyFormatError:
        pass


def main(rounds: int) -> None:
    keys = make_keys()
    for _ in range(rounds):
        one_round(keys)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
