"""tests/vectors/m2mauth/options.json: the Python arguments (seconds, None = default) give the same
effective configuration as the C structs, and the same refusals."""
import json

import pytest

import m2mauth
from conftest import VECTORS

CASES = [c for c in json.loads((VECTORS / "m2mauth" / "options.json").read_text())["cases"]
         if "version" not in c["given"]]  # version 1 is C only

MANAGER_ARGS = {"refresh_fraction": "refresh_fraction", "refresh_margin_ms": "refresh_margin",
                "expiry_skew_ms": "expiry_skew", "jitter_fraction": "jitter", "wait_timeout_ms": "wait_timeout",
                "backoff_base_ms": "backoff_base", "backoff_max_ms": "backoff_max",
                "permanent_backoff_ms": "permanent_backoff", "min_fetch_interval_ms": "min_fetch_interval"}
HTTP_TEXT = {"ca_file": "ca_file", "ca_dir": "ca_dir", "client_cert": "client_cert", "client_key": "client_key",
             "client_key_passphrase": "client_key_password", "client_cert_type": "client_cert_type",
             "proxy": "proxy", "user_agent": "user_agent"}


def manager_kwargs(given: dict) -> dict:
    kw = {}
    for field, value in given.items():
        if field == "caller_refresh":
            kw["background_refresh"] = not value
        elif field == "report_cache_hits":
            kw["report_cache_hits"] = bool(value)
        elif field == "max_keys":
            kw["max_keys"] = value
        elif field.endswith("_ms"):
            kw[MANAGER_ARGS[field]] = value / 1000
        else:
            kw[MANAGER_ARGS[field]] = value
    return kw


def http_kwargs(given: dict) -> dict:
    kw = {}
    for field, value in given.items():
        if field in HTTP_TEXT:
            kw[HTTP_TEXT[field]] = value
        elif field == "insecure_skip_verify":
            kw["verify"] = not value
        elif field == "allow_plain_http":
            kw["allow_plain_http"] = bool(value)
        elif field == "max_response_bytes":
            kw["max_response_bytes"] = value
        else:
            kw[field[:-len("_ms")]] = value / 1000
    return kw


def describe(case: dict) -> dict:
    if case["struct"] == "token_manager":
        return m2mauth.describe_manager_options(**manager_kwargs(case["given"]))
    return m2mauth.describe_http_options(**http_kwargs(case["given"]))


def test_vector_file_covers_both_structs():
    assert sum(c["struct"] == "token_manager" for c in CASES) >= 30
    assert sum(c["struct"] == "http" for c in CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[f'{c["struct"]}: {c["name"]}' for c in CASES])
def test_options_vector(case):
    if "error" in case:
        assert case["error"] == "invalid_argument"
        with pytest.raises(m2mauth.InvalidArgumentError):
            describe(case)
    else:
        assert describe(case) == case["effective"]


def test_the_constructors_refuse_what_describe_refuses():
    with pytest.raises(m2mauth.InvalidArgumentError, match="jitter_fraction"):
        m2mauth.OAuth2Client("https://as.invalid/token", "c", client_secret="s", jitter=0.6)
    with pytest.raises(m2mauth.InvalidArgumentError, match="timeout_ms"):
        m2mauth.Http(timeout=-1)
    with m2mauth.OAuth2Client("https://as.invalid/token", "c", client_secret="s", jitter=0, wait_timeout=0,
                              background_refresh=False):
        pass


def test_defaults_come_from_the_library():
    assert m2mauth.http.DEFAULT_MAX_RESPONSE_BYTES == 4 * 1024 * 1024
    assert m2mauth.describe_manager_options()["jitter_fraction"] == 0.1
    assert "hunter2" not in json.dumps(m2mauth.describe_http_options(client_key_password="hunter2"))


@pytest.mark.parametrize("seconds", [1e30, -1e30, 2**80])
def test_durations_beyond_int64_are_the_librarys_range_error(seconds):
    # A duration whose milliseconds do not fit in int64 is refused by the library's rule, typed,
    # not by a failed native cast.
    with pytest.raises(m2mauth.InvalidArgumentError):
        m2mauth.describe_manager_options(wait_timeout=seconds)
    with pytest.raises(m2mauth.InvalidArgumentError):
        m2mauth.describe_http_options(timeout=seconds)
