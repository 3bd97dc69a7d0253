"""The built-in exception classes a Python user catches: files are OSErrors with filename and errno,
invalid arguments ValueErrors, wrong types TypeErrors; every one is still its m2mauth class, and no
message holds a secret."""

from __future__ import annotations

import errno
import os
import pickle

import pytest

import m2mauth
from m2mauth import Certificate, Key, errors


def _pem_file(tmp_path, key: Key) -> str:
    path = tmp_path / "private.pem"
    path.write_text(key.private_pem())
    return str(path)


@pytest.mark.parametrize("load", [Key.from_file, Certificate.from_file, m2mauth.config.load],
                         ids=["key", "certificate", "config"])
def test_missing_file_is_file_not_found(tmp_path, load):
    missing = str(tmp_path / "missing.pem")
    with pytest.raises(FileNotFoundError) as info:
        load(missing)
    exc = info.value
    assert isinstance(exc, errors.FileError) and isinstance(exc, OSError) and isinstance(exc, m2mauth.Error)
    assert (exc.errno, exc.filename, exc.strerror) == (errno.ENOENT, missing, os.strerror(errno.ENOENT))
    assert (exc.code, exc.name, exc.category) == (-8, "io", "io")
    assert type(exc).__name__ == "FileError" and missing in str(exc)
    # the m2mauth class still catches it, as before
    with pytest.raises(errors.FileError):
        load(missing)


def test_missing_file_through_a_path_object(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        Key.from_file(tmp_path / "nope.pem")
    assert info.value.filename == str(tmp_path / "nope.pem")


@pytest.mark.parametrize("load", [Key.from_file, Certificate.from_file], ids=["key", "certificate"])
def test_directory_instead_of_file_is_is_a_directory(tmp_path, load):
    with pytest.raises(IsADirectoryError) as info:
        load(tmp_path)
    exc = info.value
    assert isinstance(exc, errors.FileError)
    assert (exc.errno, exc.filename) == (errno.EISDIR, str(tmp_path))
    assert "directory" in str(exc)


def test_file_under_a_file_is_not_a_directory(tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("x")
    with pytest.raises(NotADirectoryError) as info:
        Key.from_file(plain / "key.pem")
    assert info.value.errno == errno.ENOTDIR and isinstance(info.value, errors.FileError)


def test_unreadable_file_is_permission_error(tmp_path):
    """As an unprivileged user (root reads any file: a forked child drops to nobody first)."""
    path = _pem_file(tmp_path, Key.generate("EC"))
    os.chmod(path, 0)
    if os.geteuid() != 0:
        with pytest.raises(PermissionError) as info:
            Key.from_file(path)
        assert (info.value.errno, info.value.filename) == (errno.EACCES, path)
        assert isinstance(info.value, errors.FileError)
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                Key.from_file(path)
            except PermissionError as exc:
                ok = isinstance(exc, errors.FileError) and exc.errno == errno.EACCES and exc.filename == path
                status = 0 if ok else 2
            except BaseException:
                status = 3
            os.write(write_end, bytes([status]))
        finally:
            os._exit(status)
    os.close(write_end)
    _, wait_status = os.waitpid(pid, 0)
    got = os.read(read_end, 1)
    os.close(read_end)
    assert os.WIFEXITED(wait_status) and got == b"\0", (wait_status, got)


def test_transport_certificate_files_are_os_errors(tmp_path):
    missing = str(tmp_path / "client.pem")
    with pytest.raises(FileNotFoundError) as info:
        m2mauth.Http(client_cert=missing, client_key=missing)
    exc = info.value
    assert isinstance(exc, errors.ConfigError)  # what the transport raised before, still
    assert (exc.errno, exc.filename) == (errno.ENOENT, missing)
    with pytest.raises(FileNotFoundError) as info:
        m2mauth.Http(ca_file=missing)
    assert info.value.filename == missing
    with pytest.raises(IsADirectoryError):
        m2mauth.Http(ca_file=str(tmp_path))
    m2mauth.Http(ca_dir=str(tmp_path)).close()  # a CA directory is a directory


def test_file_errors_pickle_with_their_os_attributes(tmp_path):
    missing = str(tmp_path / "missing.pem")
    with pytest.raises(FileNotFoundError) as info:
        Key.from_file(missing)
    back = pickle.loads(pickle.dumps(info.value))
    assert isinstance(back, FileNotFoundError) and isinstance(back, errors.FileError)
    assert (back.errno, back.filename, back.code, str(back)) == (errno.ENOENT, missing, -8, str(info.value))


def test_a_file_error_without_a_known_path_is_still_an_os_error():
    from m2mauth._native import native
    with pytest.raises(OSError) as info:
        native.raise_error(-8, "file gone")  # through the translator, as any failed library call
    assert type(info.value) is errors.FileError and info.value.errno is None and info.value.filename is None


@pytest.mark.parametrize("call", [
    lambda: Key.generate("RSA", bits=1000),
    lambda: Key.generate("EC", curve="P-999"),
    lambda: Key.generate("oct", bits=12),
    lambda: Key.generate("DSA"),
    lambda: Key.hmac(b""),
    lambda: Key.from_pem("not a key"),
    lambda: Key.from_jwk({"kty": "RSA"}),
    lambda: Key.from_file(""),
    lambda: m2mauth.jwt.decode("a.b.c", Key.hmac(b"k" * 32), algorithms=[]),
    lambda: m2mauth.jwt.decode("a.b.c", Key.hmac(b"k" * 32), algorithms=["HS256"], leeway=-1),
    lambda: m2mauth.jwt.encode({"a": 1}, b"too-short-secret", algorithm="HS256"),
    lambda: m2mauth.Http(timeout=-5),
], ids=["rsa-bits", "curve", "hmac-bits", "kty", "empty-secret", "pem", "jwk", "empty-path", "no-algorithms",
        "leeway", "short-secret", "timeout"])
def test_invalid_arguments_are_value_errors(call):
    with pytest.raises(ValueError) as info:
        call()
    assert not isinstance(info.value, TypeError)


@pytest.mark.parametrize("call", [
    lambda: Key.from_pem(12345),
    lambda: Key.hmac(3.5),
    lambda: Key.from_file(42),
    lambda: Key.generate("RSA", bits="2048"),
    lambda: Certificate.from_der("text is not DER"),
    lambda: m2mauth.jwt.encode(["not", "a", "mapping"], Key.hmac(b"k" * 32), algorithm="HS256"),
    lambda: m2mauth.jwt.encode({"a": 1}, 12345, algorithm="HS256"),
    lambda: m2mauth.jwt.decode(12345, Key.hmac(b"k" * 32), algorithms=["HS256"]),
    lambda: m2mauth.jwt.decode("a.b.c", object(), algorithms=["HS256"]),
    lambda: m2mauth.jwt.decode("a.b.c", Key.hmac(b"k" * 32), algorithms=["HS256"], leeway="1"),
    lambda: m2mauth.Http(verify="yes"),
], ids=["pem", "hmac", "path", "bits", "der", "payload", "encode-key", "token", "decode-key", "leeway", "verify"])
def test_wrong_types_are_type_errors(call):
    with pytest.raises(TypeError):
        call()


def test_short_hmac_secret_names_the_rule_not_the_secret():
    secret = "sixteen-byte-key"
    token = m2mauth.jwt.encode({"sub": "x"}, Key.hmac(b"s" * 32), algorithm="HS256")
    for call in (lambda: m2mauth.jwt.encode({"sub": "x"}, secret, algorithm="HS256"),
                 lambda: m2mauth.jwt.decode(token, secret, algorithms=["HS256"]),
                 lambda: m2mauth.jwt.decode(token, secret.encode(), algorithms=["HS256"])):
        with pytest.raises(ValueError) as info:
            call()
        exc = info.value
        assert isinstance(exc, m2mauth.InvalidKeyError)
        assert "at least 32 bytes" in str(exc) and "RFC 7518" in str(exc)
        assert secret not in str(exc) + repr(exc) + repr(exc.args)


def test_file_and_argument_errors_hold_no_secret(tmp_path):
    secret_pem = Key.generate("EC").private_pem(password="correct-horse")
    path = tmp_path / "encrypted.pem"
    path.write_text(secret_pem)
    texts = []
    for call, expected in (
            (lambda: Key.from_file(path, password="wrong-passphrase-xyz"), m2mauth.PassphraseError),
            (lambda: Key.from_file(path), m2mauth.PassphraseError),
            (lambda: Key.from_pem(secret_pem[:-60], password="correct-horse"), m2mauth.InvalidKeyError),
            (lambda: Key.from_file(tmp_path / "absent.pem", password="wrong-passphrase-xyz"), FileNotFoundError),
            (lambda: m2mauth.jwt.decode("x.y.z", "hmac-secret-value-that-is-long-enough-123",
                                        algorithms=["HS256"]), m2mauth.MalformedError),
    ):
        with pytest.raises(expected) as info:
            call()
        texts.append(str(info.value) + repr(info.value) + repr(info.value.args))
    blob = "\n".join(texts)
    body = "".join(secret_pem.splitlines()[1:-1])
    for s in ("wrong-passphrase-xyz", "correct-horse", body[:24], body[-24:], "hmac-secret-value"):
        assert s not in blob
