"""pytest fixtures for the loopback test servers.

Use from any test folder:
    sys.path.insert(0, "<repo>/tests/servers")   # or run pytest from tests/servers
    from conftest_servers import *  # noqa: F401,F403   (in a conftest.py)

Session-scoped servers (started once, stopped at the end): oidc_server, authlib_server, fault_server,
fault_tls_server, a2a_server, a2a_tls_server, a2a_encrypted_server. `fault` resets fault_server before a test.
`start_server(kind, **options)` starts a server just for one test. `server_clients` is clients.json (key paths made
absolute); `test_pki` is the manifest of a PKI made once per session.
"""

from __future__ import annotations

import pytest
import requests

import harness
import srvlib
from pki import make_pki


@pytest.fixture(scope="session")
def server_clients() -> dict:
    return srvlib.load_clients()


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory) -> dict:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def oidc_server():
    with harness.start("oidc") as server:
        yield server


@pytest.fixture(scope="session")
def authlib_server():
    with harness.start("authlib") as server:
        yield server


@pytest.fixture(scope="session")
def fault_server():
    with harness.start("fault") as server:
        yield server


@pytest.fixture
def fault(fault_server):
    """fault_server with its script, stats and tokens reset."""
    requests.post(fault_server.url + "/_control/reset", timeout=5).raise_for_status()
    return fault_server


@pytest.fixture(scope="session")
def fault_tls_server(test_pki):
    """HTTPS fault server that requires a client certificate from the test CA."""
    c = test_pki["certs"]
    with harness.start("fault", tls_cert=c["server"]["cert"], tls_key=c["server"]["key"],
                       client_ca=c["ca"]["cert"]) as server:
        yield server


@pytest.fixture(scope="session")
def a2a_server():
    with harness.start("a2a") as server:
        yield server


@pytest.fixture(scope="session")
def a2a_tls_server(test_pki):
    """HTTPS A2A emulator: client certificate required; only client-rsa's SHA-256 fingerprint is registered."""
    c = test_pki["certs"]
    with harness.start("a2a", tls_cert=c["server"]["cert"], tls_key=c["server"]["key"], client_ca=c["ca"]["cert"],
                       require_client_cert_fingerprint=c["client_rsa"]["sha256_colon"]) as server:
        yield server


@pytest.fixture(scope="session")
def a2a_encrypted_server(server_clients):
    with harness.start("a2a", encrypt_with_public_key=server_clients["a2a"]["encryption_public_key"]) as server:
        yield server


@pytest.fixture
def start_server():
    """Factory: start_server(kind, **options) -> Server, stopped after the test."""
    started = []

    def _start(kind: str, **options):
        server = harness.start(kind, **options)
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()
