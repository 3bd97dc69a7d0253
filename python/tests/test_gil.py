"""The GIL is released around key generation and parsing, signing and verification: a Python thread
keeps running while another thread is inside those calls; and many threads share keys and verifiers."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import m2mauth


class Counter:
    """A thread that counts as fast as it can until stopped."""

    def __init__(self) -> None:
        self.value = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop:
            self.value += 1

    def __enter__(self) -> "Counter":
        self._thread.start()
        while self.value == 0:
            pass
        return self

    def __exit__(self, *exc) -> None:
        self._stop = True
        self._thread.join(10)


@pytest.fixture
def long_switch_interval():
    # With a long switch interval the interpreter never hands the GIL over on its own during a call:
    # the counter can only advance while the calling thread has released it.
    old = sys.getswitchinterval()
    sys.setswitchinterval(0.05)
    yield
    sys.setswitchinterval(old)


def progress_during(counter: Counter, call) -> int:
    before = counter.value
    call()
    return counter.value - before


def runs_alongside(counter: Counter, call, attempts: int = 200) -> bool:
    """True once the counter advanced during one call. A short call may end before the other thread
    is scheduled, so it is repeated; with the GIL held it could never advance."""
    return any(progress_during(counter, call) > 0 for _ in range(attempts))


@pytest.fixture(scope="module")
def rsa4096():
    return m2mauth.Key.generate("RSA", bits=4096)


def test_counter_runs_during_key_generation(long_switch_interval):
    with Counter() as counter:
        assert runs_alongside(counter, lambda: m2mauth.Key.generate("RSA", bits=2048), attempts=3)
        assert runs_alongside(counter, lambda: m2mauth.Key.generate("EC", curve="P-521"))


def test_counter_runs_during_rsa4096_signing(long_switch_interval, rsa4096):
    with Counter() as counter:
        assert runs_alongside(counter, lambda: m2mauth.jws.sign(b"x" * 100, rsa4096, "RS512"))
        assert runs_alongside(counter, lambda: m2mauth.jwt.encode({"a": 1}, rsa4096, algorithm="PS256"))


def test_counter_runs_during_encrypted_pem_parse(long_switch_interval, rsa4096):
    pem = rsa4096.private_pem(password="a passphrase")
    with Counter() as counter:
        assert runs_alongside(counter, lambda: m2mauth.Key.from_pem(pem, password="a passphrase"))
        assert runs_alongside(counter, lambda: rsa4096.private_pem(password="a passphrase"))


def test_counter_runs_during_verification(long_switch_interval, rsa4096):
    token = m2mauth.jwt.encode({"a": 1}, rsa4096, algorithm="RS256")
    pub = rsa4096.public_key()
    v = m2mauth.jwt.Verifier(pub, ["RS256"])
    with Counter() as counter:
        assert runs_alongside(counter, lambda: v.verify(token), attempts=2000)
        assert runs_alongside(counter, lambda: m2mauth.jwt.decode(token, pub, algorithms=["RS256"]), attempts=2000)
        assert runs_alongside(counter, lambda: m2mauth.jws.verify(token, pub, algorithms=["RS256"]), attempts=2000)


def test_threads_share_keys_and_verifiers(keys):
    key = keys["P-256"]
    v = m2mauth.jwt.Verifier(key.public_key(), ["ES256"])

    def work(i: int) -> int:
        for j in range(50):
            token = m2mauth.jwt.encode({"i": i, "j": j}, key, algorithm="ES256")
            assert v.verify(token) == {"i": i, "j": j}
        return i

    with ThreadPoolExecutor(8) as pool:
        assert sorted(pool.map(work, range(16))) == list(range(16))


def test_close_while_other_threads_use_the_key():
    """close() drops the Python reference only: calls already running keep the handle alive."""
    key = m2mauth.Key.generate("RSA", bits=2048)
    started = threading.Event()
    errors = []

    def sign_loop():
        started.set()
        for _ in range(50):
            try:
                m2mauth.jws.sign(b"x", key, "RS256")
            except ValueError:
                return  # closed: the clean refusal
            except Exception as exc:  # pragma: no cover
                errors.append(exc)
                return

    t = threading.Thread(target=sign_loop)
    t.start()
    started.wait(5)
    key.close()
    t.join(60)
    assert not errors


def test_counter_runs_during_oauth1_rsa_signing(long_switch_interval, rsa4096):
    from m2mauth.oauth1 import Client
    c = Client("ck", signature_method="RSA-SHA256", rsa_key=rsa4096, resource_owner_key="t")
    with Counter() as counter:
        assert runs_alongside(counter, lambda: c.sign("https://a.example/x?y=1"))
        assert runs_alongside(counter, lambda: c.sign("https://a.example/x", "POST", '{"a":1}',
                                                      {"Content-Type": "application/json"}))
