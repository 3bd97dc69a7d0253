#!/usr/bin/env python3
"""Generates tests/vectors/m2mauth/jose.json, the cross-language JOSE vectors of m2mauth.

Nothing here uses m2mauth: keys come from the OpenSSL command line, signatures from pyca/cryptography,
JWKs and thumbprints from jwcrypto, so the C++, Python, Java and Go suites compare m2mauth with
independent implementations. RFC entries are copied from the RFCs (named per entry) and checked here
with jwcrypto before they are written.

    python3 tests/vectors/m2mauth/generate.py            # rewrite jose.json, keeping its keys
    python3 tests/vectors/m2mauth/generate.py --new-keys # also make new keys (changes every token)

Re-running without --new-keys reproduces the file byte for byte except for the PS*/ES* tokens, which
are randomised by nature (their checks only verify them). See ../README.md for the format.
"""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
from jwcrypto import jwk, jws

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "jose.json")
PASSPHRASE = "m2mauth test passphrase"
NOW = 1700000000  # the fixed "current time" of every JWT claims case (2023-11-14T22:13:20Z)


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_dec(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], check=True, capture_output=True, input=stdin).stdout


# ---- keys --------------------------------------------------------------------------------------

def make_keys(tmp):
    """New keys written by the OpenSSL CLI; each entry records the command that wrote each form."""
    keys = {}
    p = lambda name: os.path.join(tmp, name)
    # RSA: what `openssl genrsa -out private.pem 2048` and `openssl rsa -in private.pem -pubout` write.
    openssl("genrsa", "-out", p("rsa.pem"), "2048")
    keys["rsa2048"] = {"kty": "RSA", "pkcs8_pem": open(p("rsa.pem")).read()}
    openssl("genrsa", "-out", p("rsa3072.pem"), "3072")
    keys["rsa3072"] = {"kty": "RSA", "pkcs8_pem": open(p("rsa3072.pem")).read()}
    for name, curve in (("ec_p256", "prime256v1"), ("ec_p384", "secp384r1"), ("ec_p521", "secp521r1")):
        sec1 = openssl("ecparam", "-name", curve, "-genkey", "-noout").decode()
        keys[name] = {"kty": "EC", "sec1_pem": sec1}
    keys["ed25519"] = {"kty": "OKP", "pkcs8_pem": openssl("genpkey", "-algorithm", "ed25519").decode()}
    for name, n in (("hmac256", 32), ("hmac384", 48), ("hmac512", 64)):
        keys[name] = {"kty": "oct", "secret_b64url": b64u(os.urandom(n))}
    return keys


def derive_forms(name, entry, tmp):
    """All encodings of one key, each written by the OpenSSL CLI from the key's base form."""
    e = {"kty": entry["kty"]}
    path = os.path.join(tmp, name + ".in.pem")
    if entry["kty"] == "oct":
        secret = b64u_dec(entry["secret_b64url"])
        e["secret_b64url"] = entry["secret_b64url"]
        e["bits"] = len(secret) * 8
        k = jwk.JWK(kty="oct", k=entry["secret_b64url"], kid=name)
        e["private_jwk"] = json.loads(k.export(private_key=True))
        e["thumbprint"] = k.thumbprint()
        return e
    base = entry.get("pkcs8_pem") or entry.get("sec1_pem")
    open(path, "w").write(base)
    pkcs8 = openssl("pkey", "-in", path).decode()
    e["pkcs8_pem"] = pkcs8
    e["pkcs8_der_b64"] = b64(openssl("pkey", "-in", path, "-outform", "DER"))
    e["pkcs8_encrypted_pem"] = openssl("pkcs8", "-topk8", "-in", path, "-v2", "aes-256-cbc",
                                       "-passout", "pass:" + PASSPHRASE).decode()
    e["pkcs8_encrypted_der_b64"] = b64(openssl("pkcs8", "-topk8", "-in", path, "-v2", "aes-256-cbc",
                                               "-outform", "DER", "-passout", "pass:" + PASSPHRASE))
    e["passphrase"] = PASSPHRASE
    e["spki_pem"] = openssl("pkey", "-in", path, "-pubout").decode()
    e["spki_der_b64"] = b64(openssl("pkey", "-in", path, "-pubout", "-outform", "DER"))
    if entry["kty"] == "RSA":
        e["pkcs1_pem"] = openssl("rsa", "-in", path, "-traditional").decode()
        e["pkcs1_der_b64"] = b64(openssl("rsa", "-in", path, "-traditional", "-outform", "DER"))
        e["pkcs1_encrypted_pem"] = openssl("rsa", "-in", path, "-traditional", "-aes256",
                                           "-passout", "pass:" + PASSPHRASE).decode()
        e["pkcs1_public_pem"] = openssl("rsa", "-in", path, "-RSAPublicKey_out").decode()
        e["pkcs1_public_der_b64"] = b64(openssl("rsa", "-in", path, "-RSAPublicKey_out", "-outform", "DER"))
    if entry["kty"] == "EC":
        e["sec1_pem"] = openssl("ec", "-in", path).decode()
        e["sec1_der_b64"] = b64(openssl("ec", "-in", path, "-outform", "DER"))
        curve = {"ec_p256": "prime256v1", "ec_p384": "secp384r1", "ec_p521": "secp521r1"}[name]
        e["sec1_with_params_pem"] = openssl("ecparam", "-name", curve).decode() + e["sec1_pem"]
    k = jwk.JWK.from_pem(pkcs8.encode())
    priv = json.loads(k.export(private_key=True))
    pub = json.loads(k.export(private_key=False))
    priv["kid"] = pub["kid"] = name
    e["private_jwk"] = priv
    e["public_jwk"] = pub
    e["thumbprint"] = k.thumbprint()
    e["bits"] = {"RSA": lambda: k.get_op_key("verify").key_size,
                 "EC": lambda: {"P-256": 256, "P-384": 384, "P-521": 521}[pub["crv"]],
                 "OKP": lambda: 256}[entry["kty"]]()
    if "crv" in pub:
        e["crv"] = pub["crv"]
    return e


def make_certificate(keys, tmp, old):
    if old is not None:
        return old
    path = os.path.join(tmp, "cert.key.pem")
    open(path, "w").write(keys["rsa2048"]["pkcs8_pem"])
    pem = openssl("req", "-x509", "-new", "-key", path, "-subj", "/O=m2mauth/CN=m2mauth test",
                  "-days", "36500", "-sha256").decode()
    return {"key": "rsa2048", "pem": pem}


def certificate_forms(cert, tmp):
    path = os.path.join(tmp, "cert.pem")
    open(path, "w").write(cert["pem"])
    der = openssl("x509", "-in", path, "-outform", "DER")
    fp = lambda h: openssl("x509", "-in", path, "-noout", "-fingerprint", "-" + h).decode().strip().split("=", 1)[1]
    subject = openssl("x509", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253").decode().strip()
    enddate = openssl("x509", "-in", path, "-noout", "-enddate").decode().strip().split("=", 1)[1]
    import datetime
    not_after = int(datetime.datetime.strptime(enddate, "%b %d %H:%M:%S %Y %Z")
                    .replace(tzinfo=datetime.timezone.utc).timestamp())
    return {
        "key": cert["key"],
        "pem": cert["pem"],
        "der_b64": b64(der),
        "openssl_sha1_fingerprint": fp("sha1"),
        "openssl_sha256_fingerprint": fp("sha256"),
        "sha1_hex": hashlib.sha1(der).hexdigest(),
        "sha256_hex": hashlib.sha256(der).hexdigest(),
        "x5t": b64u(hashlib.sha1(der).digest()),
        "x5t#S256": b64u(hashlib.sha256(der).digest()),
        "subject_rfc2253": subject.split("=", 1)[1].strip() if subject.startswith("subject=") else subject,
        "not_after": not_after,
    }


# ---- signatures (pyca/cryptography) -------------------------------------------------------------

HASHES = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}
HMAC_HASH = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


def private_key(entry):
    return serialization.load_pem_private_key(entry["pkcs8_pem"].encode(), None)


def sign(alg, entry, data: bytes) -> bytes:
    fam, bits = alg[:2], alg[2:]
    if fam == "HS":
        return hmac.new(b64u_dec(entry["secret_b64url"]), data, HMAC_HASH[bits]).digest()
    if alg == "EdDSA":
        return private_key(entry).sign(data)
    if fam == "RS":
        return private_key(entry).sign(data, padding.PKCS1v15(), HASHES[bits])
    if fam == "PS":
        return private_key(entry).sign(
            data, padding.PSS(mgf=padding.MGF1(HASHES[bits]), salt_length=HASHES[bits].digest_size), HASHES[bits])
    if fam == "ES":
        der = private_key(entry).sign(data, ec.ECDSA(HASHES[bits]))
        r, s = utils.decode_dss_signature(der)
        n = {"256": 32, "384": 48, "512": 66}[bits]
        return r.to_bytes(n, "big") + s.to_bytes(n, "big")
    raise ValueError(alg)


ALGS = [("HS256", "hmac256"), ("HS384", "hmac384"), ("HS512", "hmac512"),
        ("RS256", "rsa2048"), ("RS384", "rsa2048"), ("RS512", "rsa2048"),
        ("PS256", "rsa2048"), ("PS384", "rsa2048"), ("PS512", "rsa2048"),
        ("ES256", "ec_p256"), ("ES384", "ec_p384"), ("ES512", "ec_p521"), ("EdDSA", "ed25519")]
DETERMINISTIC = lambda alg: alg[:2] in ("HS", "RS") or alg == "EdDSA"


def jws_case(name, alg, key_name, entry, protected: str, payload: str, note=None):
    protected_b64 = b64u(protected.encode())
    payload_b64 = b64u(payload.encode())
    signing_input = protected_b64 + "." + payload_b64
    sig = sign(alg, entry, signing_input.encode())
    case = {
        "name": name,
        "alg": alg,
        "key": key_name,
        "deterministic": DETERMINISTIC(alg),
        "protected": protected,
        "payload": payload,
        "protected_b64": protected_b64,
        "payload_b64": payload_b64,
        "signing_input": signing_input,
        "signature_b64": sig and b64u(sig),
        "token": signing_input + "." + b64u(sig),
    }
    if note:
        case["note"] = note
    return case


def jws_cases(keys):
    out = []
    # The exact bytes m2mauth_jwt_sign_json writes for these options: alg, typ, kid in this order, and
    # the claims printed compactly in their given order.
    claims = ('{"iss":"m2mauth-client","sub":"m2mauth-client","aud":"https://as.example.com/token",'
              '"iat":1700000000,"exp":1700000300,"jti":"4f1c2a9e-8d36-4a52-9d6e-0c8a9c3f7b21"}')
    for alg, key_name in ALGS:
        protected = '{"alg":"%s","typ":"JWT","kid":"%s"}' % (alg, key_name)
        out.append(jws_case("jwt-" + alg, alg, key_name, keys[key_name], protected, claims))
    # A non-JSON payload with every byte value, and an empty payload.
    binary = bytes(range(256)).decode("latin-1")
    for alg, key_name in (("HS256", "hmac256"), ("RS256", "rsa2048"), ("EdDSA", "ed25519")):
        out.append(jws_case("jws-empty-payload-" + alg, alg, key_name, keys[key_name], '{"alg":"%s"}' % alg, ""))
    out.append(jws_case("jws-utf8-payload-HS256", "HS256", "hmac256", keys["hmac256"], '{"alg":"HS256"}',
                        "Olá, 世界 \u2014 ✓"))
    return out


# ---- RFC entries --------------------------------------------------------------------------------

RFC7515_PAYLOAD = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'
RFC7515_A1_KEY = {"kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}
RFC7515_A2_KEY = {
    "kty": "RSA",
    "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
    "e": "AQAB",
    "d": "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
    "p": "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
    "q": "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
    "dp": "BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
    "dq": "h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
    "qi": "IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U",
}
RFC7515_A3_KEY = {"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                  "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                  "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}
RFC7515_A4_KEY = {"kty": "EC", "crv": "P-521",
                  "x": "AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk",
                  "y": "ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2",
                  "d": "AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C"}
RFC8037_KEY = {"kty": "OKP", "crv": "Ed25519", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
               "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
RFC7638_KEY = {"kty": "RSA",
               "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
               "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}


def rfc_entry(name, source, key, protected, payload, signature_b64, deterministic):
    protected_b64 = b64u(protected.encode())
    payload_b64 = b64u(payload.encode())
    signing_input = protected_b64 + "." + payload_b64
    token = signing_input + "." + signature_b64
    # Check the transcription with jwcrypto before writing anything.
    verify_key = {k: v for k, v in key.items() if k not in ("d", "p", "q", "dp", "dq", "qi")} \
        if key["kty"] != "oct" else key
    obj = jws.JWS()
    obj.deserialize(token)
    obj.verify(jwk.JWK(**verify_key), alg=json.loads(protected)["alg"])
    return {"name": name, "source": source, "alg": json.loads(protected)["alg"], "jwk": key,
            "deterministic": deterministic, "protected": protected, "payload": payload,
            "protected_b64": protected_b64, "payload_b64": payload_b64, "signing_input": signing_input,
            "signature_b64": signature_b64, "token": token}


def rfc_entries():
    return [
        rfc_entry("RFC 7515 A.1", "RFC 7515 appendix A.1 (HMAC SHA-256)", RFC7515_A1_KEY,
                  '{"typ":"JWT",\r\n "alg":"HS256"}', RFC7515_PAYLOAD,
                  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", True),
        rfc_entry("RFC 7515 A.2", "RFC 7515 appendix A.2 (RSASSA-PKCS1-v1_5 SHA-256)", RFC7515_A2_KEY,
                  '{"alg":"RS256"}', RFC7515_PAYLOAD,
                  "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw",
                  True),
        rfc_entry("RFC 7515 A.3", "RFC 7515 appendix A.3 (ECDSA P-256 SHA-256)", RFC7515_A3_KEY,
                  '{"alg":"ES256"}', RFC7515_PAYLOAD,
                  "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q", False),
        rfc_entry("RFC 7515 A.4", "RFC 7515 appendix A.4 (ECDSA P-521 SHA-512)", RFC7515_A4_KEY,
                  '{"alg":"ES512"}', "Payload",
                  "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn",
                  False),
        rfc_entry("RFC 8037 A.4", "RFC 8037 appendix A.4 (Ed25519 signing; A.5 verifies the same token)",
                  RFC8037_KEY, '{"alg":"EdDSA"}', "Example of Ed25519 signing",
                  "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg", True),
    ]


def thumbprint_entries(keys):
    out = []
    for name, source, key, want in (
            ("RFC 7638 3.1", "RFC 7638 section 3.1", RFC7638_KEY, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"),
            ("RFC 8037 A.3", "RFC 8037 appendix A.3", {k: v for k, v in RFC8037_KEY.items() if k != "d"},
             "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")):
        assert jwk.JWK(**key).thumbprint() == want, name
        out.append({"name": name, "source": source, "jwk": key, "thumbprint": want})
    for name, e in keys.items():
        out.append({"name": name, "source": "jwcrypto", "jwk": e.get("public_jwk", e.get("private_jwk")),
                    "thumbprint": e["thumbprint"]})
    return out


# ---- must-fail tokens --------------------------------------------------------------------------

def hs_raw(secret: bytes, header_part: str, payload_part: str, alg="HS256"):
    """An HMAC-signed token over the given (possibly ill-formed) encoded parts."""
    si = header_part + "." + payload_part
    return si + "." + b64u(hmac.new(secret, si.encode(), HMAC_HASH[alg[2:]]).digest())


def hs(secret: bytes, header: str, payload: str, alg="HS256"):
    return hs_raw(secret, b64u(header.encode()), b64u(payload.encode()), alg)


def must_fail(keys, cases):
    by = {c["name"]: c for c in cases}
    hs_tok = by["jwt-HS256"]["token"]
    rs_tok = by["jwt-RS256"]["token"]
    es_tok = by["jwt-ES256"]["token"]
    ed_tok = by["jwt-EdDSA"]["token"]
    secret = b64u_dec(keys["hmac256"]["secret_b64url"])
    h, p, s = hs_tok.split(".")
    payload = '{"sub":"x"}'
    out = []

    def add(name, token, key, allowed, error, why):
        out.append({"name": name, "token": token, "key": key, "allowed": allowed, "error": error, "why": why})

    for spelling in ("none", "None", "NONE", "nOnE"):
        hdr = b64u(('{"alg":"%s"}' % spelling).encode())
        add("alg-" + spelling, hdr + "." + b64u(payload.encode()) + ".", "hmac256", ["HS256"], "algorithm",
            "\"none\" is refused in every spelling")
        add("alg-%s-with-signature" % spelling, hs(secret, '{"alg":"%s"}' % spelling, payload), "hmac256",
            ["HS256"], "algorithm", "\"none\" is refused even with a signature")
    add("alg-unknown", hs(secret, '{"alg":"HS1"}', payload), "hmac256", ["HS256"], "algorithm", "unknown alg")
    add("alg-lowercase", hs(secret, '{"alg":"hs256"}', payload), "hmac256", ["HS256"], "algorithm",
        "alg names are case-sensitive")
    add("alg-not-allowed", rs_tok, "rsa2048", ["ES256"], "algorithm", "RS256 is not in the allow-list")
    add("alg-not-string", hs(secret, '{"alg":256}', payload), "hmac256", ["HS256"], "malformed", "alg is a number")
    add("alg-missing", hs(secret, '{"typ":"JWT"}', payload), "hmac256", ["HS256"], "malformed", "no alg")
    rsa_pub_pem = keys["rsa2048"]["spki_pem"].encode()
    add("hs256-with-rsa-public-key-as-secret", hs(rsa_pub_pem, '{"alg":"HS256"}', payload), "rsa2048:public",
        ["HS256", "RS256"], "key_type", "HS/RS key confusion: an RSA key never serves as an HMAC secret")
    add("rs256-with-hmac-key", rs_tok, "hmac256", ["RS256"], "key_type", "an HMAC key cannot verify RS256")
    add("es256-with-p384-key", es_tok, "ec_p384:public", ["ES256"], "key_type", "ES256 needs a P-256 key")
    add("eddsa-with-ec-key", ed_tok, "ec_p256:public", ["EdDSA"], "key_type", "EdDSA needs an Ed25519 key")
    add("modified-payload", h + "." + b64u(b'{"sub":"admin"}') + "." + s, "hmac256", ["HS256"], "signature",
        "payload changed after signing")
    add("modified-signature", h + "." + p + "." + ("A" if s[0] != "A" else "B") + s[1:], "hmac256", ["HS256"],
        "signature", "first signature character changed")
    add("empty-signature", h + "." + p + ".", "hmac256", ["HS256"], "signature", "signature part empty")
    add("rs256-signature-with-leading-zero", rs_tok.rsplit(".", 1)[0] + "." +
        b64u(b"\0" + b64u_dec(rs_tok.rsplit(".", 1)[1])), "rsa2048:public", ["RS256"], "signature",
        "an RSA signature must have exactly the modulus length")
    es_sig = b64u_dec(es_tok.rsplit(".", 1)[1])
    r, s_ = int.from_bytes(es_sig[:32], "big"), int.from_bytes(es_sig[32:], "big")
    add("es256-der-signature", es_tok.rsplit(".", 1)[0] + "." + b64u(utils.encode_dss_signature(r, s_)),
        "ec_p256:public", ["ES256"], "signature", "ES256 signatures are raw R||S (RFC 7518 3.4), not DER")
    add("truncated-two-parts", h + "." + p, "hmac256", ["HS256"], "malformed", "no signature part")
    add("truncated-one-part", h, "hmac256", ["HS256"], "malformed", "no dots")
    add("truncated-mid-signature", hs_tok[:-11], "hmac256", ["HS256"], "signature",
        "signature cut short (still valid base64url)")
    add("extra-dot", hs_tok + ".", "hmac256", ["HS256"], "malformed", "four parts")
    add("jwe-five-parts", h + ".." + p + ".." + s, "hmac256", ["HS256"], "malformed", "JWE is not a JWS")
    add("empty-token", "", "hmac256", ["HS256"], "malformed", "empty input")
    add("empty-header", "." + p + "." + s, "hmac256", ["HS256"], "malformed", "empty header part")
    add("header-padding", h + "=." + p + "." + s, "hmac256", ["HS256"], "malformed", "base64url has no padding")
    add("header-bad-base64", h[:-1] + "*." + p + "." + s, "hmac256", ["HS256"], "malformed", "'*' in header")
    add("payload-standard-base64-signed", hs_raw(secret, b64u(b'{"alg":"HS256"}'), "-_8".replace("-", "+").replace("_", "/")),
        "hmac256", ["HS256"], "malformed", "'+' and '/' are not base64url, even under a valid signature")
    add("payload-bad-base64-signed", hs_raw(secret, b64u(b'{"alg":"HS256"}'), "a*b"), "hmac256", ["HS256"],
        "malformed", "the signature verifies but the payload does not decode")
    kid_hdr = next(hh for hh in ('{"alg":"HS256","kid":"%s"}' % ("?" * i + ">" * j) for i in range(4) for j in range(4))
                   if "-" in b64u(hh.encode()) or "_" in b64u(hh.encode()))
    add("header-standard-base64", hs_raw(secret, b64u(kid_hdr.encode()).replace("-", "+").replace("_", "/"),
                                         b64u(payload.encode())),
        "hmac256", ["HS256"], "malformed", "'+' and '/' are not base64url")
    add("signature-bad-base64", h + "." + p + "." + s[:-1] + "!", "hmac256", ["HS256"], "malformed", "'!'")
    add("whitespace", h + " ." + p + "." + s, "hmac256", ["HS256"], "malformed", "space before a dot")
    add("header-not-json", b64u(b"alg=HS256") + "." + p + "." + s, "hmac256", ["HS256"], "malformed", "not JSON")
    add("header-json-array", hs(secret, '["alg","HS256"]', payload), "hmac256", ["HS256"], "malformed",
        "header is an array")
    add("header-duplicate-alg", hs(secret, '{"alg":"HS256","alg":"none"}', payload), "hmac256", ["HS256"],
        "malformed", "duplicate member names are refused (RFC 7515 5.2)")
    add("header-trailing-data", hs(secret, '{"alg":"HS256"}x', payload), "hmac256", ["HS256"], "malformed",
        "data after the JSON object")
    add("header-invalid-utf8", b64u(b'{"alg":"HS256","kid":"\xff"}') + "." + p + "." + s, "hmac256", ["HS256"],
        "malformed", "header is not UTF-8")
    add("crit", hs(secret, '{"alg":"HS256","crit":["exp"],"exp":1}', payload), "hmac256", ["HS256"],
        "malformed", "no crit extension is understood: the token is refused (RFC 7515 4.1.11)")
    add("b64-false", hs(secret, '{"alg":"HS256","b64":false,"crit":["b64"]}', payload), "hmac256", ["HS256"],
        "malformed", "RFC 7797 unencoded payloads are not understood: the token is refused")
    add("enc-header", hs(secret, '{"alg":"HS256","enc":"A128GCM"}', payload), "hmac256", ["HS256"],
        "malformed", "a JWE header in a three-part token")
    add("payload-bad-base64-unsigned", h + ".a*b." + s, "hmac256", ["HS256"], "signature",
        "the signature covers the payload text, so the signature check fails first")
    return out


def claims_token(keys, claims: str, header='{"alg":"HS256","typ":"JWT"}'):
    return hs(b64u_dec(keys["hmac256"]["secret_b64url"]), header, claims)


def jwt_cases(keys):
    """JWT verification with a fixed clock: each names the verifier settings and the expected result."""
    out = []

    def add(name, claims, verifier, error, header='{"alg":"HS256","typ":"JWT"}'):
        v = {"now": NOW}
        v.update(verifier)
        out.append({"name": name, "token": claims_token(keys, claims, header), "key": "hmac256",
                    "allowed": ["HS256"], "header": header, "claims": claims, "verifier": v, "error": error})

    add("valid-minimal", '{"sub":"a"}', {}, None)
    add("exp-future", '{"exp":%d}' % (NOW + 1), {}, None)
    add("exp-now", '{"exp":%d}' % NOW, {}, "expired")
    add("exp-past", '{"exp":%d}' % (NOW - 1), {}, "expired")
    add("exp-past-within-leeway", '{"exp":%d}' % (NOW - 30), {"leeway": 60}, None)
    add("exp-past-beyond-leeway", '{"exp":%d}' % (NOW - 60), {"leeway": 60}, "expired")
    add("exp-fractional", '{"exp":%d.5}' % NOW, {}, None)
    add("exp-string", '{"exp":"%d"}' % (NOW + 100), {}, "claim")
    add("nbf-future", '{"nbf":%d}' % (NOW + 1), {}, "not_yet_valid")
    add("nbf-now", '{"nbf":%d}' % NOW, {}, None)
    add("nbf-future-within-leeway", '{"nbf":%d}' % (NOW + 30), {"leeway": 60}, None)
    add("iat-future", '{"iat":%d}' % (NOW + 1), {}, "issued_in_future")
    add("iat-future-within-leeway", '{"iat":%d}' % (NOW + 5), {"leeway": 10}, None)
    add("iat-past", '{"iat":%d}' % (NOW - 1000), {}, None)
    add("iss-match", '{"iss":"https://issuer.example"}', {"issuer": "https://issuer.example"}, None)
    add("iss-mismatch", '{"iss":"https://evil.example"}', {"issuer": "https://issuer.example"}, "claim")
    add("iss-missing", '{"sub":"a"}', {"issuer": "https://issuer.example"}, "missing_claim")
    add("iss-not-string", '{"iss":["https://issuer.example"]}', {"issuer": "https://issuer.example"}, "claim")
    add("sub-match", '{"sub":"client-1"}', {"subject": "client-1"}, None)
    add("sub-mismatch", '{"sub":"client-2"}', {"subject": "client-1"}, "claim")
    add("aud-string-match", '{"aud":"api-1"}', {"audience": ["api-1"]}, None)
    add("aud-array-match", '{"aud":["api-0","api-1"]}', {"audience": ["api-1"]}, None)
    add("aud-one-of-several", '{"aud":"api-2"}', {"audience": ["api-1", "api-2"]}, None)
    add("aud-mismatch", '{"aud":"api-3"}', {"audience": ["api-1"]}, "claim")
    add("aud-array-mismatch", '{"aud":["api-3","api-4"]}', {"audience": ["api-1"]}, "claim")
    add("aud-missing", '{"sub":"a"}', {"audience": ["api-1"]}, "missing_claim")
    add("aud-unexpected", '{"aud":"api-1"}', {}, "claim")
    add("aud-not-string", '{"aud":1}', {"audience": ["api-1"]}, "claim")
    add("required-present", '{"jti":"1"}', {"require": ["jti"]}, None)
    add("required-missing", '{"sub":"a"}', {"require": ["jti"]}, "missing_claim")
    add("typ-match", '{"sub":"a"}', {"typ": "JWT"}, None)
    add("typ-case-and-prefix", '{"sub":"a"}', {"typ": "at+jwt"}, None,
        header='{"alg":"HS256","typ":"application/AT+JWT"}')
    add("typ-mismatch", '{"sub":"a"}', {"typ": "at+jwt"}, "claim")
    add("typ-missing", '{"sub":"a"}', {"typ": "JWT"}, "claim", header='{"alg":"HS256"}')
    add("claims-not-object", '["sub"]', {}, "malformed")
    add("claims-not-json", 'sub=a', {}, "malformed")
    add("claims-duplicate", '{"exp":1,"exp":%d}' % (NOW + 100), {}, "malformed")
    add("too-large", '{"sub":"%s"}' % ("a" * 200), {"max_size": 128}, "malformed")
    return out


def main():
    old = json.load(open(OUT)) if os.path.exists(OUT) and "--new-keys" not in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp:
        if old is not None:
            base = {}
            for name, e in old["keys"].items():
                base[name] = {"kty": e["kty"]}
                for form in ("pkcs8_pem", "secret_b64url"):
                    if form in e:
                        base[name][form] = e[form]
        else:
            base = make_keys(tmp)
        keys = {name: derive_forms(name, e, tmp) for name, e in base.items()}
        cert = make_certificate(keys, tmp, None if old is None else {"key": "rsa2048", "pem": old["certificates"]["rsa2048-self-signed"]["pem"]})
        certs = {"rsa2048-self-signed": certificate_forms(cert, tmp)}
    cases = jws_cases(keys)
    if old is not None:
        # Keep what is randomised by nature (salted encryptions, PS*/ES* signatures) when its input is
        # unchanged, so that a re-run does not rewrite the file.
        for name, e in keys.items():
            for form in ("pkcs8_encrypted_pem", "pkcs8_encrypted_der_b64", "pkcs1_encrypted_pem"):
                if form in e and form in old["keys"].get(name, {}) and \
                        old["keys"][name].get("pkcs8_pem") == e.get("pkcs8_pem"):
                    e[form] = old["keys"][name][form]
        previous = {c["name"]: c for c in old["jws"]}
        for c in cases:
            p = previous.get(c["name"])
            if not c["deterministic"] and p and p["signing_input"] == c["signing_input"] and p["key"] == c["key"]:
                c["signature_b64"], c["token"] = p["signature_b64"], p["token"]
    doc = {
        "format": "m2mauth JOSE vectors v1, described in tests/vectors/README.md",
        "generator": "tests/vectors/m2mauth/generate.py (OpenSSL CLI, pyca/cryptography, jwcrypto; no m2mauth code)",
        "keys": keys,
        "certificates": certs,
        "jws": cases,
        "rfc": rfc_entries(),
        "thumbprints": thumbprint_entries(keys),
        "must_fail": must_fail(keys, cases),
        "jwt": jwt_cases(keys),
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
