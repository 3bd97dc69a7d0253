#!/usr/bin/env python3
"""The soak run: starts tests/servers/soak_server.py, runs the C API load (m2mauth_soak_driver) for N minutes, then
judges the figures and writes the report (text on stdout, JSON in --out). Exit status 1 if a check fails.

    python3 tests/soak/soak.py --driver BUILD/tests/soak/m2mauth_soak_driver [--minutes 10] [--out DIR]

tests/soak/run.sh builds the driver and calls this; README.md in this folder says what each check means.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVERS = HERE.parent / "servers"
sys.path.insert(0, str(SERVERS))

import harness  # noqa: E402
import srvlib  # noqa: E402

# One manager per client: every client authentication method the token endpoint takes.
CLIENTS = [("svc-basic", "client_secret_basic"), ("svc-post", "client_secret_post"),
           ("svc-jwt", "client_secret_jwt"), ("svc-es256", "private_key_jwt")]
RSS_GROWTH_LIMIT_KB = 1024
WARMUP_S = 60.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--driver", required=True, help="the m2mauth_soak_driver executable")
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--think-ms", type=float, default=2.0, help="mean pause between a thread's requests")
    p.add_argument("--token-ttl", type=int, default=10, help="expires_in of every token, seconds")
    p.add_argument("--token-fault-rate", type=float, default=0.3)
    p.add_argument("--max-consecutive", type=int, default=2, help="failed token answers in a row, at most")
    p.add_argument("--stall-max-ms", type=int, default=1500, help="longest stall, token endpoint and API")
    p.add_argument("--api-fault-rate", type=float, default=0.05)
    p.add_argument("--revoke-every", type=float, default=45.0, help="seconds between revocations (0: none)")
    p.add_argument("--http-timeout-ms", type=int, default=5000)
    p.add_argument("--sample-s", type=float, default=10.0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--out", default="soak-out", help="folder for soak-report.json and the driver's files")
    p.add_argument("--runner", default="", help="command the driver runs under, e.g. 'valgrind --leak-check=full'")
    return p.parse_args(argv)


def manager_options(ttl_s: int) -> dict:
    """Refresh at half the lifetime (minus up to 10 % jitter), stop using a token 1 s before it expires; token
    requests of one key at least 1 s apart (the library's default floor)."""
    return {"refresh_fraction": 0.5, "refresh_margin_ms": 0, "expiry_skew_ms": 1000, "jitter_fraction": 0.1,
            "wait_timeout_ms": 10000, "backoff_base_ms": 200, "backoff_max_ms": 2000,
            "permanent_backoff_ms": 5000, "min_fetch_interval_ms": 1000}


def driver_config(args, srv, seed: int) -> dict:
    known = srvlib.load_clients()["oauth2"]["clients"]
    clients = []
    for cid, auth in CLIENTS:
        entry = {"id": cid, "auth": auth}
        if "private_key" in known[cid]:
            entry["key_file"] = known[cid]["private_key"]
        else:
            entry["secret"] = known[cid]["client_secret"]
        clients.append(entry)
    return {"token_url": srv.info["token_endpoint"], "api_url": srv.info["api_url"],
            "seconds": args.minutes * 60.0, "threads": args.threads, "think_ms": args.think_ms,
            "api_fault_rate": args.api_fault_rate, "api_stall_max_ms": args.stall_max_ms,
            "http_timeout_ms": args.http_timeout_ms, "sample_s": args.sample_s, "seed": seed,
            "manager": manager_options(args.token_ttl), "clients": clients}


def judge(args, drv: dict, srv: dict) -> dict:
    """The figures the issue asks for, and pass/fail for each."""
    ttl = args.token_ttl
    samples = [s for s in drv["samples"]]
    warmup = min(WARMUP_S, drv["run_s"] / 2)  # a short trial run compares its second half with its middle
    after_warmup = [s for s in samples if s["t"] >= warmup - 0.5]
    base = after_warmup[0] if after_warmup else samples[-1]
    in_run = [s for s in after_warmup if s["t"] <= drv["run_s"]]
    rss_growth = in_run[-1]["rss_kb"] - base["rss_kb"]
    rss_peak_growth = max(s["rss_kb"] for s in in_run) - base["rss_kb"]
    fds_growth = in_run[-1]["fds"] - base["fds"]
    fds_peak_growth = max(s["fds"] for s in in_run) - base["fds"]
    other_fds_growth = max(s["fds_other"] for s in in_run) - base["fds_other"]
    heap_growth = in_run[-1]["heap_kb"] - base["heap_kb"]
    # The transport pools its libcurl handles (up to 64 idle): one per transfer running at once, so at most one
    # per thread plus one per manager's refresh. Each keeps a socketpair (its multi handle's wake-up) and its
    # keep-alive connection, so the sockets follow the most transfers that ever ran at once, within this bound.
    pool_bound = drv["threads"] + drv["manager_count"]
    pooled_within_bound = all(s["fds_unix"] <= 2 * pool_bound and s["fds_tcp"] <= pool_bound for s in samples)

    keys = {}
    for cid, _ in CLIENTS:
        s = srv["clients"].get(cid, {})
        m = drv["managers"][cid]
        rotations = m["fetched"] + m["refreshed"]
        faults = sum(s.get("faults", {}).values())
        # The schedule's most rotations: one per refresh period (at least 0.45 of the lifetime with the
        # jitter), plus the first fetch, plus one per revocation.
        bound = int(drv["run_s"] / (0.45 * ttl)) + 1 + s.get("revocations", 0)
        keys[cid] = {
            "rotations": rotations,
            "token_requests": s.get("token_requests", 0),
            "tokens_issued": s.get("tokens_issued", 0),
            "token_faults": s.get("faults", {}),
            "failed_events": m["failed"],
            "revocations": s.get("revocations", 0),
            "max_in_flight": s.get("max_in_flight", 0),
            "successful_token_requests_per_rotation": round(s.get("tokens_issued", 0) / rotations, 3) if rotations else None,
            "token_requests_per_rotation": round(s.get("token_requests", 0) / rotations, 3) if rotations else None,
            "rotation_bound": bound,
            "failed_token_answers": faults - s.get("faults", {}).get("stall", 0),
        }
    api = srv["api"]
    checks = {
        "no_unexpected_failures": drv["unexpected_failures"] == 0,
        "one_token_request_in_flight_per_key": all(k["max_in_flight"] == 1 for k in keys.values()),
        "one_successful_token_request_per_rotation": all(k["tokens_issued"] == k["rotations"] for k in keys.values()),
        "rotations_within_schedule": all(k["rotations"] <= k["rotation_bound"] for k in keys.values()),
        "no_expired_or_unknown_token_sent": api.get("expired_token", 0) == 0 and api.get("unknown_token", 0) == 0
        and api.get("no_token", 0) == 0,
        "rss_growth_after_first_minute_under_1MB": rss_growth < RSS_GROWTH_LIMIT_KB
        and rss_peak_growth < RSS_GROWTH_LIMIT_KB,
        "no_descriptor_growth_after_first_minute": other_fds_growth <= 0 and pooled_within_bound,
        "descriptors_released_on_free": drv["fds_after_free"] == drv["fds_before_handles"],
    }
    return {
        "config": {k: v for k, v in vars(args).items() if k not in ("driver", "out")},
        "manager_options": manager_options(ttl),
        "run_s": round(drv["run_s"], 1),
        "requests": drv["requests"],
        "requests_per_s": round(drv["requests"] / drv["run_s"], 1),
        "outcomes": {"ok": drv["ok"], "api_fault_responses": drv["api_fault_responses"],
                     "expected_failures": drv["expected_failures"], "unexpected_failures": drv["unexpected_failures"]},
        "unexpected_by_kind": drv["unexpected_by_kind"],
        "unexpected_examples": drv["unexpected_examples"],
        "latency_ms": drv["latency_ms"],
        "api_server": api,
        "keys": keys,
        "memory": {"rss_kb_at_first_minute": base["rss_kb"], "rss_kb_last": in_run[-1]["rss_kb"],
                   "rss_growth_kb": rss_growth, "rss_peak_growth_kb": rss_peak_growth,
                   "fds_at_first_minute": base["fds"], "fds_last": in_run[-1]["fds"], "fds_growth": fds_growth,
                   "fds_peak_growth": fds_peak_growth, "other_fds_growth": other_fds_growth,
                   "pooled_handles_at_first_minute": base["fds_unix"] // 2,
                   "pooled_handles_last": in_run[-1]["fds_unix"] // 2, "pooled_handles_bound": pool_bound,
                   "heap_kb_at_first_minute": base["heap_kb"], "heap_kb_last": in_run[-1]["heap_kb"],
                   "heap_growth_kb": heap_growth,
                   "fds_before_handles": drv["fds_before_handles"], "fds_after_free": drv["fds_after_free"]},
        "samples": samples,
        "checks": checks,
        "passed": all(checks.values()),
    }


def text_report(r: dict) -> str:
    o = r["outcomes"]
    lines = [
        f"soak: {r['run_s']} s, {r['config']['threads']} threads, {r['requests']} requests ({r['requests_per_s']}/s)",
        f"  ok {o['ok']}, API fault responses {o['api_fault_responses']}, expected failures (API resets) "
        f"{o['expected_failures']}, unexpected failures {o['unexpected_failures']}",
        f"  latency ms: p50 {r['latency_ms']['p50']:.2f}, p99 {r['latency_ms']['p99']:.1f}, "
        f"p99.9 {r['latency_ms']['p999']:.1f}, max {r['latency_ms']['max']:.0f} (histogram upper bounds)",
        f"  API server saw: {json.dumps(r['api_server'], sort_keys=True)}",
    ]
    for kind, n in r["unexpected_by_kind"].items():
        lines.append(f"  UNEXPECTED {kind}: {n}")
    for e in r["unexpected_examples"]:
        lines.append(f"    e.g. {e}")
    lines.append("  per key: rotations / token requests (faults) / issued / in flight max / per rotation")
    for cid, k in r["keys"].items():
        lines.append(f"    {cid:10} {k['rotations']:4} / {k['token_requests']:4} ({sum(k['token_faults'].values())}: "
                     f"{json.dumps(k['token_faults'], sort_keys=True)}) / {k['tokens_issued']} / {k['max_in_flight']}"
                     f" / {k['successful_token_requests_per_rotation']} ok, {k['token_requests_per_rotation']} all;"
                     f" revocations {k['revocations']}, bound {k['rotation_bound']}")
    m = r["memory"]
    lines.append(f"  RSS {m['rss_kb_at_first_minute']} kB after the first minute -> {m['rss_kb_last']} kB at the end (growth "
                 f"{m['rss_growth_kb']} kB, peak {m['rss_peak_growth_kb']} kB); heap in use "
                 f"{m['heap_kb_at_first_minute']} -> {m['heap_kb_last']} kB ({m['heap_growth_kb']:+} kB)")
    lines.append(f"  fds {m['fds_at_first_minute']} -> {m['fds_last']} (peak growth {m['fds_peak_growth']}): pooled "
                 f"transfer handles {m['pooled_handles_at_first_minute']} -> {m['pooled_handles_last']} (bound "
                 f"{m['pooled_handles_bound']}), other descriptors growth {m['other_fds_growth']}; after free "
                 f"{m['fds_after_free']} (before the first handle {m['fds_before_handles']})")
    lines.append("  samples (t s: rss kB, heap kB, fds tcp/unix/other): " + ", ".join(
        f"{s['t']:.0f}: {s['rss_kb']}, {s['heap_kb']}, {s['fds_tcp']}/{s['fds_unix']}/{s['fds_other']}"
        for s in r["samples"]))
    for name, ok in r["checks"].items():
        lines.append(f"  {'PASS' if ok else 'FAIL'} {name}")
    lines.append("soak: " + ("passed" if r["passed"] else "FAILED"))
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1 << 31)
    args.seed = seed
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with harness.start("soak", token_ttl=args.token_ttl, token_fault_rate=args.token_fault_rate,
                       max_consecutive=args.max_consecutive, stall_max_ms=args.stall_max_ms,
                       revoke_every=args.revoke_every, seed=seed) as srv:
        config = out / "driver-config.json"
        config.write_text(json.dumps(driver_config(args, srv, seed), indent=2))
        result = out / "driver-result.json"
        started = time.monotonic()
        proc = subprocess.run([*shlex.split(args.runner), args.driver, str(config), str(result)],
                              timeout=args.minutes * 60 + 300)
        if proc.returncode != 0:
            print(f"soak: the driver exited with status {proc.returncode} after {time.monotonic() - started:.0f} s",
                  file=sys.stderr)
            return 1
        with urllib.request.urlopen(srv.info["control_url"] + "/stats", timeout=10) as resp:
            stats = json.load(resp)
    report = judge(args, json.loads(result.read_text()), stats)
    (out / "soak-report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(text_report(report))
    print(f"soak: JSON report in {out / 'soak-report.json'}")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
