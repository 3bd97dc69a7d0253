"""Testing your own code against the token-endpoint test double: "a token fetch fails with 503, then
recovers". Run with pytest (the m2mauth_token_server fixture comes with the package's pytest plugin)::

    pytest examples/python/test_token_server_retry.py

or as a script (python test_token_server_retry.py), which runs the same test with its own server.
"""

from __future__ import annotations

import m2mauth
from m2mauth.testing import TokenServer

try:  # the fixture, for a build tree where the package's pytest entry point is not installed
    from m2mauth.pytest_plugin import m2mauth_token_server  # noqa: F401
except ImportError:  # pytest absent: run as a script
    pass


def fetch_with_one_retry(client: m2mauth.OAuth2Client) -> m2mauth.Token:
    """The code under test: fetches a token, retrying once when the failure is transient."""
    try:
        return client.fetch()
    except m2mauth.Error as e:
        if not e.transient:
            raise
        return client.fetch()


def test_fetch_fails_then_recovers(m2mauth_token_server: TokenServer) -> None:
    server = m2mauth_token_server
    server.add_client("orders-service", "test-secret", scopes="orders.read")
    server.fail_next(1, status=503, error="temporarily_unavailable", retry_after=1)

    client = m2mauth.OAuth2Client(server.token_url, "orders-service", client_secret="test-secret")
    token = fetch_with_one_retry(client)

    assert token.scope == "orders.read"
    assert server.requests("token") == 2
    assert server.requests("failed") == 1


if __name__ == "__main__":
    with TokenServer() as s:
        test_fetch_fails_then_recovers(s)
    print("ok: one transient failure, one retry")
