"""`m2mauth token --exchange` (RFC 8693) against the strict loopback exchange server: the subject token comes from a
file or stdin, never from the command line, and never appears in the output but as the issued token's input."""

from __future__ import annotations

import json

import pytest
import requests

import harness
from test_cli_net import run

ACCESS = "urn:ietf:params:oauth:token-type:access_token"
SUBJECT = "cli-subject-token-very-secret-123"


@pytest.fixture(scope="module")
def xserver():
    with harness.start("exchange") as server:
        yield server


@pytest.fixture
def xs(xserver):
    requests.post(xserver.url + "/reset", timeout=10)
    return xserver


def flags(xs):
    return ["--token-url", xs.url + "/token", "--client-id", "svc-basic", "--client-secret-env", "BASIC_SECRET"]


def test_exchange_from_stdin_and_file(xs, clients, tmp_path):
    env = {"BASIC_SECRET": clients["svc-basic"]["client_secret"]}
    proc = run(["token", *flags(xs), "--exchange", "--subject-token-file", "-", "--exchange-audience", "api-a",
                "--exchange-audience", "api-b", "--resource", "https://api.example/r", "--scope", "api.read",
                "--requested-token-type", ACCESS, "--json"], env=env, stdin=SUBJECT + "\n")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["issued_token_type"] == ACCESS and doc["token_type"] == "Bearer" and doc["access_token"].startswith("xt-")
    assert SUBJECT not in proc.stdout + proc.stderr
    form = requests.get(xs.url + "/exchanges", timeout=10).json()[-1]["form"]
    assert ["subject_token", SUBJECT] in form and ["audience", "api-b"] in form and ["scope", "api.read"] in form
    actor = tmp_path / "actor"
    actor.write_text("actor-token-1\n")
    subject = tmp_path / "subject"
    subject.write_text(SUBJECT)
    proc = run(["token", *flags(xs), "--exchange", "--subject-token-file", str(subject), "--actor-token-file",
                str(actor), "--actor-token-type", ACCESS], env=env)
    assert proc.returncode == 0, proc.stderr and proc.stdout.startswith("xt-")
    form = requests.get(xs.url + "/exchanges", timeout=10).json()[-1]["form"]
    assert ["actor_token", "actor-token-1"] in form and ["subject_token", SUBJECT] in form


def test_exchange_usage_and_refusals(xs, clients, tmp_path):
    env = {"BASIC_SECRET": clients["svc-basic"]["client_secret"]}
    proc = run(["token", *flags(xs), "--exchange"], env=env)
    assert proc.returncode == 2 and "--subject-token-file" in proc.stderr
    proc = run(["token", *flags(xs), "--subject-token-file", "-"], env=env, stdin="x")
    assert proc.returncode == 2 and "needs --exchange" in proc.stderr
    proc = run(["token", *flags(xs), "--exchange", "--subject-token-file", "-", "--actor-token-file", "-",
                "--actor-token-type", ACCESS], env=env, stdin="x")
    assert proc.returncode == 2 and "stdin" in proc.stderr
    assert requests.get(xs.url + "/count", timeout=10).json()["count"] == 0
    proc = run(["token", *flags(xs), "--exchange", "--subject-token-file", "-", "--exchange-audience",
                "fault:echo-subject"], env=env, stdin=SUBJECT, secrets=[SUBJECT])
    assert proc.returncode not in (0, 2) and "invalid_grant" in proc.stderr
    proc = run(["token", *flags(xs), "--exchange", "--subject-token-file", "-", "--exchange-audience",
                "fault:missing-issued-type"], env=env, stdin=SUBJECT, secrets=[SUBJECT])
    assert proc.returncode not in (0, 2) and "issued_token_type" in proc.stderr
