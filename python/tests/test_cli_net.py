"""The network commands of the m2mauth CLI, run as subprocesses against the loopback servers: token,
request, cert fingerprint, a2a, config show; their exit codes and stderr lines; no secret on argv or in
output (except the token and the vault's answer, which the user asks for)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import HAVE_SERVERS, script

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")

EXIT_LINE = "5 transient failure (retry later), 6 HTTP status >= 400 (request --fail)"


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("M2MAUTH_")}
    env.update(extra or {})
    return env


def run(args, *, env=None, stdin=None, secrets=()):
    proc = subprocess.run([sys.executable, "-m", "m2mauth", *args], input=stdin, capture_output=True, text=True,
                          env=clean_env(env), timeout=120)
    for s in secrets:
        assert s not in proc.stdout and s not in proc.stderr
    return proc


def test_help_for_every_new_command():
    for args in (["token"], ["request"], ["cert"], ["cert", "fingerprint"], ["a2a"], ["a2a", "credential"],
                 ["a2a", "info"], ["a2a", "ssh-key"], ["a2a", "applications"], ["a2a", "call"], ["config"],
                 ["config", "show"]):
        proc = run([*args, "--help"])
        assert proc.returncode == 0 and "usage: m2mauth" in proc.stdout, args
        assert EXIT_LINE in proc.stdout.replace("\n", " "), args


@pytest.fixture
def basic(clients):
    return clients["svc-basic"]["client_secret"]


def flags(fault):
    return ["--token-url", fault.info["token_endpoint"], "--client-id", "svc-basic",
            "--client-secret-env", "BASIC_SECRET"]


def test_token_from_flags(fault, basic):
    proc = run(["token", *flags(fault), "--scope", "api.read"], env={"BASIC_SECRET": basic}, secrets=[basic])
    assert proc.returncode == 0, proc.stderr
    token = proc.stdout.strip()
    assert token and "\n" not in token
    proc = run(["token", *flags(fault), "--json"], env={"BASIC_SECRET": basic}, secrets=[basic])
    doc = json.loads(proc.stdout)
    assert doc["token_type"] == "Bearer" and 3500 < doc["expires_in"] <= 3600 and doc["access_token"] != token


def test_token_stats_prints_the_cache_stats_as_json(fault, basic):
    script(fault, [{"status": 503}])  # one transient failure the cache retries through
    proc = run(["token", *flags(fault), "--scope", "api.read", "--stats"], env={"BASIC_SECRET": basic},
               secrets=[basic])
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["client_id"] == "svc-basic"
    key = doc["keys"][0]
    assert key["configured"] and key["scope"] == "api.read" and key["has_token"] and key["source"] == "fetched"
    assert (key["requests_ok"], key["requests_transient"], key["requests_permanent"]) == (1, 1, 0)
    assert key["last_http_status"] == 503 and key["last_error_category"] == "http"
    assert sum(key["refresh_latency"]) == 2 and 3500_000 < key["expires_in_ms"] <= 3600_000
    assert "access_token" not in proc.stdout


def test_token_secret_from_file_and_config(fault, basic, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(basic + "\n")
    proc = run(["token", "--token-url", fault.info["token_endpoint"], "--client-id", "svc-basic",
                "--client-secret-file", str(secret_file)], secrets=[basic])
    assert proc.returncode == 0, proc.stderr
    cfg = tmp_path / "m2mauth.json"
    cfg.write_text(json.dumps({"oauth2": {"token_url": fault.info["token_endpoint"], "client_id": "svc-basic",
                                          "client_secret_file": str(secret_file)}}))
    proc = run(["token", "--config", str(cfg), "--json"], secrets=[basic])
    assert proc.returncode == 0 and json.loads(proc.stdout)["access_token"]
    proc = run(["token", "--json"], env={"M2MAUTH_CONFIG": str(cfg)}, secrets=[basic])
    assert proc.returncode == 0
    proc = run(["token"], env={"M2MAUTH_OAUTH2_TOKEN_URL": fault.info["token_endpoint"],
                               "M2MAUTH_OAUTH2_CLIENT_ID": "svc-basic", "M2MAUTH_OAUTH2_CLIENT_SECRET_ENV": "S",
                               "S": basic}, secrets=[basic])
    assert proc.returncode == 0, proc.stderr


def test_token_exit_codes(fault, basic):
    env = {"BASIC_SECRET": basic}
    script(fault, [{"status": 503, "retry_after": 7}])
    proc = run(["token", *flags(fault)], env=env, secrets=[basic])
    assert proc.returncode == 5 and proc.stdout == ""
    assert proc.stderr.startswith("m2mauth: transient error: http: ") and "(retry after 7 s)" in proc.stderr
    script(fault, [{"error": "invalid_client", "status": 401}])
    proc = run(["token", *flags(fault)], env=env, secrets=[basic])
    assert proc.returncode == 4 and proc.stderr.startswith("m2mauth: error: oauth: ")
    proc = run(["token"])
    assert proc.returncode == 2 and proc.stderr.startswith("m2mauth: usage error: no OAuth 2.0 client")
    proc = run(["token", "--token-url", fault.info["token_endpoint"], "--client-id", "x",
                "--client-secret-env", "UNSET_VARIABLE"])
    assert proc.returncode == 2
    proc = run(["token", "--token-url", "http://127.0.0.1:1/token", "--client-id", "svc-basic",
                "--client-secret-env", "BASIC_SECRET"], env=env)
    assert proc.returncode == 5 and proc.stderr.startswith("m2mauth: transient error: network: ")
    proc = run(["token", "--client-secret", basic])  # secrets are never options
    assert proc.returncode == 2


def test_request(fault, basic, tmp_path):
    env = {"BASIC_SECRET": basic}
    api = fault.info["api_url"] + "/orders?x=1"
    proc = run(["request", "GET", api, *flags(fault)], env=env, secrets=[basic])
    assert proc.returncode == 0, proc.stderr
    echo = json.loads(proc.stdout)
    assert echo["method"] == "GET" and echo["client_id"] == "svc-basic" and echo["raw_query"] == "x=1"
    data = tmp_path / "body.json"
    data.write_text('{"amount": 10}')
    proc = run(["request", "POST", api, "-H", "X-Trace: abc", "--data", f"@{data}", "-i",
                "--idempotency-header", "IdempotencyKey", *flags(fault)], env=env, secrets=[basic])
    assert proc.returncode == 0, proc.stderr
    head, _, body = proc.stdout.partition("\n\n")  # text mode reads the CRLF lines as "\n"
    lines = head.split("\n")
    assert lines[0] == "HTTP/1.1 200 OK" and any(line.lower().startswith("content-type:") for line in lines)
    echo = json.loads(body)
    assert echo["body"] == '{"amount": 10}' and echo["headers"]["X-Trace"] == "abc"
    assert echo["headers"]["Content-Type"] == "application/json" and len(echo["headers"]["IdempotencyKey"]) == 36
    proc = run(["request", "PUT", api, "--data", "-", "-H", "Content-Type: text/plain", *flags(fault)], env=env,
               stdin="from stdin")
    assert json.loads(proc.stdout)["body"] == "from stdin"
    missing = fault.url + "/nothing-here"
    proc = run(["request", "GET", missing, *flags(fault)], env=env)
    assert proc.returncode == 0
    proc = run(["request", "GET", missing, "--fail", *flags(fault)], env=env)
    assert proc.returncode == 6 and proc.stderr.startswith("m2mauth: http status: 4")
    proc = run(["request", "GET", api, "-H", "no colon", *flags(fault)], env=env)
    assert proc.returncode == 2
    script(fault, [{"error": "invalid_client", "status": 401}])
    proc = run(["request", "GET", api, *flags(fault)], env=env, secrets=[basic])
    assert proc.returncode == 4 and proc.stderr.startswith("m2mauth: error: oauth: ")
    assert len(proc.stderr.splitlines()) == 1, proc.stderr  # the manager's WARNING event is not repeated


def test_cert_fingerprint(test_pki):
    c = test_pki["certs"]["client_rsa"]
    proc = run(["cert", "fingerprint", c["cert"]])
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [
        f"SHA-256:             {c['sha256_colon']}", f"SHA-256 (no colons): {c['sha256']}",
        f"SHA-1:               {c['sha1_colon']}", f"SHA-1 (no colons):   {c['sha1']}"]
    proc = run(["cert", "fingerprint", "-", "--json"], stdin=open(c["cert"]).read())
    assert json.loads(proc.stdout)["sha1_colon"] == c["sha1_colon"]
    proc = run(["cert", "fingerprint", "/nonexistent/cert.pem"])
    assert proc.returncode == 3 and proc.stderr.startswith("m2mauth: i/o error: /nonexistent/cert.pem: ")


@pytest.fixture
def a2a_env(a2a_server, server_clients):
    c = server_clients["a2a"]["oauth2"][0]
    return {"M2MAUTH_SENHASEGURA_BASE_URL": a2a_server.url, "M2MAUTH_SENHASEGURA_CLIENT_ID": c["client_id"],
            "M2MAUTH_SENHASEGURA_CLIENT_SECRET_ENV": "A2A_SECRET", "A2A_SECRET": c["client_secret"]}


def test_a2a_commands(a2a_env):
    secret = a2a_env["A2A_SECRET"]
    proc = run(["a2a", "credential", "5"], env=a2a_env, secrets=[secret])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["password"] == "secret@2504"
    proc = run(["a2a", "credential", "dbadmin@db01.example.test", "--field", "password"], env=a2a_env)
    assert proc.stdout == "Db!p@ss+6 %20&x=é\n"
    assert json.loads(run(["a2a", "info", "10"], env=a2a_env).stdout)["content"]
    assert "OPENSSH" in run(["a2a", "ssh-key", "7", "--field", "private_key"], env=a2a_env).stdout
    assert json.loads(run(["a2a", "applications"], env=a2a_env).stdout)["secrets"]
    proc = run(["a2a", "call", "GET", "pam/device/1", "--field", "device.hostname"], env=a2a_env)
    assert proc.stdout == "destktop-91.com\n"
    proc = run(["a2a", "call", "POST", "pam/info", "--param", "content=x y"], env=a2a_env)
    assert json.loads(proc.stdout)["response"]["status"] == 201
    proc = run(["a2a", "info", "1024"], env=a2a_env, secrets=[secret])
    assert proc.returncode == 4 and proc.stderr.startswith("m2mauth: error: vendor: ")
    proc = run(["a2a", "credential", "5"])
    assert proc.returncode == 2 and "senhasegura" in proc.stderr


def test_config_show(tmp_path, a2a_env):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"oauth2": {"token_url": "https://a.example/t", "client_id": "x",
                                          "client_secret": "inline-cli-secret"}}))
    proc = run(["config", "show", "--config", str(cfg)], env=a2a_env, secrets=["inline-cli-secret",
                                                                             a2a_env["A2A_SECRET"]])
    doc = json.loads(proc.stdout)
    assert doc["oauth2"]["client_secret"] == "<redacted>" and doc["senhasegura"]["client_id"]
    proc = run(["config", "show", "--config", str(cfg), "--no-env"], env=a2a_env)
    assert "senhasegura" not in json.loads(proc.stdout)
    cfg.write_text(json.dumps({"oauth2": {"tokn_url": "x"}}))
    proc = run(["config", "show", "--config", str(cfg)])
    assert proc.returncode == 4 and proc.stderr.startswith("m2mauth: error: config: ") and "token_url" in proc.stderr
