#!/usr/bin/env python3
"""Generates tests/vectors/m2mauth/options.json: options given -> the effective configuration.

The expected values are written here by hand from the documented defaults and ranges (oauth2.h and
http.h), not read from m2mauth, so the C, Python, Java and Go suites check the library against them.

    python3 tests/vectors/m2mauth/generate_options.py > tests/vectors/m2mauth/options.json
"""
import json
TM = dict(refresh_fraction=0.75, refresh_margin_ms=300000, expiry_skew_ms=30000, jitter_fraction=0.1,
          wait_timeout_ms=30000, backoff_base_ms=1000, backoff_max_ms=60000, permanent_backoff_ms=30000,
          min_fetch_interval_ms=1000, max_keys=64, caller_refresh=False, report_cache_hits=False)
HT = dict(insecure_skip_verify=False, ca_file=None, ca_dir=None, client_cert=None, client_key=None,
          client_key_passphrase=None, client_cert_type="PEM", proxy=None, connect_timeout_ms=10000,
          timeout_ms=30000, max_response_bytes=4194304, allow_plain_http=False, user_agent=None)
cases = []
def ok(struct, name, given, **eff):
    base = dict(TM if struct == "token_manager" else HT)
    base.update(eff)
    cases.append({"name": name, "struct": struct, "given": given, "effective": base})
def bad(struct, name, given):
    cases.append({"name": name, "struct": struct, "given": given, "error": "invalid_argument"})
T = "token_manager"
ok(T, "defaults", {})
ok(T, "every field set", {"refresh_fraction": 0.5, "refresh_margin_ms": 1000, "expiry_skew_ms": 5000,
   "jitter_fraction": 0.25, "wait_timeout_ms": 1500, "backoff_base_ms": 200, "backoff_max_ms": 120000,
   "permanent_backoff_ms": 45000, "min_fetch_interval_ms": 2500, "max_keys": 10000, "caller_refresh": 1,
   "report_cache_hits": 1},
   refresh_fraction=0.5, refresh_margin_ms=1000, expiry_skew_ms=5000, jitter_fraction=0.25, wait_timeout_ms=1500,
   backoff_base_ms=200, backoff_max_ms=120000, permanent_backoff_ms=45000, min_fetch_interval_ms=2500,
   max_keys=10000, caller_refresh=True, report_cache_hits=True)
bad(T, "refresh_fraction 0", {"refresh_fraction": 0})
ok(T, "refresh_fraction 1", {"refresh_fraction": 1}, refresh_fraction=1)
bad(T, "refresh_fraction above 1", {"refresh_fraction": 1.5})
bad(T, "refresh_fraction negative", {"refresh_fraction": -0.5})
ok(T, "max_keys 1", {"max_keys": 1}, max_keys=1)
ok(T, "max_keys at its maximum", {"max_keys": 1000000}, max_keys=1000000)
bad(T, "max_keys 0", {"max_keys": 0})
bad(T, "max_keys above its maximum", {"max_keys": 1000001})
bad(T, "max_keys negative", {"max_keys": -1})
for f in ("refresh_margin_ms", "expiry_skew_ms", "wait_timeout_ms", "permanent_backoff_ms", "min_fetch_interval_ms"):
    ok(T, f + " 0", {f: 0}, **{f: 0})
    ok(T, f + " at its maximum", {f: 86400000}, **{f: 86400000})
    bad(T, f + " above one day", {f: 86400001})
    bad(T, f + " negative", {f: -1})
ok(T, "jitter_fraction 0 is none", {"jitter_fraction": 0}, jitter_fraction=0)
ok(T, "jitter_fraction 0.5", {"jitter_fraction": 0.5}, jitter_fraction=0.5)
bad(T, "jitter_fraction above 0.5", {"jitter_fraction": 0.6})
bad(T, "jitter_fraction negative", {"jitter_fraction": -1})
bad(T, "backoff_base_ms 0", {"backoff_base_ms": 0})
ok(T, "backoff_base_ms 1", {"backoff_base_ms": 1}, backoff_base_ms=1)
bad(T, "backoff_base_ms negative", {"backoff_base_ms": -1000})
bad(T, "backoff_base_ms above backoff_max_ms", {"backoff_base_ms": 5000, "backoff_max_ms": 4000})
ok(T, "backoff_base_ms equal to backoff_max_ms", {"backoff_base_ms": 5000, "backoff_max_ms": 5000},
   backoff_base_ms=5000, backoff_max_ms=5000)
bad(T, "backoff_max_ms 0", {"backoff_max_ms": 0})
bad(T, "backoff_max_ms negative", {"backoff_max_ms": -1})
bad(T, "backoff_max_ms above one day", {"backoff_max_ms": 86400001})
ok(T, "caller_refresh 0", {"caller_refresh": 0})
ok(T, "caller_refresh 1", {"caller_refresh": 1}, caller_refresh=True)
ok(T, "report_cache_hits 0", {"report_cache_hits": 0})
ok(T, "report_cache_hits 1", {"report_cache_hits": 1}, report_cache_hits=True)
# Version 1 (C only): 0 = the default, negative jitter = none.
ok(T, "v1: zeros are the defaults", {"version": 1, "refresh_fraction": 0, "refresh_margin_ms": 0, "expiry_skew_ms": 0,
   "jitter_fraction": 0, "wait_timeout_ms": 0, "backoff_base_ms": 0, "backoff_max_ms": 0, "permanent_backoff_ms": 0})
ok(T, "v1: negative jitter is none", {"version": 1, "jitter_fraction": -1}, jitter_fraction=0)
ok(T, "v1: values given are kept", {"version": 1, "wait_timeout_ms": 5000, "jitter_fraction": 0.2},
   wait_timeout_ms=5000, jitter_fraction=0.2)
bad(T, "v1: negative timings are still refused", {"version": 1, "wait_timeout_ms": -1})
# Version 2 (C only): no min_fetch_interval_ms (the default applies); wait_timeout_ms 0 meant "never wait".
ok(T, "v2: wait_timeout_ms 0 (never wait) reads as 1 ms", {"version": 2, "wait_timeout_ms": 0}, wait_timeout_ms=1)
ok(T, "v2: min_fetch_interval_ms is not read", {"version": 2, "min_fetch_interval_ms": 0})
# Version 3 (C only): no max_keys (the default applies).
ok(T, "v3: max_keys is not read", {"version": 3, "max_keys": 5})
ok(T, "v3: min_fetch_interval_ms is read", {"version": 3, "min_fetch_interval_ms": 0}, min_fetch_interval_ms=0)
bad(T, "unknown version", {"version": 5})
bad(T, "version 0", {"version": 0})

H = "http"
ok(H, "defaults", {})
ok(H, "every field set", {"insecure_skip_verify": 1, "ca_file": "/etc/ssl/ca.pem", "ca_dir": "/etc/ssl/certs",
   "client_cert": "/etc/m2m/client.pem", "client_key": "/etc/m2m/client.key", "client_key_passphrase": "hunter2-passphrase",
   "client_cert_type": "PEM", "proxy": "http://proxy.example:3128", "connect_timeout_ms": 2500, "timeout_ms": 7000,
   "max_response_bytes": 65536, "allow_plain_http": 1, "user_agent": "probe/1.0"},
   insecure_skip_verify=True, ca_file="/etc/ssl/ca.pem", ca_dir="/etc/ssl/certs", client_cert="/etc/m2m/client.pem",
   client_key="/etc/m2m/client.key", client_key_passphrase="<redacted>", client_cert_type="PEM",
   proxy="http://proxy.example:3128", connect_timeout_ms=2500, timeout_ms=7000, max_response_bytes=65536,
   allow_plain_http=True, user_agent="probe/1.0")
ok(H, "PKCS#12 client certificate", {"client_cert": "/etc/m2m/client.p12", "client_cert_type": "P12"},
   client_cert="/etc/m2m/client.p12", client_cert_type="P12")
ok(H, "PEM text is never shown", {"client_cert": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
   "client_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"},
   client_cert="<redacted>", client_key="<redacted>")
ok(H, "proxy credentials are never shown", {"proxy": "http://user:pa55word@proxy.example:3128/"},
   proxy="http://<redacted>@proxy.example:3128/")
ok(H, "insecure_skip_verify 0", {"insecure_skip_verify": 0})
ok(H, "allow_plain_http 0", {"allow_plain_http": 0})
ok(H, "connect_timeout_ms 0 is libcurl's own", {"connect_timeout_ms": 0}, connect_timeout_ms=0)
ok(H, "timeout_ms 0 is no limit", {"timeout_ms": 0}, timeout_ms=0)
ok(H, "max_response_bytes 0 is no limit", {"max_response_bytes": 0}, max_response_bytes=0)
for f in ("connect_timeout_ms", "timeout_ms"):
    ok(H, f + " at its maximum", {f: 86400000}, **{f: 86400000})
    bad(H, f + " above one day", {f: 86400001})
    bad(H, f + " negative", {f: -1})
ok(H, "max_response_bytes at its maximum", {"max_response_bytes": 1073741824}, max_response_bytes=1073741824)
bad(H, "max_response_bytes above 1 GiB", {"max_response_bytes": 1073741825})
ok(H, "v1: zeros are the defaults", {"version": 1, "connect_timeout_ms": 0, "timeout_ms": 0, "max_response_bytes": 0})
ok(H, "v1: values given are kept", {"version": 1, "timeout_ms": 1234}, timeout_ms=1234)
bad(H, "v1: negative timeouts are still refused", {"version": 1, "connect_timeout_ms": -1})
bad(H, "unknown version", {"version": 3})

# Client assertion options (C only: every case names its version). There is no describe(): "effective" is
# what the signed assertion shows under a fixed clock, lifetime_s = exp - now, clock_skew_s = now - iat
# (= now - nbf). "names" is the member an error message must name.
A = "assertion"
AS = dict(lifetime_s=120, clock_skew_s=5)
def aok(name, given, **eff):
    base = dict(AS)
    base.update(eff)
    cases.append({"name": name, "struct": A, "given": given, "effective": base})
def abad(name, given, names=None):
    case = {"name": name, "struct": A, "given": given, "error": "invalid_argument"}
    if names:
        case["names"] = names
    cases.append(case)
aok("v2: defaults", {"version": 2})
aok("v2: clock_skew_s 0 is none", {"version": 2, "clock_skew_s": 0}, clock_skew_s=0)
aok("v2: clock_skew_s at its maximum", {"version": 2, "clock_skew_s": 300}, clock_skew_s=300)
aok("v2: clock_skew_s and lifetime_s given", {"version": 2, "clock_skew_s": 30, "lifetime_s": 600},
    clock_skew_s=30, lifetime_s=600)
abad("v2: clock_skew_s negative", {"version": 2, "clock_skew_s": -1}, "clock_skew_s")
abad("v2: clock_skew_s above 300", {"version": 2, "clock_skew_s": 301}, "clock_skew_s")
abad("v2: clock_skew_s huge", {"version": 2, "clock_skew_s": 10**18}, "clock_skew_s")
abad("v2: clock_skew_s most negative", {"version": 2, "clock_skew_s": -2**63}, "clock_skew_s")
aok("v2: lifetime_s at its minimum", {"version": 2, "lifetime_s": 10}, lifetime_s=10)
aok("v2: lifetime_s at its maximum", {"version": 2, "lifetime_s": 3600}, lifetime_s=3600)
abad("v2: lifetime_s below 10", {"version": 2, "lifetime_s": 9}, "lifetime_s")
abad("v2: lifetime_s above 3600", {"version": 2, "lifetime_s": 3601}, "lifetime_s")
# Version 1 has no clock_skew_s: whatever lies where version 2 has it is not read, the default applies.
aok("v1: defaults, clock_skew_s is the default", {"version": 1})
aok("v1: clock_skew_s is not read", {"version": 1, "clock_skew_s": 77})
aok("v1: an out-of-range clock_skew_s is not read either", {"version": 1, "clock_skew_s": -1})
aok("v1: lifetime_s is read", {"version": 1, "lifetime_s": 600}, lifetime_s=600)
abad("v1: lifetime_s out of range is refused", {"version": 1, "lifetime_s": 3601}, "lifetime_s")
abad("unknown version", {"version": 3})
abad("version 0", {"version": 0})

doc = {
  "description": "Options given -> the effective configuration m2mauth_*_options_describe() renders. 'given' names "
                 "members of the C structs (absent: left at the default of m2mauth_*_options_init); durations in "
                 "milliseconds; cases whose 'given' has 'version' are read by the C suite only (the bindings always "
                 "use the current version). 'error' is the m2mauth_error_name of the expected failure. Struct "
                 "'assertion' (m2mauth_assertion_options, C only) has no describe(): its 'effective' lifetime_s and "
                 "clock_skew_s (seconds) are read from the assertion signed under a fixed clock, and 'names' is "
                 "the member the error message names.",
  "cases": cases,
}
print(json.dumps(doc, indent=1))
