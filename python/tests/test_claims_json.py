"""The native claims writer (m2mauth._m2mauth.claims_json) against json.dumps(separators=(",", ":")):
byte for byte on plain values, None (use the json module) on everything else; jwt.encode signs the same
text either way."""

import json
import math
import random
from collections import OrderedDict

import pytest

import m2mauth
from m2mauth import _m2mauth as native

COMPACT = (",", ":")


def dumps(obj):
    return json.dumps(obj, separators=COMPACT)


def random_text(rng: random.Random) -> str:
    pools = [range(0x00, 0x80), range(0x80, 0x800), range(0x800, 0xD800), range(0xD800, 0xE000),
             range(0xE000, 0x10000), range(0x10000, 0x110000)]
    chars = []
    for _ in range(rng.randrange(0, 12)):
        pool = rng.choice(pools)
        chars.append(chr(rng.randrange(pool.start, pool.stop)))
    return "".join(chars)


def random_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(10 if depth < 4 else 7)
    if kind == 0:
        return random_text(rng)
    if kind == 1:
        return rng.choice([0, 1, -1, 2**31, -(2**63), 2**63 - 1, rng.randrange(-10**12, 10**12)])
    if kind == 2:
        return rng.choice([0.0, -0.0, 0.1, 1e16, 1e-7, 1.5e300, 5e-324, 123456789.125, rng.uniform(-1e6, 1e6)])
    if kind == 3:
        return rng.choice([True, False, None])
    if kind in (4, 5, 6):
        return rng.choice(["bmp.digital.api.partner", "https://auth.example.com/connect/token", "a\"b\\c/d",
                           "\n\r\t\b\f\x00\x1f\x7f", "é", "😀", "\ud800"])
    if kind in (7, 8):
        return {random_text(rng): random_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))}
    seq = [random_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
    return seq if rng.random() < 0.7 else tuple(seq)


def test_random_plain_claims_match_json_dumps():
    rng = random.Random(20261125)
    for _ in range(3000):
        claims = {random_text(rng): random_value(rng) for _ in range(rng.randrange(0, 8))}
        assert native.claims_json(claims) == dumps(claims)


def test_typical_assertion_claims():
    claims = {"iss": "bmp.digital.api.partner", "sub": "bmp.digital.api.partner",
              "aud": "https://auth.moneyp.com.br/connect/token", "jti": "8c1b0e9c-7a51-4a53-9b9a-3f0c3c4d7f00",
              "iat": 1700000000, "nbf": 1700000000.5, "exp": 4102444800, "scope": ["a", "b"], "x": None}
    assert native.claims_json(claims) == dumps(claims)


class StrSub(str):
    pass


class IntSub(int):
    pass


@pytest.mark.parametrize("claims", [
    OrderedDict(a=1),                       # not a plain dict at the top
    {"a": OrderedDict(b=1)},                # nor inside
    {1: "int key"}, {None: 1}, {True: 1},   # json.dumps turns these keys into text
    {"big": 2**64}, {"neg": -(2**63) - 1},  # beyond 64 bits
    {"nan": math.nan}, {"inf": math.inf},   # json.dumps writes NaN / Infinity
    {"s": StrSub("x")}, {"i": IntSub(3)},   # subclasses (json.dumps may call their methods)
    {"set": {1}}, {"bytes": b"x"},          # not JSON at all: json.dumps raises
])
def test_left_to_the_json_module(claims):
    assert native.claims_json(claims) is None


def test_deep_nesting_left_to_the_json_module():
    deep = {}
    cur = deep
    for _ in range(40):
        cur["a"] = {}
        cur = cur["a"]
    assert native.claims_json(deep) is None
    assert native.claims_json({"a": {"b": [1, [2, [3]]]}}) == dumps({"a": {"b": [1, [2, [3]]]}})


def test_not_a_dict():
    for obj in ([1], "x", 1, None):
        assert native.claims_json(obj) is None


def test_encode_signs_the_same_text_on_both_paths():
    key = m2mauth.Key.hmac(b"k" * 32)
    plain = {"iss": "me", "n": 1.25, "u": "ü😀"}
    via_module = OrderedDict(plain)  # takes the json-module path
    assert m2mauth.jwt.encode(plain, key, "HS256") == m2mauth.jwt.encode(via_module, key, "HS256")
    assert m2mauth.jwt.decode(m2mauth.jwt.encode(plain, key, "HS256"), key, ["HS256"]) == plain
    with pytest.raises(TypeError):
        m2mauth.jwt.encode({"set": {1}}, key, "HS256")
