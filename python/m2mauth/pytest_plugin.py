"""The pytest plugin of m2mauth (entry point ``pytest11``): the ``m2mauth_token_server`` fixture.

``m2mauth_token_server`` is a started :class:`m2mauth.testing.TokenServer` (plain HTTP, opaque
tokens), stopped after the test; register clients and set knobs in the test::

    def test_fetch_recovers(m2mauth_token_server):
        m2mauth_token_server.add_client("svc", "s3cret")
        m2mauth_token_server.fail_next(1, status=503)
        ...

For another configuration make your own fixture the same way (``with TokenServer(tls=True) as s: yield s``).
"""

from __future__ import annotations

from typing import Iterator

import pytest

from .testing import TokenServer

__all__ = ["m2mauth_token_server"]


@pytest.fixture
def m2mauth_token_server() -> Iterator[TokenServer]:
    with TokenServer() as server:
        yield server
