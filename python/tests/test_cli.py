"""The m2mauth command, run as a subprocess (python -m m2mauth): outputs, exit codes, stderr lines,
file modes, and that secrets are neither taken from the command line nor printed."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

import pytest

import m2mauth

PASSPHRASE = "cli passphrase 0xC0FFEE"
SECRET = "cli-hmac-secret-value-that-is-32+bytes"


def run(args, *, stdin=None, env=None, umask=None, cwd=None):
    full_env = dict(os.environ)
    full_env.update(env or {})

    def pre():
        if umask is not None:
            os.umask(umask)

    proc = subprocess.run([sys.executable, "-m", "m2mauth", *args], input=stdin, capture_output=True, text=True,
                          env=full_env, cwd=cwd, preexec_fn=pre, timeout=120)
    for text in (proc.stdout, proc.stderr):
        assert PASSPHRASE not in text and SECRET not in text
        assert "PRIVATE KEY" not in text
    return proc


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def rsa_files(tmp_path):
    priv, pub = tmp_path / "private.pem", tmp_path / "public.pem"
    proc = run(["keygen", "--type", "RSA", "--bits", "2048", "--out", str(priv), "--public-out", str(pub)])
    assert proc.returncode == 0, proc.stderr
    return priv, pub, json.loads(proc.stdout)


def test_help_everywhere():
    for args in ([], ["keygen"], ["jwk"], ["thumbprint"], ["fingerprint"], ["jwt"], ["jwt", "encode"],
                 ["jwt", "decode"], ["jwt", "verify"]):
        proc = run([*args, "--help"])
        assert proc.returncode == 0 and "usage: m2mauth" in proc.stdout
        assert "exit codes: 0 ok, 1 verification failed or token refused, 2 usage, 3 I/O error, 4 other error" \
            in proc.stdout
    assert run(["--version"]).stdout.strip() == f"m2mauth {m2mauth.__version__}"


def test_keygen_rsa_like_the_onboarding_guide(rsa_files):
    priv, pub, out = rsa_files
    assert mode(priv) == 0o600
    assert mode(pub) == 0o644
    key = m2mauth.Key.from_file(priv)
    assert key.kty == "RSA" and key.bits == 2048 and key.has_private
    assert priv.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert pub.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert m2mauth.Key.from_file(pub) == key.public_key()
    assert out["thumbprint"] == key.thumbprint()
    assert out["jwk"] == key.with_kid().public_jwk()
    assert (out["private_key"], out["public_key"]) == (str(priv), str(pub))


def test_keygen_refuses_to_overwrite(rsa_files):
    priv, pub, _ = rsa_files
    before = priv.read_bytes()
    for target in (["--out", str(priv)], ["--out", str(priv.with_name("new.pem")), "--public-out", str(pub)]):
        proc = run(["keygen", *target])
        assert proc.returncode == 3
        assert proc.stderr.startswith("m2mauth: i/o error: ") and "exists (use --force" in proc.stderr
    assert priv.read_bytes() == before
    assert not priv.with_name("new.pem").exists()  # nothing written when one output exists
    proc = run(["keygen", "--out", str(priv), "--public-out", str(pub), "--force"], umask=0)
    assert proc.returncode == 0
    assert priv.read_bytes() != before and mode(priv) == 0o600
    assert [p.name for p in priv.parent.iterdir() if p.name.startswith(".")] == []  # no temp file left


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077, 0o277])
def test_private_key_mode_under_any_umask(tmp_path, umask):
    priv = tmp_path / "k.pem"
    proc = run(["keygen", "--type", "EC", "--out", str(priv)], umask=umask)
    assert proc.returncode == 0, proc.stderr
    assert mode(priv) == 0o600


def test_keygen_types_and_passphrases(tmp_path):
    pf = tmp_path / "pass.txt"
    pf.write_text(PASSPHRASE + "\n")
    cases = [(["--type", "EC", "--curve", "P-384", "--passphrase-file", str(pf)], {}, ("EC", 384)),
             (["--type", "Ed25519", "--passphrase-env", "M2M_PASS"], {"M2M_PASS": PASSPHRASE}, ("OKP", 256)),
             (["--type", "RSA", "--bits", "3072"], {}, ("RSA", 3072))]
    for i, (args, env, (kty, bits)) in enumerate(cases):
        out = tmp_path / f"k{i}.pem"
        proc = run(["keygen", *args, "--out", str(out), "--alg", "ES384" if kty == "EC" else "EdDSA", "--use", "sig",
                    "--kid", f"kid-{i}"], env=env)
        assert proc.returncode == 0, proc.stderr
        printed = json.loads(proc.stdout)
        assert printed["jwk"]["kid"] == f"kid-{i}" and printed["jwk"]["use"] == "sig"
        if "--passphrase-file" in args or "--passphrase-env" in args:
            assert out.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
            with pytest.raises(m2mauth.PassphraseError):
                m2mauth.Key.from_file(out)
            key = m2mauth.Key.from_file(out, password=PASSPHRASE)
        else:
            key = m2mauth.Key.from_file(out)
        assert (key.kty, key.bits) == (kty, bits)


def test_keygen_usage_and_errors(tmp_path):
    assert run(["keygen"]).returncode == 2  # --out is required
    assert run(["keygen", "--out", str(tmp_path / "a"), "--type", "DSA"]).returncode == 2
    # secrets are never options with a value on the command line
    proc = run(["keygen", "--out", str(tmp_path / "a"), "--passphrase", PASSPHRASE])
    assert proc.returncode == 2 and not (tmp_path / "a").exists()
    proc = run(["keygen", "--out", str(tmp_path / "a"), "--bits", "1000"])
    assert proc.returncode == 4 and proc.stderr.startswith("m2mauth: error: ")
    proc = run(["keygen", "--out", str(tmp_path / "b"), "--passphrase-env", "M2M_UNSET_VARIABLE"])
    assert proc.returncode == 2 and "M2M_UNSET_VARIABLE" in proc.stderr
    proc = run(["keygen", "--out", str(tmp_path / "no-such-dir" / "k.pem")])
    assert proc.returncode == 3 and proc.stderr.startswith("m2mauth: i/o error: ")
    proc = run(["keygen", "--out", str(tmp_path / "c"), "--public-out", str(tmp_path / "c")])
    assert proc.returncode == 2


def test_jwk_thumbprint_fingerprint(rsa_files, tmp_path, jose):
    priv, pub, out = rsa_files
    proc = run(["jwk", str(pub)])
    assert proc.returncode == 0 and json.loads(proc.stdout) == out["jwk"]
    proc = run(["jwk", str(priv), "--kid", "mine", "--alg", "RS256", "--use", "sig"])
    jwk = json.loads(proc.stdout)
    assert jwk["kid"] == "mine" and jwk["alg"] == "RS256" and "d" not in jwk
    ec = tmp_path / "ec.pem"
    ec.write_text(m2mauth.Key.generate("EC").private_pem())
    proc = run(["jwk", str(pub), str(ec)])
    assert [k["kty"] for k in json.loads(proc.stdout)["keys"]] == ["RSA", "EC"]
    assert json.loads(run(["jwk", "--set", str(pub)]).stdout)["keys"][0] == out["jwk"]
    assert "kid" not in json.loads(run(["jwk", "--no-kid", str(pub)]).stdout)
    assert json.loads(run(["jwk", "-"], stdin=pub.read_text()).stdout) == out["jwk"]
    # the private JWK only ever goes to a 0600 file
    assert run(["jwk", "--private", str(priv)]).returncode == 2
    target = tmp_path / "private.jwk"
    proc = run(["jwk", "--private", "--out", str(target), str(priv)])
    assert proc.returncode == 0 and proc.stdout == "" and mode(target) == 0o600
    assert m2mauth.Key.from_jwk(target.read_text()) == m2mauth.Key.from_file(priv)
    assert run(["jwk", "--private", "--out", str(target), str(priv)]).returncode == 3

    assert run(["thumbprint", str(priv)]).stdout.strip() == out["thumbprint"]
    assert run(["thumbprint", str(pub)]).stdout.strip() == out["thumbprint"]
    proc = run(["thumbprint", str(tmp_path / "missing.pem")])
    assert proc.returncode == 3 and "missing.pem" in proc.stderr
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    proc = run(["thumbprint", str(junk)])
    assert proc.returncode == 4 and proc.stderr.startswith("m2mauth: error: key: ")

    c = jose["certificates"]["rsa2048-self-signed"]
    cert = tmp_path / "c.pem"
    cert.write_text(c["pem"])
    assert run(["fingerprint", str(cert)]).stdout.strip() == c["openssl_sha256_fingerprint"].split("=", 1)[-1]
    assert run(["fingerprint", str(cert), "--hash", "sha1", "--format", "hex"]).stdout.strip() == c["sha1_hex"]


def test_jwt_encode_decode_verify(rsa_files, tmp_path):
    priv, pub, out = rsa_files
    claims = {"iss": "bmp.digital.api.partner", "sub": "bmp.digital.api.partner", "aud": "https://auth.example/token"}
    proc = run(["jwt", "encode", "--key", str(priv), "--claims", json.dumps(claims), "--iat", "--expires-in", "300",
                "--jti", "--kid", out["thumbprint"]])
    assert proc.returncode == 0, proc.stderr
    token = proc.stdout.strip()
    got = m2mauth.jwt.decode(token, m2mauth.Key.from_file(pub), algorithms=["RS256"], audience=claims["aud"])
    assert got["exp"] - got["iat"] == 300 and abs(got["iat"] - time.time()) < 60 and len(got["jti"]) == 36
    assert m2mauth.jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "JWT", "kid": out["thumbprint"]}

    claims_file = tmp_path / "claims.json"
    claims_file.write_text(json.dumps({"a": 1}))
    t2 = run(["jwt", "encode", "--key", str(priv), "--claims-file", str(claims_file)]).stdout.strip()
    t3 = run(["jwt", "encode", "--key", str(priv), "--alg", "PS256"], stdin='{"a": 1}').stdout.strip()
    assert m2mauth.jwt.decode_unverified(t2) == m2mauth.jwt.decode_unverified(t3) == {"a": 1}

    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    proc = run(["jwt", "decode", "--token-file", str(token_file)])
    assert proc.returncode == 0 and "NOT verified" in proc.stderr
    shown = json.loads(proc.stdout)
    assert shown["verified"] is False and shown["payload"] == got and shown["header"]["alg"] == "RS256"

    ok = run(["jwt", "verify", "--key", str(pub), "--alg", "RS256", "--aud", claims["aud"], "--iss", claims["iss"],
              "--require", "jti"], stdin=token)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"verified": True, "header": shown["header"], "payload": got}
    env_ok = run(["jwt", "verify", "--key", str(pub), "--alg", "ES256,RS256", "--aud", claims["aud"],
                  "--token-env", "M2M_TOKEN"], env={"M2M_TOKEN": token})
    assert env_ok.returncode == 0

    refusals = [
        (["--alg", "ES256", "--aud", claims["aud"]], "algorithm"),
        (["--alg", "RS256"], "claim"),  # the token has aud, none expected
        (["--alg", "RS256", "--aud", "someone-else"], "claim"),
        (["--alg", "RS256", "--aud", claims["aud"], "--iss", "other"], "claim"),
        (["--alg", "RS256", "--aud", claims["aud"], "--require", "scope"], "missing_claim"),
    ]
    for args, name in refusals:
        proc = run(["jwt", "verify", "--key", str(pub), *args], stdin=token)
        assert proc.returncode == 1, (args, proc.stderr)
        assert proc.stderr.startswith(f"m2mauth: verification failed: {name}: "), proc.stderr
        assert proc.stdout == ""
    other = tmp_path / "other.pem"
    other.write_text(m2mauth.Key.generate("RSA", bits=2048).public_pem())
    proc = run(["jwt", "verify", "--key", str(other), "--alg", "RS256", "--aud", claims["aud"]], stdin=token)
    assert proc.returncode == 1 and "verification failed: signature:" in proc.stderr
    proc = run(["jwt", "verify", "--key", str(pub), "--alg", "RS256"], stdin="not-a-token")
    assert proc.returncode == 1 and "verification failed: malformed:" in proc.stderr
    proc = run(["jwt", "decode"], stdin="garbage")  # no JWT: a refused token, 1
    assert proc.returncode == 1 and proc.stderr.startswith("m2mauth: token refused: malformed: not a JWT: ")
    assert run(["jwt", "verify", "--key", str(pub)], stdin=token).returncode == 2  # --alg is required
    assert run(["jwt", "verify", "--key", str(tmp_path / "nope"), "--alg", "RS256"], stdin=token).returncode == 3
    # the token being inspected may be pasted as an argument (the one value the command line takes)
    assert run(["jwt", "verify", "--key", str(pub), "--alg", "RS256", "--aud", claims["aud"], token]).returncode == 0


def test_jwt_expired_and_hmac(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET)
    proc = run(["jwt", "encode", "--secret-file", str(secret_file), "--alg", "HS256", "--claims", '{"exp": 1000}'])
    assert proc.returncode == 0, proc.stderr
    token = proc.stdout.strip()
    assert m2mauth.jws.verify(token, m2mauth.Key.hmac(SECRET), algorithms=["HS256"])
    proc = run(["jwt", "verify", "--secret-env", "M2M_SECRET", "--alg", "HS256"], stdin=token,
               env={"M2M_SECRET": SECRET})
    assert proc.returncode == 1 and proc.stderr.startswith("m2mauth: verification failed: expired: ")
    proc = run(["jwt", "verify", "--secret-env", "M2M_SECRET", "--alg", "HS256", "--leeway", "86400"],
               stdin=run(["jwt", "encode", "--secret-env", "M2M_SECRET", "--claims", f'{{"exp": {int(time.time()) - 5}}}',
                          "--alg", "HS256"], env={"M2M_SECRET": SECRET}).stdout, env={"M2M_SECRET": SECRET})
    assert proc.returncode == 0, proc.stderr
    jwks = tmp_path / "jwks.json"
    a, b = m2mauth.Key.generate("EC", kid="a"), m2mauth.Key.generate("OKP", kid="b")
    jwks.write_text(m2mauth.KeySet.from_keys([a, b]).to_json())
    tok = m2mauth.jwt.encode({"x": 1}, b, algorithm="EdDSA")
    proc = run(["jwt", "verify", "--key", str(jwks), "--alg", "ES256,EdDSA"], stdin=tok)
    assert proc.returncode == 0 and json.loads(proc.stdout)["payload"] == {"x": 1}
    proc = run(["jwt", "verify", "--key", str(jwks), "--kid", "a", "--alg", "ES256,EdDSA"], stdin=tok)
    assert proc.returncode == 1  # the EC key cannot verify an EdDSA token
    assert run(["jwt", "encode", "--claims", "[1]", "--secret-file", str(secret_file)]).returncode == 4
    assert run(["jwt", "encode", "--claims", "{}"]).returncode == 2  # no key


def test_jwt_first_contact_messages(tmp_path):
    """Pasted tokens, '-', messages that name the problem, refusals explained with non-secret values."""
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET)
    hs = ["--secret-file", str(secret_file), "--alg", "HS256"]
    claims = {"iss": "issuer\u0007bell", "sub": "svc", "aud": ["x", "y"], "private_claim": "do-not-show-me"}
    token = run(["jwt", "encode", *hs, "--expires-in", "300", "--claims", json.dumps(claims)]).stdout.strip()

    pasted = run(["jwt", "decode", token])
    assert pasted.returncode == 0 and json.loads(pasted.stdout)["payload"]["sub"] == "svc"
    dash = run(["jwt", "decode", "-"], stdin=token + "\n")
    assert dash.returncode == 0 and dash.stdout == pasted.stdout
    assert run(["jwt", "decode", token, "--token-env", "HOME"]).returncode == 2

    for given, says in (("abc", "expected three base64url parts separated by '.', found 1"),
                        ("a.b.c.d.e", "found 5 (five is a JWE"),
                        ("a$.b.c", "part 1 (the header) is not base64url"),
                        ("", "the input is empty")):
        proc = run(["jwt", "decode"], stdin=given)
        assert proc.returncode == 1, (given, proc.stderr)
        assert proc.stderr.startswith("m2mauth: token refused: malformed: not a JWT: ") and says in proc.stderr
        proc = run(["jwt", "verify", *hs], stdin=given)
        assert proc.returncode == 1 and proc.stderr.startswith("m2mauth: verification failed: malformed: not a JWT")

    def b64(text):
        import base64
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    for header, name in (('{"alg":"none"}', "algorithm"), ('{"alg":"FOO"}', "algorithm"),
                         ('{"alg":"HS256","crit":["x"],"x":1}', "malformed")):
        proc = run(["jwt", "decode", f"{b64(header)}.{b64('{}')}.c2ln"])
        assert proc.returncode == 1 and proc.stderr.startswith(f"m2mauth: token refused: {name}: "), proc.stderr

    garbage = tmp_path / "garbage.pem"
    garbage.write_text("this is not a key")
    proc = run(["jwt", "verify", "--key", str(garbage), "--alg", "RS256", token])
    assert proc.returncode == 4 and "not a PEM, DER or JWK key" in proc.stderr

    proc = run(["jwt", "encode", *hs], stdin="")
    assert proc.returncode == 4 and "no claims: the input is empty" in proc.stderr and proc.stdout == ""

    def refused(*args):
        proc = run(["jwt", "verify", *hs, *args, token])
        assert proc.returncode == 1 and proc.stdout == ""
        assert "do-not-show-me" not in proc.stderr and "\u0007" not in proc.stderr.replace("\\u0007", "")
        return proc.stderr.splitlines()

    lines = refused("--aud", "z")
    assert lines[0].startswith("m2mauth: verification failed: claim: ")
    assert lines[1:] == ['m2mauth:   aud is ["x", "y"], expected one of ["z"]']
    lines = refused("--aud", "x", "--iss", "other", "--sub", "t")
    assert lines[1:] == ['m2mauth:   iss is "issuer\\u0007bell", expected "other"', 'm2mauth:   sub is "svc", expected "t"']
    assert refused()[1].startswith("m2mauth:   aud is [\"x\", \"y\"], and no --aud was given")
    assert refused("--aud", "x", "--require", "scope")[1:] == ['m2mauth:   missing: "scope"']
    lines = run(["jwt", "verify", "--secret-file", str(secret_file), "--alg", "HS512", "--aud", "x", token]).stderr
    assert 'm2mauth:   alg is "HS256", accepted: HS512' in lines
    old = run(["jwt", "encode", *hs, "--claims", '{"exp": 1000}']).stdout.strip()
    lines = run(["jwt", "verify", *hs, old]).stderr.splitlines()
    assert lines[0].startswith("m2mauth: verification failed: expired: ")
    assert lines[1].startswith("m2mauth:   exp is 1000 (1970-01-01T00:16:40Z, ") and lines[1].endswith("ago); leeway 0 s")
