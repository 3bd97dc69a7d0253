"""The token endpoint the Python benchmarks read tokens from: the test suite's fault server on loopback,
with svc-basic's credentials (bench_oauth.py, peers.py)."""

from __future__ import annotations

import contextlib
import pathlib
import sys
from typing import Iterator, Tuple

import m2mauth

REPO = pathlib.Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def basic_client() -> Iterator[Tuple[m2mauth.OAuth2Client, str, str]]:
    """(an OAuth2Client of svc-basic holding a cached token, its secret, the token endpoint)."""
    sys.path.insert(0, str(REPO / "tests" / "servers"))
    import harness
    import srvlib
    secret = srvlib.load_clients()["oauth2"]["clients"]["svc-basic"]["client_secret"]
    with harness.start("fault") as srv:
        endpoint = srv.info["token_endpoint"]
        client = m2mauth.OAuth2Client(endpoint, "svc-basic", client_secret=secret, scope="api.read")
        t = client.token()
        assert client.token() is t
        try:
            yield client, secret, endpoint
        finally:
            client.close()
