"""The exception hierarchy: every library code has its class; attributes; no secrets in messages;
the import-time version check."""

from __future__ import annotations

import json
import pickle

import pytest

import m2mauth
from m2mauth import errors
from m2mauth._native import check_versions, native
from conftest import VECTORS


def test_every_library_code_has_its_class():
    codes = native.error_codes()
    assert len(codes) >= 32
    for name, code in codes.items():
        cls = errors.error_class_for(code)
        if code != -1:
            assert cls is not errors.Error, name
        with pytest.raises(cls) as info:
            native.raise_error(code, f"message for {name}")
        exc = info.value
        assert type(exc) is cls
        assert (exc.code, exc.name, str(exc)) == (code, name, f"message for {name}")
        assert exc.name == native.error_name(code)
        assert isinstance(exc, m2mauth.Error)
        # the class's own default code is the code it stands for
        assert cls("x").code == code or cls is errors.Error, name


@pytest.mark.parametrize("code,bases", [
    (-2, (m2mauth.InvalidInputError, ValueError)),
    (-5, (m2mauth.InvalidInputError, ValueError)),
    (-20, (m2mauth.InvalidInputError, m2mauth.InvalidTokenError, ValueError)),
    (-21, (m2mauth.InvalidTokenError,)),
    (-22, (m2mauth.InvalidTokenError,)),
    (-23, (m2mauth.InvalidTokenError,)),
    (-24, (m2mauth.InvalidTokenError,)),
    (-25, (m2mauth.ImmatureTokenError, m2mauth.InvalidTokenError)),
    (-26, (m2mauth.InvalidTokenError,)),
    (-27, (m2mauth.InvalidTokenError,)),
    (-10, (m2mauth.InvalidKeyError,)),
    (-11, (m2mauth.InvalidKeyError,)),
    (-12, (m2mauth.InvalidKeyError,)),
    (-13, (m2mauth.InvalidKeyError,)),
    (-6, (LookupError,)),
    (-3, (MemoryError,)),
    (-40, (m2mauth.TransientError,)),
    (-41, (m2mauth.NetworkError, m2mauth.TransientError)),
    (-50, (m2mauth.TransientError,)),
])
def test_hierarchy(code, bases):
    cls = errors.error_class_for(code)
    for base in bases:
        assert issubclass(cls, base), (cls, base)


def test_transient_flag_and_pyjwt_aliases():
    with pytest.raises(m2mauth.NetworkTimeoutError) as info:
        native.raise_error(-41, "deadline")
    assert info.value.transient
    with pytest.raises(m2mauth.HTTPError) as info:
        native.raise_error(-44, "status 400")
    assert not info.value.transient
    assert m2mauth.ExpiredSignatureError is m2mauth.ExpiredTokenError
    assert m2mauth.ImmatureSignatureError is m2mauth.ImmatureTokenError
    assert m2mauth.InvalidAlgorithmError is m2mauth.AlgorithmError
    assert m2mauth.DecodeError is m2mauth.MalformedError
    assert m2mauth.MissingRequiredClaimError is m2mauth.MissingClaimError


def test_unknown_code_is_a_plain_error():
    with pytest.raises(m2mauth.Error) as info:
        native.raise_error(-99, "from the future")
    assert type(info.value) is m2mauth.Error and info.value.code == -99 and info.value.name == "unknown"


def test_oauth_error_attributes_and_pickling():
    exc = errors._from_native(-45, "oauth", "oauth_refusal", "token endpoint said invalid_client", False, 401,
                              "invalid_client", "bad key", "https://doc", 0, 2500)
    assert isinstance(exc, m2mauth.OAuthError)
    assert (exc.error, exc.error_description, exc.error_uri, exc.http_status) == \
        ("invalid_client", "bad key", "https://doc", 401)
    assert exc.retry_after == 2.5
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is m2mauth.OAuthError and back.error == "invalid_client" and str(back) == str(exc)
    assert back.category == exc.category == "oauth_refusal"
    vendor = errors._from_native(-47, "vendor", "vendor", "A2A error", False, 200, "", "", "", 1011, 0)
    assert isinstance(vendor, m2mauth.VendorError) and vendor.vendor_code == 1011
    assert repr(vendor) == "VendorError('A2A error', code=-47, name='vendor')"


def test_raised_from_python_has_default_codes():
    assert m2mauth.ExpiredTokenError("x").code == -23
    assert m2mauth.InvalidClaimError("x").name == "claim"
    assert m2mauth.NetworkError("x").transient


def test_messages_hold_no_secrets(keys, jose):
    secret = b"this-is-the-hmac-secret-value-0123456789"
    hkey = m2mauth.Key.hmac(secret)
    token = m2mauth.jwt.encode({"sub": "x", "exp": 1}, hkey, algorithm="HS256")
    texts = []
    for call in (
        lambda: m2mauth.jwt.decode(token, hkey, algorithms=["HS256"]),
        lambda: m2mauth.jwt.decode(token, m2mauth.Key.hmac(secret[::-1]), algorithms=["HS256"]),
        lambda: m2mauth.jwt.decode(token, hkey, algorithms=["RS256"]),
        lambda: m2mauth.jwt.decode(token[:-3], hkey, algorithms=["HS256"]),
        lambda: m2mauth.Key.from_pem(jose["keys"]["ec_p256"]["pkcs8_encrypted_pem"], password="hunter2-secret"),
        lambda: m2mauth.Key.from_pem(keys["RSA"].private_pem()[:-40]),
        lambda: m2mauth.Key.from_jwk({"kty": "oct", "k": "c2VjcmV0LXNlY3JldA="}),
        lambda: hkey.public_jwk(),
    ):
        with pytest.raises(m2mauth.Error) as info:
            call()
        texts.append(str(info.value) + repr(info.value) + repr(info.value.args))
    blob = "\n".join(texts)
    for s in (secret.decode(), "hunter2-secret", token.split(".")[2], "c2VjcmV0LXNlY3JldA",
              keys["RSA"].private_jwk()["d"][:20]):
        assert s not in blob


def test_version_check():
    loaded = native.library_version_number()
    check_versions(native.COMPILED_VERSION_NUMBER, loaded)
    check_versions(loaded - loaded % 100 + 99, loaded)  # another patch release of the same minor
    assert native.version_compatible(loaded) and not native.version_compatible(loaded + 100)
    text = f"{loaded // 10000}.{loaded // 100 % 100}.{loaded % 100}"
    newer = f"{loaded // 10000}.{loaded // 100 % 100 + 1}.{loaded % 100}"
    with pytest.raises(ImportError, match=f"compiled for libm2mauth {newer} but libm2mauth {text} is loaded"):
        check_versions(loaded + 100, loaded)
    assert m2mauth.__version__ == native.library_version_string()
    assert m2mauth.library_version().startswith("m2mauth ")


def test_every_code_lands_in_its_family_as_errors_json_says():
    """The file the C, Java and Go suites read too: one family per code, in every language."""
    doc = json.loads((VECTORS / "m2mauth" / "errors.json").read_text())
    families = doc["families"]
    assert set(families) == set(errors._FAMILY_BY_CATEGORY)
    for family, classes in families.items():
        # the one table maps each category to the class errors.json names for Python, 1:1
        assert errors.family_for_category(family) is getattr(errors, classes["python"]), family
    assert len({c["python"] for c in families.values()}) == len(families)
    for c in doc["codes"]:
        code, name, category = c["value"], c["name"], c["category"]
        assert native.error_name(code) == name
        assert native.error_category_name(native.error_category(code)) == category
        if c["family"] is None:
            continue
        family = getattr(errors, families[c["family"]]["python"])
        with pytest.raises(m2mauth.Error) as info:
            native.raise_error(code, f"message for {name}")  # through the translator, as a failed call
        exc = info.value
        assert isinstance(exc, family), (name, type(exc).__name__)
        assert exc.category == category
        assert exc.transient == c["transient"], name
        assert errors.error_class_for(code) is type(exc)
    for code in doc["unknown_codes"]:
        if code < 0:
            with pytest.raises(m2mauth.Error) as info:
                native.raise_error(code, "unknown")
            assert type(info.value) is errors.Error and info.value.category == "internal"
